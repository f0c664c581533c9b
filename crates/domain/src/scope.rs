//! Who may reach what: the two scopes that guard every `/v1` route, and the four kinds of caller.

use crate::named::{named_enum, unknown_name};

unknown_name!(
    /// A name that is neither `admin` nor `storefront`.
    UnknownScope, "unknown scope `{}` (expected `admin` or `storefront`)"
);

named_enum!(
    /// What a caller may reach: `storefront` (catalog, carts, orders of a shopper) or `admin`
    /// (everything a merchant manages).
    Scope, unknown: UnknownScope {
        Admin => "admin",
        Storefront => "storefront",
    }
);

unknown_name!(
    /// A name that is not one of the kinds of caller.
    UnknownCallerKind, "unknown kind of caller `{}`"
);

named_enum!(
    /// Which kind of credential resolved the caller: an agent's JWT, an API key, a session, or a
    /// storefront's `Host` alone.
    CallerKind, unknown: UnknownCallerKind {
        Agent => "agent",
        ApiKey => "api_key",
        Session => "session",
        Host => "host",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_from_their_names_only() {
        assert_eq!("admin".parse::<Scope>(), Ok(Scope::Admin));
        assert_eq!("storefront".parse::<Scope>(), Ok(Scope::Storefront));
        assert!("Admin".parse::<Scope>().is_err());
        assert!("".parse::<Scope>().is_err());
    }

    #[test]
    fn kinds_of_caller_are_named_as_the_wire_says() {
        let names: Vec<&str> = CallerKind::ALL.iter().map(|kind| kind.as_str()).collect();
        assert_eq!(names, ["agent", "api_key", "session", "host"]);
    }
}
