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

use super::endpoint;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        endpoint("/store/domains")
            .get(domains::list)
            .post(domains::add),
    )
    .service(endpoint("/store/domains/{hostname}").delete(domains::remove))
    .service(endpoint("/store/domains/{hostname}/verify").post(domains::verify))
    .service(endpoint("/audit-events").get(audit::list))
    .service(
        endpoint("/products")
            .get(products::list)
            .post(products::create),
    )
    .service(
        endpoint("/products/{id}")
            .get(products::get)
            .patch(products::update)
            .delete(products::archive),
    )
    .service(endpoint("/inventory").get(inventory::list))
    .service(endpoint("/inventory/{variantId}/adjustments").post(inventory::adjust))
    .service(endpoint("/orders").get(orders::list))
    .service(endpoint("/orders/{id}").get(orders::get))
    .service(endpoint("/orders/{id}/payments").post(orders::record_payment))
    .service(endpoint("/orders/{id}/fulfil").post(orders::fulfil))
    .service(endpoint("/orders/{id}/cancel").post(orders::cancel))
    .service(endpoint("/orders/{id}/refunds").post(orders::refund))
    .service(
        endpoint("/customers")
            .get(customers::list)
            .post(customers::create),
    )
    .service(
        endpoint("/customers/{id}")
            .get(customers::get)
            .patch(customers::update),
    )
    .service(endpoint("/store").get(store::get).patch(store::update))
    .service(endpoint("/stats").get(store::stats))
    .service(endpoint("/payment-events").get(payments::list))
    .service(endpoint("/payment-events/{id}/retry").post(payments::retry));
}
