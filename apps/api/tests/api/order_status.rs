//! An order's status page (`getOrder`): opened by the order's `statusKey` on its own store, or by
//! the signed-in shopper who placed it; to anyone else the order does not exist.

use actix_web::http::Method;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac as _};
use serde_json::{Value, json};
use sha2::Sha256;
use test_support::{CallerRequest as _, TestApp, TestResponse, TestStore, TestUser};

/// The `AUTH_SECRET` of every test instance (test-support).
const TEST_AUTH_SECRET: &str = "test-secret-shared-by-every-instance-0123456789";

async fn guest_order(app: &TestApp, store: &TestStore) -> Value {
    let sku = format!("SKU-{}", uuid::Uuid::now_v7().simple());
    let product = app.product(store, &sku, 900, 10).await;
    let cart = app
        .cart_with(store, product["variants"][0]["id"].as_str().unwrap(), 1)
        .await;
    let order = TestResponse::send_json(
        store.shop(app, Method::POST, "/v1/orders"),
        json!({"cartId": cart, "email": "guest@x.test"}),
    )
    .await;
    assert_eq!(order.status, 201, "{}", order.json());
    order.json()
}

fn status_path(order: &Value, key: Option<&str>) -> String {
    let id = order["id"].as_str().unwrap();
    match key {
        Some(key) => format!("/v1/orders/{id}?key={key}"),
        None => format!("/v1/orders/{id}"),
    }
}

#[actix_web::test]
async fn the_status_key_opens_the_order_on_its_own_store_only() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let other_store = app.store("globex").await;
    let order = guest_order(&app, &store).await;
    let second = guest_order(&app, &store).await;

    // base64url(HMAC-SHA256(AUTH_SECRET, "order-status:{org}:{order}")), without padding.
    let key = order["statusKey"].as_str().unwrap().to_owned();
    let mut mac = Hmac::<Sha256>::new_from_slice(TEST_AUTH_SECRET.as_bytes()).unwrap();
    mac.update(
        format!(
            "order-status:{}:{}",
            store.org,
            order["id"].as_str().unwrap()
        )
        .as_bytes(),
    );
    assert_eq!(key, URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()));
    assert_ne!(second["statusKey"], order["statusKey"]);

    let opened = TestResponse::send(
        store.shop(&app, Method::GET, &status_path(&order, Some(&key))),
        None,
    )
    .await;
    assert_eq!(opened.status, 200, "{}", opened.json());
    let opened = opened.json();
    assert_eq!(opened["id"], order["id"]);
    assert_eq!(opened["status"], "pending_payment");
    assert_eq!(opened["items"], order["items"]);
    assert_eq!(opened["statusKey"], order["statusKey"]);

    let mut wrong = key.clone().into_bytes();
    wrong[0] = if wrong[0] == b'A' { b'B' } else { b'A' };
    let wrong = String::from_utf8(wrong).unwrap();
    let second_key = second["statusKey"].as_str().unwrap();
    for (caller, path) in [
        ("a wrong key", status_path(&order, Some(&wrong))),
        ("another order's key", status_path(&order, Some(second_key))),
        ("no key", status_path(&order, None)),
        ("an empty key", status_path(&order, Some(""))),
        ("not base64", status_path(&order, Some("%25%25%25"))),
        ("a truncated key", status_path(&order, Some(&key[..20]))),
        (
            "the key of an order that does not exist",
            format!("/v1/orders/{}?key={key}", uuid::Uuid::now_v7()),
        ),
    ] {
        let refused = TestResponse::send(store.shop(&app, Method::GET, &path), None).await;
        assert_eq!(refused.status, 404, "{caller}: {}", refused.json());
        refused.assert_error(404, "NOT_FOUND");
    }
    // The right key on another store's host: that store has no such order.
    TestResponse::send(
        other_store.shop(&app, Method::GET, &status_path(&order, Some(&key))),
        None,
    )
    .await
    .assert_error(404, "NOT_FOUND");
    // The key answers what the order is now.
    let id = order["id"].as_str().unwrap();
    TestResponse::send(
        store.admin(&app, Method::POST, &format!("/v1/admin/orders/{id}/cancel")),
        None,
    )
    .await;
    let now = TestResponse::send(
        store.shop(&app, Method::GET, &status_path(&order, Some(&key))),
        None,
    )
    .await
    .json();
    assert_eq!(now["status"], "cancelled");

    // Admin answers are the merchant's view: no status key.
    let admin = TestResponse::send(
        store.admin(&app, Method::GET, &format!("/v1/admin/orders/{id}")),
        None,
    )
    .await
    .json();
    assert!(admin.get("statusKey").is_none(), "{admin}");
}

