//! Agent Auth's states and kinds: what a host, an agent, a grant and an approval request can be,
//! each with one stored and wire name.

use crate::named::{named_enum, unknown_name};

unknown_name!(
    /// A name that is not one of Agent Auth's known values.
    UnknownAgentAuthName, "unknown Agent Auth value `{}`"
);

named_enum!(
    /// `pending` until a user approves its registration, then `active`; `expired` when its session
    /// or lifetime ran out (a host may reactivate it); `revoked` or `rejected` for good.
    AgentStatus, unknown: UnknownAgentAuthName {
        Pending => "pending",
        Active => "active",
        Expired => "expired",
        Revoked => "revoked",
        Rejected => "rejected",
    }
);

impl AgentStatus {
    /// Revoked or rejected: nothing brings the agent back.
    #[must_use]
    pub const fn is_final(self) -> bool {
        matches!(self, Self::Revoked | Self::Rejected)
    }
}

named_enum!(
    /// A host a user created is `active`; one that registered itself is `pending` until a user
    /// approves it; `revoked` or `rejected` for good, with its agents.
    HostStatus, unknown: UnknownAgentAuthName {
        Pending => "pending",
        Active => "active",
        Revoked => "revoked",
        Rejected => "rejected",
    }
);

named_enum!(
    /// One capability of an agent: `active` (held), `pending` (asked, awaiting a user) or `denied`
    /// (refused, or revoked later).
    GrantStatus, unknown: UnknownAgentAuthName {
        Active => "active",
        Pending => "pending",
        Denied => "denied",
    }
);

named_enum!(
    /// An approval request: `pending` until a user decides, then `approved` or `denied`.
    ApprovalStatus, unknown: UnknownAgentAuthName {
        Pending => "pending",
        Approved => "approved",
        Denied => "denied",
    }
);

named_enum!(
    /// How an approval is asked for: under a user code any entitled user may type
    /// (`device_authorization`), or of the one user it names (`ciba`).
    ApprovalMethod, unknown: UnknownAgentAuthName {
        DeviceAuthorization => "device_authorization",
        Ciba => "ciba",
    }
);

named_enum!(
    /// What an approval request decides: a new agent's first capabilities (denying rejects the
    /// agent), more for an active one (denying denies those grants), or an expired agent's return.
    ApprovalPurpose, unknown: UnknownAgentAuthName {
        Registration => "registration",
        CapabilityRequest => "capability_request",
        Reactivation => "reactivation",
    }
);

named_enum!(
    /// How an agent acts: `delegated`, for the user who approved it (the only mode offered).
    AgentMode, unknown: UnknownAgentAuthName {
        Delegated => "delegated",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_only_revoked_or_rejected_agents_are_final() {
        for status in AgentStatus::ALL {
            assert_eq!(status.as_str().parse::<AgentStatus>(), Ok(*status));
        }
        let finals: Vec<AgentStatus> = AgentStatus::ALL
            .iter()
            .copied()
            .filter(|status| status.is_final())
            .collect();
        assert_eq!(finals, [AgentStatus::Revoked, AgentStatus::Rejected]);
        assert!("Active".parse::<AgentStatus>().is_err());
        assert_eq!(
            "device_authorization".parse(),
            Ok(ApprovalMethod::DeviceAuthorization)
        );
    }
}
