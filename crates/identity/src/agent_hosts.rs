//! Hosts of Agent Auth: the persistent identity of an agent runtime. A signed-in user connects one
//! by its public key, or creates a one-time enrollment token the runtime redeems with its key;
//! either way the host is active and the user stands behind it, with the default capabilities the
//! user chose (never beyond their own role). A host rotates its key and may revoke itself; users
//! revoke hosts from the dashboard. Revoking a host revokes every agent under it.

use chrono::Duration;
use db::DbError;
use db::TransactionTrait as _;
use db::repo::agents::{self, Enrollment, Host, KeyOwner, NewEnrollment};
use domain::{AgentHostId, AgentStatus, HostStatus, OrgId, UserId};
use resolve_caller::VerifiedHost;
use serde_json::json;

use crate::IdentityError;
use crate::agent_lifecycle::{check_key, check_name, host_actor};
use crate::agents::{AgentAuth, thumbprint};
use crate::audit::{Actor, AuditAction};
use crate::permissions::Permission;

/// How long an enrollment token can be redeemed.
pub const ENROLLMENT_LIFETIME: Duration = Duration::hours(1);
/// Enrollment tokens start with this, so a leaked one is recognisable.
const ENROLLMENT_PREFIX: &str = "enr_";

/// A new host, as a user describes it.
#[derive(Clone, Debug, Default)]
pub struct NewHost {
    pub name: String,
    /// Capabilities its agents get without asking a user again.
    pub default_capabilities: Vec<String>,
}

/// An enrollment token, shown once.
#[derive(Clone, Debug)]
pub struct CreatedEnrollment {
    pub enrollment: Enrollment,
    pub token: String,
}

/// A host revoked, with how many agents went with it.
#[derive(Clone, Debug)]
pub struct RevokedHost {
    /// As it is now: revoked.
    pub host: Host,
    pub agents_revoked: u64,
}

impl AgentAuth {
    /// `user` may create hosts in `org`, and give them these default capabilities.
    async fn check_host_defaults(
        &self,
        org: OrgId,
        user: UserId,
        host: &NewHost,
    ) -> Result<(String, Vec<String>), IdentityError> {
        let identity = self.identity();
        identity.require(org, user, Permission::AgentCreate).await?;
        let name = check_name(&host.name)?;
        let defaults = self.known_capabilities(&host.default_capabilities)?;
        let role = identity.role_in(org, user).await?;
        self.check_role_may_grant(role, &defaults)?;
        Ok((name, defaults))
    }

    /// A signed-in user of `org` connects a host by its public key; it is active at once.
    pub async fn create_host(
        &self,
        org: OrgId,
        user: UserId,
        host: NewHost,
        public_key_x: &str,
        actor: &Actor,
    ) -> Result<Host, IdentityError> {
        let (name, defaults) = self.check_host_defaults(org, user, &host).await?;
        check_key(public_key_x)?;
        let identity = self.identity();
        let txn = identity.db().begin().await.map_err(DbError::from)?;
        let host = self
            .store_host(&txn, org, user, &name, &defaults, public_key_x)
            .await?;
        identity
            .record(
                &txn,
                Some(org),
                actor,
                AuditAction::AgentHostCreated,
                Some(host.id.to_string()),
                json!({ "thumbprint": host.key.thumbprint, "defaultCapabilities": defaults }),
            )
            .await?;
        txn.commit().await.map_err(DbError::from)?;
        Ok(host)
    }

    async fn store_host(
        &self,
        db: &impl db::ConnectionTrait,
        org: OrgId,
        user: UserId,
        name: &str,
        defaults: &[String],
        public_key_x: &str,
    ) -> Result<Host, IdentityError> {
        agents::create_host(
            db,
            org,
            agents::NewHost {
                id: AgentHostId::new(),
                thumbprint: &thumbprint(public_key_x),
                public_key_x,
                name,
                status: HostStatus::Active,
                user_id: Some(user),
                default_capabilities: defaults,
            },
            self.identity().now(),
        )
        .await
        .map_err(IdentityError::conflict_as(
            "HOST_EXISTS",
            "a host with this key is already connected",
        ))
    }

    /// A signed-in user of `org` names a host to come: a one-time token, valid for an hour, that
    /// the runtime redeems with its public key. Only the token's hash is kept.
    pub async fn create_enrollment(
        &self,
        org: OrgId,
        user: UserId,
        host: NewHost,
        actor: &Actor,
    ) -> Result<CreatedEnrollment, IdentityError> {
        let (name, defaults) = self.check_host_defaults(org, user, &host).await?;
        let token = format!("{ENROLLMENT_PREFIX}{}", crate::tokens::random_token());
        let identity = self.identity();
        let now = identity.now();
        let enrollment = agents::create_enrollment(
            identity.db(),
            org,
            NewEnrollment {
                token_hash: &crate::tokens::secret_hash(&token),
                name: &name,
                default_capabilities: &defaults,
                created_by: user,
                expires_at: now + ENROLLMENT_LIFETIME,
            },
            now,
        )
        .await?;
        identity
            .record(
                identity.db(),
                Some(org),
                actor,
                AuditAction::AgentEnrollmentCreated,
                Some(enrollment.id.to_string()),
                json!({ "name": name, "defaultCapabilities": defaults }),
            )
            .await?;
        Ok(CreatedEnrollment { enrollment, token })
    }

