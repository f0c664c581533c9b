//! What the API saw.

use actix_web::web;
use api_types::operations;
use api_types::{ErrorBody, Whoami};
use resolve_caller::ApiCaller;

/// The resolved caller: kind, organization, scopes, user, principal and (for agents) capabilities.
///
/// Any caller may ask, so that whoever gets a 401 or 403 can see what the API saw. Needs no scope.
#[utoipa::path(
    get, path = "/v1/whoami", operation_id = operations::WHOAMI, tag = "identity",
    responses(
        (status = 200, description = "The resolved caller", body = Whoami),
        (status = 401, description = "No valid credential, or an unknown storefront host", body = ErrorBody),
        (status = 503, description = "A credential store did not answer", body = ErrorBody),
    ),
    security((), ("agentJwt" = []), ("apiKey" = []), ("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn whoami(caller: ApiCaller) -> web::Json<Whoami> {
    web::Json(Whoami {
        kind: caller.kind(),
        organization_id: caller.org_id().as_uuid(),
        scopes: caller.scopes().clone(),
        user_id: caller.user_id().map(|user| user.as_uuid()),
        principal_id: caller.principal().to_string(),
        capabilities: caller.capabilities().cloned(),
        constraints: caller.constraints().clone(),
    })
}
