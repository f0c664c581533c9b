//! What a storefront edge reads of its store: its public face (`getStorefront`) and a product by
//! its handle (`getProductByHandle`), each only of the caller's own store.

use actix_web::http::Method;
use serde_json::{Value, json};
use test_support::{CallerRequest as _, TestApp, TestResponse};

async fn read(request: awc::ClientRequest) -> Value {
    let response = TestResponse::send(request, None).await;
    assert_eq!(response.status, 200, "{}", response.json());
    response.json()
}

async fn not_found(request: awc::ClientRequest) {
    TestResponse::send(request, None)
        .await
        .assert_error(404, "NOT_FOUND");
}

#[actix_web::test]
async fn each_store_shows_its_own_public_face_and_nothing_more() {
    let app = TestApp::spawn().await;
    let acme = app.store("acme").await;
    let globex = app.store("globex").await;
    let changed = TestResponse::send_json(
        acme.admin(&app, Method::PATCH, "/v1/admin/store"),
        json!({"name": "Acme Goods", "currency": "USD", "supportEmail": "help@acme.test",
               "accentColor": "#FF6600", "stripeWebhookSecret": "whsec_not_for_shoppers"}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.json());

    // Exactly these four fields: no secret, no id, no timestamps.
    let acme_face = json!({"name": "Acme Goods", "currency": "USD", "accentColor": "#ff6600",
                           "supportEmail": "help@acme.test"});
    assert_eq!(
        read(acme.shop(&app, Method::GET, "/v1/store")).await,
        acme_face
    );
    // A store that never changed its settings: the organization's name, EUR, nothing else.
    assert_eq!(
        read(globex.shop(&app, Method::GET, "/v1/store")).await,
        json!({"name": "globex", "currency": "EUR", "accentColor": null, "supportEmail": null})
    );

    // Every storefront caller of Acme sees Acme's: a storefront key, an admin key, the merchant's
    // session, a shopper's session on Acme's host, an agent of Acme.
    let storefront_key = app.api_key(&acme.owner, &["storefront"]).await;
    let shopper = app.sign_up("shopper@example.test").await;
    let agent = app.agent(acme.org, None, &["getStorefront"]).await;
    let now = app.clock_now().timestamp();
    for (who, request) in [
        (
            "storefront key",
            app.get("/v1/store").with_api_key(&storefront_key),
        ),
        ("admin key", app.get("/v1/store").with_api_key(&acme.key)),
        (
            "merchant session",
            app.as_user(Method::GET, "/v1/store", &acme.owner),
        ),
        (
            "shopper session",
            app.get("/v1/store")
                .on_host(&acme.host)
                .with_session_cookie(&shopper.cookie),
        ),
        ("agent", app.get("/v1/store").with_bearer(&agent.token(now))),
        // A key names its store, whatever the host.
        (
            "key on another host",
            app.get("/v1/store")
                .on_host(&globex.host)
                .with_api_key(&acme.key),
        ),
    ] {
        assert_eq!(read(request).await, acme_face, "{who}");
    }

    // An unknown host is a 401, as every storefront read answers it.
    TestResponse::send(app.get("/v1/store").on_host("unknown.example"), None)
        .await
        .assert_error(401, "UNKNOWN_HOST");
    // Not an admin route: another method is a 405, never a write.
    assert_eq!(
        TestResponse::send_json(acme.shop(&app, Method::PATCH, "/v1/store"), json!({}))
            .await
            .status,
        405
    );
}

#[actix_web::test]
async fn a_product_is_found_by_its_handle_only_while_published_in_its_own_store() {
    let app = TestApp::spawn().await;
    let acme = app.store("acme").await;
    let globex = app.store("globex").await;
    let published = app.product(&acme, "TEE-1", 1999, 5).await;
    let handle = published["handle"].as_str().unwrap().to_owned();
    assert_eq!(handle, "product-tee-1");
    let by_handle = |store: &test_support::TestStore, handle: &str| {
        store.shop(
            &app,
            Method::GET,
            &format!("/v1/products/by-handle/{handle}"),
        )
    };

    // The very product `getProduct` answers, to every storefront caller of the store.
    let by_id = read(acme.shop(
        &app,
        Method::GET,
        &format!("/v1/products/{}", published["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(read(by_handle(&acme, &handle)).await, by_id);
    let path = format!("/v1/products/by-handle/{handle}");
    assert_eq!(read(app.get(&path).with_api_key(&acme.key)).await, by_id);
    let agent = app.agent(acme.org, None, &["getProductByHandle"]).await;
    let token = agent.token(app.clock_now().timestamp());
    assert_eq!(read(app.get(&path).with_bearer(&token)).await, by_id);

    // Another store never finds it, by host or by key.
    not_found(by_handle(&globex, &handle)).await;
    not_found(app.get(&path).with_api_key(&globex.key)).await;
    // The same handle in another store is that store's own product.
    let theirs = app.product(&globex, "TEE-1", 500, 1).await;
    assert_eq!(theirs["handle"], handle);
    assert_eq!(read(by_handle(&globex, &handle)).await["id"], theirs["id"]);
    assert_eq!(read(by_handle(&acme, &handle)).await["id"], published["id"]);

    // A draft is not on the storefront, not even to an admin key asking the storefront route.
    let draft = TestResponse::send_json(
        acme.admin(&app, Method::POST, "/v1/admin/products"),
        json!({"title": "Secret Tee", "variants": [{"sku": "SECRET", "price": {"amount": 100, "currency": "EUR"}}]}),
    )
    .await
    .json();
    assert_eq!(
        (draft["status"].as_str(), draft["handle"].as_str()),
        (Some("draft"), Some("secret-tee"))
    );
    not_found(by_handle(&acme, "secret-tee")).await;
    not_found(
        app.get("/v1/products/by-handle/secret-tee")
            .with_api_key(&acme.key),
    )
    .await;

    // Unknown handles, and handles no product could have (matched as stored: lower case).
    let too_long = "a".repeat(201);
    for unknown in [
        "no-such-product",
        "Product-TEE-1",
        "PRODUCT-TEE-1",
        "-product-tee-1",
        "product-tee-1-",
        "product%20tee",
        "t%C3%A9",
        "%00",
        too_long.as_str(),
    ] {
        let response = TestResponse::send(by_handle(&acme, unknown), None).await;
        assert_eq!(response.status, 404, "{unknown}: {}", response.json());
        assert_eq!(response.json()["code"], "NOT_FOUND", "{unknown}");
    }

    // Archived: gone, as `getProduct` answers it.
    let archive = format!("/v1/admin/products/{}", published["id"].as_str().unwrap());
    assert_eq!(
        TestResponse::send(acme.admin(&app, Method::DELETE, &archive), None)
            .await
            .status,
        200
    );
    not_found(by_handle(&acme, &handle)).await;

    // An unknown host is a 401, as every storefront read answers it.
    TestResponse::send(app.get(&path).on_host("unknown.example"), None)
        .await
        .assert_error(401, "UNKNOWN_HOST");
}
