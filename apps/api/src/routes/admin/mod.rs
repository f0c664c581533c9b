//! `/v1/admin/*`: what a merchant manages. Every handler authorizes with the `admin` scope.

pub mod audit;
pub mod domains;

use actix_web::web;

use super::resource;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/store/domains")
            .route(web::get().to(domains::list))
            .route(web::post().to(domains::add)),
    )
    .service(resource("/store/domains/{hostname}").route(web::delete().to(domains::remove)))
    .service(resource("/audit-events").route(web::get().to(audit::list)));
}
