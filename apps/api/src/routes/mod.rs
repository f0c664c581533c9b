//! Every route, registered in one place: one `resource` per path, so a path called with a method it
//! does not serve answers 405 (not 404).

pub mod admin;
pub mod auth;
pub mod docs;
pub mod health;
pub mod storefront;
pub mod webhooks;
pub mod whoami;

use actix_web::middleware::from_fn;
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
            resource("/.well-known/agent-configuration")
                .route(web::get().to(auth::agent::discovery::configuration)),
        )
        // Before the `/api/auth` scope and its small body limit: arguments may be as large as any
        // `/v1` body.
        .service(
            resource(identity::agents::EXECUTE_PATH)
                .wrap(from_fn(api_http::agent_protocol_errors))
                .route(web::post().to(auth::execute::execute)),
        )
        .service(
            web::scope("/api/auth")
                .app_data(api_http::json_config(AUTH_BODY_LIMIT))
                .configure(auth::configure),
        )
        .configure(configure_v1);
}

/// The `/v1` operations: the REST api, and what an agent's execute runs in-process.
pub fn configure_v1(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/v1")
            .service(resource("/whoami").route(web::get().to(whoami::whoami)))
            .service(resource("/store").route(web::get().to(storefront::get_storefront)))
            .service(resource("/products").route(web::get().to(storefront::list_products)))
            .service(resource("/products/{id}").route(web::get().to(storefront::get_product)))
            .service(
                resource("/products/by-handle/{handle}")
                    .route(web::get().to(storefront::get_product_by_handle)),
            )
            .service(resource("/carts").route(web::post().to(storefront::create_cart)))
            .service(resource("/carts/{id}").route(web::get().to(storefront::get_cart)))
            .service(resource("/carts/{id}/items").route(web::post().to(storefront::add_cart_item)))
            .service(
                resource("/carts/{id}/items/{itemId}")
                    .route(web::patch().to(storefront::update_cart_item))
                    .route(web::delete().to(storefront::remove_cart_item)),
            )
            .service(resource("/orders").route(web::post().to(storefront::place_order)))
            .service(resource("/orders/{id}").route(web::get().to(storefront::get_order)))
            .service(
                resource("/customer/orders").route(web::get().to(storefront::list_customer_orders)),
            )
            .service(
                resource("/webhooks/payments/{provider}")
                    .app_data(web::PayloadConfig::new(webhooks::WEBHOOK_BODY_LIMIT))
                    .route(web::post().to(webhooks::receive)),
            )
            .service(web::scope("/admin").configure(admin::configure)),
    );
}

fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed() -> Result<HttpResponse, ApiError> {
    Err(ApiError::from_status(StatusCode::METHOD_NOT_ALLOWED))
}
