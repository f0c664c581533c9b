//! Store settings and customers, as a merchant manages them.

use actix_web::http::Method;
use serde_json::json;
use test_support::{TestApp, TestResponse};

#[actix_web::test]
async fn settings_start_from_the_organization_and_the_currency_locks_with_the_first_product() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let settings = TestResponse::send(store.admin(&app, Method::GET, "/v1/admin/store"), None)
        .await
        .json();
    assert_eq!(
        (settings["name"].as_str(), settings["currency"].as_str()),
        (Some("acme"), Some("EUR"))
    );
    assert_eq!(settings["stripeWebhookSecretSet"], false);

    let update =
        |body| TestResponse::send_json(store.admin(&app, Method::PATCH, "/v1/admin/store"), body);
    let changed =
        update(json!({"name": "Acme Goods", "currency": "USD", "supportEmail": "Help@Acme.test"}))
            .await
            .json();
    assert_eq!(
        (
            changed["name"].as_str(),
            changed["currency"].as_str(),
            changed["supportEmail"].as_str()
        ),
        (Some("Acme Goods"), Some("USD"), Some("help@acme.test"))
    );
    update(json!({"currency": "usd"}))
        .await
        .assert_error(400, "VALIDATION_ERROR");
    update(json!({"supportEmail": "nope", "name": ""}))
        .await
        .assert_error(400, "VALIDATION_ERROR");

    let body = json!({"title": "Tee", "variants": [{"sku": "T", "price": {"amount": 100, "currency": "USD"}}]});
    assert_eq!(
        TestResponse::send_json(store.admin(&app, Method::POST, "/v1/admin/products"), body)
            .await
            .status,
        201
    );
    update(json!({"currency": "EUR"}))
        .await
        .assert_error(409, "CURRENCY_LOCKED");
    assert_eq!(update(json!({"name": "Still fine"})).await.status, 200);
}

#[actix_web::test]
async fn the_accent_colour_is_validated_stored_in_lower_case_and_cleared_by_an_empty_string() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let update =
        |body| TestResponse::send_json(store.admin(&app, Method::PATCH, "/v1/admin/store"), body);
    let accent = |settings: serde_json::Value| settings["accentColor"].clone();
    let face = || async {
        TestResponse::send(store.shop(&app, Method::GET, "/v1/store"), None)
            .await
            .json()
    };
    let settings = TestResponse::send(store.admin(&app, Method::GET, "/v1/admin/store"), None)
        .await
        .json();
    assert_eq!(accent(settings), json!(null));
    assert_eq!(accent(face().await), json!(null));

    assert_eq!(
        accent(update(json!({"accentColor": "#A1b2C3"})).await.json()),
        "#a1b2c3"
    );
    assert_eq!(accent(face().await), "#a1b2c3");
    // Another change keeps it.
    assert_eq!(
        accent(update(json!({"name": "Acme Goods"})).await.json()),
        "#a1b2c3"
    );

    for bad in [
        "a1b2c3",
        "#abc",
        "#a1b2c3d",
        "#gggggg",
        "red",
        " #a1b2c3",
        "#a1b2c3 ",
        "##a1b2c",
        "#ａｂｃ",
    ] {
        let body = update(json!({"accentColor": bad}))
            .await
            .assert_error(400, "VALIDATION_ERROR");
        assert_eq!(
            body["details"]["fields"][0]["field"], "accentColor",
            "{bad:?}: {body}"
        );
    }
    // Refused changes change nothing, not even the other fields of the same request.
    update(json!({"name": "Renamed", "accentColor": "blue"}))
        .await
        .assert_error(400, "VALIDATION_ERROR");
    let settings = TestResponse::send(store.admin(&app, Method::GET, "/v1/admin/store"), None)
        .await
        .json();
    assert_eq!(
        (settings["name"].as_str(), settings["accentColor"].as_str()),
        (Some("Acme Goods"), Some("#a1b2c3"))
    );

    assert_eq!(
        accent(update(json!({"accentColor": ""})).await.json()),
        json!(null)
    );
    assert_eq!(accent(face().await), json!(null));
}

