//! Every error is the JSON envelope, never HTML or a bare string.

use actix_web::http::Method;
use test_support::{TestApp, TestResponse};

#[actix_web::test]
async fn unknown_routes_are_a_404_envelope() {
    let app = TestApp::spawn().await;
    for path in [
        "/nowhere",
        "/v1/nowhere",
        "/v1/admin/products/../../etc/passwd",
        "/%FF",
    ] {
        let response = TestResponse::send(app.get(path), None).await;
        response.assert_error(404, "NOT_FOUND");
        assert!(
            response
                .header("content-type")
                .unwrap_or_default()
                .starts_with("application/json")
        );
    }
}

#[actix_web::test]
async fn a_wrong_method_is_an_envelope() {
    let app = TestApp::spawn().await;
    for method in [Method::POST, Method::DELETE, Method::PUT, Method::PATCH] {
        let response =
            TestResponse::send(app.request(method.clone(), "/v1/whoami"), Some("{}")).await;
        let body = response.assert_error(405, "METHOD_NOT_ALLOWED");
        assert_eq!(response.header("allow"), Some("GET"), "{method}");
        assert_eq!(body["details"]["allowed"], serde_json::json!(["GET"]));
    }
    // A path of several methods names them all, in the order they are registered.
    let response = TestResponse::send(app.request(Method::PUT, "/v1/admin/products/x"), None).await;
    response.assert_error(405, "METHOD_NOT_ALLOWED");
    assert_eq!(response.header("allow"), Some("GET, PATCH, DELETE"));
}

#[actix_web::test]
async fn a_large_body_sent_to_a_read_route_is_a_4xx_envelope() {
    let app = TestApp::spawn().await;
    let big = "x".repeat(2 * 1024 * 1024);
    let response = TestResponse::send(app.post("/healthz"), Some(&big)).await;
    assert!(response.status.is_client_error(), "{}", response.status);
    assert!(response.json()["code"].is_string());
}
