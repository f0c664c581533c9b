//! The one check every `/v1` handler makes.
//!
//! Storefront operations need the `storefront` scope (and, for an agent, the grant of the
//! operation). Admin operations need the `admin` scope, the grant, and — when a user stands behind
//! the caller (a dashboard session, an agent) — that user's role in the organization, read fresh,
//! against the one permission statement. API keys carry their authority in their scopes.

use api_http::ApiError;
use identity::permissions::Permission;
use resolve_caller::{ApiCaller, CallerKind, Scope};
use serde::Serialize;
use serde_json::Value;

use crate::state::AppState;

/// `caller` may perform the storefront operation `operation_id` (its OpenAPI operationId).
pub fn storefront(caller: &ApiCaller, operation_id: &str) -> Result<(), ApiError> {
    Ok(caller.require_operation(Scope::Storefront, operation_id)?)
}

/// Like [`storefront`], for an operation whose JSON `input` an agent's grant may constrain.
pub fn storefront_with<T: Serialize>(
    caller: &ApiCaller,
    operation_id: &str,
    input: &T,
) -> Result<(), ApiError> {
    let input = as_json(input)?;
    Ok(caller.require_operation_with(Scope::Storefront, operation_id, &input)?)
}

/// `caller` may perform the admin operation `operation_id`, which needs `permission` of a user.
pub async fn admin(
    state: &AppState,
    caller: &ApiCaller,
    operation_id: &str,
    permission: Permission,
) -> Result<(), ApiError> {
    caller.require_operation(Scope::Admin, operation_id)?;
    require_role(state, caller, permission).await
}

/// Like [`admin`], for an operation whose JSON `input` an agent's grant may constrain.
pub async fn admin_with<T: Serialize>(
    state: &AppState,
    caller: &ApiCaller,
    operation_id: &str,
    permission: Permission,
    input: &T,
) -> Result<(), ApiError> {
    let input = as_json(input)?;
    caller.require_operation_with(Scope::Admin, operation_id, &input)?;
    require_role(state, caller, permission).await
}

fn as_json<T: Serialize>(input: &T) -> Result<Value, ApiError> {
    serde_json::to_value(input).map_err(ApiError::internal)
}

/// When a user stands behind the caller, their role must allow `permission`, read fresh.
async fn require_role(
    state: &AppState,
    caller: &ApiCaller,
    permission: Permission,
) -> Result<(), ApiError> {
    if let (CallerKind::Session | CallerKind::Agent, Some(user)) = (caller.kind(), caller.user_id())
    {
        state
            .identity
            .require(caller.org_id(), user, permission)
            .await
            .map_err(crate::errors::identity)?;
    }
    Ok(())
}
