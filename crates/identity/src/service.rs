//! The identity service: the database, the keys, the clock and the caches, shared by every request.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use db::DatabaseConnection;
use db::repo::members;
use domain::{Clock, OrgId, OrgRole, UserId};

use crate::cache::Caches;
use crate::permissions::Permission;
use crate::{IdentityError, SessionKeys, password};

/// Lifetimes and the platform's first administrators.
#[derive(Clone, Debug)]
pub struct IdentityConfig {
    /// How long a session lives without use (30 days).
    pub session_lifetime: Duration,
    /// A session used after this long is slid forward (at most one write a day).
    pub session_refresh_after: Duration,
    /// No session lives longer than this after sign-in, however often it is used (90 days).
    pub session_max_lifetime: Duration,
    /// Emails that become `platform_admin` once their owner verified them (`PLATFORM_ADMIN_EMAILS`).
    pub platform_admin_emails: Vec<String>,
    /// Where links sent by email lead, and whether sign-in waits for a verified address.
    pub email: crate::EmailPolicy,
    /// How long a verified session or key is answered from memory ([`crate::CACHE_TTL`]): the bound
    /// on how late another instance sees a revocation.
    pub cache_ttl: std::time::Duration,
    /// The `client_id`s the device flow accepts (`DEVICE_CLIENT_IDS`).
    pub device_client_ids: Vec<String>,
    /// Which hostnames a store may claim, and how it proves them.
    pub store_domains: crate::DomainRules,
    /// How much password hashing runs at once (`PASSWORD_HASH_CONCURRENCY`).
    pub password_hashing: crate::HashingLimit,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        Self {
            session_lifetime: Duration::days(30),
            session_refresh_after: Duration::days(1),
            session_max_lifetime: Duration::days(90),
            platform_admin_emails: Vec::new(),
            email: crate::EmailPolicy::default(),
            cache_ttl: crate::CACHE_TTL,
            device_client_ids: vec!["commerce-cli".to_owned()],
            store_domains: crate::DomainRules::default(),
            password_hashing: crate::HashingLimit::default(),
        }
    }
}

/// Cheap to clone; every clone shares the same caches.
#[derive(Clone, Debug)]
pub struct Identity {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    db: DatabaseConnection,
    keys: SessionKeys,
    clock: Arc<dyn Clock>,
    config: IdentityConfig,
    caches: Caches,
    /// Turns at password hashing, shared by every request.
    hashing: password::HashingGate,
    /// Rung after a transaction that queued email commits: the api's courier waits on it.
    mail_bell: Arc<tokio::sync::Notify>,
    /// Verified against when an email is unknown, so that answer costs what a wrong password does.
    dummy_hash: String,
}

impl Identity {
    pub async fn new(
        db: DatabaseConnection,
        keys: SessionKeys,
        clock: Arc<dyn Clock>,
        mut config: IdentityConfig,
    ) -> Result<Self, IdentityError> {
        for email in &mut config.platform_admin_emails {
            *email = email.trim().to_lowercase();
        }
        let hashing = password::HashingGate::new(config.password_hashing);
        let dummy_hash = password::hash(&hashing, "not-a-password-anyone-has".to_owned()).await?;
        Ok(Self {
            inner: Arc::new(Inner {
                db,
                keys,
                clock,
                caches: Caches::new(config.cache_ttl),
                config,
                hashing,
                mail_bell: Arc::new(tokio::sync::Notify::new()),
                dummy_hash,
            }),
        })
    }

    pub(crate) fn db(&self) -> &DatabaseConnection {
        &self.inner.db
    }

    /// The keys cookies are signed with (the api sets and clears the cookie).
    #[must_use]
    pub fn keys(&self) -> &SessionKeys {
        &self.inner.keys
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    pub(crate) fn config(&self) -> &IdentityConfig {
        &self.inner.config
    }

    pub(crate) fn caches(&self) -> &Caches {
        &self.inner.caches
    }

    /// What rings when email was queued (and committed): whoever delivers it waits on this.
    #[must_use]
    pub fn mail_bell(&self) -> Arc<tokio::sync::Notify> {
        Arc::clone(&self.inner.mail_bell)
    }

    /// Email was queued and committed: wake its delivery now rather than at its next round.
    pub(crate) fn mail_queued(&self) {
        self.inner.mail_bell.notify_one();
    }

    pub(crate) fn hashing(&self) -> &password::HashingGate {
        &self.inner.hashing
    }

    pub(crate) fn dummy_hash(&self) -> &str {
        &self.inner.dummy_hash
    }

    /// The user's role in `org`, read fresh; not a member is `NotFound` (another tenant's
    /// organization looks like none at all).
    pub async fn role_in(&self, org: OrgId, user: UserId) -> Result<OrgRole, IdentityError> {
        members::role_of(self.db(), org, user)
            .await?
            .ok_or(IdentityError::NotFound("organization"))
    }

    /// Whether the user belongs to `org`; a store failure is an error, not a "no".
    pub async fn is_member(&self, org: OrgId, user: UserId) -> Result<bool, IdentityError> {
        Ok(members::role_of(self.db(), org, user).await?.is_some())
    }

    /// The user must hold `permission` in `org`; answers their role.
    pub async fn require(
        &self,
        org: OrgId,
        user: UserId,
        permission: Permission,
    ) -> Result<OrgRole, IdentityError> {
        let role = self.role_in(org, user).await?;
        if permission.allows(role) {
            Ok(role)
        } else {
            Err(IdentityError::forbidden(
                "insufficient_role",
                format!(
                    "your role `{role}` may not {} {}",
                    permission.action(),
                    permission.resource()
                ),
            ))
        }
    }
}
