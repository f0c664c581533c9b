//! Carts: lines of variants, priced from the catalog at every read (never from the client).
//!
//! A cart belongs to its store and, when created by a signed-in shopper, to that shopper: another
//! caller sees it as missing. A guest's cart is reached by its (unguessable) id.

use api_types::commerce::{Cart, CartItem};
use chrono::{DateTime, Utc};
use db::Tenanted as _;
use db::entities::{cart, cart_item, product, product_variant};
use domain::{
    CartId, CartItemId, CartStatus, Currency, Money, OrgId, ProductStatus, UserId, VariantId,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, SqlErr,
};

use crate::validate::Problems;
use crate::{CommerceError, store};

/// The most units of one variant a cart line may hold.
pub const MAX_QUANTITY: i64 = domain::limits::MAX_CART_QUANTITY;
const MAX_LINES: usize = domain::limits::MAX_CART_LINES;

/// Who is asking for a cart: the signed-in shopper, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shopper(pub Option<UserId>);

impl Shopper {
    /// Whether this shopper may see a cart owned by `owner`.
    pub(crate) fn may_see(self, owner: Option<uuid::Uuid>) -> bool {
        owner.is_none_or(|owner| self.0.is_some_and(|user| user.as_uuid() == owner))
    }
}

pub async fn create(
    db: &impl ConnectionTrait,
    org: OrgId,
    currency: Option<Currency>,
    shopper: Shopper,
    now: DateTime<Utc>,
) -> Result<Cart, CommerceError> {
    let store_currency = store::currency(db, org).await?;
    if currency.is_some_and(|currency| currency != store_currency) {
        return Err(CommerceError::invalid(
            "currency",
            format!("the store sells in {store_currency}"),
        ));
    }
    let id = CartId::new();
    cart::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(id.as_uuid()),
        currency: ActiveValue::Set(store_currency.to_string()),
        user_id: ActiveValue::Set(shopper.0.map(|user| user.as_uuid())),
        status: ActiveValue::Set(CartStatus::Open.as_str().to_owned()),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
    }
    .insert(db)
    .await?;
    get(db, org, id, shopper).await
}

async fn find(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CartId,
    shopper: Shopper,
) -> Result<cart::Model, CommerceError> {
    cart::Entity::find_by_id((org.as_uuid(), id.as_uuid()))
        .one(db)
        .await?
        .filter(|row| shopper.may_see(row.user_id))
        .ok_or(CommerceError::NotFound("cart"))
}

async fn find_open(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CartId,
    shopper: Shopper,
) -> Result<cart::Model, CommerceError> {
    let row = find(db, org, id, shopper).await?;
    if row.status != CartStatus::Open.as_str() {
        return Err(CommerceError::conflict(
            "CART_NOT_OPEN",
            "the cart has already become an order",
        ));
    }
    Ok(row)
}

