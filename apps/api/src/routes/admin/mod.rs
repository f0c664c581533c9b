//! `/v1/admin/*`: what a merchant manages. Every handler authorizes with the `admin` scope.

pub mod audit;
pub mod customers;
pub mod domains;
pub mod inventory;
pub mod orders;
pub mod payments;
pub mod products;
pub mod store;

use actix_web::web;

use super::resource;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/store/domains")
            .route(web::get().to(domains::list))
            .route(web::post().to(domains::add)),
    )
    .service(resource("/store/domains/{hostname}").route(web::delete().to(domains::remove)))
    .service(resource("/audit-events").route(web::get().to(audit::list)))
    .service(
        resource("/products")
            .route(web::get().to(products::list))
            .route(web::post().to(products::create)),
    )
    .service(
        resource("/products/{id}")
            .route(web::get().to(products::get))
            .route(web::patch().to(products::update))
            .route(web::delete().to(products::archive)),
    )
    .service(resource("/inventory").route(web::get().to(inventory::list)))
    .service(
        resource("/inventory/{variantId}/adjustments").route(web::post().to(inventory::adjust)),
    )
    .service(resource("/orders").route(web::get().to(orders::list)))
    .service(resource("/orders/{id}").route(web::get().to(orders::get)))
    .service(resource("/orders/{id}/payments").route(web::post().to(orders::record_payment)))
    .service(resource("/orders/{id}/fulfil").route(web::post().to(orders::fulfil)))
    .service(resource("/orders/{id}/cancel").route(web::post().to(orders::cancel)))
    .service(resource("/orders/{id}/refunds").route(web::post().to(orders::refund)))
    .service(
        resource("/customers")
            .route(web::get().to(customers::list))
            .route(web::post().to(customers::create)),
    )
    .service(
        resource("/customers/{id}")
            .route(web::get().to(customers::get))
            .route(web::patch().to(customers::update)),
    )
    .service(
        resource("/store")
            .route(web::get().to(store::get))
            .route(web::patch().to(store::update)),
    )
    .service(resource("/stats").route(web::get().to(store::stats)))
    .service(resource("/payment-events").route(web::get().to(payments::list)))
    .service(resource("/payment-events/{id}/retry").route(web::post().to(payments::retry)));
}
