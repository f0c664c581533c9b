//! Agent Auth, the user's and the agent's side: a signed-in user connects a host (an agent runtime,
//! by its public key); the host registers agents, each with its own key; capabilities that need no
//! approval are granted at once, the others wait for a user of the organization, who approves them
//! (all or some) under a user code from a fresh session — never beyond what their own role allows.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use db::DbError;
use db::repo::agents::{
    self, ACTIVE, Approval, GrantDecision, KeyHolder, NewKeyHolder, PENDING, REVOKED,
};
use db::repo::sessions;
use domain::{OrgId, OrgRole, SessionId, UserId};
use resolve_caller::{Scope, VerifyError};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::IdentityError;
use crate::agents::{AgentAuth, thumbprint};
use crate::audit::{Actor, AuditAction};
use crate::device::normalise_user_code;
use crate::permissions::Permission;

/// How long an approval request can be approved.
pub const APPROVAL_LIFETIME: Duration = Duration::minutes(15);
/// How recent the approving user's sign-in must be.
pub const FRESH_SESSION: Duration = Duration::minutes(5);
const DENIED: &str = "denied";
const REJECTED: &str = "rejected";
const APPROVED: &str = "approved";

/// What a user decides on an approval request.
#[derive(Clone, Debug, Default)]
pub struct ApprovalChoice {
    /// Approve (some of) the request, or deny all of it.
    pub approve: bool,
    /// The capabilities approved: all that was asked when `None`, never more.
    pub capabilities: Option<Vec<String>>,
    /// Limits on the input of approved capabilities, by capability (see
    /// [`resolve_caller::constraints`]).
    pub constraints: BTreeMap<String, Value>,
    /// When the approved grants lapse; `None` keeps them until revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

/// An agent just registered.
#[derive(Clone, Debug)]
pub struct Registered {
    pub agent_id: Uuid,
    pub org_id: OrgId,
    /// Every grant, by capability: `active` or `pending`.
    pub grants: Vec<(String, String)>,
    /// The code a user approves the pending grants under, when there are any.
    pub approval: Option<Approval>,
}

/// An agent's state and grants.
#[derive(Clone, Debug)]
pub struct AgentStatus {
    pub agent_id: Uuid,
    pub status: String,
    pub grants: Vec<(String, String)>,
}

/// A public key given as the `x` of an Ed25519 JWK: 32 bytes, base64url.
fn check_key(x: &str) -> Result<(), IdentityError> {
    use base64::Engine as _;
    match base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(x) {
        Ok(bytes) if bytes.len() == 32 => Ok(()),
        _ => Err(IdentityError::invalid(
            "publicKey.x",
            "must be a base64url Ed25519 public key (32 bytes)",
        )),
    }
}

fn check_name(name: &str) -> Result<String, IdentityError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(IdentityError::invalid(
            "name",
            "must be 1 to 200 characters",
        ));
    }
    Ok(name.to_owned())
}

fn host_token_refused(error: VerifyError) -> IdentityError {
    match error {
        VerifyError::Rejected(rejection) => IdentityError::Unauthenticated {
            failure: rejection.failure,
            message: rejection.message,
        },
        VerifyError::Unavailable(source) => IdentityError::Hashing(source.to_string()),
    }
}

impl AgentAuth {
    /// A signed-in user of `org` connects a host by its public key; it is active at once.
    pub async fn create_host(
        &self,
        org: OrgId,
        user: UserId,
        name: &str,
        public_key_x: &str,
        actor: &Actor,
    ) -> Result<KeyHolder, IdentityError> {
        let identity = self.identity();
        identity.require(org, user, Permission::AgentCreate).await?;
        let name = check_name(name)?;
        check_key(public_key_x)?;
        let host = agents::create_host(
            identity.db(),
            org,
            NewKeyHolder {
                thumbprint: &thumbprint(public_key_x),
                public_key_x,
                name: &name,
                status: ACTIVE,
                user_id: Some(user),
            },
            identity.now(),
        )
        .await
        .map_err(|error| match error {
            DbError::Conflict(_) => {
                IdentityError::conflict("HOST_EXISTS", "a host with this key is already connected")
            }
            other => other.into(),
        })?;
        identity
            .record(
                identity.db(),
                Some(org),
                actor,
                AuditAction::AgentHostCreated,
                Some(host.id.to_string()),
                json!({ "thumbprint": host.thumbprint }),
            )
            .await?;
        Ok(host)
    }

