//! Agents, from their host's and their own side: a host (with its `host+jwt`) registers an agent
//! with its own key; what needs no approval — and what the host's user made its default — is
//! granted at once, the rest waits for a user of the organization. An active agent may ask for
//! more; an expired one is reactivated by its host, back to the defaults; a host rotates its
//! agents' keys and revokes them. Users revoke grants and agents from the dashboard.

use chrono::{DateTime, Utc};
use db::DbError;
use db::TransactionTrait as _;
use db::repo::agents::{
    self, Agent, Approval, GrantDecision, GrantRecord, Host, KeyOwner, NewAgent, NewHost,
};
use domain::{
    AgentHostId, AgentId, AgentStatus, ApprovalPurpose, GrantStatus, HostStatus, OrgId, UserId,
};
use resolve_caller::{VerifiedHost, VerifyError};
use serde_json::json;

use crate::IdentityError;
use crate::agents::{AgentAuth, Lifetime, require_active_host, thumbprint};
use crate::approvals::{ApprovalAsk, Asked};
use crate::audit::{Actor, AuditAction};
use crate::permissions::Permission;

/// An agent as its host, the agent itself and the dashboard see it.
#[derive(Clone, Debug)]
pub struct AgentState {
    pub agent: Agent,
    /// Every grant, by capability name.
    pub grants: Vec<GrantRecord>,
    /// The request awaiting a user's decision, if any.
    pub approval: Option<Approval>,
    /// When an active agent's session ends unless it makes another request.
    pub session_ends: Option<DateTime<Utc>>,
}

/// What a host asks for when registering an agent.
#[derive(Clone, Debug, Default)]
pub struct Registration {
    pub name: String,
    /// The agent's Ed25519 public key (its JWK `x`).
    pub public_key_x: String,
    pub capabilities: Vec<String>,
    /// A new host's name, when the host registers itself.
    pub host_name: Option<String>,
    pub ask: ApprovalAsk,
}

/// The host an agent registers under: one we know, or one registering itself with it.
enum HostToBe<'a> {
    Known(Host),
    New {
        id: AgentHostId,
        public_key_x: &'a str,
    },
}

/// More capabilities, as an agent's request answers them.
#[derive(Clone, Debug)]
pub struct CapabilityRequest {
    /// The grants of the capabilities asked for.
    pub grants: Vec<GrantRecord>,
    pub approval: Option<Approval>,
}

/// A public key given as the `x` of an Ed25519 JWK: 32 bytes, base64url.
pub(crate) fn check_key(x: &str) -> Result<(), IdentityError> {
    use base64::Engine as _;
    match base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(x) {
        Ok(bytes) if bytes.len() == 32 => Ok(()),
        _ => Err(IdentityError::invalid(
            "publicKey.x",
            "must be a base64url Ed25519 public key (32 bytes)",
        )),
    }
}

pub(crate) fn check_name(name: &str) -> Result<String, IdentityError> {
    domain::text::AGENT_NAME
        .check(name)
        .map(str::to_owned)
        .map_err(|problem| IdentityError::invalid("name", problem.to_string()))
}

pub(crate) fn host_token_refused(error: VerifyError) -> IdentityError {
    match error {
        VerifyError::Rejected(rejection) => IdentityError::Unauthenticated {
            failure: rejection.failure,
            message: rejection.message,
        },
        VerifyError::Unavailable(source) => IdentityError::Unavailable(source),
    }
}

/// An agent acting with its own token, as the audit log records it.
fn agent_actor(agent: &Agent) -> Actor {
    Actor {
        user_id: agent.user_id,
        kind: "agent",
        principal_id: Some(agent.id.to_string()),
        ip_address: None,
    }
}

/// A host acting with its own token, as the audit log records it.
pub(crate) fn host_actor(host: &Host) -> Actor {
    Actor {
        user_id: None,
        kind: "host",
        principal_id: Some(host.id.to_string()),
        ip_address: None,
    }
}

