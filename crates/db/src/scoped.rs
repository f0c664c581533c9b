//! Queries of tenant data that start from their organization: `Entity::find_in(org)`,
//! `update_in(org)` and `delete_in(org)` are `find()`, `update_many()` and `delete_many()` already
//! filtered by the one column every tenant table has, so a query of tenant rows is written from
//! the tenant, never with the filter added by hand (and forgotten once).

use domain::OrgId;
use sea_orm::{ColumnTrait, DeleteMany, EntityTrait, QueryFilter as _, Select, UpdateMany};

use crate::entities;

/// A table whose every row belongs to one organization.
pub trait Tenanted: EntityTrait {
    /// Its `organization_id` column.
    const ORGANIZATION: Self::Column;

    /// The organization's rows.
    fn find_in(org: OrgId) -> Select<Self> {
        Self::find().filter(Self::ORGANIZATION.eq(org.as_uuid()))
    }

    /// An update of the organization's rows (narrowed further by the caller's filters).
    fn update_in(org: OrgId) -> UpdateMany<Self> {
        Self::update_many().filter(Self::ORGANIZATION.eq(org.as_uuid()))
    }

    /// A deletion of the organization's rows (narrowed further by the caller's filters).
    fn delete_in(org: OrgId) -> DeleteMany<Self> {
        Self::delete_many().filter(Self::ORGANIZATION.eq(org.as_uuid()))
    }
}

macro_rules! tenanted {
    ($($table:ident),+ $(,)?) => {
        $(impl Tenanted for entities::$table::Entity {
            const ORGANIZATION: Self::Column = entities::$table::Column::OrganizationId;
        })+
    };
}

tenanted!(
    agent,
    agent_capability_grant,
    agent_host,
    agent_host_enrollment,
    api_key,
    approval_request,
    cart,
    cart_item,
    customer,
    idempotency_key,
    inventory_adjustment,
    invitation,
    member,
    order_line,
    payment_event,
    product,
    product_variant,
    refund,
    sales_order,
    store_domain,
    store_settings,
);

#[cfg(test)]
mod tests {
    use sea_orm::{DbBackend, QueryTrait as _};

    use super::*;
    use crate::entities::product;

    #[test]
    fn every_scoped_query_names_its_organization() {
        let org = OrgId::new();
        let sqls = [
            product::Entity::find_in(org)
                .build(DbBackend::Postgres)
                .to_string(),
            product::Entity::update_in(org)
                .col_expr(product::Column::Title, "x".into())
                .build(DbBackend::Postgres)
                .to_string(),
            product::Entity::delete_in(org)
                .build(DbBackend::Postgres)
                .to_string(),
        ];
        for sql in sqls {
            assert!(
                sql.contains(&format!("\"organization_id\" = '{org}'")),
                "{sql}"
            );
        }
    }
}
