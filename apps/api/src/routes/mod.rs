//! Every route, registered in one place: one `resource` per path, so a path called with a method it
//! does not serve answers 405 (not 404).

pub mod admin;
pub mod auth;
pub mod docs;
pub mod health;
pub mod whoami;

use actix_web::{HttpResponse, Resource, http::StatusCode, web};
use api_http::ApiError;

/// Sign-in and sign-up bodies are small: a tighter limit than the default.
const AUTH_BODY_LIMIT: usize = 16 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/healthz").route(web::get().to(health::healthz)))
        .service(resource("/readyz").route(web::get().to(health::readyz)))
        .service(resource("/openapi.json").route(web::get().to(docs::openapi_json)))
        .service(resource("/docs").route(web::get().to(docs::docs_page)))
        .service(
            web::scope("/api/auth")
                .app_data(api_http::json_config(AUTH_BODY_LIMIT))
                .configure(auth::configure),
        )
        .service(
            web::scope("/v1")
                .service(resource("/whoami").route(web::get().to(whoami::whoami)))
                .service(web::scope("/admin").configure(admin::configure)),
        );
}

fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed() -> Result<HttpResponse, ApiError> {
    Err(ApiError::from_status(StatusCode::METHOD_NOT_ALLOWED))
}
