//! The OpenAPI document and a docs page that renders it without any network access.

use actix_web::{HttpResponse, http::header};
use utoipa::OpenApi as _;

use crate::openapi::ApiDoc;

/// The OpenAPI 3.1 document of this API (the same one committed as `openapi/openapi.json`).
#[utoipa::path(
    get, path = "/openapi.json", operation_id = "getOpenApiDocument", tag = "operations",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")),
)]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

const DOCS_PAGE: &str = include_str!("../../static/docs.html");

/// A self-contained page (no CDN) listing every operation of `/openapi.json`.
pub async fn docs_page() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'",
        ))
        .body(DOCS_PAGE)
}
