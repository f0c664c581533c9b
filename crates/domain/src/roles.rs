//! Roles: a user's role on the platform, and a member's role in an organization.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A member's role in one organization. Owners can do everything, admins everything but manage
/// owners, members run the store but manage neither people nor keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum OrgRole {
    Owner,
    Admin,
    Member,
}

/// A user's role on the platform. `platform_admin` may change roles and revoke anyone's sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlatformRole {
    PlatformAdmin,
    OrgMember,
}

/// A role name that is not one of the known ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownRole(pub String);

impl fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown role `{}`", self.0)
    }
}

impl std::error::Error for UnknownRole {}

macro_rules! named {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),+ }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = UnknownRole;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok(Self::$variant),)+
                    other => Err(UnknownRole(other.to_owned())),
                }
            }
        }
    };
}

named!(OrgRole { Owner => "owner", Admin => "admin", Member => "member" });
named!(PlatformRole { PlatformAdmin => "platform_admin", OrgMember => "org_member" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in OrgRole::ALL {
            assert_eq!(role.as_str().parse::<OrgRole>(), Ok(*role));
        }
        for role in PlatformRole::ALL {
            assert_eq!(role.as_str().parse::<PlatformRole>(), Ok(*role));
        }
        assert!("Owner".parse::<OrgRole>().is_err());
        assert!("root".parse::<PlatformRole>().is_err());
    }
}