    /// A host (authenticated by its `host+jwt`) registers an agent asking for `capabilities`.
    pub async fn register(
        &self,
        host_token: &str,
        name: &str,
        public_key_x: &str,
        capabilities: &[String],
    ) -> Result<Registered, IdentityError> {
        let host = self
            .verify_host_token(host_token)
            .await
            .map_err(host_token_refused)?;
        let name = check_name(name)?;
        check_key(public_key_x)?;
        let mut requested: Vec<String> = capabilities.to_vec();
        requested.sort();
        requested.dedup();
        let unknown: Vec<&String> = requested
            .iter()
            .filter(|c| self.policy(c).is_none())
            .collect();
        if !unknown.is_empty() {
            return Err(IdentityError::invalid(
                "capabilities",
                format!("unknown capabilities: {unknown:?}"),
            ));
        }
        let identity = self.identity();
        let (db, now) = (identity.db(), identity.now());
        let agent = agents::create_agent(
            db,
            host.org_id,
            host.id,
            NewKeyHolder {
                thumbprint: &thumbprint(public_key_x),
                public_key_x,
                name: &name,
                status: ACTIVE,
                user_id: host.user_id,
            },
            now,
        )
        .await
        .map_err(|error| match error {
            DbError::Conflict(_) => IdentityError::conflict(
                "AGENT_EXISTS",
                "an agent with this key is already registered",
            ),
            other => other.into(),
        })?;
        let mut auto: Vec<&str> = self
            .capabilities()
            .iter()
            .filter(|(_, policy)| policy.auto_granted)
            .map(|(name, _)| name.as_str())
            .collect();
        auto.sort_unstable();
        for capability in &auto {
            let decision = GrantDecision {
                capability,
                status: ACTIVE,
                granted_by: None,
                expires_at: None,
                constraints: None,
            };
            agents::set_grant(db, host.org_id, agent.id, decision, now).await?;
        }
        let pending: Vec<String> = requested
            .into_iter()
            .filter(|c| !auto.contains(&c.as_str()))
            .collect();
        for capability in &pending {
            let decision = GrantDecision {
                capability,
                status: PENDING,
                granted_by: None,
                expires_at: None,
                constraints: None,
            };
            agents::set_grant(db, host.org_id, agent.id, decision, now).await?;
        }
        let approval = if pending.is_empty() {
            None
        } else {
            Some(self.open_approval(host.org_id, agent.id, &pending).await?)
        };
        identity
            .record(
                db,
                Some(host.org_id),
                &Actor {
                    user_id: None,
                    kind: "host",
                    principal_id: Some(host.id.to_string()),
                    ip_address: None,
                },
                AuditAction::AgentRegistered,
                Some(agent.id.to_string()),
                json!({ "requested": pending }),
            )
            .await?;
        Ok(Registered {
            agent_id: agent.id,
            org_id: host.org_id,
            grants: agents::grants_of(db, host.org_id, agent.id).await?,
            approval,
        })
    }

    async fn open_approval(
        &self,
        org: OrgId,
        agent: Uuid,
        capabilities: &[String],
    ) -> Result<Approval, IdentityError> {
        let identity = self.identity();
        let now = identity.now();
        for _ in 0..5 {
            let code = crate::device::new_user_code();
            match agents::create_approval(
                identity.db(),
                org,
                agent,
                &code,
                capabilities,
                now + APPROVAL_LIFETIME,
                now,
            )
            .await
            {
                Ok(approval) => return Ok(approval),
                Err(DbError::Conflict(_)) => {}
                Err(other) => return Err(other.into()),
            }
        }
        Err(IdentityError::conflict(
            "USER_CODE_EXHAUSTED",
            "could not draw a free user code; retry",
        ))
    }

