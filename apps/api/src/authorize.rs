//! The one check every `/v1` handler makes: scope, the agent's grant for the operation, and — for a
//! caller acting as a user (a dashboard session, an agent) — that user's role in the organization.

use api_http::ApiError;
use identity::permissions::Permission;
use resolve_caller::{ApiCaller, CallerKind, Scope};

use crate::state::AppState;

/// `caller` may perform `operation_id` (its OpenAPI operationId) needing `scope` and, when a user
/// stands behind the caller, `permission`. API keys carry their authority in their scopes.
pub async fn authorize(
    state: &AppState,
    caller: &ApiCaller,
    scope: Scope,
    operation_id: &str,
    permission: Permission,
) -> Result<(), ApiError> {
    caller.require_operation(scope, operation_id)?;
    if let (CallerKind::Session | CallerKind::Agent, Some(user)) = (caller.kind(), caller.user_id())
    {
        state
            .identity
            .require(caller.org_id(), user, permission)
            .await
            .map_err(|e| state.identity_error(e))?;
    }
    Ok(())
}