impl AgentAuth {
    /// Known capabilities, sorted and once each; unknown ones are a 400 naming them.
    pub(crate) fn known_capabilities(
        &self,
        capabilities: &[String],
    ) -> Result<Vec<String>, IdentityError> {
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
        Ok(requested)
    }

    /// Those of `capabilities` an agent of `host` gets without asking a user: the ones no one
    /// needs to approve, and — under a host a user stands behind — its default capabilities.
    fn granted_at_once(&self, host: &Host, capability: &str) -> bool {
        self.policy(capability)
            .is_some_and(|policy| policy.auto_granted)
            || (host.status == HostStatus::Active
                && host.user_id.is_some()
                && host.default_capabilities.iter().any(|c| c == capability))
    }

    /// The capabilities every agent gets without a user. Sorted.
    fn auto_granted(&self) -> Vec<String> {
        let mut granted: Vec<String> = self
            .capabilities()
            .iter()
            .filter(|(_, policy)| policy.auto_granted)
            .map(|(name, _)| name.clone())
            .collect();
        granted.sort();
        granted
    }

    /// A host registers an agent. A host we do not know registers itself along with it, when
    /// this deployment allows it: `pending`, in the organization of the storefront it registered
    /// on (`org`), until a user approves the registration.
    pub async fn register(
        &self,
        host: &VerifiedHost,
        org: Option<OrgId>,
        registration: Registration,
    ) -> Result<AgentState, IdentityError> {
        // The input first: a host that registers itself is stored only for a valid request.
        let name = check_name(&registration.name)?;
        check_key(&registration.public_key_x)?;
        let requested = self.known_capabilities(&registration.capabilities)?;
        let host_to_be = match host {
            VerifiedHost::Registered { .. } => HostToBe::Known(self.host_of(host, true).await?),
            VerifiedHost::Unregistered {
                host_id,
                public_key_x,
            } => HostToBe::New {
                id: *host_id,
                public_key_x,
            },
        };
        let identity = self.identity();
        let (db, now) = (identity.db(), identity.now());
        let agent_thumbprint = thumbprint(&registration.public_key_x);
        if let Some(existing) = agents::find_agent_by_thumbprint(db, &agent_thumbprint).await? {
            // The same registration again while it waits: the same agent, the same request.
            let same_host =
                matches!(&host_to_be, HostToBe::Known(host) if host.id == existing.host_id);
            if existing.status == AgentStatus::Pending && same_host {
                return self.state_of(existing).await;
            }
            return Err(IdentityError::conflict(
                "AGENT_EXISTS",
                "an agent with this key is already registered",
            ));
        }
        // A host that registers itself is stored with its agent, or not at all.
        let txn = db.begin().await.map_err(DbError::from)?;
        let host = match host_to_be {
            HostToBe::Known(host) => host,
            HostToBe::New { id, public_key_x } => {
                self.register_host_itself(&txn, id, public_key_x, org, &registration)
                    .await?
            }
        };
        let agent = agents::create_agent(
            &txn,
            host.org_id,
            NewAgent {
                id: AgentId::new(),
                host_id: host.id,
                thumbprint: &agent_thumbprint,
                public_key_x: &registration.public_key_x,
                name: &name,
                status: if host.status == HostStatus::Pending {
                    AgentStatus::Pending
                } else {
                    AgentStatus::Active
                },
                user_id: host.user_id,
            },
            now,
        )
        .await
        .map_err(IdentityError::conflict_as(
            "AGENT_EXISTS",
            "an agent with this key is already registered",
        ))?;
        // What needs no user, asked for or not, and what was asked that the host's user made a
        // default; the rest of what was asked waits.
        let (asked_at_once, pending): (Vec<String>, Vec<String>) = requested
            .into_iter()
            .partition(|c| self.granted_at_once(&host, c));
        let mut at_once = self.auto_granted();
        at_once.extend(asked_at_once);
        at_once.sort();
        at_once.dedup();
        self.grant_and_await(&txn, &agent, (&at_once, &pending), host.user_id, now)
            .await?;
        // A host that registered itself waits for a user however little its agent asks for.
        if !pending.is_empty() || host.status == HostStatus::Pending {
            let asked = Asked {
                org: host.org_id,
                agent: agent.id,
                host_user: host.user_id,
                capabilities: &pending,
                purpose: ApprovalPurpose::Registration,
            };
            self.open_approval(&txn, asked, &registration.ask).await?;
        }
        identity
            .record(
                &txn,
                Some(host.org_id),
                &host_actor(&host),
                AuditAction::AgentRegistered,
                Some(agent.id.to_string()),
                json!({ "granted": at_once, "requested": pending, "reason": registration.ask.reason }),
            )
            .await?;
        txn.commit().await.map_err(DbError::from)?;
        self.state(host.org_id, agent.id).await
    }

