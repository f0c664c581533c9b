//! API keys of the active organization (Settings → API Keys in the dashboard).

use actix_web::web;
use api_http::Json;
use api_types::ErrorBody;
use api_types::auth::{
    ApiKeyMetadata, ApiKeyView, CreateApiKeyRequest, CreatedApiKey, DeleteApiKeyRequest, Success,
};
use api_types::operations;
use api_types::store::List;
use db::repo::api_keys::ApiKey;
use domain::ApiKeyId;
use identity::NewApiKeyRequest;

use crate::errors::AppError;
use crate::extract::SignedInUser;
use crate::state::AppState;

fn api_key_view(key: ApiKey) -> ApiKeyView {
    ApiKeyView {
        id: key.id.as_uuid(),
        name: key.name,
        prefix: key.prefix,
        organization_id: key.org_id.as_uuid(),
        metadata: ApiKeyMetadata {
            organization_id: key.org_id.as_uuid(),
            scopes: key.scopes.clone(),
        },
        scopes: key.scopes,
        created_at: key.created_at,
        expires_at: key.expires_at,
        revoked_at: key.revoked_at,
        last_used_at: key.last_used_at,
    }
}

/// Create an API key for your active organization; the key is in this answer only. Owners and
/// admins, signed in with their password (a CLI's device-code session may not).
#[utoipa::path(
    post, path = "/api/auth/api-key/create", operation_id = operations::CREATE_API_KEY, tag = "api-keys",
    request_body = CreateApiKeyRequest,
    responses(
        (status = 200, description = "Created; `key` is shown this once", body = CreatedApiKey),
        (status = 400, description = "Invalid name, scopes or expiry, or no active organization", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Your role may not create keys, or password_session_required", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn create(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: Json<CreateApiKeyRequest>,
) -> Result<web::Json<CreatedApiKey>, AppError> {
    let org = user.organization(None)?;
    state
        .identity
        .require_password_session(user.session_id)
        .await?;
    let CreateApiKeyRequest {
        name,
        scopes,
        expires_in,
    } = body.into_inner();
    let created = state
        .identity
        .create_api_key(
            org,
            user.user_id,
            NewApiKeyRequest {
                name,
                scopes,
                expires_in,
            },
            &user.actor(),
        )
        .await?;
    Ok(web::Json(CreatedApiKey {
        key: created.key,
        api_key: api_key_view(created.record),
    }))
}

/// The active organization's keys, newest first (never the keys themselves). Owners and admins.
#[utoipa::path(
    get, path = "/api/auth/api-key/list", operation_id = operations::LIST_API_KEYS, tag = "api-keys",
    responses(
        (status = 400, description = "No active organization to list for (`NO_ACTIVE_ORGANIZATION`)", body = ErrorBody),
        (status = 200, description = "Keys", body = List<ApiKeyView>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Your role may not list keys", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn list(
    state: web::Data<AppState>,
    user: SignedInUser,
) -> Result<web::Json<List<ApiKeyView>>, AppError> {
    let org = user.organization(None)?;
    let keys = state.identity.list_api_keys(org, user.user_id).await?;
    Ok(web::Json(List {
        data: keys.into_iter().map(api_key_view).collect(),
    }))
}

/// Revoke one of the active organization's keys: refused from the next request on. Owners and admins.
#[utoipa::path(
    post, path = "/api/auth/api-key/delete", operation_id = operations::DELETE_API_KEY, tag = "api-keys",
    request_body = DeleteApiKeyRequest,
    responses(
        (status = 200, description = "Revoked", body = Success),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Your role may not revoke keys", body = ErrorBody),
        (status = 404, description = "No such key in this organization", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn delete(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: Json<DeleteApiKeyRequest>,
) -> Result<web::Json<Success>, AppError> {
    let org = user.organization(None)?;
    state
        .identity
        .revoke_api_key(
            org,
            user.user_id,
            ApiKeyId::from_uuid(body.key_id),
            &user.actor(),
        )
        .await?;
    Ok(web::Json(Success::yes()))
}
