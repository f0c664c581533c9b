//! Roles: a user's role on the platform, and a member's role in an organization.

use crate::named::{named_enum, unknown_name};

unknown_name!(
    /// A role name that is not one of the known ones.
    UnknownRole, "unknown role `{}`"
);

named_enum!(
    /// A member's role in one organization. Owners can do everything, admins everything but manage
    /// owners, members run the store but manage neither people nor keys.
    OrgRole, unknown: UnknownRole {
        Owner => "owner",
        Admin => "admin",
        Member => "member",
    }
);

named_enum!(
    /// A user's role on the platform. `platform_admin` may change roles and revoke anyone's sessions.
    PlatformRole, unknown: UnknownRole {
        PlatformAdmin => "platform_admin",
        OrgMember => "org_member",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in OrgRole::ALL {
            assert_eq!(role.as_str().parse::<OrgRole>(), Ok(*role));
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
        for role in PlatformRole::ALL {
            assert_eq!(role.as_str().parse::<PlatformRole>(), Ok(*role));
        }
        assert!("Owner".parse::<OrgRole>().is_err());
        assert!("root".parse::<PlatformRole>().is_err());
    }
}
