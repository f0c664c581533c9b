//! Stock per variant: taken by orders, given back by cancellations, adjusted by hand with a kept
//! reason. Every change is one conditional update, so stock never goes below zero under any
//! concurrency.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::{OrgId, VariantId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, ConnectionTrait, DatabaseTransaction,
    EntityTrait as _, QueryFilter as _,
};

use crate::entities::{inventory_adjustment, product_variant};
use crate::repo::catalog::Variant;
use crate::{DbError, PageRequest, Tenanted as _, page};

/// A page of the store's variants with their stock, newest first.
pub async fn page(
    db: &impl ConnectionTrait,
    org: OrgId,
    page: PageRequest,
) -> Result<(Vec<Variant>, Option<String>), DbError> {
    let select = product_variant::Entity::find_in(org);
    let (rows, next) =
        page::fetch(db, select, product_variant::Column::Id, page, |row| row.id).await?;
    let variants = rows
        .into_iter()
        .map(Variant::try_from)
        .collect::<Result<_, _>>()?;
    Ok((variants, next))
}

/// Whether a change of stock was made, and the variant as it is after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StockChange {
    Applied(Variant),
    /// It would have left less than nothing: nothing changed.
    Refused(Variant),
}

/// Adds `delta` units (negative to remove) unless that leaves less than nothing; no such variant
/// is `NotFound`. Its first statement writes, so SQLite queues the transaction behind others.
pub async fn change(
    txn: &DatabaseTransaction,
    org: OrgId,
    variant: VariantId,
    delta: i64,
    now: DateTime<Utc>,
) -> Result<StockChange, DbError> {
    let changed = add(org, variant, delta, now)
        .filter(Expr::expr(Expr::col(product_variant::Column::Available).add(delta)).gte(0))
        .exec(txn)
        .await?;
    let row = product_variant::Entity::find_by_id((org.as_uuid(), variant.as_uuid()))
        .one(txn)
        .await?
        .ok_or(DbError::NotFound)?;
    let variant = Variant::try_from(row)?;
    Ok(if changed.rows_affected == 0 {
        StockChange::Refused(variant)
    } else {
        StockChange::Applied(variant)
    })
}

/// Takes `quantity` units if that many are available (`None`); otherwise changes nothing and
/// answers how many are (0 when the variant is gone).
pub async fn take(
    txn: &DatabaseTransaction,
    org: OrgId,
    variant: VariantId,
    quantity: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbError> {
    let taken = add(org, variant, -quantity, now)
        .filter(product_variant::Column::Available.gte(quantity))
        .exec(txn)
        .await?;
    if taken.rows_affected == 1 {
        return Ok(None);
    }
    let available = product_variant::Entity::find_by_id((org.as_uuid(), variant.as_uuid()))
        .one(txn)
        .await?
        .map_or(0, |row| row.available);
    Ok(Some(available))
}

/// Gives units back to stock (a cancelled order's).
pub async fn give_back(
    txn: &DatabaseTransaction,
    org: OrgId,
    units: &BTreeMap<VariantId, i64>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    for (&variant, &quantity) in units {
        add(org, variant, quantity, now).exec(txn).await?;
    }
    Ok(())
}

fn add(
    org: OrgId,
    variant: VariantId,
    delta: i64,
    now: DateTime<Utc>,
) -> sea_orm::UpdateMany<product_variant::Entity> {
    product_variant::Entity::update_in(org)
        .col_expr(
            product_variant::Column::Available,
            Expr::col(product_variant::Column::Available).add(delta),
        )
        .col_expr(product_variant::Column::UpdatedAt, Expr::value(now))
        .filter(product_variant::Column::Id.eq(variant.as_uuid()))
}

/// A change of stock made by hand, as it is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adjustment {
    pub variant: VariantId,
    pub delta: i64,
    pub available_after: i64,
    pub reason: String,
    /// Who made it: the caller's kind and principal id.
    pub actor_kind: String,
    pub principal_id: Option<String>,
}

/// Keeps the record of an adjustment.
pub async fn record(
    txn: &DatabaseTransaction,
    org: OrgId,
    adjustment: Adjustment,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    inventory_adjustment::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(uuid::Uuid::now_v7()),
        variant_id: ActiveValue::Set(adjustment.variant.as_uuid()),
        delta: ActiveValue::Set(adjustment.delta),
        available_after: ActiveValue::Set(adjustment.available_after),
        reason: ActiveValue::Set(adjustment.reason),
        actor_kind: ActiveValue::Set(adjustment.actor_kind),
        principal_id: ActiveValue::Set(adjustment.principal_id),
        created_at: ActiveValue::Set(now),
    }
    .insert(txn)
    .await?;
    Ok(())
}
