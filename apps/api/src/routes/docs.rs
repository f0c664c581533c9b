//! The OpenAPI document and a docs page that renders it without any network access.

use actix_web::{HttpResponse, http::header};
use api_types::operations;
use utoipa::OpenApi as _;

use crate::openapi::ApiDoc;

/// The OpenAPI 3.1 document of this API (the same one committed as `openapi/openapi.json`).
#[utoipa::path(
    get, path = "/openapi.json", operation_id = operations::GET_OPEN_API_DOCUMENT, tag = "operations",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")),
)]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

const DOCS_PAGE: &str = include_str!("../../static/docs.html");

/// The page's policy: everything from this origin; Swagger UI sets inline styles and draws its
/// icons as `data:` images.
const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/// The api reference: Swagger UI (vendored from the `swagger-ui-dist` npm package by
/// `scripts/vendor-assets.sh`, embedded in the binary) over `/openapi.json`. Works offline.
pub async fn docs_page() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CONTENT_SECURITY_POLICY, DOCS_POLICY))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(DOCS_PAGE)
}

/// One embedded file of the docs page. Cached for a day: the files change only with the binary.
fn asset(body: &'static [u8], content_type: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(body)
}

pub async fn swagger_ui_bundle() -> HttpResponse {
    asset(
        include_bytes!("../../static/swagger-ui/swagger-ui-bundle.js"),
        "text/javascript; charset=utf-8",
    )
}

pub async fn swagger_ui_css() -> HttpResponse {
    asset(
        include_bytes!("../../static/swagger-ui/swagger-ui.css"),
        "text/css; charset=utf-8",
    )
}

pub async fn swagger_init() -> HttpResponse {
    asset(
        include_bytes!("../../static/swagger-init.js"),
        "text/javascript; charset=utf-8",
    )
}
