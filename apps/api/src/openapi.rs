//! The OpenAPI document, generated from the handlers' annotations. Its operationIds are the
//! capability names agents are granted; `openapi/openapi.json` is this document, committed, and a
//! test fails when the two differ.

use api_types::{ErrorBody, Health, Readiness, Whoami};
use domain::{CallerKind, Scope};

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Commerce API",
        description = "A multi-tenant commerce API. Every request is resolved to one caller — an \
            agent (JWT), an integration (`x-api-key`), a dashboard or shopper session (cookie or \
            bearer session token), or a storefront (`Host`) — carrying its organization and scopes.",
    ),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        routes::docs::openapi_json,
        routes::whoami::whoami,
        routes::auth::accounts::sign_up,
        routes::auth::accounts::sign_in,
        routes::auth::accounts::sign_out,
        routes::auth::accounts::get_session,
        routes::auth::email_links::send_verification_email,
        routes::auth::email_links::verify_email,
        routes::auth::email_links::request_password_reset,
        routes::auth::email_links::reset_password,
        routes::auth::accounts::permissions,
        routes::auth::accounts::jwks,
        routes::auth::organizations::create,
        routes::auth::organizations::list,
        routes::auth::organizations::set_active,
        routes::auth::organizations::list_members,
        routes::auth::invitations::add_member,
        routes::auth::invitations::invite_member,
        routes::auth::invitations::list_invitations,
        routes::auth::invitations::cancel_invitation,
        routes::auth::invitations::get_invitation,
        routes::auth::invitations::accept_invitation,
        routes::auth::organizations::remove_member,
        routes::auth::organizations::update_member_role,
        routes::auth::admin::list_users,
        routes::auth::admin::set_role,
        routes::auth::admin::revoke_sessions,
        routes::auth::api_keys::create,
        routes::auth::api_keys::list,
        routes::auth::api_keys::delete,
        routes::auth::device::code,
        routes::auth::device::token,
        routes::auth::device::lookup,
        routes::auth::device::approve,
        routes::auth::device::deny,
        routes::auth::agent::hosts::create,
        routes::auth::agent::hosts::create_enrollment,
        routes::auth::agent::hosts::enroll,
        routes::auth::agent::hosts::list,
        routes::auth::agent::hosts::revoke,
        routes::auth::agent::hosts::rotate_key,
        routes::auth::agent::agents::register,
        routes::auth::agent::agents::status,
        routes::auth::agent::agents::request_capability,
        routes::auth::agent::agents::authorize,
        routes::auth::agent::agents::token,
        routes::auth::agent::agents::reactivate,
        routes::auth::agent::agents::rotate_key,
        routes::auth::agent::agents::revoke,
        routes::auth::agent::agents::revoke_grant,
        routes::auth::agent::agents::list,
        routes::auth::agent::approvals::approve,
        routes::auth::agent::approvals::deny,
        routes::auth::agent::approvals::pending,
        routes::auth::agent::approvals::lookup,
        routes::auth::agent::discovery::capabilities,
        routes::auth::agent::discovery::describe,
        routes::auth::agent::discovery::configuration,
        routes::auth::agent::discovery::introspect,
        routes::auth::execute::execute,
        routes::admin::domains::list,
        routes::admin::domains::add,
        routes::admin::domains::remove,
        routes::admin::domains::verify,
        routes::admin::audit::list,
        routes::storefront::get_storefront,
        routes::storefront::list_products,
        routes::storefront::get_product,
        routes::storefront::get_product_by_handle,
        routes::storefront::create_cart,
        routes::storefront::get_cart,
        routes::storefront::add_cart_item,
        routes::storefront::update_cart_item,
        routes::storefront::remove_cart_item,
        routes::storefront::place_order,
        routes::storefront::get_order,
        routes::storefront::list_customer_orders,
        routes::admin::products::list,
        routes::admin::products::create,
        routes::admin::products::get,
        routes::admin::products::update,
        routes::admin::products::archive,
        routes::admin::inventory::list,
        routes::admin::inventory::adjust,
        routes::admin::orders::list,
        routes::admin::orders::get,
        routes::admin::orders::record_payment,
        routes::admin::orders::fulfil,
        routes::admin::orders::cancel,
        routes::admin::orders::refund,
        routes::admin::customers::list,
        routes::admin::customers::create,
        routes::admin::customers::get,
        routes::admin::customers::update,
        routes::admin::store::get,
        routes::admin::store::update,
        routes::admin::store::stats,
        routes::admin::payments::list,
        routes::admin::payments::retry,
        routes::webhooks::receive,
    ),
    components(schemas(ErrorBody, Health, Readiness, Whoami, CallerKind, Scope)),
    modifiers(&SecuritySchemes, &CallerRequirements, &StandardErrors, &CapabilityNames),
    tags(
        (name = "identity", description = "Who is calling"),
        (name = "auth", description = "Accounts and sessions"),
        (name = "organizations", description = "Organizations and their members"),
        (name = "platform", description = "Platform administration"),
        (name = "api-keys", description = "API keys of the active organization"),
        (name = "agents", description = "Agent Auth: hosts, agents, approvals and grants"),
        (name = "storefront", description = "Catalog, carts and orders of a store (scope storefront)"),
        (name = "catalog", description = "Products, variants and stock (scope admin)"),
        (name = "orders", description = "Orders, payments recorded by hand, refunds and payment events (scope admin)"),
        (name = "customers", description = "Customers of the store (scope admin)"),
        (name = "store", description = "Store settings, stats, domains and audit log (scope admin)"),
        (name = "webhooks", description = "Payment events from the checkout app (x-checkout-secret)"),
        (name = "operations", description = "Health, readiness and this document"),
    ),
)]
pub struct ApiDoc;

