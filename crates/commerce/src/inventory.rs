//! Stock per variant: listed, and adjusted with a reason that is kept.

use chrono::{DateTime, Utc};
use db::repo::catalog::Variant;
use db::repo::stock::{self, Adjustment, StockChange};
use db::{ConnectionTrait, DatabaseTransaction};
use domain::text;
use domain::{OrgId, VariantId};

use crate::validate::Problems;
use crate::{CommerceError, PageRequest};

const MAX_DELTA: i64 = domain::limits::MAX_STOCK;

/// A page of the store's variants with their stock (its inventory levels), newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    org: OrgId,
    page: PageRequest,
) -> Result<(Vec<Variant>, Option<String>), CommerceError> {
    Ok(stock::page(db, org, page).await?)
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
) -> Result<Variant, CommerceError> {
    let mut problems = Problems::default();
    if delta == 0 {
        problems.add("delta", "must not be zero");
    }
    problems.range("delta", delta, -MAX_DELTA, MAX_DELTA);
    let reason = problems.text("reason", reason, text::INVENTORY_REASON);
    problems.finish()?;

    let variant = match stock::change(txn, org, variant, delta, now)
        .await
        .map_err(CommerceError::found_as("variant"))?
    {
        StockChange::Applied(variant) => variant,
        StockChange::Refused(variant) => {
            return Err(CommerceError::Conflict {
                code: "INSUFFICIENT_STOCK",
                message: format!("only {} units are available", variant.available),
                details: Some(
                    serde_json::json!({"variantId": variant.id, "available": variant.available}),
                ),
            });
        }
    };
    let adjustment = Adjustment {
        variant: variant.id,
        delta,
        available_after: variant.available,
        reason,
        actor_kind: adjuster.kind.clone(),
        principal_id: adjuster.principal_id.clone(),
    };
    stock::record(txn, org, adjustment, now).await?;
    Ok(variant)
}
