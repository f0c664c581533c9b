//! `/api/auth/*`: Better Auth's surface for accounts, sessions, organizations, platform roles and
//! API keys. These are user-level endpoints: the caller is the signed-in user (`SignedInUser`),
//! whatever the host, and cookie-authenticated changes must come from a trusted origin.

pub mod accounts;
pub mod admin;
pub mod agent;
pub mod api_keys;
pub mod device;
pub mod email_links;
pub mod execute;
pub mod invitations;
pub mod organizations;

use actix_web::middleware::from_fn;
use actix_web::web;

use super::endpoint;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(endpoint("/sign-up/email").post(accounts::sign_up))
        .service(endpoint("/sign-in/email").post(accounts::sign_in))
        .service(endpoint("/sign-out").post(accounts::sign_out))
        .service(endpoint("/get-session").get(accounts::get_session))
        .service(endpoint("/send-verification-email").post(email_links::send_verification_email))
        .service(endpoint("/verify-email").post(email_links::verify_email))
        .service(endpoint("/request-password-reset").post(email_links::request_password_reset))
        .service(endpoint("/reset-password").post(email_links::reset_password))
        .service(endpoint("/permissions").get(accounts::permissions))
        .service(endpoint("/jwks").get(accounts::jwks))
        .service(endpoint("/organization/create").post(organizations::create))
        .service(endpoint("/organization/list").get(organizations::list))
        .service(endpoint("/organization/set-active").post(organizations::set_active))
        .service(endpoint("/organization/list-members").get(organizations::list_members))
        .service(endpoint("/organization/add-member").post(invitations::add_member))
        .service(endpoint("/organization/invite-member").post(invitations::invite_member))
        .service(endpoint("/organization/list-invitations").get(invitations::list_invitations))
        .service(endpoint("/organization/cancel-invitation").post(invitations::cancel_invitation))
        .service(endpoint("/organization/get-invitation").get(invitations::get_invitation))
        .service(endpoint("/organization/accept-invitation").post(invitations::accept_invitation))
        .service(endpoint("/organization/remove-member").post(organizations::remove_member))
        .service(
            endpoint("/organization/update-member-role").post(organizations::update_member_role),
        )
        .service(endpoint("/admin/list-users").get(admin::list_users))
        .service(endpoint("/admin/set-role").post(admin::set_role))
        .service(endpoint("/admin/revoke-sessions").post(admin::revoke_sessions))
        .service(endpoint("/api-key/create").post(api_keys::create))
        .service(endpoint("/api-key/list").get(api_keys::list))
        .service(endpoint("/api-key/delete").post(api_keys::delete))
        .service(endpoint("/device").get(device::lookup))
        .service(endpoint("/device/code").post(device::code))
        .service(endpoint("/device/token").post(device::token))
        .service(endpoint("/device/approve").post(device::approve))
        .service(endpoint("/device/deny").post(device::deny))
        .service(
            web::scope("/agent")
                .wrap(from_fn(api_http::agent_protocol_errors))
                .configure(agent::configure),
        );
}