#[actix_web::test]
async fn customers_are_one_per_email_and_editable() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let create = |body| {
        TestResponse::send_json(store.admin(&app, Method::POST, "/v1/admin/customers"), body)
    };
    let created = create(json!({"email": "Ada@Example.com", "name": "Ada"})).await;
    assert_eq!(created.status, 201, "{}", created.json());
    let id = created.json()["id"].as_str().unwrap().to_owned();
    create(json!({"email": "ada@example.com"}))
        .await
        .assert_error(409, "CUSTOMER_EXISTS");
    create(json!({"email": "not an email"}))
        .await
        .assert_error(400, "VALIDATION_ERROR");

    let path = format!("/v1/admin/customers/{id}");
    let updated = TestResponse::send_json(
        store.admin(&app, Method::PATCH, &path),
        json!({"name": "Ada Lovelace"}),
    )
    .await
    .json();
    assert_eq!(
        (updated["name"].as_str(), updated["email"].as_str()),
        (Some("Ada Lovelace"), Some("ada@example.com"))
    );
    let fetched = TestResponse::send(store.admin(&app, Method::GET, &path), None)
        .await
        .json();
    assert_eq!(fetched, updated);
    TestResponse::send(
        store.admin(
            &app,
            Method::GET,
            &format!("/v1/admin/customers/{}", uuid::Uuid::now_v7()),
        ),
        None,
    )
    .await
    .assert_error(404, "NOT_FOUND");

    // The same key retried answers the first customer; the key reused for another one is 422.
    let keyed = |email: &str| {
        TestResponse::send_json(
            store
                .admin(&app, Method::POST, "/v1/admin/customers")
                .insert_header(("idempotency-key", "import-7")),
            json!({"email": email}),
        )
    };
    let first = keyed("bob@example.com").await;
    let again = keyed("bob@example.com").await;
    assert_eq!(first.json(), again.json());
    keyed("carol@example.com")
        .await
        .assert_error(422, "IDEMPOTENCY_KEY_REUSED");
}

#[actix_web::test]
async fn a_retry_while_the_first_request_runs_is_409() {
    use db::entities::idempotency_key;
    use sea_orm::{ActiveModelTrait as _, ActiveValue};

    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let body = json!({"email": "dave@example.com"});
    // The first request's claim, as it stands while that request runs.
    let principal = TestResponse::send(
        app.get("/v1/whoami")
            .insert_header(("x-api-key", store.key.clone())),
        None,
    )
    .await
    .json()["principalId"]
        .as_str()
        .unwrap()
        .to_owned();
    let fingerprint = {
        use base64::Engine as _;
        use sha2::Digest as _;
        let request: api_types::commerce::CreateCustomerRequest =
            serde_json::from_value(body.clone()).unwrap();
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(serde_json::to_vec(&request).unwrap()))
    };
    idempotency_key::ActiveModel {
        organization_id: ActiveValue::Set(store.org.as_uuid()),
        principal_id: ActiveValue::Set(principal),
        operation: ActiveValue::Set("adminCreateCustomer".to_owned()),
        key: ActiveValue::Set("in-flight".to_owned()),
        fingerprint: ActiveValue::Set(fingerprint),
        state: ActiveValue::Set("in_flight".to_owned()),
        response_status: ActiveValue::Set(None),
        response_body: ActiveValue::Set(None),
        created_at: ActiveValue::Set(app.clock_now()),
    }
    .insert(&app.database.db.conn)
    .await
    .unwrap();
    let retry = store
        .admin(&app, Method::POST, "/v1/admin/customers")
        .insert_header(("idempotency-key", "in-flight"));
    TestResponse::send_json(retry, body.clone())
        .await
        .assert_error(409, "IDEMPOTENCY_IN_PROGRESS");

    // A claim abandoned by a process that died is taken over after a minute.
    app.clock.advance(chrono::Duration::seconds(61));
    let retry = store
        .admin(&app, Method::POST, "/v1/admin/customers")
        .insert_header(("idempotency-key", "in-flight"));
    assert_eq!(TestResponse::send_json(retry, body).await.status, 201);
}