/// The cart with its lines, priced now.
pub async fn get(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CartId,
    shopper: Shopper,
) -> Result<Cart, CommerceError> {
    let row = find(db, org, id, shopper).await?;
    let currency: Currency = row
        .currency
        .parse()
        .map_err(|e| CommerceError::Store(db::DbError::Corrupt(format!("{e}"))))?;
    let lines = lines_with_variants(db, org, row.id).await?;
    let mut items = Vec::with_capacity(lines.len());
    let mut subtotal = Money::new(0, currency);
    for (line, variant) in lines {
        let unit_price = Money::new(variant.price_amount, currency);
        let total = unit_price.times(line.quantity).ok_or_else(overflow)?;
        subtotal = subtotal.plus(total).ok_or_else(overflow)?;
        items.push(CartItem {
            id: line.id,
            variant_id: variant.id,
            product_id: variant.product_id,
            sku: variant.sku,
            title: variant.title,
            quantity: line.quantity,
            unit_price,
            total,
            available: variant.available,
        });
    }
    Ok(Cart {
        id: row.id,
        status: row.status.parse().map_err(|_| {
            CommerceError::Store(db::DbError::Corrupt(format!(
                "cart status `{}`",
                row.status
            )))
        })?,
        currency,
        items,
        subtotal,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn overflow() -> CommerceError {
    CommerceError::invalid("quantity", "the cart's total is too large")
}

/// The lines of a cart with their variants, in the order they were added (one query per table).
pub(crate) async fn lines_with_variants(
    db: &impl ConnectionTrait,
    org: OrgId,
    cart: uuid::Uuid,
) -> Result<Vec<(cart_item::Model, product_variant::Model)>, CommerceError> {
    let lines = cart_item::Entity::find_in(org)
        .filter(cart_item::Column::CartId.eq(cart))
        .order_by_asc(cart_item::Column::CreatedAt)
        .order_by_asc(cart_item::Column::Id)
        .all(db)
        .await?;
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let variants = product_variant::Entity::find_in(org)
        .filter(product_variant::Column::Id.is_in(lines.iter().map(|line| line.variant_id)))
        .all(db)
        .await?;
    Ok(lines
        .into_iter()
        .filter_map(|line| {
            let variant = variants.iter().find(|v| v.id == line.variant_id)?.clone();
            Some((line, variant))
        })
        .collect())
}

fn check_quantity(quantity: i64) -> Result<(), CommerceError> {
    let mut problems = Problems::default();
    problems.range("quantity", quantity, 1, MAX_QUANTITY);
    problems.finish()
}

/// A variant a storefront may buy: of this store, of a published product.
async fn sellable_variant(
    db: &impl ConnectionTrait,
    org: OrgId,
    variant: VariantId,
) -> Result<product_variant::Model, CommerceError> {
    let row = product_variant::Entity::find_by_id((org.as_uuid(), variant.as_uuid()))
        .one(db)
        .await?
        .ok_or(CommerceError::NotFound("variant"))?;
    let published = product::Entity::find_by_id((org.as_uuid(), row.product_id))
        .one(db)
        .await?
        .is_some_and(|product| product.status == ProductStatus::Published.as_str());
    if !published {
        return Err(CommerceError::NotFound("variant"));
    }
    Ok(row)
}

/// Adds `quantity` of a variant (to its line, if it has one).
pub async fn add_item(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CartId,
    shopper: Shopper,
    variant: VariantId,
    quantity: i64,
    now: DateTime<Utc>,
) -> Result<Cart, CommerceError> {
    check_quantity(quantity)?;
    let cart = find_open(db, org, id, shopper).await?;
    sellable_variant(db, org, variant).await?;
    let lines = cart_item::Entity::find_in(org)
        .filter(cart_item::Column::CartId.eq(cart.id))
        .all(db)
        .await?;
    if let Some(line) = lines
        .iter()
        .find(|line| line.variant_id == variant.as_uuid())
    {
        increment(db, org, line.id, quantity).await?;
    } else {
        if lines.len() >= MAX_LINES {
            return Err(CommerceError::invalid(
                "variantId",
                format!("a cart holds at most {MAX_LINES} lines"),
            ));
        }
        let inserted = cart_item::ActiveModel {
            organization_id: ActiveValue::Set(org.as_uuid()),
            id: ActiveValue::Set(CartItemId::new().as_uuid()),
            cart_id: ActiveValue::Set(cart.id),
            variant_id: ActiveValue::Set(variant.as_uuid()),
            quantity: ActiveValue::Set(quantity),
            created_at: ActiveValue::Set(now),
        }
        .insert(db)
        .await;
        match inserted {
            Ok(_) => {}
            // A concurrent request added the same line first: add to it instead.
            Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                let line = cart_item::Entity::find_in(org)
                    .filter(cart_item::Column::CartId.eq(cart.id))
                    .filter(cart_item::Column::VariantId.eq(variant.as_uuid()))
                    .one(db)
                    .await?
                    .ok_or(CommerceError::NotFound("cart item"))?;
                increment(db, org, line.id, quantity).await?;
            }
            Err(error) => return Err(error.into()),
        }
    }
    touch(db, org, id, now).await?;
    get(db, org, id, shopper).await
}

/// Adds to a line, never past [`MAX_QUANTITY`] (a 400 otherwise, even under concurrent adds).
async fn increment(
    db: &impl ConnectionTrait,
    org: OrgId,
    line: uuid::Uuid,
    quantity: i64,
) -> Result<(), CommerceError> {
    let changed = cart_item::Entity::update_in(org)
        .col_expr(
            cart_item::Column::Quantity,
            Expr::col(cart_item::Column::Quantity).add(quantity),
        )
        .filter(cart_item::Column::Id.eq(line))
        .filter(Expr::expr(Expr::col(cart_item::Column::Quantity).add(quantity)).lte(MAX_QUANTITY))
        .exec(db)
        .await?;
    if changed.rows_affected == 0 {
        return Err(CommerceError::invalid(
            "quantity",
            format!("a line holds at most {MAX_QUANTITY} units"),
        ));
    }
    Ok(())
}

/// Sets a line's quantity.
pub async fn update_item(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CartId,
    shopper: Shopper,
    item: CartItemId,
    quantity: i64,
    now: DateTime<Utc>,
) -> Result<Cart, CommerceError> {
    check_quantity(quantity)?;
    find_open(db, org, id, shopper).await?;
    let changed = cart_item::Entity::update_in(org)
        .col_expr(cart_item::Column::Quantity, Expr::value(quantity))
        .filter(cart_item::Column::CartId.eq(id.as_uuid()))
        .filter(cart_item::Column::Id.eq(item.as_uuid()))
        .exec(db)
        .await?;
    if changed.rows_affected == 0 {
        return Err(CommerceError::NotFound("cart item"));
    }
    touch(db, org, id, now).await?;
    get(db, org, id, shopper).await
}

/// Removes a line.
pub async fn remove_item(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CartId,
    shopper: Shopper,
    item: CartItemId,
    now: DateTime<Utc>,
) -> Result<Cart, CommerceError> {
    find_open(db, org, id, shopper).await?;
    let removed = cart_item::Entity::delete_in(org)
        .filter(cart_item::Column::CartId.eq(id.as_uuid()))
        .filter(cart_item::Column::Id.eq(item.as_uuid()))
        .exec(db)
        .await?;
    if removed.rows_affected == 0 {
        return Err(CommerceError::NotFound("cart item"));
    }
    touch(db, org, id, now).await?;
    get(db, org, id, shopper).await
}

async fn touch(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CartId,
    now: DateTime<Utc>,
) -> Result<(), CommerceError> {
    cart::Entity::update_in(org)
        .col_expr(cart::Column::UpdatedAt, Expr::value(now))
        .filter(cart::Column::Id.eq(id.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}
