//! Carts and orders: prices from the catalog, stock reserved atomically, retries made safe.

use actix_web::http::Method;
use serde_json::json;
use test_support::{CallerRequest as _, TestApp, TestResponse, TestStore};

async fn available(app: &TestApp, store: &TestStore, product: &serde_json::Value) -> i64 {
    let path = format!("/v1/admin/products/{}", product["id"].as_str().unwrap());
    TestResponse::send(store.admin(app, Method::GET, &path), None)
        .await
        .json()["variants"][0]["inventory"]["available"]
        .as_i64()
        .unwrap()
}

async fn place(app: &TestApp, store: &TestStore, cart: &str, key: Option<&str>) -> TestResponse {
    let mut request = store.shop(app, Method::POST, "/v1/orders");
    if let Some(key) = key {
        request = request.insert_header(("idempotency-key", key.to_owned()));
    }
    TestResponse::send_json(
        request,
        json!({"cartId": cart, "email": "Shopper@Example.com"}),
    )
    .await
}

#[actix_web::test]
async fn a_cart_is_priced_from_the_catalog_and_edited() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1999, 10).await;
    let variant = product["variants"][0]["id"].as_str().unwrap();
    let cart = app.cart_with(&store, variant, 2).await;
    let body = TestResponse::send_json(
        store.shop(&app, Method::POST, &format!("/v1/carts/{cart}/items")),
        json!({"variantId": variant, "quantity": 1}),
    )
    .await
    .json();
    assert_eq!(body["items"][0]["quantity"], 3);
    assert_eq!(
        body["items"][0]["unitPrice"],
        json!({"amount": 1999, "currency": "EUR"})
    );
    assert_eq!(body["subtotal"], json!({"amount": 5997, "currency": "EUR"}));
    assert_eq!(
        body["items"][0]["available"], 10,
        "a line says what is in stock: a cart holds none"
    );
    let item = body["items"][0]["id"].as_str().unwrap();

    let updated = TestResponse::send_json(
        store.shop(
            &app,
            Method::PATCH,
            &format!("/v1/carts/{cart}/items/{item}"),
        ),
        json!({"quantity": 1}),
    )
    .await
    .json();
    assert_eq!(updated["subtotal"]["amount"], 1999);
    for quantity in [0, -1, 1001] {
        TestResponse::send_json(
            store.shop(
                &app,
                Method::PATCH,
                &format!("/v1/carts/{cart}/items/{item}"),
            ),
            json!({"quantity": quantity}),
        )
        .await
        .assert_error(400, "VALIDATION_ERROR");
    }
    TestResponse::send_json(
        store.shop(&app, Method::POST, &format!("/v1/carts/{cart}/items")),
        json!({"variantId": uuid::Uuid::now_v7(), "quantity": 1}),
    )
    .await
    .assert_error(404, "NOT_FOUND");
    TestResponse::send_json(
        store.shop(&app, Method::POST, "/v1/carts"),
        json!({"currency": "USD"}),
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
    let removed = TestResponse::send(
        store.shop(
            &app,
            Method::DELETE,
            &format!("/v1/carts/{cart}/items/{item}"),
        ),
        None,
    )
    .await
    .json();
    assert_eq!(removed["items"], json!([]));
    place(&app, &store, &cart, None)
        .await
        .assert_error(400, "VALIDATION_ERROR");
}

#[actix_web::test]
async fn placing_an_order_reserves_stock_and_closes_the_cart() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1999, 5).await;
    let cart = app
        .cart_with(&store, product["variants"][0]["id"].as_str().unwrap(), 2)
        .await;

    let order = place(&app, &store, &cart, None).await;
    assert_eq!(order.status, 201, "{}", order.json());
    let order = order.json();
    assert_eq!(order["status"], "pending_payment");
    assert_eq!(order["email"], "shopper@example.com");
    assert_eq!(order["total"], json!({"amount": 3998, "currency": "EUR"}));
    assert_eq!(order["items"][0]["quantity"], 2);
    assert_eq!(available(&app, &store, &product).await, 3);

    place(&app, &store, &cart, None)
        .await
        .assert_error(409, "CART_NOT_OPEN");
    TestResponse::send_json(
        store.shop(&app, Method::POST, &format!("/v1/carts/{cart}/items")),
        json!({"variantId": product["variants"][0]["id"], "quantity": 1}),
    )
    .await
    .assert_error(409, "CART_NOT_OPEN");

    let too_many = app
        .cart_with(&store, product["variants"][0]["id"].as_str().unwrap(), 4)
        .await;
    let refused = place(&app, &store, &too_many, None)
        .await
        .assert_error(409, "INSUFFICIENT_STOCK");
    assert_eq!(refused["details"]["conflict"]["available"], 3);
    assert_eq!(
        available(&app, &store, &product).await,
        3,
        "a refused order reserves nothing"
    );

    // Cancelling gives the stock back; a cancelled order cannot be fulfilled.
    let id = order["id"].as_str().unwrap();
    let cancelled = TestResponse::send(
        store.admin(&app, Method::POST, &format!("/v1/admin/orders/{id}/cancel")),
        None,
    )
    .await
    .json();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(available(&app, &store, &product).await, 5);
    TestResponse::send(
        store.admin(&app, Method::POST, &format!("/v1/admin/orders/{id}/fulfil")),
        None,
    )
    .await
    .assert_error(409, "ILLEGAL_TRANSITION");
    TestResponse::send(
        store.admin(&app, Method::POST, &format!("/v1/admin/orders/{id}/cancel")),
        None,
    )
    .await
    .assert_error(409, "ILLEGAL_TRANSITION");
}

