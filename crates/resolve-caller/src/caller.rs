//! The resolved caller and the one-line checks handlers make on it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use domain::{AgentId, ApiKeyId, CallerKind, OrgId, Scope, SessionId, UserId};

use crate::Hostname;

/// The one credential that resolved the caller, by its typed id: what audit records and
/// per-caller limits are keyed by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Principal {
    Agent(AgentId),
    ApiKey(ApiKeyId),
    Session(SessionId),
    /// A storefront found by its `Host` alone: its normalised hostname.
    Host(Hostname),
}

impl Principal {
    #[must_use]
    pub const fn kind(&self) -> CallerKind {
        match self {
            Self::Agent(_) => CallerKind::Agent,
            Self::ApiKey(_) => CallerKind::ApiKey,
            Self::Session(_) => CallerKind::Session,
            Self::Host(_) => CallerKind::Host,
        }
    }
}

/// The id (or the hostname), as audit records and idempotency keys store it.
impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Agent(id) => id.fmt(f),
            Self::ApiKey(id) => id.fmt(f),
            Self::Session(id) => id.fmt(f),
            Self::Host(host) => f.write_str(host.as_str()),
        }
    }
}

/// Who is calling, for which tenant, with which scopes.
///
/// Only [`crate::CallerResolver`] builds one from credentials; `GET /v1/whoami` answers a wire type
/// made from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiCaller {
    principal: Principal,
    org_id: OrgId,
    scopes: BTreeSet<Scope>,
    user_id: Option<UserId>,
    /// The operationIds an agent was granted; absent for every other kind.
    capabilities: Option<BTreeSet<String>>,
    /// Limits on the input of some of an agent's capabilities, by operationId.
    constraints: BTreeMap<String, serde_json::Value>,
}

/// Why an authenticated caller may not do what it asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccessDenied {
    #[error("Insufficient scope: `{required}` is required")]
    MissingScope { required: Scope },
    #[error("capability `{operation}` has not been granted to this agent")]
    CapabilityNotGranted { operation: String },
    #[error("the input breaks the constraints of `{operation}`")]
    ConstraintViolated {
        operation: String,
        violations: Vec<String>,
    },
}

impl ApiCaller {
    pub(crate) fn new(
        principal: Principal,
        org_id: OrgId,
        scopes: impl IntoIterator<Item = Scope>,
        user_id: Option<UserId>,
    ) -> Self {
        Self {
            principal,
            org_id,
            scopes: scopes.into_iter().collect(),
            user_id,
            capabilities: None,
            constraints: BTreeMap::new(),
        }
    }

    pub(crate) fn with_capabilities(
        mut self,
        capabilities: BTreeSet<String>,
        constraints: BTreeMap<String, serde_json::Value>,
    ) -> Self {
        self.capabilities = Some(capabilities);
        self.constraints = constraints;
        self
    }

    #[must_use]
    pub const fn kind(&self) -> CallerKind {
        self.principal.kind()
    }

    #[must_use]
    pub const fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The agent calling, when an agent's token resolved the caller.
    #[must_use]
    pub const fn agent_id(&self) -> Option<AgentId> {
        match self.principal {
            Principal::Agent(id) => Some(id),
            _ => None,
        }
    }

    /// The tenant. Every query of tenant data takes this, and nothing else, as its organization.
    #[must_use]
    pub const fn org_id(&self) -> OrgId {
        self.org_id
    }

    #[must_use]
    pub const fn scopes(&self) -> &BTreeSet<Scope> {
        &self.scopes
    }

    #[must_use]
    pub const fn user_id(&self) -> Option<UserId> {
        self.user_id
    }

    /// Constraints on the input of some of an agent's capabilities, by operationId.
    #[must_use]
    pub const fn constraints(&self) -> &BTreeMap<String, serde_json::Value> {
        &self.constraints
    }

    #[must_use]
    pub const fn capabilities(&self) -> Option<&BTreeSet<String>> {
        self.capabilities.as_ref()
    }

    #[must_use]
    pub fn has_scope(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }

    /// The caller must hold `scope`; otherwise 403 "Insufficient scope".
    pub fn require(&self, scope: Scope) -> Result<(), AccessDenied> {
        if self.has_scope(scope) {
            Ok(())
        } else {
            Err(AccessDenied::MissingScope { required: scope })
        }
    }

    /// Like [`Self::require_operation`], and the call's `input` (its JSON body) must keep the
    /// constraints an agent's grant of `operation_id` carries.
    pub fn require_operation_with(
        &self,
        scope: Scope,
        operation_id: &str,
        input: &serde_json::Value,
    ) -> Result<(), AccessDenied> {
        self.require_granted(scope, operation_id)?;
        match self.constraints.get(operation_id) {
            Some(constraints) => {
                let violations = crate::constraints::violations(constraints, input);
                if violations.is_empty() {
                    Ok(())
                } else {
                    Err(AccessDenied::ConstraintViolated {
                        operation: operation_id.to_owned(),
                        violations,
                    })
                }
            }
            None => Ok(()),
        }
    }

