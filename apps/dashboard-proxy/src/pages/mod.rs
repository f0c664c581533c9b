//! Every page of the dashboard, registered in one place behind the pages' middleware: errors
//! rendered as pages, changes only from this site, security headers.

mod accounts;
mod admin;
mod agent_approval;
mod agents;
mod api_keys;
mod audit;
mod batch;
mod bulk;
mod customers;
mod device;
mod email_links;
mod home;
mod inventory;
mod invitation;
mod orders;
pub(crate) mod products;
mod products_csv;
mod settings;
mod stock_bulk;
mod stores;
mod team;
mod whoami;

use actix_web::middleware::from_fn;
use actix_web::web;
use edge_proxy::EdgeSettings;
use web_ui::errors::SiteName;
use web_ui::safety::{PublicOrigins, require_same_origin, security_headers};
use web_ui::{ApiClient, PageError, assets, render_page_errors};

use crate::shell::{SITE, ShellMemory, forget_frames_on_changes};

/// Registers the pages (called once per worker).
pub fn configure(cfg: &mut web::ServiceConfig, settings: &EdgeSettings) {
    cfg.service(
        web::scope("")
            .app_data(web::Data::new(ApiClient::new(
                &settings.upstream_url,
                settings.upstream_timeout,
                Some(settings.frontend_url.clone()),
            )))
            .app_data(web::Data::new(ShellMemory::default()))
            .app_data(PublicOrigins(vec![settings.frontend_url.clone()]))
            .app_data(SiteName(SITE))
            .app_data(web::Data::new(agents::ApprovalPage(
                settings.agent_approval_page.clone(),
            )))
            .configure(assets::configure)
            .route("/sign-in", web::get().to(accounts::sign_in_page))
            .route("/sign-in", web::post().to(accounts::sign_in))
            .route("/sign-up", web::get().to(accounts::sign_up_page))
            .route("/sign-up", web::post().to(accounts::sign_up))
            .route("/sign-out", web::post().to(accounts::sign_out))
            .route("/verify-email", web::get().to(email_links::verify))
            .route("/verify-email/resend", web::post().to(email_links::resend))
            .route("/forgot-password", web::get().to(email_links::forgot_page))
            .route("/forgot-password", web::post().to(email_links::forgot))
            .route("/reset-password", web::get().to(email_links::reset_page))
            .route("/reset-password", web::post().to(email_links::reset))
            .route("/onboarding", web::get().to(stores::onboarding_page))
            .route("/onboarding", web::post().to(stores::create))
            .route("/stores", web::get().to(stores::choose_page))
            .route("/stores/switch", web::post().to(stores::switch))
            .route("/", web::get().to(home::home))
            .route("/products", web::get().to(products::list))
            .route("/products/bulk", web::post().to(bulk::bulk))
            .route("/products/export.csv", web::get().to(products_csv::export))
            .route("/products/import", web::get().to(products_csv::import_page))
            .route("/products/import", web::post().to(products_csv::import))
            .route("/products/new", web::get().to(products::new_page))
            .route("/products/new", web::post().to(products::create))
            .route("/products/{id}", web::get().to(products::edit_page))
            .route("/products/{id}", web::post().to(products::update))
            .route("/products/{id}/archive", web::post().to(products::archive))
            .route("/inventory", web::get().to(inventory::list))
            .route("/inventory/bulk", web::post().to(stock_bulk::bulk))
            .route(
                "/inventory/{variant}/adjust",
                web::post().to(inventory::adjust),
            )
            .route("/customers", web::get().to(customers::list))
            .route("/customers", web::post().to(customers::create))
            .route("/customers/{id}", web::get().to(customers::detail))
            .route("/customers/{id}", web::post().to(customers::update))
            .route("/orders", web::get().to(orders::list))
            .route("/orders/{id}", web::get().to(orders::detail))
            .route(
                "/orders/{id}/payment",
                web::post().to(orders::record_payment),
            )
            .route("/orders/{id}/fulfil", web::post().to(orders::fulfil))
            .route("/orders/{id}/cancel", web::post().to(orders::cancel))
            .route("/orders/{id}/refund", web::post().to(orders::refund))
            .route("/settings/store", web::get().to(settings::store_page))
            .route("/settings/store", web::post().to(settings::update_store))
            .route("/settings/domains", web::get().to(settings::domains_page))
            .route("/settings/domains", web::post().to(settings::add_domain))
            .route(
                "/settings/domains/remove",
                web::post().to(settings::remove_domain),
            )
            .route(
                "/settings/domains/verify",
                web::post().to(settings::verify_domain),
            )
            .route("/settings/team", web::get().to(team::list))
            .route("/settings/team", web::post().to(team::add))
            .route("/settings/team/role", web::post().to(team::change_role))
            .route("/settings/team/remove", web::post().to(team::remove))
            .route(
                "/settings/team/invitations/revoke",
                web::post().to(team::revoke_invitation),
            )
            .route("/invitations/accept", web::get().to(invitation::page))
            .route("/invitations/accept", web::post().to(invitation::accept))
            .route("/audit", web::get().to(audit::list))
            .route("/settings/api-keys", web::get().to(api_keys::list))
            .route("/settings/api-keys", web::post().to(api_keys::create))
            .route(
                "/settings/api-keys/revoke",
                web::post().to(api_keys::revoke),
            )
            .route("/device", web::get().to(device::page))
            .route("/device", web::post().to(device::decide))
            .route(
                &settings.agent_approval_page,
                web::get().to(agent_approval::page),
            )
            .route(
                &settings.agent_approval_page,
                web::post().to(agent_approval::decide),
            )
            .route("/agents", web::get().to(agents::list))
            .route(
                "/agents/enrollments",
                web::post().to(agents::create_enrollment),
            )
            .route(
                "/agents/grants/revoke",
                web::post().to(agents::revoke_grant),
            )
            .route("/agents/revoke", web::post().to(agents::revoke_agent))
            .route("/agents/hosts/revoke", web::post().to(agents::revoke_host))
            .route("/admin", web::get().to(admin::users))
            .route("/admin/role", web::post().to(admin::set_role))
            .route("/admin/sessions", web::post().to(admin::revoke_sessions))
            .route("/whoami", web::get().to(whoami::page))
            .default_service(web::to(not_found))
            // Innermost first: a change forgets the session's remembered frame, a cross-site post
            // never reaches a handler, every error becomes a page, and every page (error pages
            // too) carries the security headers.
            .wrap(from_fn(forget_frames_on_changes))
            .wrap(from_fn(require_same_origin))
            .wrap(from_fn(render_page_errors))
            .wrap(from_fn(security_headers)),
    );
}

async fn not_found() -> Result<actix_web::HttpResponse, PageError> {
    Err(PageError::NotFound)
}
