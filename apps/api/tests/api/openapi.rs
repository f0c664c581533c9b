//! The committed `openapi/openapi.json` is exactly what the code generates.

use std::path::PathBuf;

use test_support::{TestApp, TestResponse};

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json")
}

/// Fails when the committed document is stale. `UPDATE_OPENAPI=1 cargo test -p api --test api
/// openapi` (or `just openapi`) writes it anew.
#[test]
fn the_committed_openapi_document_is_up_to_date() {
    let generated = api::openapi::document_json().unwrap();
    let path = committed_path();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `just openapi` and commit the result"
    );
}

#[test]
fn every_operation_has_an_operation_id_and_documents_its_errors() {
    let doc: serde_json::Value =
        serde_json::from_str(&api::openapi::document_json().unwrap()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            assert!(
                operation["operationId"].is_string(),
                "{method} {path} has no operationId"
            );
            let responses = operation["responses"].as_object().unwrap();
            if path.starts_with("/v1/") {
                assert!(
                    responses.contains_key("401"),
                    "{method} {path} does not document its 401"
                );
            }
        }
    }
}

#[actix_web::test]
async fn the_api_serves_the_same_document_and_a_docs_page() {
    let app = TestApp::spawn().await;
    let served = TestResponse::send(app.get("/openapi.json"), None).await;
    assert_eq!(served.status, 200);
    // The generated document, which the test above holds equal to the committed one.
    let generated: serde_json::Value =
        serde_json::from_str(&api::openapi::document_json().unwrap()).unwrap();
    assert!(
        served.json() == generated,
        "the served document differs from the generated one"
    );

    let docs = TestResponse::send(app.get("/docs"), None).await;
    assert_eq!(docs.status, 200);
    assert!(
        docs.header("content-type")
            .unwrap_or_default()
            .starts_with("text/html")
    );
    let html = String::from_utf8(docs.body).unwrap();
    assert!(html.contains("/openapi.json"));
    assert!(
        !html.contains("https://"),
        "the docs page must work offline"
    );
    for (asset, content_type) in [
        ("/docs/swagger-ui-bundle.js", "text/javascript"),
        ("/docs/swagger-ui.css", "text/css"),
        ("/docs/swagger-init.js", "text/javascript"),
    ] {
        let served = TestResponse::send(app.get(asset), None).await;
        assert_eq!(served.status, 200, "{asset}");
        assert!(
            served
                .header("content-type")
                .unwrap_or_default()
                .starts_with(content_type),
            "{asset}"
        );
    }
}

/// The reference renders in a real browser from the api alone: Swagger UI draws every tag and the
/// operations of the document, and the page's policy lets it (a blocked script draws nothing).
#[actix_web::test]
async fn the_docs_page_renders_the_document_in_a_browser() {
    let app = TestApp::spawn().await;
    for (width, label) in [(1280, "desktop"), (390, "phone")] {
        let browser = test_support::Browser::start(&format!("api-docs-{label}"), width).await;
        browser.visit(&app.url("/docs"), "docs").await;
        browser.wait_for_text("adminRefundOrder").await;
        let text = browser.text().await;
        for expected in ["Commerce API", "storefront", "listProducts", "placeOrder"] {
            assert!(text.contains(expected), "{expected} on the {label} page");
        }
        browser.screenshot("docs").await;
    }
}

/// Enums are documented as they are serialised, or a generated client breaks on the first one.
#[test]
fn enums_are_documented_as_the_wire_spells_them() {
    use domain::{OrderStatus, OrgRole, PlatformRole, ProductStatus};
    fn wire<T: serde::Serialize>(all: &[T]) -> serde_json::Value {
        serde_json::to_value(all).unwrap()
    }
    let doc: serde_json::Value =
        serde_json::from_str(&api::openapi::document_json().unwrap()).unwrap();
    let schemas = &doc["components"]["schemas"];
    for (name, serialised) in [
        ("OrderStatus", wire(OrderStatus::ALL)),
        ("ProductStatus", wire(ProductStatus::ALL)),
        ("OrgRole", wire(OrgRole::ALL)),
        ("PlatformRole", wire(PlatformRole::ALL)),
    ] {
        assert_eq!(schemas[name]["enum"], serialised, "{name}");
        assert_eq!(schemas[name]["type"], "string", "{name}");
    }
}
