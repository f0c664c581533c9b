//! Approvals of Agent Auth: what an agent asks for waits for a user of its organization — anyone
//! entitled who types its user code (device authorization), or the one user it names (CIBA), who
//! finds it in their list of pending requests. The user decides from a fresh session, within their
//! own role, approving all or some of it, optionally until a date and within constraints.

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use db::DbError;
use db::TransactionTrait as _;
use db::repo::agents::{self, Agent, Approval, GrantDecision, Host, NewApproval};
use db::repo::{sessions, users};
use domain::{
    AgentId, AgentStatus, ApprovalId, ApprovalMethod, ApprovalPurpose, ApprovalStatus, GrantStatus,
    HostStatus, OrgId, OrgRole, Scope, SessionId, UserId,
};
use serde_json::{Value, json};

use crate::IdentityError;
use crate::agents::AgentAuth;
use crate::audit::{Actor, AuditAction};
use crate::device::normalise_user_code;

/// How long an approval request can be decided.
pub const APPROVAL_LIFETIME: Duration = Duration::minutes(15);
/// How recent the approving user's sign-in must be.
pub const FRESH_SESSION: Duration = Duration::minutes(5);
/// How often an agent may ask whether it was decided.
pub const POLL_INTERVAL_SECONDS: u64 = 5;
/// A binding message is shown to a person: short, one line.
const MAX_BINDING_MESSAGE: usize = 200;

/// How an agent would like its approval asked for (the protocol's `preferred_method`,
/// `login_hint` and `binding_message`). The server decides: CIBA when the user it names — by
/// email, or the host's own user — belongs to the organization; the user code otherwise.
#[derive(Clone, Debug, Default)]
pub struct ApprovalAsk {
    /// Why the agent asks: kept in the audit log with the request.
    pub reason: Option<String>,
    pub preferred_method: Option<String>,
    pub login_hint: Option<String>,
    pub binding_message: Option<String>,
    /// The client address of the call that asks (the host's registration, the agent's request),
    /// as the api sees it: kept with the request for the approver, never shown to the agent.
    pub requested_from: Option<IpAddr>,
}

/// What an agent asked, to be decided.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Asked<'a> {
    pub org: OrgId,
    pub agent: AgentId,
    /// The user behind the agent's host, who a CIBA request goes to unless the agent names another.
    pub host_user: Option<UserId>,
    pub capabilities: &'a [String],
    pub purpose: ApprovalPurpose,
}

/// Which request a user decides.
#[derive(Clone, Debug)]
pub enum ApprovalTarget {
    /// A device-authorization request, by the code the agent showed.
    UserCode(String),
    /// A request by its id (a CIBA request, from the approver's pending list).
    Request(ApprovalId),
}

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

/// Shown to a person: control characters and markup out, one line, at most 200 characters.
fn sanitised(message: &str) -> Option<String> {
    let clean: String = message
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>'))
        .take(MAX_BINDING_MESSAGE)
        .collect();
    let clean = clean.trim();
    (!clean.is_empty()).then(|| clean.to_owned())
}

