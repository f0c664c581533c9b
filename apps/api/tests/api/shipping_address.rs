//! An order's shipping address: checked field by field, stored with the order, answered wherever
//! the order is, and part of what an idempotent retry must repeat.

use actix_web::http::Method;
use serde_json::{Value, json};
use test_support::{CallerRequest as _, TestApp, TestResponse, TestStore};

fn address() -> Value {
    json!({
        "name": "  Ada Lovelace ",
        "line1": "12 Example Street",
        "line2": "   ",
        "city": "Berlin",
        "postalCode": " 10115",
        "country": "de",
        "phone": "+49 (30) 123-4567",
    })
}

async fn new_cart(app: &TestApp, store: &TestStore) -> String {
    let sku = format!("SKU-{}", uuid::Uuid::now_v7().simple());
    let product = app.product(store, &sku, 1500, 10).await;
    app.cart_with(store, product["variants"][0]["id"].as_str().unwrap(), 1)
        .await
}

async fn place(
    app: &TestApp,
    store: &TestStore,
    key: Option<&str>,
    body: impl std::borrow::Borrow<Value>,
) -> TestResponse {
    let mut request = store.shop(app, Method::POST, "/v1/orders");
    if let Some(key) = key {
        request = request.insert_header(("idempotency-key", key.to_owned()));
    }
    TestResponse::send_json(request, body).await
}

