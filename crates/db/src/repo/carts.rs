//! Carts and their lines. Prices are not kept here: a line names its variant, whose price is read
//! at every look.

use chrono::{DateTime, Utc};
use domain::{CartId, CartItemId, CartStatus, Currency, OrgId, UserId, VariantId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, Condition, ConnectionTrait,
    DatabaseTransaction, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};

use crate::entities::{cart, cart_item};
use crate::repo::catalog::{self, Variant};
use crate::{DbError, Tenanted as _};

/// A cart, without its lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cart {
    pub id: CartId,
    pub currency: Currency,
    /// The signed-in shopper it belongs to; a guest's cart has none.
    pub user_id: Option<UserId>,
    pub status: CartStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<cart::Model> for Cart {
    type Error = DbError;

    fn try_from(row: cart::Model) -> Result<Self, DbError> {
        Ok(Self {
            id: CartId::from_uuid(row.id),
            currency: row.currency.parse().map_err(DbError::corrupt)?,
            user_id: row.user_id.map(UserId::from_uuid),
            status: row.status.parse().map_err(DbError::corrupt)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// One line of a cart: so many units of a variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub id: CartItemId,
    pub variant: VariantId,
    pub quantity: i64,
}

impl From<cart_item::Model> for Line {
    fn from(row: cart_item::Model) -> Self {
        Self {
            id: CartItemId::from_uuid(row.id),
            variant: VariantId::from_uuid(row.variant_id),
            quantity: row.quantity,
        }
    }
}

/// Opens a cart in `currency`, for `user` when a shopper is signed in.
pub async fn insert(
    db: &impl ConnectionTrait,
    org: OrgId,
    currency: Currency,
    user: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<CartId, DbError> {
    let id = CartId::new();
    cart::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(id.as_uuid()),
        currency: ActiveValue::Set(currency.to_string()),
        user_id: ActiveValue::Set(user.map(|user| user.as_uuid())),
        status: ActiveValue::Set(CartStatus::Open.as_str().to_owned()),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
    }
    .insert(db)
    .await?;
    Ok(id)
}

pub async fn get(db: &impl ConnectionTrait, org: OrgId, id: CartId) -> Result<Cart, DbError> {
    cart::Entity::find_by_id((org.as_uuid(), id.as_uuid()))
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?
        .try_into()
}

/// The cart's lines, in the order they were added.
pub async fn lines(
    db: &impl ConnectionTrait,
    org: OrgId,
    cart: CartId,
) -> Result<Vec<Line>, DbError> {
    Ok(cart_item::Entity::find_in(org)
        .filter(cart_item::Column::CartId.eq(cart.as_uuid()))
        .order_by_asc(cart_item::Column::CreatedAt)
        .order_by_asc(cart_item::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Line::from)
        .collect())
}

/// The cart's lines with their variants as they are now, in the order they were added (one query
/// per table). A line whose variant is gone is left out.
pub async fn lines_with_variants(
    db: &impl ConnectionTrait,
    org: OrgId,
    cart: CartId,
) -> Result<Vec<(Line, Variant)>, DbError> {
    let lines = lines(db, org, cart).await?;
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let variants = catalog::variants(db, org, lines.iter().map(|line| line.variant)).await?;
    Ok(lines
        .into_iter()
        .filter_map(|line| {
            let variant = variants.iter().find(|v| v.id == line.variant)?.clone();
            Some((line, variant))
        })
        .collect())
}

/// Adds a line; the cart already having one of this variant is `Conflict("cart item")`.
pub async fn insert_line(
    db: &impl ConnectionTrait,
    org: OrgId,
    cart: CartId,
    variant: VariantId,
    quantity: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    cart_item::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(CartItemId::new().as_uuid()),
        cart_id: ActiveValue::Set(cart.as_uuid()),
        variant_id: ActiveValue::Set(variant.as_uuid()),
        quantity: ActiveValue::Set(quantity),
        created_at: ActiveValue::Set(now),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("cart item"))?;
    Ok(())
}

/// The cart's line of `variant`, if it has one.
pub async fn line_of(
    db: &impl ConnectionTrait,
    org: OrgId,
    cart: CartId,
    variant: VariantId,
) -> Result<Option<Line>, DbError> {
    Ok(cart_item::Entity::find_in(org)
        .filter(cart_item::Column::CartId.eq(cart.as_uuid()))
        .filter(cart_item::Column::VariantId.eq(variant.as_uuid()))
        .one(db)
        .await?
        .map(Line::from))
}

/// Adds `quantity` to a line unless that makes more than `max`; whether it did.
pub async fn add_to_line(
    db: &impl ConnectionTrait,
    org: OrgId,
    line: CartItemId,
    quantity: i64,
    max: i64,
) -> Result<bool, DbError> {
    let changed = cart_item::Entity::update_in(org)
        .col_expr(
            cart_item::Column::Quantity,
            Expr::col(cart_item::Column::Quantity).add(quantity),
        )
        .filter(cart_item::Column::Id.eq(line.as_uuid()))
        .filter(Expr::expr(Expr::col(cart_item::Column::Quantity).add(quantity)).lte(max))
        .exec(db)
        .await?;
    Ok(changed.rows_affected == 1)
}

/// Sets a line's quantity; no such line in this cart is `NotFound`.
pub async fn set_quantity(
    db: &impl ConnectionTrait,
    org: OrgId,
    cart: CartId,
    line: CartItemId,
    quantity: i64,
) -> Result<(), DbError> {
    let changed = cart_item::Entity::update_in(org)
        .col_expr(cart_item::Column::Quantity, Expr::value(quantity))
        .filter(cart_item::Column::CartId.eq(cart.as_uuid()))
        .filter(cart_item::Column::Id.eq(line.as_uuid()))
        .exec(db)
        .await?;
    if changed.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Removes a line; no such line in this cart is `NotFound`.
pub async fn remove_line(
    db: &impl ConnectionTrait,
    org: OrgId,
    cart: CartId,
    line: CartItemId,
) -> Result<(), DbError> {
    let removed = cart_item::Entity::delete_in(org)
        .filter(cart_item::Column::CartId.eq(cart.as_uuid()))
        .filter(cart_item::Column::Id.eq(line.as_uuid()))
        .exec(db)
        .await?;
    if removed.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Marks the cart changed now.
pub async fn touch(
    db: &impl ConnectionTrait,
    org: OrgId,
    cart: CartId,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    cart::Entity::update_in(org)
        .col_expr(cart::Column::UpdatedAt, Expr::value(now))
        .filter(cart::Column::Id.eq(cart.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// `open → ordered`, if the cart is open and `shopper` may use it (a guest's cart, or their own);
/// whether it closed. One conditional update: a cart becomes at most one order. It writes, so it
/// can be the first statement of the order's transaction.
pub async fn close(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: CartId,
    shopper: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let owner = match shopper {
        Some(user) => Condition::any()
            .add(cart::Column::UserId.is_null())
            .add(cart::Column::UserId.eq(user.as_uuid())),
        None => Condition::all().add(cart::Column::UserId.is_null()),
    };
    let closed = cart::Entity::update_in(org)
        .col_expr(
            cart::Column::Status,
            Expr::value(CartStatus::Ordered.as_str()),
        )
        .col_expr(cart::Column::UpdatedAt, Expr::value(now))
        .filter(cart::Column::Id.eq(id.as_uuid()))
        .filter(cart::Column::Status.eq(CartStatus::Open.as_str()))
        .filter(owner)
        .exec(txn)
        .await?;
    Ok(closed.rows_affected == 1)
}