#[actix_web::test]
async fn an_idempotency_key_makes_a_retry_return_the_first_order() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1000, 5).await;
    let cart = app
        .cart_with(&store, product["variants"][0]["id"].as_str().unwrap(), 1)
        .await;

    let first = place(&app, &store, &cart, Some("order-attempt-1")).await;
    let retry = place(&app, &store, &cart, Some("order-attempt-1")).await;
    assert_eq!((first.status.as_u16(), retry.status.as_u16()), (201, 201));
    assert_eq!(first.json(), retry.json());
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        available(&app, &store, &product).await,
        4,
        "one order, one reservation"
    );

    let other = TestResponse::send_json(
        store
            .shop(&app, Method::POST, "/v1/orders")
            .insert_header(("idempotency-key", "order-attempt-1")),
        json!({"cartId": cart, "email": "someone-else@example.com"}),
    )
    .await;
    other.assert_error(422, "IDEMPOTENCY_KEY_REUSED");

    // A failed attempt is not stored as the answer: the key can be used again once it would work.
    let empty = TestResponse::send_json(store.shop(&app, Method::POST, "/v1/carts"), json!({}))
        .await
        .json();
    let empty = empty["id"].as_str().unwrap();
    place(&app, &store, empty, Some("second-key"))
        .await
        .assert_error(400, "VALIDATION_ERROR");
    TestResponse::send_json(
        store.shop(&app, Method::POST, &format!("/v1/carts/{empty}/items")),
        json!({"variantId": product["variants"][0]["id"], "quantity": 1}),
    )
    .await;
    assert_eq!(
        place(&app, &store, empty, Some("second-key")).await.status,
        201
    );
    let list = TestResponse::send(store.admin(&app, Method::GET, "/v1/admin/orders"), None)
        .await
        .json();
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
}

/// Fifty shoppers race for the last ten units: exactly ten orders, stock zero, never negative.
#[actix_web::test]
async fn concurrent_checkouts_never_oversell() {
    let app = TestApp::spawn_with(|settings| settings.workers = Some(2)).await;
    let store = app.store("acme").await;
    let product = app.product(&store, "LAST", 500, 10).await;
    let variant = product["variants"][0]["id"].as_str().unwrap().to_owned();
    let mut carts = Vec::new();
    for _ in 0..50 {
        carts.push(app.cart_with(&store, &variant, 1).await);
    }
    let attempts = carts.iter().map(|cart| place(&app, &store, cart, None));
    let outcomes = futures_util::future::join_all(attempts).await;
    let placed = outcomes.iter().filter(|o| o.status == 201).count();
    let refused = outcomes
        .iter()
        .filter(|o| o.status == 409 && o.json()["code"] == "INSUFFICIENT_STOCK")
        .count();
    assert_eq!(
        (placed, refused),
        (10, 40),
        "{:?}",
        outcomes.iter().map(|o| o.status).collect::<Vec<_>>()
    );
    assert_eq!(available(&app, &store, &product).await, 0);
}