/// The fields a 400 names, in order.
fn fields(body: &Value) -> Vec<String> {
    body["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| field["field"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn an_order_keeps_its_shipping_address_and_answers_it_everywhere() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let shopper = app.sign_up("ada@x.test").await;
    let as_shopper = |method, path: &str| {
        store
            .shop(&app, method, path)
            .with_session_cookie(&shopper.cookie)
            .insert_header(("origin", format!("https://{}", store.host)))
    };
    let sku = "TEE";
    let product = app.product(&store, sku, 1500, 10).await;
    let cart = TestResponse::send_json(as_shopper(Method::POST, "/v1/carts"), json!({}))
        .await
        .json();
    let cart = cart["id"].as_str().unwrap();
    TestResponse::send_json(
        as_shopper(Method::POST, &format!("/v1/carts/{cart}/items")),
        json!({"variantId": product["variants"][0]["id"], "quantity": 1}),
    )
    .await;

    let placed = TestResponse::send_json(
        as_shopper(Method::POST, "/v1/orders"),
        json!({"cartId": cart, "email": "ada@x.test", "shippingAddress": address()}),
    )
    .await;
    assert_eq!(placed.status, 201, "{}", placed.json());
    let placed = placed.json();
    // Trimmed, the country upper-cased, a blank optional line absent.
    let stored = json!({
        "name": "Ada Lovelace",
        "line1": "12 Example Street",
        "line2": null,
        "city": "Berlin",
        "postalCode": "10115",
        "region": null,
        "country": "DE",
        "phone": "+49 (30) 123-4567",
    });
    assert_eq!(placed["shippingAddress"], stored);

    let id = placed["id"].as_str().unwrap();
    let admin = TestResponse::send(
        store.admin(&app, Method::GET, &format!("/v1/admin/orders/{id}")),
        None,
    )
    .await
    .json();
    assert_eq!(admin["shippingAddress"], stored);
    let list = TestResponse::send(store.admin(&app, Method::GET, "/v1/admin/orders"), None)
        .await
        .json();
    assert_eq!(list["data"][0]["shippingAddress"], stored);
    let mine = TestResponse::send(as_shopper(Method::GET, "/v1/customer/orders"), None)
        .await
        .json();
    assert_eq!(mine["data"][0]["shippingAddress"], stored);
    let status = TestResponse::send(as_shopper(Method::GET, &format!("/v1/orders/{id}")), None)
        .await
        .json();
    assert_eq!(status["shippingAddress"], stored);

    // Every optional field, kept when given; an order without an address answers `null`.
    let full = json!({
        "name": "Grace Hopper", "line1": "1 Navy Way", "line2": "Apt 4", "city": "Arlington",
        "postalCode": "22201", "region": "VA", "country": "US", "phone": "555 0100",
    });
    let other = place(
        &app,
        &store,
        None,
        json!({"cartId": new_cart(&app, &store).await, "email": "g@x.test", "shippingAddress": full}),
    )
    .await
    .json();
    assert_eq!(other["shippingAddress"], full);
    let none = place(
        &app,
        &store,
        None,
        json!({"cartId": new_cart(&app, &store).await, "email": "n@x.test"}),
    )
    .await;
    assert_eq!(none.status, 201, "{}", none.json());
    let none = none.json();
    assert!(none["shippingAddress"].is_null(), "{none}");
    assert!(
        none.as_object().unwrap().contains_key("shippingAddress"),
        "answered as null, not left out: {none}"
    );
}

#[actix_web::test]
async fn each_problem_of_an_address_is_a_400_naming_its_field() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let cart = new_cart(&app, &store).await;

    let with = |changes: Value| {
        let mut body = address();
        for (name, value) in changes.as_object().unwrap() {
            body[name] = value.clone();
        }
        json!({"cartId": cart, "email": "s@x.test", "shippingAddress": body})
    };
    let long = "x".repeat(201);
    for (changes, field) in [
        (json!({"name": ""}), "shippingAddress.name"),
        (json!({"line1": "   "}), "shippingAddress.line1"),
        (json!({"line1": "one\ntwo"}), "shippingAddress.line1"),
        (json!({"line2": long}), "shippingAddress.line2"),
        (json!({"city": long}), "shippingAddress.city"),
        (json!({"postalCode": ""}), "shippingAddress.postalCode"),
        (json!({"region": long}), "shippingAddress.region"),
        (json!({"country": "DEU"}), "shippingAddress.country"),
        (json!({"country": "D1"}), "shippingAddress.country"),
        (json!({"country": "ü"}), "shippingAddress.country"),
        (json!({"phone": "call me"}), "shippingAddress.phone"),
        (json!({"phone": "+-()"}), "shippingAddress.phone"),
    ] {
        let refused = place(&app, &store, None, with(changes.clone()))
            .await
            .assert_error(400, "VALIDATION_ERROR");
        assert_eq!(fields(&refused), [field], "{changes}: {refused}");
    }
    // 200 characters is the most, counted in characters.
    let ok = place(&app, &store, None, with(json!({"city": "ü".repeat(200)}))).await;
    assert_eq!(ok.status, 201, "{}", ok.json());

    // Missing fields are named one by one, beside the other problems of the request.
    let cart = new_cart(&app, &store).await;
    let refused = place(
        &app,
        &store,
        None,
        json!({"cartId": cart, "email": "nope", "shippingAddress": {"name": "Ada"}}),
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
    assert_eq!(
        fields(&refused),
        [
            "email",
            "shippingAddress.line1",
            "shippingAddress.city",
            "shippingAddress.postalCode",
            "shippingAddress.country",
        ],
        "{refused}"
    );
    // Nothing was placed: the cart is still open.
    let placed = place(
        &app,
        &store,
        None,
        json!({"cartId": cart, "email": "s@x.test", "shippingAddress": address()}),
    )
    .await;
    assert_eq!(placed.status, 201, "{}", placed.json());
}

#[actix_web::test]
async fn a_retry_with_the_same_address_replays_and_another_address_is_422() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let cart = new_cart(&app, &store).await;
    let body = json!({"cartId": cart, "email": "s@x.test", "shippingAddress": address()});

    let first = place(&app, &store, Some("checkout-1"), &body).await;
    assert_eq!(first.status, 201, "{}", first.json());
    let retry = place(&app, &store, Some("checkout-1"), &body).await;
    assert_eq!(retry.status, 201, "{}", retry.json());
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.json(), retry.json());

    let mut moved = body.clone();
    moved["shippingAddress"]["city"] = json!("Hamburg");
    place(&app, &store, Some("checkout-1"), &moved)
        .await
        .assert_error(422, "IDEMPOTENCY_KEY_REUSED");
    let mut without = body.clone();
    without.as_object_mut().unwrap().remove("shippingAddress");
    place(&app, &store, Some("checkout-1"), &without)
        .await
        .assert_error(422, "IDEMPOTENCY_KEY_REUSED");

    // A body without an address replays as before: `shippingAddress` absent and `null` are one body.
    let cart = new_cart(&app, &store).await;
    let plain = json!({"cartId": cart, "email": "s@x.test"});
    let first = place(&app, &store, Some("checkout-2"), &plain).await;
    assert_eq!(first.status, 201, "{}", first.json());
    let retry = place(
        &app,
        &store,
        Some("checkout-2"),
        json!({"cartId": cart, "email": "s@x.test", "shippingAddress": null}),
    )
    .await;
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.json(), retry.json());
}
