//! What the OpenAPI document promises about bodies and parameters, the api keeps: a body is an
//! object, an optional body may be left out but never sent malformed, whole numbers may be written
//! `3.0`, and what the document bounds the code bounds alike (schemathesis checks the rest).

use actix_web::http::Method;
use serde_json::{Value, json};
use test_support::{TestApp, TestResponse};

async fn send(request: awc::ClientRequest, body: &str) -> TestResponse {
    TestResponse::send(
        request.insert_header(("content-type", "application/json")),
        Some(body),
    )
    .await
}

#[actix_web::test]
async fn a_body_is_an_object_never_an_array_of_its_fields() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let customer = TestResponse::send_json(
        store.admin(&app, Method::POST, "/v1/admin/customers"),
        json!({"email": "ada@example.com", "name": "Ada"}),
    )
    .await;
    assert_eq!(customer.status, 201, "{}", customer.json());
    let path = format!(
        "/v1/admin/customers/{}",
        customer.json()["id"].as_str().unwrap()
    );
    // serde reads a struct from an array of its fields too; the api must not.
    for array in ["[null, null]", r#"["eve@example.com", "Eve"]"#] {
        send(store.admin(&app, Method::PATCH, &path), array)
            .await
            .assert_error(400, "VALIDATION_ERROR");
    }
    let unchanged = TestResponse::send(store.admin(&app, Method::GET, &path), None).await;
    assert_eq!(unchanged.json()["email"], "ada@example.com");
}

#[actix_web::test]
async fn a_cart_body_may_be_left_out_but_not_sent_malformed() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let no_body = TestResponse::send(store.shop(&app, Method::POST, "/v1/carts"), None).await;
    assert_eq!(no_body.status, 201, "{}", no_body.json());
    for fine in ["null", "{}", r#"{"currency": "EUR"}"#] {
        let response = send(store.shop(&app, Method::POST, "/v1/carts"), fine).await;
        assert_eq!(response.status, 201, "{fine}: {}", response.json());
        assert_eq!(response.json()["currency"], "EUR");
    }
    // A body once sent is read: malformed, or of another shape, it is refused, not ignored.
    send(store.shop(&app, Method::POST, "/v1/carts"), "{")
        .await
        .assert_error(400, "MALFORMED_JSON");
    for wrong in [r#"{"currency": "euro"}"#, "[]", r#""EUR""#] {
        send(store.shop(&app, Method::POST, "/v1/carts"), wrong)
            .await
            .assert_error(400, "VALIDATION_ERROR");
    }
}

#[actix_web::test]
async fn whole_numbers_may_be_written_with_a_point_and_fractions_are_refused() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1500, 10).await;
    let variant = product["variants"][0]["id"].as_str().unwrap();
    let cart = TestResponse::send(store.shop(&app, Method::POST, "/v1/carts"), None).await;
    let items = format!("/v1/carts/{}/items", cart.json()["id"].as_str().unwrap());

    let body = format!(r#"{{"variantId": "{variant}", "quantity": 2.0}}"#);
    let added = send(store.shop(&app, Method::POST, &items), &body).await;
    assert_eq!(added.status, 200, "{}", added.json());
    assert_eq!(added.json()["items"][0]["quantity"], 2);
    for refused in ["2.5", "1e400", "\"2\""] {
        let body = format!(r#"{{"variantId": "{variant}", "quantity": {refused}}}"#);
        let response = send(store.shop(&app, Method::POST, &items), &body).await;
        assert_eq!(response.status, 400, "{refused}: {}", response.json());
    }
    let created = send(
        store.admin(&app, Method::POST, "/v1/admin/products"),
        r#"{"title": "Mug", "variants": [{"sku": "MUG", "price": {"amount": 900.0, "currency": "EUR"}}]}"#,
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.json());
    assert_eq!(created.json()["variants"][0]["price"]["amount"], 900);
}

#[actix_web::test]
async fn a_domain_is_registered_by_its_name_alone() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    for refused in [
        "shop.acme.test:443",
        "[::1]",
        "shop acme.test",
        "-shop.acme.test",
    ] {
        let response = TestResponse::send_json(
            store.admin(&app, Method::POST, "/v1/admin/store/domains"),
            json!({"hostname": refused}),
        )
        .await;
        let body = response.assert_error(400, "VALIDATION_ERROR");
        assert_eq!(
            body["details"]["fields"][0]["field"], "hostname",
            "{refused}"
        );
    }
}

#[actix_web::test]
async fn lists_take_only_their_own_cursors_and_bounds() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    for path in [
        "/v1/admin/audit-events",
        "/v1/admin/products",
        "/v1/admin/orders",
        "/v1/admin/customers",
        "/v1/admin/payment-events",
    ] {
        let page: Value = TestResponse::send(
            store.admin(&app, Method::GET, &format!("{path}?limit=1")),
            None,
        )
        .await
        .json();
        assert!(page["data"].is_array(), "{path}: {page}");
        // A cursor is the api's own: an id, or anything not shaped as one, is refused.
        for bad in [
            "0",
            "01a23c69-216f-759a-9842-5150f53c7787",
            "AAAAAAAAAAAAAAAAAAAAAB",
        ] {
            let response = TestResponse::send(
                store.admin(&app, Method::GET, &format!("{path}?cursor={bad}")),
                None,
            )
            .await;
            let body = response.assert_error(400, "VALIDATION_ERROR");
            assert_eq!(
                body["details"]["fields"][0]["field"], "cursor",
                "{path} {bad}"
            );
        }
        for limit in ["0", "101"] {
            TestResponse::send(
                store.admin(&app, Method::GET, &format!("{path}?limit={limit}")),
                None,
            )
            .await
            .assert_error(400, "VALIDATION_ERROR");
        }
    }
    // The audit log pages with the same cursors as every list.
    let first = TestResponse::send(
        store.admin(&app, Method::GET, "/v1/admin/audit-events?limit=1"),
        None,
    )
    .await
    .json();
    let cursor = first["nextCursor"].as_str().unwrap();
    assert_eq!(cursor.len(), 22, "{cursor}");
    let next = TestResponse::send(
        store.admin(
            &app,
            Method::GET,
            &format!("/v1/admin/audit-events?limit=1&cursor={cursor}"),
        ),
        None,
    )
    .await;
    assert_eq!(next.status, 200, "{}", next.json());
    assert_ne!(next.json()["data"][0]["id"], first["data"][0]["id"]);
}

#[actix_web::test]
async fn payment_events_are_filtered_by_a_status_the_document_names() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    for status in ["received", "processed", "failed", "ignored"] {
        let response = TestResponse::send(
            store.admin(
                &app,
                Method::GET,
                &format!("/v1/admin/payment-events?status={status}"),
            ),
            None,
        )
        .await;
        assert_eq!(response.status, 200, "{status}: {}", response.json());
    }
    TestResponse::send(
        store.admin(&app, Method::GET, "/v1/admin/payment-events?status=paid"),
        None,
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
}