    /// Dynamic registration: the new host (its token verified with `public_key_x`, the key it
    /// carries), `pending` in the storefront's organization.
    async fn register_host_itself(
        &self,
        db: &impl db::ConnectionTrait,
        id: AgentHostId,
        public_key_x: &str,
        org: Option<OrgId>,
        registration: &Registration,
    ) -> Result<Host, IdentityError> {
        let Some(org) = org else {
            return Err(IdentityError::invalid(
                "host",
                "a new host registers on the storefront domain of the store it is for",
            ));
        };
        let name = check_name(registration.host_name.as_deref().unwrap_or("agent host"))?;
        let identity = self.identity();
        let host = agents::create_host(
            db,
            org,
            NewHost {
                id,
                thumbprint: &thumbprint(public_key_x),
                public_key_x,
                name: &name,
                status: HostStatus::Pending,
                user_id: None,
                default_capabilities: &[],
            },
            identity.now(),
        )
        .await
        .map_err(IdentityError::conflict_as(
            "HOST_EXISTS",
            "a host with this key already exists",
        ))?;
        identity
            .record(
                db,
                Some(org),
                &host_actor(&host),
                AuditAction::AgentHostCreated,
                Some(host.id.to_string()),
                json!({ "thumbprint": host.key.thumbprint, "dynamic": true }),
            )
            .await?;
        Ok(host)
    }

    /// Grants `at_once` (by `granted_by`) and records `pending` as awaiting a user.
    async fn grant_and_await(
        &self,
        db: &impl db::ConnectionTrait,
        agent: &Agent,
        (at_once, pending): (&[String], &[String]),
        granted_by: Option<UserId>,
        now: DateTime<Utc>,
    ) -> Result<(), IdentityError> {
        self.set_grants(db, agent, at_once, GrantStatus::Active, granted_by, now)
            .await?;
        self.set_grants(db, agent, pending, GrantStatus::Pending, None, now)
            .await
    }

    async fn set_grants(
        &self,
        db: &impl db::ConnectionTrait,
        agent: &Agent,
        capabilities: &[String],
        status: GrantStatus,
        granted_by: Option<UserId>,
        now: DateTime<Utc>,
    ) -> Result<(), IdentityError> {
        for capability in capabilities {
            let decision = GrantDecision {
                capability,
                status,
                granted_by: granted_by.filter(|_| status == GrantStatus::Active),
                expires_at: None,
                constraints: None,
            };
            agents::set_grant(db, agent.org_id, agent.id, decision, now).await?;
        }
        Ok(())
    }

    /// The agent, its grants, its open request and its session's end.
    pub async fn state(&self, org: OrgId, agent: AgentId) -> Result<AgentState, IdentityError> {
        let holder = agents::find_agent_in(self.identity().db(), org, agent)
            .await?
            .ok_or(IdentityError::NotFound("agent"))?;
        self.state_of(holder).await
    }

