//! No tenant ever sees another: every route with an id in its path, taken from the OpenAPI document
//! (so a new route cannot be forgotten), called by another organization with the first one's ids,
//! answers 404 and changes nothing; every list shows only the caller's own rows; and the store's
//! public face is the caller's own store.

use std::collections::HashMap;

use actix_web::http::Method;
use serde_json::{Value, json};
use test_support::{CallerRequest as _, TestApp, TestResponse};

const SECRET: &str = "checkout-secret-for-tests";

#[actix_web::test]
async fn another_organizations_ids_are_not_found_on_any_route() {
    let app = TestApp::spawn_with(|settings| {
        settings.checkout_api_secret = Some(api::Secret::new(SECRET))
    })
    .await;
    let acme = app.store("acme").await;
    let globex = app.store("globex").await;

    // Acme's world: a product, a cart with a line, an order, a customer, a payment event, a domain.
    let product = app.product(&acme, "ACME-1", 1000, 10).await;
    let variant = product["variants"][0]["id"].as_str().unwrap().to_owned();
    let cart = app.cart_with(&acme, &variant, 1).await;
    let cart_json = TestResponse::send(
        acme.shop(&app, Method::GET, &format!("/v1/carts/{cart}")),
        None,
    )
    .await
    .json();
    let item = cart_json["items"][0]["id"].as_str().unwrap().to_owned();
    let ordered_cart = app.cart_with(&acme, &variant, 2).await;
    let order = TestResponse::send_json(
        acme.shop(&app, Method::POST, "/v1/orders"),
        json!({"cartId": ordered_cart, "email": "a@acme.test"}),
    )
    .await
    .json();
    let order_id = order["id"].as_str().unwrap().to_owned();
    let customer = order["customerId"].as_str().unwrap().to_owned();
    let ghost = json!({"id": "evt_acme", "type": "payment.succeeded", "orderId": uuid::Uuid::now_v7(), "amount": 1, "currency": "EUR"});
    let event = TestResponse::send_json(
        app.post(&format!("/v1/webhooks/payments/generic?org={}", acme.org))
            .insert_header(("x-checkout-secret", SECRET)),
        ghost,
    )
    .await
    .json();
    let event_id = event["event"]["id"].as_str().unwrap().to_owned();

    let ids: HashMap<(&str, &str), String> = HashMap::from([
        (
            ("/v1/products/{id}", "id"),
            product["id"].as_str().unwrap().to_owned(),
        ),
        (
            ("/v1/products/by-handle/{handle}", "handle"),
            product["handle"].as_str().unwrap().to_owned(),
        ),
        (("/v1/carts/{id}", "id"), cart.clone()),
        (("/v1/carts/{id}/items", "id"), cart.clone()),
        (("/v1/carts/{id}/items/{itemId}", "id"), cart.clone()),
        (("/v1/carts/{id}/items/{itemId}", "itemId"), item.clone()),
        (
            ("/v1/admin/products/{id}", "id"),
            product["id"].as_str().unwrap().to_owned(),
        ),
        (
            ("/v1/admin/inventory/{variantId}/adjustments", "variantId"),
            variant.clone(),
        ),
        (("/v1/orders/{id}", "id"), order_id.clone()),
        (("/v1/admin/orders/{id}", "id"), order_id.clone()),
        (("/v1/admin/orders/{id}/fulfil", "id"), order_id.clone()),
        (("/v1/admin/orders/{id}/cancel", "id"), order_id.clone()),
        (("/v1/admin/orders/{id}/refunds", "id"), order_id.clone()),
        (("/v1/admin/orders/{id}/payments", "id"), order_id.clone()),
        (("/v1/admin/customers/{id}", "id"), customer.clone()),
        (
            ("/v1/admin/payment-events/{id}/retry", "id"),
            event_id.clone(),
        ),
        (
            ("/v1/admin/store/domains/{hostname}", "hostname"),
            acme.host.clone(),
        ),
        (
            ("/v1/admin/store/domains/{hostname}/verify", "hostname"),
            acme.host.clone(),
        ),
    ]);
    // Routes whose path names no tenant resource: the webhook's organization travels in the query
    // and is authenticated by a shared secret (tested below); capabilities are the same for all.
    let not_caller_resolved = [
        "/v1/webhooks/payments/{provider}",
        "/api/auth/agent/capabilities/{name}",
    ];
    let body = json!({"title": "hacked", "name": "hacked", "quantity": 1, "variantId": variant, "amount": 2000, "delta": 1, "reason": "cross-tenant", "method": "cash", "reference": "cross-tenant"});

    let document: Value = serde_json::from_str(&api::openapi::document_json().unwrap()).unwrap();
    let mut checked = 0;
    for (template, item) in document["paths"].as_object().unwrap() {
        if !template.contains('{') || not_caller_resolved.contains(&template.as_str()) {
            continue;
        }
        let mut path = template.clone();
        for name in template
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split('}').next())
        {
            let id = ids.get(&(template.as_str(), name)).unwrap_or_else(|| {
                panic!("no id of another tenant for `{name}` in {template}: add it to this test")
            });
            path = path.replace(&format!("{{{name}}}"), id);
        }
        for method in item.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for (who, request) in [
                (
                    "globex's key",
                    app.request(method.clone(), &path).with_api_key(&globex.key),
                ),
                (
                    "globex's storefront",
                    app.request(method.clone(), &path).on_host(&globex.host),
                ),
            ] {
                let response = if matches!(method, Method::POST | Method::PATCH) {
                    TestResponse::send_json(request, body.clone()).await
                } else {
                    TestResponse::send(request, None).await
                };
                let status = response.status.as_u16();
                let admin_route_as_storefront =
                    who.ends_with("storefront") && template.starts_with("/v1/admin");
                let expected = if admin_route_as_storefront { 403 } else { 404 };
                assert_eq!(
                    status,
                    expected,
                    "{who} {method} {template}: {}",
                    response.json()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "only {checked} calls were checked");

    // Globex's own cart cannot take Acme's variant.
    let own_cart = TestResponse::send_json(globex.shop(&app, Method::POST, "/v1/carts"), json!({}))
        .await
        .json();
    let own_cart = own_cart["id"].as_str().unwrap();
    TestResponse::send_json(
        globex.shop(&app, Method::POST, &format!("/v1/carts/{own_cart}/items")),
        json!({"variantId": variant, "quantity": 1}),
    )
    .await
    .assert_error(404, "NOT_FOUND");
    // Nor order Acme's cart.
    TestResponse::send_json(
        globex.shop(&app, Method::POST, "/v1/orders"),
        json!({"cartId": cart, "email": "g@globex.test"}),
    )
    .await
    .assert_error(404, "NOT_FOUND");
    // A payment event for Globex naming Acme's order applies to nothing.
    let foreign = json!({"id": "evt_cross", "type": "payment.succeeded", "orderId": order_id, "amount": 2000, "currency": "EUR"});
    let received = TestResponse::send_json(
        app.post(&format!("/v1/webhooks/payments/generic?org={}", globex.org))
            .insert_header(("x-checkout-secret", SECRET)),
        foreign,
    )
    .await
    .json();
    assert_eq!(received["event"]["status"], "failed");

    // Nothing of Acme's changed.
    let after = TestResponse::send(
        acme.admin(
            &app,
            Method::GET,
            &format!("/v1/admin/products/{}", product["id"].as_str().unwrap()),
        ),
        None,
    )
    .await
    .json();
    assert_eq!(after["title"], product["title"]);
    assert_eq!(after["variants"][0]["inventory"]["available"], 8);
    let acme_cart = TestResponse::send(
        acme.shop(&app, Method::GET, &format!("/v1/carts/{cart}")),
        None,
    )
    .await
    .json();
    // The lines are as they were; only the stock they show moved, with acme's own order.
    let lines = |cart: &Value| {
        let mut items = cart["items"].clone();
        for item in items.as_array_mut().into_iter().flatten() {
            item.as_object_mut().map(|line| line.remove("available"));
        }
        items
    };
    assert_eq!(lines(&acme_cart), lines(&cart_json));
    let acme_order = TestResponse::send(
        acme.admin(&app, Method::GET, &format!("/v1/admin/orders/{order_id}")),
        None,
    )
    .await
    .json();
    assert_eq!(
        (
            acme_order["status"].as_str(),
            acme_order["refunded"]["amount"].as_i64()
        ),
        (Some("pending_payment"), Some(0))
    );
    let acme_customer = TestResponse::send(
        acme.admin(
            &app,
            Method::GET,
            &format!("/v1/admin/customers/{customer}"),
        ),
        None,
    )
    .await
    .json();
    assert_eq!(acme_customer["name"], Value::Null);
    assert_eq!(
        TestResponse::send(app.get("/v1/whoami").on_host(&acme.host), None)
            .await
            .json()["organizationId"],
        acme.org.to_string()
    );
}

#[actix_web::test]
async fn every_list_shows_only_the_callers_own_rows() {
    let app = TestApp::spawn().await;
    let acme = app.store("acme").await;
    let globex = app.store("globex").await;
    let product = app.product(&acme, "ACME-1", 1000, 10).await;
    let cart = app
        .cart_with(&acme, product["variants"][0]["id"].as_str().unwrap(), 1)
        .await;
    TestResponse::send_json(
        acme.shop(&app, Method::POST, "/v1/orders"),
        json!({"cartId": cart, "email": "a@acme.test"}),
    )
    .await;
    for path in [
        "/v1/admin/products",
        "/v1/admin/orders",
        "/v1/admin/customers",
        "/v1/admin/inventory",
        "/v1/admin/payment-events",
    ] {
        let theirs = TestResponse::send(globex.admin(&app, Method::GET, path), None)
            .await
            .json();
        assert_eq!(theirs["data"], json!([]), "{path}");
        let ours = TestResponse::send(acme.admin(&app, Method::GET, path), None)
            .await
            .json();
        if path != "/v1/admin/payment-events" {
            assert_eq!(ours["data"].as_array().unwrap().len(), 1, "{path}");
        }
    }
    let shelf = TestResponse::send(globex.shop(&app, Method::GET, "/v1/products"), None)
        .await
        .json();
    assert_eq!(shelf["data"], json!([]));
    let acme_face = TestResponse::send_json(
        acme.admin(&app, Method::PATCH, "/v1/admin/store"),
        json!({"name": "Acme Goods", "accentColor": "#112233", "supportEmail": "help@acme.test"}),
    )
    .await;
    assert_eq!(acme_face.status, 200, "{}", acme_face.json());
    for (who, request) in [
        (
            "globex's key",
            app.get("/v1/store").with_api_key(&globex.key),
        ),
        (
            "globex's storefront",
            globex.shop(&app, Method::GET, "/v1/store"),
        ),
    ] {
        assert_eq!(
            TestResponse::send(request, None).await.json(),
            json!({"name": "globex", "currency": "EUR", "accentColor": null, "supportEmail": null}),
            "{who}"
        );
    }
    let domains = TestResponse::send(
        globex.admin(&app, Method::GET, "/v1/admin/store/domains"),
        None,
    )
    .await
    .json();
    assert_eq!(domains["data"].as_array().unwrap().len(), 1);
    assert_eq!(domains["data"][0]["hostname"], globex.host);
}