    /// The agent's own view of itself.
    pub async fn status(&self, org: OrgId, agent: Uuid) -> Result<AgentStatus, IdentityError> {
        let db = self.identity().db();
        let holder = agents::find_agent_in(db, org, agent)
            .await?
            .ok_or(IdentityError::NotFound("agent"))?;
        Ok(AgentStatus {
            agent_id: holder.id,
            status: holder.status,
            grants: agents::grants_of(db, org, agent).await?,
        })
    }

    /// A user decides an approval request by its code: approve what `choice` names (all that was
    /// asked, or some of it, optionally constrained) or deny it. The user's session must be fresh,
    /// the user a member of the agent's organization, and allowed to use each admin capability
    /// they approve.
    pub async fn decide(
        &self,
        user: UserId,
        session: SessionId,
        user_code: &str,
        choice: ApprovalChoice,
        actor: &Actor,
    ) -> Result<Approval, IdentityError> {
        let ApprovalChoice {
            approve,
            capabilities: chosen,
            constraints,
            expires_at,
        } = choice;
        let identity = self.identity();
        let (db, now) = (identity.db(), identity.now());
        let approval = agents::find_approval_by_code(db, &normalise_user_code(user_code))
            .await?
            .ok_or(IdentityError::NotFound("approval request"))?;
        let signed_in = sessions::get(db, session)
            .await
            .map_err(IdentityError::not_found_as("session"))?;
        if now - signed_in.created_at > FRESH_SESSION {
            return Err(IdentityError::forbidden(
                "fresh_session_required",
                "sign in again (within 5 minutes) to approve an agent",
            ));
        }
        let role = identity
            .role_in(approval.org_id, user)
            .await
            .map_err(|_| IdentityError::NotFound("approval request"))?;
        let granted: Vec<String> = match (&chosen, approve) {
            (_, false) => Vec::new(),
            (None, true) => approval.capabilities.clone(),
            (Some(chosen), true) => {
                if let Some(extra) = chosen.iter().find(|c| !approval.capabilities.contains(c)) {
                    return Err(IdentityError::invalid(
                        "capabilities",
                        format!("`{extra}` was not asked for; an approval never widens a request"),
                    ));
                }
                chosen.clone()
            }
        };
        check_constraints(&constraints, &granted)?;
        if expires_at.is_some_and(|at| at <= now) {
            return Err(IdentityError::invalid("expiresAt", "must be in the future"));
        }
        for capability in &granted {
            let admin = self
                .policy(capability)
                .is_some_and(|policy| policy.scope == Scope::Admin);
            if admin && role == OrgRole::Member {
                return Err(IdentityError::forbidden(
                    "insufficient_role",
                    format!("your role `member` may not grant `{capability}`"),
                ));
            }
        }
        let status = if approve { APPROVED } else { DENIED };
        if !agents::decide_approval(db, approval.org_id, approval.id, status, user, now).await? {
            return Err(IdentityError::conflict(
                "APPROVAL_CLOSED",
                "this request was already decided or has expired",
            ));
        }
        for capability in &approval.capabilities {
            let active = granted.contains(capability);
            let limits = constraints.get(capability).map(Value::to_string);
            let decision = GrantDecision {
                capability,
                status: if active { ACTIVE } else { DENIED },
                granted_by: Some(user),
                expires_at: expires_at.filter(|_| active),
                constraints: limits.as_deref(),
            };
            agents::set_grant(db, approval.org_id, approval.agent_id, decision, now).await?;
        }
        if approve {
            agents::set_agent_user(db, approval.org_id, approval.agent_id, user, now).await?;
        } else {
            agents::set_agent_status(db, approval.org_id, approval.agent_id, REJECTED, now).await?;
        }
        identity
            .record(
                db,
                Some(approval.org_id),
                actor,
                if approve {
                    AuditAction::AgentApproved
                } else {
                    AuditAction::AgentDenied
                },
                Some(approval.agent_id.to_string()),
                json!({ "granted": granted, "constraints": constraints, "expiresAt": expires_at }),
            )
            .await?;
        Ok(approval)
    }

