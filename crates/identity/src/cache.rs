//! Caches in front of the credential lookups, so a warm request does not touch the database.
//!
//! A change made on this instance (sign-out, revocation, membership change) invalidates the entries
//! it affects at once; another instance sees it when its entry expires, within [`CACHE_TTL`] by the
//! api's injected clock (the one every expiry is decided by, so tests move it instead of sleeping).
//! The caches also forget entries after the same time by the wall clock, which only bounds memory.

use std::time::Duration;

use chrono::{DateTime, Utc};
use db::repo::api_keys::ApiKey;
use domain::{SessionId, UserId};
use moka::future::Cache;
use resolve_caller::VerifiedSession;

/// How long another instance may keep answering from a cached session or key after a change, by
/// default (`CREDENTIAL_CACHE_TTL_SECS`).
pub const CACHE_TTL: Duration = Duration::from_secs(10);
const CAPACITY: u64 = 100_000;

/// A verified session, as cached by its token hash.
#[derive(Clone, Debug)]
pub(crate) struct CachedSession {
    pub session_id: SessionId,
    pub user_id: UserId,
    pub verified: VerifiedSession,
    pub expires_at: DateTime<Utc>,
    /// When it was cached, by the api's clock.
    pub cached_at: DateTime<Utc>,
}

/// An API key's record, as cached by its hash.
#[derive(Clone, Debug)]
pub(crate) struct CachedApiKey {
    pub record: ApiKey,
    /// Whether its creator (if it has one) was, when cached, a member who may create keys.
    pub creator_may_create: bool,
    /// When it was cached, by the api's clock.
    pub cached_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub(crate) struct Caches {
    pub sessions: Cache<String, CachedSession>,
    pub api_keys: Cache<String, CachedApiKey>,
    ttl: chrono::Duration,
}

impl Caches {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl: chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX),
            sessions: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .support_invalidation_closures()
                .build(),
            api_keys: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .support_invalidation_closures()
                .build(),
        }
    }

    /// Whether an entry cached at `cached_at` may still answer `now`.
    pub fn is_fresh(&self, cached_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        cached_at
            .checked_add_signed(self.ttl)
            .is_none_or(|until| now < until)
    }

    pub fn forget_session(&self, session: SessionId) {
        // Only fails when closures are not supported, which `new` turns on.
        let _ = self
            .sessions
            .invalidate_entries_if(move |_, cached| cached.session_id == session);
    }

    pub fn forget_user_sessions(&self, user: UserId) {
        let _ = self
            .sessions
            .invalidate_entries_if(move |_, cached| cached.user_id == user);
    }

    /// Forgets the keys `user` created in `org` (their role there changed, or they left).
    pub fn forget_api_keys_of(&self, org: domain::OrgId, user: domain::UserId) {
        let _ = self.api_keys.invalidate_entries_if(move |_, cached| {
            cached.record.org_id == org && cached.record.created_by == Some(user)
        });
    }

    pub fn forget_api_key(&self, key: domain::ApiKeyId) {
        let _ = self
            .api_keys
            .invalidate_entries_if(move |_, cached| cached.record.id == key);
    }
}
