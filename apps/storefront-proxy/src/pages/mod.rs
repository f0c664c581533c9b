//! Every page of the storefront, registered in one place behind the pages' middleware: errors
//! rendered as pages, changes only from the store's own host, security headers.

mod account;
mod cart;
mod catalog;
mod checkout;
mod orders;
mod seo;

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, web};
use edge_proxy::EdgeSettings;
use web_ui::errors::{SignInPage, SiteName};
use web_ui::safety::{require_same_origin, security_headers};
use web_ui::{ApiClient, PageError, assets, render_page_errors};

use crate::shop::{HostVerdicts, Shop};

/// Registers the pages (called once per worker).
pub fn configure(cfg: &mut web::ServiceConfig, settings: &EdgeSettings, verdicts: HostVerdicts) {
    cfg.service(
        web::scope("")
            // No fixed origin: a change is sent with the store's own, which the api trusts.
            .app_data(web::Data::new(ApiClient::new(
                &settings.upstream_url,
                settings.upstream_timeout,
                None,
            )))
            .app_data(web::Data::new(verdicts))
            .app_data(SiteName("Shop"))
            .app_data(SignInPage("/account"))
            .configure(assets::configure)
            .route("/", web::get().to(catalog::catalog))
            .route("/products/{handle}", web::get().to(catalog::product))
            .route("/cart", web::get().to(cart::page))
            .route("/cart/items", web::post().to(cart::add))
            .route("/cart/items/{item}", web::post().to(cart::update))
            .route("/cart/items/{item}/remove", web::post().to(cart::remove))
            .route("/checkout", web::get().to(checkout::page))
            .route("/checkout", web::post().to(checkout::place))
            .route("/orders/{id}", web::get().to(orders::status))
            .route("/account", web::get().to(account::page))
            .route("/account/sign-in", web::post().to(account::sign_in))
            .route("/account/sign-up", web::post().to(account::sign_up))
            .route("/account/sign-out", web::post().to(account::sign_out))
            .route(
                "/account/forgot-password",
                web::get().to(account::forgot_page),
            )
            .route("/account/forgot-password", web::post().to(account::forgot))
            .route("/robots.txt", web::get().to(seo::robots))
            .route("/sitemap.xml", web::get().to(seo::sitemap))
            .route("/theme.css", web::get().to(theme))
            .default_service(web::to(not_found))
            // Innermost first: a cross-site post never reaches a handler, every error becomes a
            // page, and every page (error pages too) carries the security headers.
            .wrap(from_fn(require_same_origin))
            .wrap(from_fn(render_page_errors))
            .wrap(from_fn(security_headers)),
    );
}

/// The store's colours.
async fn theme(shop: Shop) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "public, max-age=60"))
        .body(crate::theme::stylesheet(shop.store.accent_color.as_deref()))
}

/// An unknown path of a known store is its 404 page; of an unknown host, the plain one.
async fn not_found(shop: Result<Shop, PageError>) -> Result<HttpResponse, PageError> {
    shop?;
    Err(PageError::NotFound)
}
