//! Stock per variant: listed, and adjusted with a reason that is kept.

use api_types::commerce::InventoryLevel;
use chrono::{DateTime, Utc};
use db::Tenanted as _;
use db::entities::{inventory_adjustment, product_variant};
use domain::text;
use domain::{OrgId, VariantId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, ConnectionTrait, DatabaseTransaction,
    EntityTrait as _, QueryFilter as _,
};

use crate::validate::Problems;
use crate::{CommerceError, PageRequest, pagination};

const MAX_DELTA: i64 = domain::limits::MAX_STOCK;

fn level(row: product_variant::Model) -> InventoryLevel {
    InventoryLevel {
        variant_id: row.id,
        product_id: row.product_id,
        sku: row.sku,
        title: row.title,
        available: row.available,
    }
}

/// A page of the store's variants with their stock, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    org: OrgId,
    page: PageRequest,
) -> Result<(Vec<InventoryLevel>, Option<String>), CommerceError> {
    let select = product_variant::Entity::find_in(org);
    let (rows, next) =
        pagination::fetch(db, select, product_variant::Column::Id, page, |row| row.id).await?;
    Ok((rows.into_iter().map(level).collect(), next))
}

/// Who made an adjustment, for the record.
#[derive(Clone, Debug)]
pub struct Adjuster {
    pub kind: String,
    pub principal_id: Option<String>,
}

/// Adds `delta` units (negative to remove) with a reason, on the caller's transaction (so an
/// idempotent retry can commit its answer with the change). Stock never goes below zero: one
/// conditional update applies the change only if enough is available, so concurrent removals can
/// never overdraw; a removal of more than is available is a 409 and changes nothing.
pub async fn adjust(
    txn: &DatabaseTransaction,
    org: OrgId,
    variant: VariantId,
    delta: i64,
    reason: &str,
    adjuster: &Adjuster,
    now: DateTime<Utc>,
) -> Result<InventoryLevel, CommerceError> {
    let mut problems = Problems::default();
    if delta == 0 {
        problems.add("delta", "must not be zero");
    }
    problems.range("delta", delta, -MAX_DELTA, MAX_DELTA);
    let reason = problems.text("reason", reason, text::INVENTORY_REASON);
    problems.finish()?;

    // The first statement writes, so SQLite queues this transaction behind other writers.
    let changed = product_variant::Entity::update_in(org)
        .col_expr(
            product_variant::Column::Available,
            Expr::col(product_variant::Column::Available).add(delta),
        )
        .col_expr(product_variant::Column::UpdatedAt, Expr::value(now))
        .filter(product_variant::Column::Id.eq(variant.as_uuid()))
        .filter(Expr::expr(Expr::col(product_variant::Column::Available).add(delta)).gte(0))
        .exec(txn)
        .await?;
    let row = product_variant::Entity::find_by_id((org.as_uuid(), variant.as_uuid()))
        .one(txn)
        .await?
        .ok_or(CommerceError::NotFound("variant"))?;
    if changed.rows_affected == 0 {
        return Err(CommerceError::Conflict {
            code: "INSUFFICIENT_STOCK",
            message: format!("only {} units are available", row.available),
            details: Some(serde_json::json!({"variantId": row.id, "available": row.available})),
        });
    }
    inventory_adjustment::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(uuid::Uuid::now_v7()),
        variant_id: ActiveValue::Set(variant.as_uuid()),
        delta: ActiveValue::Set(delta),
        available_after: ActiveValue::Set(row.available),
        reason: ActiveValue::Set(reason),
        actor_kind: ActiveValue::Set(adjuster.kind.clone()),
        principal_id: ActiveValue::Set(adjuster.principal_id.clone()),
        created_at: ActiveValue::Set(now),
    }
    .insert(txn)
    .await?;
    Ok(level(row))
}
