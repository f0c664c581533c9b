//! API keys of an organization, created by its owners and admins from a session.

use chrono::Duration;
use db::repo::api_keys::{self, ApiKey, NewApiKey};
use domain::{ApiKeyId, OrgId, UserId};
use resolve_caller::Scope;
use serde_json::json;

use crate::audit::{Actor, AuditAction};
use crate::permissions::Permission;
use crate::tokens::issue_api_key;
use crate::{Identity, IdentityError};

/// The shortest and longest lifetimes a key may be given (`expiresIn`, seconds).
const MIN_EXPIRES_IN: i64 = domain::limits::MIN_KEY_LIFETIME;
const MAX_EXPIRES_IN: i64 = domain::limits::MAX_KEY_LIFETIME;

/// `POST /api/auth/api-key/create`.
#[derive(Clone, Debug)]
pub struct NewApiKeyRequest {
    pub name: String,
    pub scopes: Vec<Scope>,
    /// Seconds until the key expires; `None` for a key that lives until revoked.
    pub expires_in: Option<i64>,
}

/// A key just created: `key` is shown this once and never again.
#[derive(Debug)]
pub struct CreatedApiKey {
    pub key: String,
    pub record: ApiKey,
}

fn check(request: &NewApiKeyRequest) -> Result<(), IdentityError> {
    let mut errors = Vec::new();
    if let Err(problem) = domain::text::API_KEY_NAME.check(&request.name) {
        errors.push(("name", problem.to_string()));
    }
    if request.scopes.is_empty() {
        errors.push((
            "scopes",
            "must name at least one of `admin`, `storefront`".to_owned(),
        ));
    }
    if let Some(seconds) = request.expires_in
        && !(MIN_EXPIRES_IN..=MAX_EXPIRES_IN).contains(&seconds)
    {
        errors.push((
            "expiresIn",
            format!("must be {MIN_EXPIRES_IN} to {MAX_EXPIRES_IN} seconds"),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(IdentityError::Invalid(errors))
    }
}

impl Identity {
    /// Creates a key for `org` with the requested scopes. The organization and scopes are fixed
    /// here, by the server, and can never be changed by a client.
    pub async fn create_api_key(
        &self,
        org: OrgId,
        user: UserId,
        request: NewApiKeyRequest,
        actor: &Actor,
    ) -> Result<CreatedApiKey, IdentityError> {
        check(&request)?;
        self.require(org, user, Permission::ApiKeyCreate).await?;
        let mut scopes: Vec<&str> = request.scopes.iter().map(|scope| scope.as_str()).collect();
        scopes.sort_unstable();
        scopes.dedup();
        let now = self.now();
        let issued = issue_api_key();
        let record = api_keys::create(
            self.db(),
            org,
            NewApiKey {
                name: request.name.trim(),
                prefix: &issued.prefix,
                key_hash: &issued.hash,
                scopes: &scopes,
                created_by: user,
                expires_at: request
                    .expires_in
                    .map(|seconds| now + Duration::seconds(seconds)),
            },
            now,
        )
        .await?;
        self.record(
            self.db(),
            Some(org),
            actor,
            AuditAction::ApiKeyCreated,
            Some(record.id.to_string()),
            json!({ "prefix": record.prefix, "scopes": scopes }),
        )
        .await?;
        Ok(CreatedApiKey {
            key: issued.key,
            record,
        })
    }

    /// The organization's keys (never the keys themselves).
    pub async fn list_api_keys(
        &self,
        org: OrgId,
        user: UserId,
    ) -> Result<Vec<ApiKey>, IdentityError> {
        self.require(org, user, Permission::ApiKeyList).await?;
        Ok(api_keys::list(self.db(), org).await?)
    }

    /// Revokes one of the organization's keys; refused from the next request on, on this instance
    /// at once. Another organization's key is `NotFound`.
    pub async fn revoke_api_key(
        &self,
        org: OrgId,
        user: UserId,
        key: ApiKeyId,
        actor: &Actor,
    ) -> Result<(), IdentityError> {
        self.require(org, user, Permission::ApiKeyRevoke).await?;
        api_keys::revoke(self.db(), org, key, self.now())
            .await
            .map_err(IdentityError::not_found_as("api key"))?;
        self.caches().forget_api_key(key);
        self.record(
            self.db(),
            Some(org),
            actor,
            AuditAction::ApiKeyRevoked,
            Some(key.to_string()),
            json!({}),
        )
        .await
    }
}
