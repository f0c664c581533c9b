//! The OpenAPI document, generated from the handlers' annotations. Its operationIds are the
//! capability names agents are granted; `openapi/openapi.json` is this document, committed, and a
//! test fails when the two differ.

use api_types::{ErrorBody, Health, Readiness};
use resolve_caller::{ApiCaller, CallerKind, Scope};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
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
    ),
    components(schemas(ErrorBody, Health, Readiness, ApiCaller, CallerKind, Scope)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "identity", description = "Who is calling"),
        (name = "operations", description = "Health, readiness and this document"),
    ),
)]
pub struct ApiDoc;

/// The four credentials of SPEC §3 (the `Host` of a storefront needs no scheme).
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
            "apiKey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                resolve_caller::API_KEY_HEADER,
                "An organization's API key, created in the dashboard",
            ))),
        );
        components.add_security_scheme(
            "sessionCookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                resolve_caller::SESSION_COOKIE_NAME,
                "The dashboard's (or a shopper's) signed session cookie",
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