    async fn state_of(&self, mut holder: Agent) -> Result<AgentState, IdentityError> {
        let identity = self.identity();
        let (db, now) = (identity.db(), identity.now());
        // Its clocks are only written down when a token of it arrives: read them now.
        let lifetimes = self.settings().lifetimes;
        let mut session_ends = None;
        if holder.status == AgentStatus::Active {
            match lifetimes.lifetime(&holder, now) {
                Lifetime::Live => session_ends = Some(lifetimes.session_ends(&holder)),
                Lifetime::Expired => holder.status = AgentStatus::Expired,
                Lifetime::Ended => holder.status = AgentStatus::Revoked,
            }
        }
        Ok(AgentState {
            grants: agents::grants_of(db, holder.org_id, holder.id).await?,
            approval: agents::pending_of_agent(db, holder.org_id, holder.id, now).await?,
            agent: holder,
            session_ends,
        })
    }

    /// The host behind a verified `host+jwt`, read again (pending ones too where
    /// `allow_pending`). A host that is not registered yet can only register.
    pub(crate) async fn host_of(
        &self,
        host: &VerifiedHost,
        allow_pending: bool,
    ) -> Result<Host, IdentityError> {
        let unknown = || IdentityError::Unauthenticated {
            failure: "unknown",
            message: "no host has this key".to_owned(),
        };
        let VerifiedHost::Registered {
            host_id, org_id, ..
        } = host
        else {
            return Err(unknown());
        };
        let holder = agents::find_host(self.identity().db(), *org_id, *host_id)
            .await?
            .ok_or_else(unknown)?;
        if !(allow_pending && holder.status == HostStatus::Pending) {
            require_active_host(&holder).map_err(host_token_refused)?;
        }
        Ok(holder)
    }

    /// The host behind a verified `host+jwt`, and its agent with this id (another host's is not
    /// found).
    async fn host_and_agent(
        &self,
        host: &VerifiedHost,
        agent: AgentId,
        allow_pending: bool,
    ) -> Result<(Host, Agent), IdentityError> {
        let host = self.host_of(host, allow_pending).await?;
        let agent = self.agent_of_host(&host, agent).await?;
        Ok((host, agent))
    }

    /// The agent of `host` with this id; another host's is not found.
    async fn agent_of_host(&self, host: &Host, agent: AgentId) -> Result<Agent, IdentityError> {
        agents::find_agent_in(self.identity().db(), host.org_id, agent)
            .await?
            .filter(|holder| holder.host_id == host.id)
            .ok_or(IdentityError::NotFound("agent"))
    }

    /// A host reads one of its agents.
    pub async fn state_for_host(
        &self,
        host: &VerifiedHost,
        agent: AgentId,
    ) -> Result<AgentState, IdentityError> {
        let (_, holder) = self.host_and_agent(host, agent, true).await?;
        self.state_of(holder).await
    }

    /// An active agent asks for more capabilities: those it may have at once are granted, the
    /// rest wait for a user's decision. Asking only for what it holds is a conflict.
    pub async fn request_capabilities(
        &self,
        org: OrgId,
        agent: AgentId,
        capabilities: &[String],
        ask: &ApprovalAsk,
    ) -> Result<CapabilityRequest, IdentityError> {
        let requested = self.known_capabilities(capabilities)?;
        if requested.is_empty() {
            return Err(IdentityError::invalid(
                "capabilities",
                "name at least one capability",
            ));
        }
        let identity = self.identity();
        let (db, now) = (identity.db(), identity.now());
        let holder = agents::find_agent_in(db, org, agent)
            .await?
            .ok_or(IdentityError::NotFound("agent"))?;
        let host = agents::find_host(db, org, holder.host_id)
            .await?
            .ok_or(IdentityError::NotFound("host"))?;
        let held = agents::active_capabilities(db, org, agent, now).await?;
        let wanted: Vec<String> = requested
            .into_iter()
            .filter(|c| !held.iter().any(|(held, _)| held == c))
            .collect();
        if wanted.is_empty() {
            return Err(IdentityError::conflict(
                "ALREADY_GRANTED",
                "the agent already holds every capability it asked for",
            ));
        }
        let (at_once, pending): (Vec<String>, Vec<String>) = wanted
            .iter()
            .cloned()
            .partition(|c| self.granted_at_once(&host, c));
        let txn = db.begin().await.map_err(DbError::from)?;
        self.grant_and_await(&txn, &holder, (&at_once, &pending), host.user_id, now)
            .await?;
        let approval = if pending.is_empty() {
            None
        } else {
            let asked = Asked {
                org,
                agent,
                host_user: holder.user_id.or(host.user_id),
                capabilities: &pending,
                purpose: ApprovalPurpose::CapabilityRequest,
            };
            Some(self.open_approval(&txn, asked, ask).await?)
        };
        identity
            .record(
                &txn,
                Some(org),
                &agent_actor(&holder),
                AuditAction::AgentCapabilitiesRequested,
                Some(agent.to_string()),
                json!({ "granted": at_once, "requested": pending, "reason": ask.reason }),
            )
            .await?;
        txn.commit().await.map_err(DbError::from)?;
        let grants = agents::grants_of(db, org, agent)
            .await?
            .into_iter()
            .filter(|grant| wanted.contains(&grant.capability))
            .collect();
        Ok(CapabilityRequest { grants, approval })
    }

