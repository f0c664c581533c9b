//! Who did what: every security-relevant change is appended to the audit log.

use db::repo::audit::{self, AuditEvent};
use domain::{OrgId, UserId};
use serde_json::Value;

use crate::{Identity, IdentityError};

/// Who acts, as the audit log records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<UserId>,
    /// `session`, `api_key`, `agent`, `host`, `system` or `anonymous`.
    pub kind: &'static str,
    /// The session, key or agent id.
    pub principal_id: Option<String>,
    pub ip_address: Option<String>,
}

impl Actor {
    /// Someone not signed in (sign-up, a failed sign-in).
    #[must_use]
    pub const fn anonymous(ip_address: Option<String>) -> Self {
        Self {
            user_id: None,
            kind: "anonymous",
            principal_id: None,
            ip_address,
        }
    }

    /// The api itself: an operator at the command line, or a background task (the sweep of unpaid
    /// orders).
    #[must_use]
    pub const fn system() -> Self {
        Self {
            user_id: None,
            kind: "system",
            principal_id: None,
            ip_address: None,
        }
    }
}

/// The events we record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    UserSignup,
    EmailVerified,
    PasswordResetRequested,
    PasswordReset,
    SignIn,
    SignInFailed,
    SignOut,
    OrganizationCreated,
    MemberInvited,
    InvitationRevoked,
    MemberAdded,
    MemberRemoved,
    MemberRoleChanged,
    PlatformRoleChanged,
    SessionsRevoked,
    ApiKeyCreated,
    ApiKeyRevoked,
    StoreDomainAdded,
    StoreDomainVerified,
    StoreDomainUnverified,
    StoreDomainRemoved,
    DeviceApproved,
    DeviceDenied,
    AgentHostCreated,
    AgentRegistered,
    AgentApproved,
    AgentDenied,
    AgentGrantRevoked,
    AgentRevoked,
    AgentHostRevoked,
    AgentCapabilityExecuted,
    AgentReactivated,
    AgentKeyRotated,
    AgentEnrollmentCreated,
    AgentHostKeyRotated,
    AgentCapabilitiesRequested,
    OrderPaymentRecorded,
    OrderRefunded,
    OrderExpired,
}

impl AuditAction {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::UserSignup => "user_signup",
            Self::EmailVerified => "email_verified",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordReset => "password_reset",
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignOut => "sign_out",
            Self::OrganizationCreated => "organization_created",
            Self::MemberInvited => "member_invited",
            Self::InvitationRevoked => "invitation_revoked",
            Self::MemberAdded => "member_added",
            Self::MemberRemoved => "member_removed",
            Self::MemberRoleChanged => "member_role_changed",
            Self::PlatformRoleChanged => "platform_role_changed",
            Self::SessionsRevoked => "sessions_revoked",
            Self::ApiKeyCreated => "api_key_created",
            Self::ApiKeyRevoked => "api_key_revoked",
            Self::StoreDomainAdded => "store_domain_added",
            Self::StoreDomainVerified => "store_domain_verified",
            Self::StoreDomainUnverified => "store_domain_unverified",
            Self::StoreDomainRemoved => "store_domain_removed",
            Self::DeviceApproved => "device_approved",
            Self::DeviceDenied => "device_denied",
            Self::AgentHostCreated => "agent_host_created",
            Self::AgentRegistered => "agent_registered",
            Self::AgentApproved => "agent_approved",
            Self::AgentDenied => "agent_denied",
            Self::AgentGrantRevoked => "agent_grant_revoked",
            Self::AgentRevoked => "agent_revoked",
            Self::AgentHostRevoked => "agent_host_revoked",
            Self::AgentCapabilityExecuted => "agent_capability_executed",
            Self::AgentReactivated => "agent_reactivated",
            Self::AgentKeyRotated => "agent_key_rotated",
            Self::AgentEnrollmentCreated => "agent_enrollment_created",
            Self::AgentHostKeyRotated => "agent_host_key_rotated",
            Self::AgentCapabilitiesRequested => "agent_capabilities_requested",
            Self::OrderPaymentRecorded => "order_payment_recorded",
            Self::OrderRefunded => "order_refunded",
            Self::OrderExpired => "order_expired",
        }
    }
}

impl Identity {
    fn event(
        &self,
        org: Option<OrgId>,
        actor: &Actor,
        action: AuditAction,
        subject: Option<String>,
        details: &Value,
    ) -> AuditEvent {
        AuditEvent {
            id: uuid::Uuid::now_v7(),
            org_id: org,
            actor_user_id: actor.user_id,
            actor_kind: actor.kind.to_owned(),
            principal_id: actor.principal_id.clone(),
            action: action.as_str().to_owned(),
            subject,
            details: details.to_string(),
            ip_address: actor.ip_address.clone(),
            created_at: self.now(),
        }
    }

    /// Appends one event on `db` (the pool, or the transaction of the change it records).
    pub(crate) async fn record(
        &self,
        db: &impl db::ConnectionTrait,
        org: Option<OrgId>,
        actor: &Actor,
        action: AuditAction,
        subject: Option<String>,
        details: Value,
    ) -> Result<(), IdentityError> {
        audit::append(db, self.event(org, actor, action, subject, &details)).await?;
        Ok(())
    }

    /// Records an event of an organization that the api itself carried out (a storefront domain
    /// added…), outside any identity operation.
    pub async fn audit(
        &self,
        org: OrgId,
        actor: &Actor,
        action: AuditAction,
        subject: Option<String>,
        details: Value,
    ) -> Result<(), IdentityError> {
        self.record(self.db(), Some(org), actor, action, subject, details)
            .await
    }

    /// Records an event of an organization on `db`: the transaction of the change the api made
    /// (a payment recorded by hand…), so that the change and its record commit together or not at
    /// all.
    pub async fn audit_in(
        &self,
        db: &impl db::ConnectionTrait,
        org: OrgId,
        actor: &Actor,
        action: AuditAction,
        subject: Option<String>,
        details: &Value,
    ) -> Result<(), db::DbError> {
        audit::append(db, self.event(Some(org), actor, action, subject, details)).await
    }

    /// The organization's events, newest first, older than `before`. The caller has been
    /// authorized by the api (scope and role).
    pub async fn audit_events_of(
        &self,
        org: OrgId,
        before: Option<uuid::Uuid>,
        limit: u64,
    ) -> Result<Vec<AuditEvent>, IdentityError> {
        Ok(audit::list(self.db(), org, before, limit).await?)
    }
}