    /// A runtime redeems an enrollment token with its public key: the host exists, active, for the
    /// user who created the token. A token works once, within its hour.
    pub async fn redeem_enrollment(
        &self,
        token: &str,
        public_key_x: &str,
    ) -> Result<Host, IdentityError> {
        check_key(public_key_x)?;
        let identity = self.identity();
        let txn = identity.db().begin().await.map_err(DbError::from)?;
        let enrollment =
            agents::redeem_enrollment(&txn, &crate::tokens::secret_hash(token), identity.now())
                .await?
                .ok_or(IdentityError::InvalidEnrollmentToken)?;
        // The user may have left the organization since: no host for them then.
        identity
            .require(
                enrollment.org_id,
                enrollment.created_by,
                Permission::AgentCreate,
            )
            .await?;
        let host = self
            .store_host(
                &txn,
                enrollment.org_id,
                enrollment.created_by,
                &enrollment.name,
                &enrollment.default_capabilities,
                public_key_x,
            )
            .await?;
        agents::set_enrollment_host(&txn, enrollment.org_id, enrollment.id, host.id).await?;
        identity
            .record(
                &txn,
                Some(enrollment.org_id),
                &Actor {
                    user_id: Some(enrollment.created_by),
                    kind: "host",
                    principal_id: Some(host.id.to_string()),
                    ip_address: None,
                },
                AuditAction::AgentHostCreated,
                Some(host.id.to_string()),
                json!({ "thumbprint": host.key.thumbprint, "enrollment": enrollment.id }),
            )
            .await?;
        txn.commit().await.map_err(DbError::from)?;
        Ok(host)
    }

    /// The hosts of `org`, for the dashboard (any member may look).
    pub async fn hosts_of(&self, org: OrgId, user: UserId) -> Result<Vec<Host>, IdentityError> {
        let identity = self.identity();
        identity.role_in(org, user).await?;
        Ok(agents::hosts_of(identity.db(), org).await?)
    }

    /// A user revokes a host of `org` (owners and admins, or the host's own user).
    pub async fn revoke_host(
        &self,
        org: OrgId,
        user: UserId,
        host: AgentHostId,
        actor: &Actor,
    ) -> Result<RevokedHost, IdentityError> {
        let identity = self.identity();
        let holder = agents::find_host(identity.db(), org, host)
            .await?
            .ok_or(IdentityError::NotFound("host"))?;
        self.may_manage(org, user, holder.user_id).await?;
        self.end_host(holder, actor).await
    }

    /// A host revokes itself (its key is lost, or it is being retired).
    pub async fn revoke_host_itself(
        &self,
        host: &VerifiedHost,
    ) -> Result<RevokedHost, IdentityError> {
        let host = self.host_of(host, true).await?;
        let actor = host_actor(&host);
        self.end_host(host, &actor).await
    }

    async fn end_host(&self, mut host: Host, actor: &Actor) -> Result<RevokedHost, IdentityError> {
        let identity = self.identity();
        let (db, now) = (identity.db(), identity.now());
        let txn = db.begin().await.map_err(DbError::from)?;
        agents::set_host_status(&txn, host.org_id, host.id, HostStatus::Revoked, now).await?;
        let agents_revoked =
            agents::end_agents_of_host(&txn, host.org_id, host.id, AgentStatus::Revoked, now)
                .await?;
        identity
            .record(
                &txn,
                Some(host.org_id),
                actor,
                AuditAction::AgentHostRevoked,
                Some(host.id.to_string()),
                json!({ "thumbprint": host.key.thumbprint, "agentsRevoked": agents_revoked }),
            )
            .await?;
        txn.commit().await.map_err(DbError::from)?;
        host.status = HostStatus::Revoked;
        Ok(RevokedHost {
            host,
            agents_revoked,
        })
    }

    /// A host replaces its key, signing with the current one: the old key is refused from now on;
    /// the host keeps its id, agents and grants, and its tokens' `iss` is the new thumbprint.
    pub async fn rotate_host_key(
        &self,
        host: &VerifiedHost,
        public_key_x: &str,
    ) -> Result<Host, IdentityError> {
        let mut host = self.host_of(host, false).await?;
        let owner = KeyOwner::Host(host.id);
        host.key = self
            .rotate_key(&host, owner, &host.key, public_key_x)
            .await?;
        Ok(host)
    }
}