    /// The caller must hold `scope` and, if it is an agent, a grant for `operation_id` (the route's
    /// OpenAPI operationId). Every other kind of caller is limited by its scopes alone.
    ///
    /// A grant with constraints fails closed here: they can only be kept by a call whose input is
    /// checked, through [`Self::require_operation_with`].
    pub fn require_operation(&self, scope: Scope, operation_id: &str) -> Result<(), AccessDenied> {
        self.require_granted(scope, operation_id)?;
        if self.constraints.contains_key(operation_id) {
            return Err(AccessDenied::ConstraintViolated {
                operation: operation_id.to_owned(),
                violations: vec![
                    "this operation's input cannot be checked against constraints".to_owned(),
                ],
            });
        }
        Ok(())
    }

    /// The caller holds `scope` and, if it is an agent, a grant for `operation_id`, whatever
    /// constraints the grant carries (the operation itself checks those).
    pub fn require_granted(&self, scope: Scope, operation_id: &str) -> Result<(), AccessDenied> {
        self.require(scope)?;
        match &self.capabilities {
            Some(granted) if !granted.contains(operation_id) => {
                Err(AccessDenied::CapabilityNotGranted {
                    operation: operation_id.to_owned(),
                })
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_caller() -> ApiCaller {
        ApiCaller::new(
            Principal::Host(Hostname::parse("shop.example.com").unwrap()),
            OrgId::new(),
            [Scope::Storefront],
            None,
        )
    }

    #[test]
    fn require_checks_the_scope() {
        let caller = host_caller();
        assert_eq!(caller.require(Scope::Storefront), Ok(()));
        assert_eq!(
            caller.require(Scope::Admin),
            Err(AccessDenied::MissingScope {
                required: Scope::Admin
            })
        );
    }

    #[test]
    fn agents_are_limited_to_their_granted_operations() {
        let agent = ApiCaller::new(
            Principal::Agent(AgentId::new()),
            OrgId::new(),
            [Scope::Storefront],
            Some(UserId::new()),
        )
        .with_capabilities(BTreeSet::from(["listProducts".to_owned()]), BTreeMap::new());
        assert_eq!(
            agent.require_operation(Scope::Storefront, "listProducts"),
            Ok(())
        );
        assert!(matches!(
            agent.require_operation(Scope::Storefront, "placeOrder"),
            Err(AccessDenied::CapabilityNotGranted { .. })
        ));
        assert!(matches!(
            agent.require_operation(Scope::Admin, "listProducts"),
            Err(AccessDenied::MissingScope { .. })
        ));
        // Non-agents are limited by scope only.
        assert_eq!(
            host_caller().require_operation(Scope::Storefront, "placeOrder"),
            Ok(())
        );
    }

    #[test]
    fn constrained_grants_check_the_input_and_fail_closed_without_it() {
        let limits = serde_json::json!({ "amount": { "max": 500 } });
        let agent = ApiCaller::new(
            Principal::Agent(AgentId::new()),
            OrgId::new(),
            [Scope::Admin],
            Some(UserId::new()),
        )
        .with_capabilities(
            BTreeSet::from(["adminRefundOrder".to_owned()]),
            BTreeMap::from([("adminRefundOrder".to_owned(), limits)]),
        );
        let within = serde_json::json!({ "amount": 400 });
        let beyond = serde_json::json!({ "amount": 600 });
        assert_eq!(
            agent.require_operation_with(Scope::Admin, "adminRefundOrder", &within),
            Ok(())
        );
        assert!(matches!(
            agent.require_operation_with(Scope::Admin, "adminRefundOrder", &beyond),
            Err(AccessDenied::ConstraintViolated { violations, .. }) if violations.len() == 1
        ));
        assert!(matches!(
            agent.require_operation(Scope::Admin, "adminRefundOrder"),
            Err(AccessDenied::ConstraintViolated { .. })
        ));
    }

    #[test]
    fn the_principal_says_the_kind_and_is_written_as_its_id() {
        let agent = AgentId::new();
        assert_eq!(Principal::Agent(agent).kind(), CallerKind::Agent);
        assert_eq!(Principal::Agent(agent).to_string(), agent.to_string());
        let caller = host_caller();
        assert_eq!(caller.kind(), CallerKind::Host);
        assert_eq!(caller.principal().to_string(), "shop.example.com");
        assert_eq!(caller.agent_id(), None);
    }
}
