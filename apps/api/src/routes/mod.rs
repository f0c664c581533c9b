//! Every route, registered in one place: one [`endpoint`] per path, so a path called with a method
//! it does not serve answers 405 with `Allow` (not 404).

pub mod admin;
pub mod auth;
pub mod docs;
mod endpoint;
pub mod health;
pub mod storefront;
pub mod webhooks;
pub mod whoami;

use actix_web::middleware::from_fn;
use actix_web::web;

use endpoint::endpoint;

/// Sign-in and sign-up bodies are small: a tighter limit than the default.
const AUTH_BODY_LIMIT: usize = 16 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(endpoint("/healthz").get(health::healthz))
        .service(endpoint("/readyz").get(health::readyz))
        .service(endpoint("/openapi.json").get(docs::openapi_json))
        .service(endpoint("/docs").get(docs::docs_page))
        .service(endpoint("/docs/swagger-ui-bundle.js").get(docs::swagger_ui_bundle))
        .service(endpoint("/docs/swagger-ui.css").get(docs::swagger_ui_css))
        .service(endpoint("/docs/swagger-init.js").get(docs::swagger_init))
        .service(
            endpoint("/.well-known/agent-configuration").get(auth::agent::discovery::configuration),
        )
        // Before the `/api/auth` scope and its small body limit: arguments may be as large as any
        // `/v1` body.
        .service(
            endpoint(identity::agents::EXECUTE_PATH)
                .post(auth::execute::execute)
                .into_resource()
                .wrap(from_fn(api_http::agent_protocol_errors)),
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
            .service(endpoint("/whoami").get(whoami::whoami))
            .service(endpoint("/store").get(storefront::get_storefront))
            .service(endpoint("/products").get(storefront::list_products))
            .service(endpoint("/products/{id}").get(storefront::get_product))
            .service(
                endpoint("/products/by-handle/{handle}").get(storefront::get_product_by_handle),
            )
            .service(endpoint("/carts").post(storefront::create_cart))
            .service(endpoint("/carts/{id}").get(storefront::get_cart))
            .service(endpoint("/carts/{id}/items").post(storefront::add_cart_item))
            .service(
                endpoint("/carts/{id}/items/{itemId}")
                    .patch(storefront::update_cart_item)
                    .delete(storefront::remove_cart_item),
            )
            .service(endpoint("/orders").post(storefront::place_order))
            .service(endpoint("/orders/{id}").get(storefront::get_order))
            .service(endpoint("/customer/orders").get(storefront::list_customer_orders))
            .service(
                endpoint("/webhooks/payments/{provider}")
                    .app_data(web::PayloadConfig::new(webhooks::WEBHOOK_BODY_LIMIT))
                    .post(webhooks::receive),
            )
            .service(web::scope("/admin").configure(admin::configure)),
    );
}