    /// Revokes one grant of an agent of `org` (owners and admins, or the agent's approving user).
    pub async fn revoke_grant(
        &self,
        org: OrgId,
        user: UserId,
        agent: Uuid,
        capability: &str,
        actor: &Actor,
    ) -> Result<(), IdentityError> {
        let holder = self.manageable(org, user, agent).await?;
        let identity = self.identity();
        let decision = GrantDecision {
            capability,
            status: DENIED,
            granted_by: Some(user),
            expires_at: None,
            constraints: None,
        };
        agents::set_grant(identity.db(), org, holder.id, decision, identity.now()).await?;
        identity
            .record(
                identity.db(),
                Some(org),
                actor,
                AuditAction::AgentGrantRevoked,
                Some(holder.id.to_string()),
                json!({ "capability": capability }),
            )
            .await
    }

    /// Revokes an agent of `org`: its tokens are refused from the next request on.
    pub async fn revoke_agent(
        &self,
        org: OrgId,
        user: UserId,
        agent: Uuid,
        actor: &Actor,
    ) -> Result<(), IdentityError> {
        let holder = self.manageable(org, user, agent).await?;
        let identity = self.identity();
        agents::set_agent_status(identity.db(), org, holder.id, REVOKED, identity.now()).await?;
        identity
            .record(
                identity.db(),
                Some(org),
                actor,
                AuditAction::AgentRevoked,
                Some(holder.id.to_string()),
                json!({}),
            )
            .await
    }

    /// Revokes a host of `org` and with it every agent under it: their tokens, and the host's,
    /// are refused from the next request on.
    pub async fn revoke_host(
        &self,
        org: OrgId,
        user: UserId,
        host: Uuid,
        actor: &Actor,
    ) -> Result<(), IdentityError> {
        let identity = self.identity();
        let holder = agents::find_host(identity.db(), org, host)
            .await?
            .ok_or(IdentityError::NotFound("host"))?;
        self.may_manage(org, user, &holder).await?;
        agents::set_host_status(identity.db(), org, holder.id, REVOKED, identity.now()).await?;
        identity
            .record(
                identity.db(),
                Some(org),
                actor,
                AuditAction::AgentHostRevoked,
                Some(holder.id.to_string()),
                json!({ "thumbprint": holder.thumbprint }),
            )
            .await
    }

    async fn manageable(
        &self,
        org: OrgId,
        user: UserId,
        agent: Uuid,
    ) -> Result<KeyHolder, IdentityError> {
        let identity = self.identity();
        let holder = agents::find_agent_in(identity.db(), org, agent)
            .await?
            .ok_or(IdentityError::NotFound("agent"))?;
        self.may_manage(org, user, &holder).await?;
        Ok(holder)
    }

    /// Owners and admins manage every host and agent of `org`; a member, those they stand behind.
    async fn may_manage(
        &self,
        org: OrgId,
        user: UserId,
        holder: &KeyHolder,
    ) -> Result<(), IdentityError> {
        let identity = self.identity();
        if holder.user_id != Some(user) {
            identity.require(org, user, Permission::AgentRevoke).await?;
        } else {
            identity.role_in(org, user).await?;
        }
        Ok(())
    }
}

/// Constraints may limit only capabilities being granted, and each must be well formed.
fn check_constraints(
    constraints: &BTreeMap<String, Value>,
    granted: &[String],
) -> Result<(), IdentityError> {
    for (capability, limits) in constraints {
        if !granted.contains(capability) {
            return Err(IdentityError::invalid(
                "constraints",
                format!("`{capability}` is not being granted, so it cannot be constrained"),
            ));
        }
        resolve_caller::constraints::validate(limits).map_err(|problem| {
            IdentityError::invalid("constraints", format!("`{capability}`: {problem}"))
        })?;
    }
    Ok(())
}
