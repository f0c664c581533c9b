//! `/api/auth/*`: Better Auth's surface for accounts, sessions, organizations, platform roles and
//! API keys. These are user-level endpoints: the caller is the signed-in user (`SignedInUser`),
//! whatever the host, and cookie-authenticated changes must come from a trusted origin.

pub mod accounts;
pub mod admin;
pub mod agent;
pub mod api_keys;
pub mod device;
pub mod execute;
pub mod organizations;

use actix_web::middleware::from_fn;
use actix_web::web;

use super::resource;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/sign-up/email").route(web::post().to(accounts::sign_up)))
        .service(resource("/sign-in/email").route(web::post().to(accounts::sign_in)))
        .service(resource("/sign-out").route(web::post().to(accounts::sign_out)))
        .service(resource("/get-session").route(web::get().to(accounts::get_session)))
        .service(resource("/permissions").route(web::get().to(accounts::permissions)))
        .service(resource("/jwks").route(web::get().to(accounts::jwks)))
        .service(resource("/organization/create").route(web::post().to(organizations::create)))
        .service(resource("/organization/list").route(web::get().to(organizations::list)))
        .service(
            resource("/organization/set-active").route(web::post().to(organizations::set_active)),
        )
        .service(
            resource("/organization/list-members")
                .route(web::get().to(organizations::list_members)),
        )
        .service(
            resource("/organization/add-member").route(web::post().to(organizations::add_member)),
        )
        .service(
            resource("/organization/remove-member")
                .route(web::post().to(organizations::remove_member)),
        )
        .service(
            resource("/organization/update-member-role")
                .route(web::post().to(organizations::update_member_role)),
        )
        .service(resource("/admin/list-users").route(web::get().to(admin::list_users)))
        .service(resource("/admin/set-role").route(web::post().to(admin::set_role)))
        .service(resource("/admin/revoke-sessions").route(web::post().to(admin::revoke_sessions)))
        .service(resource("/api-key/create").route(web::post().to(api_keys::create)))
        .service(resource("/api-key/list").route(web::get().to(api_keys::list)))
        .service(resource("/api-key/delete").route(web::post().to(api_keys::delete)))
        .service(resource("/device").route(web::get().to(device::lookup)))
        .service(resource("/device/code").route(web::post().to(device::code)))
        .service(resource("/device/token").route(web::post().to(device::token)))
        .service(resource("/device/approve").route(web::post().to(device::approve)))
        .service(resource("/device/deny").route(web::post().to(device::deny)))
        .service(
            web::scope("/agent")
                .wrap(from_fn(api_http::agent_protocol_errors))
                .configure(agent::configure),
        );
}