/// The four credentials a caller sends (the `Host` of a storefront needs no scheme).
#[derive(Debug)]
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "agentJwt",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("agent+jwt")
                    .description(Some("An agent's short-lived EdDSA JWT (Agent Auth)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "hostJwt",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("host+jwt")
                    .description(Some(
                        "An agent host's short-lived EdDSA JWT, for the host endpoints (Agent Auth)",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "apiKey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                resolve_caller::API_KEY_HEADER,
                "An organization's API key, created in the dashboard",
            ))),
        );
        components.add_security_scheme(
            "sessionCookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                resolve_caller::SECURE_SESSION_COOKIE_NAME,
                "The dashboard's (or a shopper's) signed session cookie; `commerce_session` where the \
                 api runs over plain http on the developer's machine (and cookies cannot be Secure)",
            ))),
        );
        components.add_security_scheme(
            "sessionToken",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A session token from the device flow (CLI)"))
                    .build(),
            ),
        );
    }
}

/// The document as committed: pretty JSON with a trailing newline.
pub fn document_json() -> Result<String, serde_json::Error> {
    ApiDoc::openapi().to_pretty_json().map(|json| json + "\n")
}

/// What every `/v1` operation asks of its caller, written once: the admin operations take any
/// credential but a storefront's `Host` (an API key, a session cookie or token, an agent's JWT),
/// and every `/v1` operation answers 401 for a credential it cannot accept. An operation that says
/// otherwise itself keeps what it says.
#[derive(Debug)]
struct CallerRequirements;

impl Modify for CallerRequirements {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in &mut openapi.paths.paths {
            if !path.starts_with("/v1/") {
                continue;
            }
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                if path.starts_with("/v1/admin/") && operation.security.is_none() {
                    operation.security = Some(
                        ["apiKey", "sessionCookie", "sessionToken", "agentJwt"]
                            .into_iter()
                            .map(|scheme| SecurityRequirement::new(scheme, Vec::<String>::new()))
                            .collect(),
                    );
                }
                operation
                    .responses
                    .responses
                    .entry("401".to_owned())
                    .or_insert_with(|| error_response("No valid caller"));
            }
        }
    }
}

/// The error answers any operation may give, added to every operation that does not document them
/// itself, so the document says every status the api can answer: 400 for a malformed path or
/// query parameter or body, 413 and 415 for a body too large or not JSON, 503 while the database
/// does not answer. Each is the one envelope, `ErrorBody`.
#[derive(Debug)]
struct StandardErrors;

impl StandardErrors {
    fn add(operation: &mut Operation, path: &str, changes: bool) {
        let has_body = operation.request_body.is_some();
        // A requirement keeps its scheme names private; its JSON form names them.
        let takes_cookie = operation.security.as_ref().is_some_and(|requirements| {
            serde_json::to_value(requirements).is_ok_and(|value| {
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|requirement| requirement.get("sessionCookie").is_some())
            })
        });
        let has_parameters = path.contains('{')
            || operation
                .parameters
                .as_ref()
                .is_some_and(|parameters| !parameters.is_empty());
        let mut standard = Vec::new();
        if has_body || has_parameters {
            standard.push((
                "400",
                "A malformed path or query parameter, or a body that is not valid JSON of this shape",
            ));
        }
        if changes && takes_cookie {
            standard.push((
                "403",
                "A change made with the session cookie from an origin other than the dashboard's or the store's own (`details.reason` `untrusted_origin`)",
            ));
        }
        if has_body {
            standard.push(("413", "The body is larger than this operation takes"));
            standard.push(("415", "The body is not `application/json`"));
        }
        if !matches!(path, "/healthz" | "/openapi.json" | "/docs") {
            standard.push((
                "503",
                "The database did not answer (`Retry-After` says when to try again)",
            ));
        }
        for (status, description) in standard {
            operation
                .responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| error_response(description));
        }
    }
}

fn error_response(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

impl Modify for StandardErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in &mut openapi.paths.paths {
            if let Some(operation) = &mut item.get {
                Self::add(operation, path, false);
            }
            let changes = [
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in changes.into_iter().flatten() {
                Self::add(operation, path, true);
            }
        }
    }
}

/// `CapabilityName` lists every capability by the rule the catalog of `capabilities` reads this
/// document with at start.
#[derive(Debug)]
struct CapabilityNames;

impl Modify for CapabilityNames {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let mut names: Vec<String> = openapi
            .paths
            .paths
            .iter()
            .flat_map(|(path, item)| {
                [&item.get, &item.put, &item.post, &item.delete, &item.patch]
                    .into_iter()
                    .flatten()
                    .filter_map(|operation| operation.operation_id.clone())
                    .filter(|name| crate::capabilities::Catalog::is_capability(path, name))
            })
            .collect();
        names.sort();
        let components = openapi.components.get_or_insert_with(Default::default);
        components.schemas.insert(
            "CapabilityName".to_owned(),
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(
                    "The operationId of a `/v1` operation: a capability an agent may be granted",
                ))
                .enum_values(Some(names))
                .into(),
        );
    }
}