    /// A host brings back its expired agent: every grant it had is gone, it gets its host's
    /// defaults again (escalations are asked for anew), and its session and max lifetime start
    /// over. An active agent is answered as it is; a revoked, rejected or pending one cannot be
    /// reactivated, nor one past its absolute lifetime (which revokes it).
    pub async fn reactivate(
        &self,
        host: &VerifiedHost,
        agent: AgentId,
    ) -> Result<AgentState, IdentityError> {
        let (host, holder) = self.host_and_agent(host, agent, false).await?;
        let identity = self.identity();
        let (db, now) = (identity.db(), identity.now());
        let lifetimes = self.settings().lifetimes;
        // The clocks decide before the stored state does: an agent not used since it expired
        // is still `active` in its row.
        let status = match (holder.status, lifetimes.lifetime(&holder, now)) {
            (AgentStatus::Active | AgentStatus::Expired, Lifetime::Ended) => {
                agents::set_agent_status(db, host.org_id, holder.id, AgentStatus::Revoked, now)
                    .await?;
                return Err(IdentityError::forbidden(
                    "absolute_lifetime_exceeded",
                    "the agent has reached its absolute lifetime: register a new one",
                ));
            }
            (AgentStatus::Active, Lifetime::Live) => return self.state_of(holder).await,
            (AgentStatus::Active | AgentStatus::Expired, _) => AgentStatus::Expired,
            (other, _) => other,
        };
        if status != AgentStatus::Expired {
            let reason = match status {
                AgentStatus::Revoked => "agent_revoked",
                AgentStatus::Pending => "agent_pending",
                _ => "agent_rejected",
            };
            return Err(IdentityError::forbidden(
                reason,
                format!("a {status} agent cannot be reactivated"),
            ));
        }
        // Back to what needs no user and all its host's defaults; escalations are asked anew.
        let mut defaults = self.auto_granted();
        if host.user_id.is_some() {
            let known = host
                .default_capabilities
                .iter()
                .filter(|c| self.policy(c).is_some());
            defaults.extend(known.cloned());
        }
        defaults.sort();
        defaults.dedup();
        let txn = db.begin().await.map_err(DbError::from)?;
        agents::clear_grants(&txn, host.org_id, holder.id).await?;
        self.set_grants(
            &txn,
            &holder,
            &defaults,
            GrantStatus::Active,
            host.user_id,
            now,
        )
        .await?;
        agents::activate_agent(&txn, host.org_id, holder.id, AgentStatus::Active, now).await?;
        identity
            .record(
                &txn,
                Some(host.org_id),
                &host_actor(&host),
                AuditAction::AgentReactivated,
                Some(holder.id.to_string()),
                json!({ "granted": defaults }),
            )
            .await?;
        txn.commit().await.map_err(DbError::from)?;
        self.state(host.org_id, holder.id).await
    }

    /// A host replaces one of its agents' keys: the old key is refused from now on, the agent
    /// keeps its id and grants.
    pub async fn rotate_agent_key(
        &self,
        host: &VerifiedHost,
        agent: AgentId,
        public_key_x: &str,
    ) -> Result<Agent, IdentityError> {
        let (host, mut agent) = self.host_and_agent(host, agent, false).await?;
        let owner = KeyOwner::Agent(agent.id);
        agent.key = self
            .rotate_key(&host, owner, &agent.key, public_key_x)
            .await?;
        Ok(agent)
    }

