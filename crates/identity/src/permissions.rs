//! The one statement of who may do what in an organization: resources → actions → roles.
//!
//! Every check names a [`Permission`] variant, and the statement served at
//! `GET /api/auth/permissions` is generated from the same list, so the check, the statement and any
//! frontend that reads it can never diverge (the lesson of two hand-synchronised files).

use domain::OrgRole;
use serde_json::{Map, Value, json};

use OrgRole::{Admin, Member, Owner};

macro_rules! permissions {
    ($($variant:ident => $resource:literal : $action:literal => [$($role:ident),*]),+ $(,)?) => {
        /// One action on one resource.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Permission {
            $($variant),+
        }

        impl Permission {
            /// Every permission, in statement order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            #[must_use]
            pub const fn resource(self) -> &'static str {
                match self { $(Self::$variant => $resource),+ }
            }

            #[must_use]
            pub const fn action(self) -> &'static str {
                match self { $(Self::$variant => $action),+ }
            }

            /// The organization roles that hold this permission.
            #[must_use]
            pub const fn roles(self) -> &'static [OrgRole] {
                match self { $(Self::$variant => &[$($role),*]),+ }
            }
        }
    };
}

permissions! {
    OrganizationUpdate => "organization": "update" => [Owner, Admin],
    OrganizationDelete => "organization": "delete" => [Owner],
    MemberRead => "member": "read" => [Owner, Admin, Member],
    MemberCreate => "member": "create" => [Owner, Admin],
    MemberUpdate => "member": "update" => [Owner, Admin],
    MemberDelete => "member": "delete" => [Owner, Admin],
    ApiKeyList => "apiKey": "list" => [Owner, Admin],
    ApiKeyCreate => "apiKey": "create" => [Owner, Admin],
    ApiKeyRevoke => "apiKey": "revoke" => [Owner, Admin],
    StoreDomainList => "storeDomain": "list" => [Owner, Admin, Member],
    StoreDomainCreate => "storeDomain": "create" => [Owner, Admin],
    StoreDomainVerify => "storeDomain": "verify" => [Owner, Admin],
    StoreDomainDelete => "storeDomain": "delete" => [Owner, Admin],
    StoreRead => "store": "read" => [Owner, Admin, Member],
    StoreUpdate => "store": "update" => [Owner, Admin],
    ProductRead => "product": "read" => [Owner, Admin, Member],
    ProductCreate => "product": "create" => [Owner, Admin, Member],
    ProductUpdate => "product": "update" => [Owner, Admin, Member],
    ProductArchive => "product": "archive" => [Owner, Admin, Member],
    InventoryRead => "inventory": "read" => [Owner, Admin, Member],
    InventoryAdjust => "inventory": "adjust" => [Owner, Admin, Member],
    OrderRead => "order": "read" => [Owner, Admin, Member],
    OrderFulfil => "order": "fulfil" => [Owner, Admin, Member],
    OrderCancel => "order": "cancel" => [Owner, Admin, Member],
    OrderRefund => "order": "refund" => [Owner, Admin],
    OrderRecordPayment => "order": "recordPayment" => [Owner, Admin],
    CustomerRead => "customer": "read" => [Owner, Admin, Member],
    CustomerCreate => "customer": "create" => [Owner, Admin, Member],
    CustomerUpdate => "customer": "update" => [Owner, Admin, Member],
    StatsRead => "stats": "read" => [Owner, Admin, Member],
    PaymentEventRead => "paymentEvent": "read" => [Owner, Admin],
    PaymentEventRetry => "paymentEvent": "retry" => [Owner, Admin],
    AuditLogRead => "auditLog": "read" => [Owner, Admin],
    AgentCreate => "agent": "create" => [Owner, Admin, Member],
    AgentRevoke => "agent": "revoke" => [Owner, Admin],
}

impl Permission {
    /// Whether `role` holds this permission.
    #[must_use]
    pub fn allows(self, role: OrgRole) -> bool {
        self.roles().contains(&role)
    }
}

/// The statement as JSON: `{"statement": {resource: [actions]}, "roles": {role: {resource:
/// [actions]}}}`.
#[must_use]
pub fn statement_json() -> Value {
    let mut statement = Map::new();
    let mut roles: Map<String, Value> = OrgRole::ALL
        .iter()
        .map(|role| (role.as_str().to_owned(), Value::Object(Map::new())))
        .collect();
    for permission in Permission::ALL {
        push(&mut statement, permission.resource(), permission.action());
        for role in permission.roles() {
            if let Some(Value::Object(grants)) = roles.get_mut(role.as_str()) {
                push(grants, permission.resource(), permission.action());
            }
        }
    }
    json!({ "statement": statement, "roles": roles })
}

fn push(map: &mut Map<String, Value>, resource: &str, action: &str) {
    if let Value::Array(actions) = map
        .entry(resource.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        actions.push(Value::String(action.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_resource_action_pair_appears_once() {
        let mut seen = HashSet::new();
        for permission in Permission::ALL {
            assert!(
                seen.insert((permission.resource(), permission.action())),
                "{permission:?} repeats a resource and action"
            );
            assert!(
                !permission.roles().is_empty(),
                "{permission:?} is held by nobody"
            );
        }
    }

    #[test]
    fn owners_hold_everything_and_members_never_manage_people_or_keys() {
        for permission in Permission::ALL {
            assert!(permission.allows(Owner), "{permission:?}");
        }
        for permission in [
            Permission::MemberCreate,
            Permission::MemberDelete,
            Permission::ApiKeyCreate,
            Permission::ApiKeyRevoke,
            Permission::OrderRefund,
            Permission::OrderRecordPayment,
            Permission::StoreDomainCreate,
            Permission::StoreDomainVerify,
        ] {
            assert!(!permission.allows(Member), "{permission:?}");
        }
        assert!(!Permission::OrganizationDelete.allows(Admin));
    }

    #[test]
    fn the_served_statement_matches_the_checks() {
        let json = statement_json();
        for permission in Permission::ALL {
            let actions = &json["statement"][permission.resource()];
            assert!(
                actions
                    .as_array()
                    .unwrap()
                    .contains(&json!(permission.action()))
            );
            for role in OrgRole::ALL {
                let granted = json["roles"][role.as_str()][permission.resource()]
                    .as_array()
                    .is_some_and(|actions| actions.contains(&json!(permission.action())));
                assert_eq!(granted, permission.allows(*role), "{role} {permission:?}");
            }
        }
    }
}
