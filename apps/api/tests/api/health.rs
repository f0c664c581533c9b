use test_support::{TestApp, TestResponse};

#[actix_web::test]
async fn healthz_answers_ok() {
    let app = TestApp::spawn().await;
    let response = TestResponse::send(app.get("/healthz"), None).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["status"], "ok");
}

#[actix_web::test]
async fn readyz_names_the_database_it_reached() {
    let app = TestApp::spawn().await;
    let response = TestResponse::send(app.get("/readyz"), None).await;
    assert_eq!(response.status, 200);
    let body = response.json();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["database"], app.database.db.backend.as_str());
}

#[actix_web::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/nowhere", "/v1/whoami"] {
        let response = TestResponse::send(app.get(path), None).await;
        assert!(response.header("x-request-id").is_some(), "{path}");
    }
    let response = TestResponse::send(
        app.get("/healthz")
            .insert_header(("x-request-id", "edge-42")),
        None,
    )
    .await;
    assert_eq!(response.header("x-request-id"), Some("edge-42"));
}