    /// A host revokes one of its agents (its own decision, or the agent's through it).
    pub async fn revoke_agent_by_host(
        &self,
        host: &VerifiedHost,
        agent: AgentId,
    ) -> Result<Agent, IdentityError> {
        let (host, holder) = self.host_and_agent(host, agent, false).await?;
        self.end_agent(&holder, &host_actor(&host)).await?;
        Ok(holder)
    }

    /// The agent is revoked for good, and the audit log says by whom.
    async fn end_agent(&self, agent: &Agent, actor: &Actor) -> Result<(), IdentityError> {
        let identity = self.identity();
        agents::set_agent_status(
            identity.db(),
            agent.org_id,
            agent.id,
            AgentStatus::Revoked,
            identity.now(),
        )
        .await?;
        identity
            .record(
                identity.db(),
                Some(agent.org_id),
                actor,
                AuditAction::AgentRevoked,
                Some(agent.id.to_string()),
                json!({}),
            )
            .await
    }

    /// Revokes one grant of an agent of `org` (owners and admins, or the agent's approving user).
    pub async fn revoke_grant(
        &self,
        org: OrgId,
        user: UserId,
        agent: AgentId,
        capability: &str,
        actor: &Actor,
    ) -> Result<(), IdentityError> {
        let holder = self.manageable(org, user, agent).await?;
        let identity = self.identity();
        let decision = GrantDecision {
            capability,
            status: GrantStatus::Denied,
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
        agent: AgentId,
        actor: &Actor,
    ) -> Result<(), IdentityError> {
        let holder = self.manageable(org, user, agent).await?;
        self.end_agent(&holder, actor).await
    }

    /// Every agent of `org`, with its grants, for the dashboard (any member may look).
    pub async fn agents_of(
        &self,
        org: OrgId,
        user: UserId,
    ) -> Result<Vec<AgentState>, IdentityError> {
        let identity = self.identity();
        identity.role_in(org, user).await?;
        let mut states = Vec::new();
        for agent in agents::agents_of(identity.db(), org).await? {
            states.push(self.state_of(agent).await?);
        }
        Ok(states)
    }

    async fn manageable(
        &self,
        org: OrgId,
        user: UserId,
        agent: AgentId,
    ) -> Result<Agent, IdentityError> {
        let identity = self.identity();
        let holder = agents::find_agent_in(identity.db(), org, agent)
            .await?
            .ok_or(IdentityError::NotFound("agent"))?;
        self.may_manage(org, user, holder.user_id).await?;
        Ok(holder)
    }

    /// Owners and admins manage every host and agent of `org`; a member, those they stand behind
    /// (`behind`: the user of the host or agent).
    pub(crate) async fn may_manage(
        &self,
        org: OrgId,
        user: UserId,
        behind: Option<UserId>,
    ) -> Result<(), IdentityError> {
        let identity = self.identity();
        if behind != Some(user) {
            identity.require(org, user, Permission::AgentRevoke).await?;
        } else {
            identity.role_in(org, user).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The documented pattern of a public key is exactly what `check_key` accepts.
        #[test]
        fn the_documented_key_pattern_is_exactly_the_keys(raw in "[A-Za-z0-9_-]{41,44}|\\PC{0,44}") {
            let pattern = regex::Regex::new(domain::text::ED25519_X_PATTERN).unwrap();
            prop_assert_eq!(pattern.is_match(&raw), check_key(&raw).is_ok(), "{:?}", raw);
        }

        #[test]
        fn every_key_has_the_documented_shape(bytes in proptest::array::uniform32(0u8..)) {
            use base64::Engine as _;
            let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
            let pattern = regex::Regex::new(domain::text::ED25519_X_PATTERN).unwrap();
            prop_assert!(pattern.is_match(&x));
        }
    }
}