impl AgentAuth {
    /// Opens a request for a user's decision on what `agent` asked.
    pub(crate) async fn open_approval(
        &self,
        db: &impl db::ConnectionTrait,
        asked: Asked<'_>,
        ask: &ApprovalAsk,
    ) -> Result<Approval, IdentityError> {
        let Asked {
            org,
            agent,
            host_user,
            capabilities,
            purpose,
        } = asked;
        let identity = self.identity();
        let now = identity.now();
        // Asked for CIBA, the request is CIBA whoever the hint names: addressed to that member, or
        // (someone outside the organization, or nobody) to no one — it then expires unanswered.
        // Either way the agent gets the same answer, so a hint never tells it who is a member.
        let ciba = ask.preferred_method.as_deref() == Some(ApprovalMethod::Ciba.as_str());
        let approver = if ciba {
            self.ciba_approver(org, host_user, ask.login_hint.as_deref())
                .await?
        } else {
            None
        };
        let binding_message = ask.binding_message.as_deref().and_then(sanitised);
        let requested_from = ask.requested_from.map(|ip| ip.to_string());
        for _ in 0..5 {
            let code = crate::device::new_user_code();
            let new = NewApproval {
                agent,
                user_code: &code,
                capabilities,
                expires_at: now + APPROVAL_LIFETIME,
                method: if ciba {
                    ApprovalMethod::Ciba
                } else {
                    ApprovalMethod::DeviceAuthorization
                },
                approver,
                purpose,
                binding_message: binding_message.as_deref(),
                requested_from: requested_from.as_deref(),
            };
            match agents::create_approval(db, org, new, now).await {
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

    /// The member of `org` a CIBA request goes to: the one `login_hint` names by email, else the
    /// host's user. Someone outside the organization is never asked (nor told apart from an
    /// unknown email): none.
    async fn ciba_approver(
        &self,
        org: OrgId,
        host_user: Option<UserId>,
        login_hint: Option<&str>,
    ) -> Result<Option<UserId>, IdentityError> {
        let identity = self.identity();
        let named = match login_hint {
            Some(email) => users::find_by_email(identity.db(), &email.trim().to_lowercase())
                .await?
                .map(|user| user.id),
            None => host_user,
        };
        let Some(user) = named else {
            return Ok(None);
        };
        Ok(identity.is_member(org, user).await?.then_some(user))
    }

    /// The request `target` names, as `user` may see it: a device-authorization request by its
    /// code, or a CIBA request addressed to `user` by its id. Anything else — another method,
    /// another approver, an unknown code — is none.
    async fn find_target(
        &self,
        db: &impl db::ConnectionTrait,
        user: UserId,
        target: ApprovalTarget,
    ) -> Result<Approval, IdentityError> {
        match target {
            ApprovalTarget::UserCode(code) => {
                agents::find_approval_by_code(db, &normalise_user_code(&code))
                    .await?
                    .filter(|approval| approval.method == ApprovalMethod::DeviceAuthorization)
            }
            ApprovalTarget::Request(id) => agents::find_approval(db, id)
                .await?
                .filter(|approval| approval.approver_id == Some(user)),
        }
        .ok_or(IdentityError::NotFound("approval request"))
    }

    /// The request `target` names, for the approval page: what the agent asks, and who it is.
    /// Only a member of the agent's organization finds it (for CIBA, the one it is addressed to);
    /// for anyone else, as for an unknown code, there is none.
    pub async fn approval_for(
        &self,
        user: UserId,
        target: ApprovalTarget,
    ) -> Result<(Approval, Agent, Host), IdentityError> {
        let identity = self.identity();
        let db = identity.db();
        let approval = self.find_target(db, user, target).await?;
        if !identity.is_member(approval.org_id, user).await? {
            return Err(IdentityError::NotFound("approval request"));
        }
        let agent = agents::find_agent_in(db, approval.org_id, approval.agent_id)
            .await?
            .ok_or(IdentityError::NotFound("approval request"))?;
        let host = agents::find_host(db, approval.org_id, agent.host_id)
            .await?
            .ok_or(IdentityError::NotFound("approval request"))?;
        Ok((approval, agent, host))
    }

    /// Whether `session` began recently enough, with the user's password, to decide an approval
    /// ([`FRESH_SESSION`]). A session the device flow opened is never fresh.
    pub async fn is_fresh(&self, session: SessionId) -> Result<bool, IdentityError> {
        let identity = self.identity();
        let signed_in = sessions::get(identity.db(), session)
            .await
            .map_err(IdentityError::not_found_as("session"))?;
        Ok(signed_in.method == domain::SignInMethod::Password
            && identity.now() - signed_in.created_at <= FRESH_SESSION)
    }

    /// The CIBA requests waiting for `user`'s decision, each with its agent's name — in the
    /// organizations the user still belongs to.
    pub async fn pending_approvals(
        &self,
        user: UserId,
    ) -> Result<Vec<(Approval, String)>, IdentityError> {
        let identity = self.identity();
        let db = identity.db();
        let mut pending = Vec::new();
        for approval in agents::pending_for(db, user, identity.now()).await? {
            if !identity.is_member(approval.org_id, user).await? {
                continue;
            }
            if let Some(agent) =
                agents::find_agent_in(db, approval.org_id, approval.agent_id).await?
            {
                pending.push((approval, agent.name));
            }
        }
        Ok(pending)
    }

    /// A user decides an approval request: approve what `choice` names (all that was asked, or
    /// some of it, optionally constrained) or deny it. The user's session must be fresh, the user
    /// a member of the agent's organization — the named approver, for CIBA — and allowed to use
    /// each admin capability they approve.
    pub async fn decide(
        &self,
        user: UserId,
        session: SessionId,
        target: ApprovalTarget,
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
        let approval = self.find_target(db, user, target).await?;
        if !self.is_fresh(session).await? {
            return Err(IdentityError::forbidden(
                "fresh_session_required",
                "sign in again (within 5 minutes) to approve an agent",
            ));
        }
        // Not a member: the request does not exist for this user.
        let role = identity
            .role_in(approval.org_id, user)
            .await
            .map_err(|error| match error {
                IdentityError::NotFound(_) => IdentityError::NotFound("approval request"),
                other => other,
            })?;
        let granted = granted(&approval.capabilities, approve, chosen.as_deref())?;
        check_constraints(&constraints, &granted)?;
        if expires_at.is_some_and(|at| at <= now) {
            return Err(IdentityError::invalid("expiresAt", "must be in the future"));
        }
        self.check_role_may_grant(role, &granted)?;
        let txn = db.begin().await.map_err(DbError::from)?;
        let status = if approve {
            ApprovalStatus::Approved
        } else {
            ApprovalStatus::Denied
        };
        if !agents::decide_approval(&txn, approval.org_id, approval.id, status, user, now).await? {
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
                status: if active {
                    GrantStatus::Active
                } else {
                    GrantStatus::Denied
                },
                granted_by: Some(user),
                expires_at: expires_at.filter(|_| active),
                constraints: limits.as_deref(),
            };
            agents::set_grant(&txn, approval.org_id, approval.agent_id, decision, now).await?;
        }
        self.settle_agent(&txn, &approval, approve, user, now)
            .await?;
        identity
            .record(
                &txn,
                Some(approval.org_id),
                actor,
                if approve {
                    AuditAction::AgentApproved
                } else {
                    AuditAction::AgentDenied
                },
                Some(approval.agent_id.to_string()),
                json!({
                    "granted": granted,
                    "constraints": constraints,
                    "expiresAt": expires_at,
                    "method": approval.method,
                    "purpose": approval.purpose,
                }),
            )
            .await?;
        txn.commit().await.map_err(DbError::from)?;
        Ok(approval)
    }

    /// What a decision does to the agent and its host besides the grants. Approved: the agent
    /// acts for the approving user (and, waiting on its registration, becomes active — with its
    /// host, which the user now stands behind when it registered itself). Denied: a registration
    /// rejects the agent (and a host that registered itself, with all its agents); a request for
    /// more capabilities denies just those.
    async fn settle_agent(
        &self,
        db: &impl db::ConnectionTrait,
        approval: &Approval,
        approve: bool,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<(), IdentityError> {
        let org = approval.org_id;
        let agent = agents::find_agent_in(db, org, approval.agent_id)
            .await?
            .ok_or(IdentityError::NotFound("agent"))?;
        let host = agents::find_host(db, org, agent.host_id).await?;
        let host_pending = host
            .as_ref()
            .is_some_and(|host| host.status == HostStatus::Pending);
        if approve {
            agents::set_agent_user(db, org, agent.id, user, now).await?;
            if agent.status == AgentStatus::Pending {
                agents::activate_agent(db, org, agent.id, AgentStatus::Active, now).await?;
            }
            if let (Some(host), true) = (host, host_pending) {
                agents::link_host(db, org, host.id, user, now).await?;
            }
        } else if approval.purpose == ApprovalPurpose::Registration {
            agents::set_agent_status(db, org, agent.id, AgentStatus::Rejected, now).await?;
            if let (Some(host), true) = (host, host_pending) {
                agents::set_host_status(db, org, host.id, HostStatus::Rejected, now).await?;
                agents::end_agents_of_host(db, org, host.id, AgentStatus::Rejected, now).await?;
            }
        }
        // Denying more capabilities for an active agent (or its reactivation) denies just those
        // grants, written above.
        Ok(())
    }

    /// A user of `role` may grant storefront capabilities; admin ones only as an owner or admin.
    pub(crate) fn check_role_may_grant(
        &self,
        role: OrgRole,
        capabilities: &[String],
    ) -> Result<(), IdentityError> {
        for capability in capabilities {
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
        Ok(())
    }
}

/// What a decision grants of what was `asked`: nothing when denied, all of it when approved as
/// asked, or the `chosen` part — never a capability that was not asked for.
fn granted(
    asked: &[String],
    approve: bool,
    chosen: Option<&[String]>,
) -> Result<Vec<String>, IdentityError> {
    match (chosen, approve) {
        (_, false) => Ok(Vec::new()),
        (None, true) => Ok(asked.to_vec()),
        (Some(chosen), true) => match chosen.iter().find(|c| !asked.contains(c)) {
            Some(extra) => Err(IdentityError::invalid(
                "capabilities",
                format!("`{extra}` was not asked for; an approval never widens a request"),
            )),
            None => Ok(chosen.to_vec()),
        },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_grants_what_was_asked_or_less_never_more() {
        let names = |list: &[&str]| list.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        let asked = names(&["addCartItem", "placeOrder"]);
        // (approve, the capabilities chosen, what is granted — None for a refusal)
        type Case = (bool, Option<Vec<String>>, Option<Vec<String>>);
        let cases: [Case; 5] = [
            (false, None, Some(Vec::new())),
            (false, Some(names(&["placeOrder"])), Some(Vec::new())),
            (true, None, Some(asked.clone())),
            (
                true,
                Some(names(&["placeOrder"])),
                Some(names(&["placeOrder"])),
            ),
            (true, Some(names(&["adminRefundOrder"])), None),
        ];
        for (approve, chosen, expected) in cases {
            let outcome = granted(&asked, approve, chosen.as_deref()).ok();
            assert_eq!(outcome, expected, "approve {approve}, chosen {chosen:?}");
        }
    }

    #[test]
    fn binding_messages_are_one_clean_line() {
        assert_eq!(
            sanitised("  Approve <b>refunds</b>\n now ").as_deref(),
            Some("Approve brefunds/b now")
        );
        assert_eq!(sanitised("\u{7}\n"), None);
        assert_eq!(sanitised(&"x".repeat(500)).map(|m| m.len()), Some(200));
    }
}