#[actix_web::test]
async fn a_signed_in_shopper_sees_only_their_own_orders_in_this_store() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1000, 10).await;
    let variant = product["variants"][0]["id"].as_str().unwrap();
    let shopper = app.sign_up_verified("shopper@x.test").await;
    let as_shopper = |method, path: &str| {
        store
            .shop(&app, method, path)
            .with_session_cookie(&shopper.cookie)
            .insert_header(("origin", format!("https://{}", store.host)))
    };
    let cart = TestResponse::send_json(as_shopper(Method::POST, "/v1/carts"), json!({}))
        .await
        .json();
    let cart = cart["id"].as_str().unwrap();
    TestResponse::send_json(
        as_shopper(Method::POST, &format!("/v1/carts/{cart}/items")),
        json!({"variantId": variant, "quantity": 1}),
    )
    .await;
    // Another caller cannot see or use the shopper's cart.
    TestResponse::send(
        store.shop(&app, Method::GET, &format!("/v1/carts/{cart}")),
        None,
    )
    .await
    .assert_error(404, "NOT_FOUND");
    let order = TestResponse::send_json(
        as_shopper(Method::POST, "/v1/orders"),
        json!({"cartId": cart, "email": "shopper@x.test"}),
    )
    .await;
    assert_eq!(order.status, 201, "{}", order.json());
    let guest_cart = app.cart_with(&store, variant, 1).await;
    assert_eq!(place(&app, &store, &guest_cart, None).await.status, 201);

    let mine = TestResponse::send(as_shopper(Method::GET, "/v1/customer/orders"), None)
        .await
        .json();
    assert_eq!(mine["data"].as_array().unwrap().len(), 1);
    assert_eq!(mine["data"][0]["id"], order.json()["id"]);
    TestResponse::send(store.shop(&app, Method::GET, "/v1/customer/orders"), None)
        .await
        .assert_error(401, "UNAUTHORIZED");
    let customers = TestResponse::send(store.admin(&app, Method::GET, "/v1/admin/customers"), None)
        .await
        .json();
    let linked: Vec<&serde_json::Value> = customers["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["userId"] == shopper.user_id.as_str())
        .collect();
    assert_eq!(
        linked.len(),
        1,
        "the shopper's orders link to one customer record"
    );
}

/// The customer records of the store, by email: whose account each is tied to.
async fn customer_owners(app: &TestApp, store: &TestStore) -> Vec<(String, serde_json::Value)> {
    let customers = TestResponse::send(store.admin(app, Method::GET, "/v1/admin/customers"), None)
        .await
        .json();
    customers["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["email"].as_str().unwrap().to_owned(), c["userId"].clone()))
        .collect()
}

/// L12: typing someone's address at checkout never ties their customer record to your account;
/// only your own verified address does.
#[actix_web::test]
async fn a_customer_record_is_tied_only_to_the_account_that_verified_its_address() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1000, 10).await;
    let variant = product["variants"][0]["id"].as_str().unwrap();
    let guest_cart = app.cart_with(&store, variant, 1).await;
    let guest = TestResponse::send_json(
        store.shop(&app, Method::POST, "/v1/orders"),
        json!({"cartId": guest_cart, "email": "victim@x.test"}),
    )
    .await;
    assert_eq!(guest.status, 201);

    let order_as = |user: &test_support::TestUser, email: &'static str| {
        let cookie = user.cookie.clone();
        let app = &app;
        let store = &store;
        async move {
            let cart = TestResponse::send_json(
                store
                    .shop(app, Method::POST, "/v1/carts")
                    .with_session_cookie(&cookie)
                    .insert_header(("origin", format!("https://{}", store.host))),
                json!({}),
            )
            .await
            .json();
            let cart = cart["id"].as_str().unwrap().to_owned();
            TestResponse::send_json(
                store
                    .shop(app, Method::POST, &format!("/v1/carts/{cart}/items"))
                    .with_session_cookie(&cookie)
                    .insert_header(("origin", format!("https://{}", store.host))),
                json!({"variantId": variant, "quantity": 1}),
            )
            .await;
            let placed = TestResponse::send_json(
                store
                    .shop(app, Method::POST, "/v1/orders")
                    .with_session_cookie(&cookie)
                    .insert_header(("origin", format!("https://{}", store.host))),
                json!({"cartId": cart, "email": email}),
            )
            .await;
            assert_eq!(placed.status, 201, "{}", placed.json());
        }
    };

    // A verified attacker orders with the victim's address: the victim's record stays theirs.
    let attacker = app.sign_up_verified("attacker@x.test").await;
    order_as(&attacker, "victim@x.test").await;
    // A shopper who has not verified their address is not tied to it yet.
    let unverified = app.sign_up("late@x.test").await;
    order_as(&unverified, "late@x.test").await;
    let owners = customer_owners(&app, &store).await;
    let owner_of = |email: &str| {
        owners
            .iter()
            .find(|(address, _)| address == email)
            .map(|(_, owner)| owner.clone())
            .unwrap()
    };
    assert_eq!(owner_of("victim@x.test"), serde_json::Value::Null);
    assert_eq!(owner_of("late@x.test"), serde_json::Value::Null);

    // Once verified, their next order ties the record to them.
    app.verify_email(&unverified).await;
    order_as(&unverified, "late@x.test").await;
    let owners = customer_owners(&app, &store).await;
    let late = owners
        .iter()
        .find(|(address, _)| address == "late@x.test")
        .unwrap();
    assert_eq!(late.1, unverified.user_id.as_str());
}