fn as_shopper<'a>(
    app: &'a TestApp,
    store: &'a TestStore,
    shopper: &'a TestUser,
) -> impl Fn(Method, &str) -> awc::ClientRequest + 'a {
    move |method, path| {
        store
            .shop(app, method, path)
            .with_session_cookie(&shopper.cookie)
            .insert_header(("origin", format!("https://{}", store.host)))
    }
}

#[actix_web::test]
async fn the_shopper_who_placed_an_order_sees_it_without_a_key_and_nobody_else_does() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1000, 10).await;
    let ada = app.sign_up("ada@x.test").await;
    let eve = app.sign_up("eve@x.test").await;
    let as_ada = as_shopper(&app, &store, &ada);
    let as_eve = as_shopper(&app, &store, &eve);

    let cart = TestResponse::send_json(as_ada(Method::POST, "/v1/carts"), json!({}))
        .await
        .json();
    let cart = cart["id"].as_str().unwrap();
    TestResponse::send_json(
        as_ada(Method::POST, &format!("/v1/carts/{cart}/items")),
        json!({"variantId": product["variants"][0]["id"], "quantity": 1}),
    )
    .await;
    let order = TestResponse::send_json(
        as_ada(Method::POST, "/v1/orders"),
        json!({"cartId": cart, "email": "ada@x.test"}),
    )
    .await
    .json();

    let seen = TestResponse::send(as_ada(Method::GET, &status_path(&order, None)), None).await;
    assert_eq!(seen.status, 200, "{}", seen.json());
    assert_eq!(seen.json()["id"], order["id"]);
    assert_eq!(seen.json()["statusKey"], order["statusKey"]);
    // Her own orders carry their keys too (a link to share from "my orders").
    let mine = TestResponse::send(as_ada(Method::GET, "/v1/customer/orders"), None)
        .await
        .json();
    assert_eq!(mine["data"][0]["statusKey"], order["statusKey"]);

    TestResponse::send(as_eve(Method::GET, &status_path(&order, None)), None)
        .await
        .assert_error(404, "NOT_FOUND");
    TestResponse::send(
        store.shop(&app, Method::GET, &status_path(&order, None)),
        None,
    )
    .await
    .assert_error(404, "NOT_FOUND");
    // Eve with Ada's key may see it: the key is the credential, whoever holds it.
    let key = order["statusKey"].as_str().unwrap();
    let keyed =
        TestResponse::send(as_eve(Method::GET, &status_path(&order, Some(key))), None).await;
    assert_eq!(keyed.status, 200, "{}", keyed.json());

    // A guest order with Ada's email is not hers without the key: she never placed it.
    let guest_cart = app
        .cart_with(&store, product["variants"][0]["id"].as_str().unwrap(), 1)
        .await;
    let guest = TestResponse::send_json(
        store.shop(&app, Method::POST, "/v1/orders"),
        json!({"cartId": guest_cart, "email": "ada@x.test"}),
    )
    .await
    .json();
    TestResponse::send(as_ada(Method::GET, &status_path(&guest, None)), None)
        .await
        .assert_error(404, "NOT_FOUND");
}
