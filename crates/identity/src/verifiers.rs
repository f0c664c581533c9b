//! The answers to resolve-caller's questions about sessions and API keys.

use std::collections::BTreeSet;

use async_trait::async_trait;
use chrono::Duration;
use db::DbError;
use db::repo::{api_keys, members, sessions};
use resolve_caller::{
    ApiKeyVerifier, Rejection, Scope, SessionVerifier, VerifiedApiKey, VerifiedSession, VerifyError,
};

use crate::Identity;
use crate::cache::{CachedApiKey, CachedSession};
use crate::permissions::Permission;
use crate::tokens::secret_hash;

/// `last_used_at` is written at most this often per key.
const LAST_USED_GRANULARITY: Duration = Duration::minutes(1);

fn unavailable(error: DbError) -> VerifyError {
    VerifyError::Unavailable(Box::new(error))
}

impl Identity {
    async fn verify_session(&self, token: &str) -> Result<VerifiedSession, VerifyError> {
        let token_hash = self.keys().token_hash(token);
        let now = self.now();
        if let Some(cached) = self.caches().sessions.get(&token_hash).await
            && cached.expires_at > now
            && self.caches().is_fresh(cached.cached_at, now)
        {
            return Ok(cached.verified);
        }
        let session = sessions::find_by_token_hash(self.db(), &token_hash)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| {
                Rejection::new(
                    "unknown",
                    "the session does not exist (signed out, revoked or never issued)",
                )
            })?;
        // However often it is used, a session ends at its absolute lifetime after sign-in.
        let ends = session.created_at + self.config().session_max_lifetime;
        if session.expires_at <= now || ends <= now {
            return Err(Rejection::new("expired", "the session has expired; sign in again").into());
        }
        let mut expires_at = session.expires_at;
        if now - session.refreshed_at >= self.config().session_refresh_after {
            expires_at = (now + self.config().session_lifetime).min(ends);
            sessions::refresh(self.db(), session.id, now, expires_at)
                .await
                .map_err(unavailable)?;
        }
        // The active organization counts only while the user is still a member of it.
        let active_org = match session.active_org {
            Some(org) => members::role_of(self.db(), org, session.user_id)
                .await
                .map_err(unavailable)?
                .map(|_| org),
            None => None,
        };
        let verified = VerifiedSession {
            session_id: session.id,
            user_id: session.user_id,
            active_org,
        };
        self.caches()
            .sessions
            .insert(
                token_hash,
                CachedSession {
                    session_id: session.id,
                    user_id: session.user_id,
                    verified: verified.clone(),
                    expires_at,
                    cached_at: now,
                },
            )
            .await;
        Ok(verified)
    }
}

#[async_trait]
impl SessionVerifier for Identity {
    async fn verify_session_cookie(&self, cookie: &str) -> Result<VerifiedSession, VerifyError> {
        let token = self.keys().token_from_cookie(cookie).ok_or_else(|| {
            Rejection::new(
                "bad_signature",
                "the session cookie was not signed by this server (tampered with, or AUTH_SECRET rotated)",
            )
        })?;
        self.verify_session(token).await
    }

    async fn verify_session_token(&self, token: &str) -> Result<VerifiedSession, VerifyError> {
        self.verify_session(token).await
    }
}

#[async_trait]
impl ApiKeyVerifier for Identity {
    async fn verify_api_key(&self, key: &str) -> Result<VerifiedApiKey, VerifyError> {
        let key_hash = secret_hash(key);
        let now = self.now();
        let cached = self
            .caches()
            .api_keys
            .get(&key_hash)
            .await
            .filter(|cached| self.caches().is_fresh(cached.cached_at, now));
        let (record, creator_may_create) = match cached {
            Some(cached) => (cached.record, cached.creator_may_create),
            None => {
                let record = api_keys::find_by_hash(self.db(), &key_hash)
                    .await
                    .map_err(unavailable)?
                    .ok_or_else(|| Rejection::new("unknown", "no such API key"))?;
                api_keys::touch_last_used(
                    self.db(),
                    record.org_id,
                    record.id,
                    now,
                    LAST_USED_GRANULARITY,
                )
                .await
                .map_err(unavailable)?;
                // A key acts with its creator's standing: it works while they may create keys.
                let creator_may_create = match record.created_by {
                    Some(creator) => members::role_of(self.db(), record.org_id, creator)
                        .await
                        .map_err(unavailable)?
                        .is_some_and(|role| Permission::ApiKeyCreate.allows(role)),
                    None => true,
                };
                let cached = CachedApiKey {
                    record: record.clone(),
                    creator_may_create,
                    cached_at: now,
                };
                self.caches().api_keys.insert(key_hash, cached).await;
                (record, creator_may_create)
            }
        };
        if record.revoked_at.is_some() {
            return Err(Rejection::new("revoked", "the API key has been revoked").into());
        }
        if !creator_may_create {
            return Err(Rejection::new(
                "creator_left",
                "the API key's creator is no longer a member of the organization who may create keys",
            )
            .into());
        }
        if record
            .expires_at
            .is_some_and(|expires_at| expires_at <= now)
        {
            return Err(Rejection::new("expired", "the API key has expired").into());
        }
        let scopes: BTreeSet<Scope> = record
            .scopes
            .iter()
            .filter_map(|scope| scope.parse().ok())
            .collect();
        Ok(VerifiedApiKey {
            key_id: record.id,
            org_id: record.org_id,
            scopes,
        })
    }
}
