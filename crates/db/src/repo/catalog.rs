//! Products and their variants (prices and stock live on the variant).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::{Currency, Money, OrgId, ProductId, ProductStatus, VariantId};
use sea_orm::sea_query::{Expr, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, ConnectionTrait, DatabaseTransaction,
    DbErr, EntityTrait as _, PaginatorTrait as _, QueryFilter as _, QueryOrder as _,
};
use uuid::Uuid;

use crate::entities::{product, product_variant};
use crate::{DbError, PageRequest, Tenanted as _, page, unique};

/// A product with its variants, in their order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    pub id: ProductId,
    pub title: String,
    pub handle: String,
    pub description: String,
    pub status: ProductStatus,
    pub variants: Vec<Variant>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One variant: what is sold, at its price, with its stock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub id: VariantId,
    pub product_id: ProductId,
    pub sku: String,
    pub title: String,
    pub price: Money,
    pub available: i64,
}

impl TryFrom<product_variant::Model> for Variant {
    type Error = DbError;

    fn try_from(row: product_variant::Model) -> Result<Self, DbError> {
        let currency: Currency = row.currency.parse().map_err(DbError::corrupt)?;
        Ok(Self {
            id: VariantId::from_uuid(row.id),
            product_id: ProductId::from_uuid(row.product_id),
            sku: row.sku,
            title: row.title,
            price: Money::new(row.price_amount, currency),
            available: row.available,
        })
    }
}

fn product(row: product::Model, variants: Vec<product_variant::Model>) -> Result<Product, DbError> {
    Ok(Product {
        status: row.status.parse().map_err(DbError::corrupt)?,
        id: ProductId::from_uuid(row.id),
        title: row.title,
        handle: row.handle,
        description: row.description,
        variants: variants
            .into_iter()
            .map(Variant::try_from)
            .collect::<Result<_, _>>()?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// A product to add, already checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewProduct {
    pub title: String,
    pub handle: String,
    pub description: String,
    pub status: ProductStatus,
    /// Priced in the store's currency, in this order.
    pub variants: Vec<NewVariant>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewVariant {
    pub sku: String,
    pub title: String,
    pub price: Money,
    pub stock: i64,
}

/// What changes on a product; `None` keeps the field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductChange {
    pub title: Option<String>,
    pub handle: Option<String>,
    pub description: Option<String>,
    pub status: Option<ProductStatus>,
}

/// What changes on one variant of a product; `None` keeps the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariantChange {
    pub id: VariantId,
    pub title: Option<String>,
    /// The new price's amount, in the currency the variant is priced in.
    pub price_amount: Option<i64>,
}

/// Which index refused a duplicate: `Conflict("sku")` or `Conflict("handle")`.
fn refused(error: DbErr) -> DbError {
    if unique::VARIANT_SKU.refused(&error) {
        DbError::Conflict("sku")
    } else if unique::PRODUCT_HANDLE.refused(&error) {
        DbError::Conflict("handle")
    } else {
        DbError::Database(error)
    }
}

/// Adds a product with its variants (and their starting stock), in `txn`, whose first statement
/// this is. A handle or SKU already in the store is `Conflict("handle")` / `Conflict("sku")`.
pub async fn insert(
    txn: &DatabaseTransaction,
    org: OrgId,
    new: NewProduct,
    now: DateTime<Utc>,
) -> Result<Product, DbError> {
    let product_id = ProductId::new().as_uuid();
    let row = product::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(product_id),
        title: ActiveValue::Set(new.title),
        handle: ActiveValue::Set(new.handle),
        description: ActiveValue::Set(new.description),
        status: ActiveValue::Set(new.status.as_str().to_owned()),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
    }
    .insert(txn)
    .await
    .map_err(refused)?;
    let mut variants = Vec::with_capacity(new.variants.len());
    for (position, variant) in new.variants.into_iter().enumerate() {
        let variant = product_variant::ActiveModel {
            organization_id: ActiveValue::Set(org.as_uuid()),
            id: ActiveValue::Set(VariantId::new().as_uuid()),
            product_id: ActiveValue::Set(product_id),
            sku: ActiveValue::Set(variant.sku),
            title: ActiveValue::Set(variant.title),
            price_amount: ActiveValue::Set(variant.price.amount),
            currency: ActiveValue::Set(variant.price.currency.to_string()),
            available: ActiveValue::Set(variant.stock),
            position: ActiveValue::Set(i32::try_from(position).unwrap_or(i32::MAX)),
            created_at: ActiveValue::Set(now),
            updated_at: ActiveValue::Set(now),
        }
        .insert(txn)
        .await
        .map_err(refused)?;
        variants.push(variant);
    }
    product(row, variants)
}

async fn variants_of(
    db: &impl ConnectionTrait,
    org: OrgId,
    products: &[Uuid],
) -> Result<HashMap<Uuid, Vec<product_variant::Model>>, DbError> {
    let mut by_product: HashMap<Uuid, Vec<product_variant::Model>> = HashMap::new();
    if products.is_empty() {
        return Ok(by_product);
    }
    let rows = product_variant::Entity::find_in(org)
        .filter(product_variant::Column::ProductId.is_in(products.iter().copied()))
        .order_by_asc(product_variant::Column::Position)
        .all(db)
        .await?;
    for row in rows {
        by_product.entry(row.product_id).or_default().push(row);
    }
    Ok(by_product)
}

/// How one product is named: its id, or its handle (unique in the store).
#[derive(Clone, Copy, Debug)]
pub enum ProductKey<'a> {
    Id(ProductId),
    Handle(&'a str),
}

/// One product with its variants; with `status`, only while it has that status.
pub async fn get(
    db: &impl ConnectionTrait,
    org: OrgId,
    key: ProductKey<'_>,
    status: Option<ProductStatus>,
) -> Result<Product, DbError> {
    let mut select = product::Entity::find_in(org);
    select = match key {
        ProductKey::Id(id) => select.filter(product::Column::Id.eq(id.as_uuid())),
        ProductKey::Handle(handle) => select.filter(product::Column::Handle.eq(handle)),
    };
    if let Some(status) = status {
        select = select.filter(product::Column::Status.eq(status.as_str()));
    }
    let row = select.one(db).await?.ok_or(DbError::NotFound)?;
    let mut variants = variants_of(db, org, &[row.id]).await?;
    let variants = variants.remove(&row.id).unwrap_or_default();
    product(row, variants)
}

/// Which products a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductFilter {
    pub status: Option<ProductStatus>,
    /// Titles containing this, in any case (matched literally: `%` and `_` are not wildcards).
    pub title_contains: Option<String>,
}

/// A page of products with their variants, newest first.
pub async fn page(
    db: &impl ConnectionTrait,
    org: OrgId,
    filter: ProductFilter,
    page: PageRequest,
) -> Result<(Vec<Product>, Option<String>), DbError> {
    let mut select = product::Entity::find_in(org);
    if let Some(status) = filter.status {
        select = select.filter(product::Column::Status.eq(status.as_str()));
    }
    if let Some(text) = filter.title_contains {
        let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
        select = select.filter(
            Expr::expr(Func::lower(Expr::col((
                product::Entity,
                product::Column::Title,
            ))))
            .like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    let (rows, next) = page::fetch(db, select, product::Column::Id, page, |row| row.id).await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut variants = variants_of(db, org, &ids).await?;
    let products = rows
        .into_iter()
        .map(|row| {
            let of_row = variants.remove(&row.id).unwrap_or_default();
            product(row, of_row)
        })
        .collect::<Result<_, _>>()?;
    Ok((products, next))
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Changes a product's own fields; no such product is `NotFound`, a handle already taken
/// `Conflict("handle")`.
pub async fn update(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: ProductId,
    change: ProductChange,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut update = product::Entity::update_in(org)
        .col_expr(product::Column::UpdatedAt, Expr::value(now))
        .filter(product::Column::Id.eq(id.as_uuid()));
    if let Some(title) = change.title {
        update = update.col_expr(product::Column::Title, Expr::value(title));
    }
    if let Some(handle) = change.handle {
        update = update.col_expr(product::Column::Handle, Expr::value(handle));
    }
    if let Some(description) = change.description {
        update = update.col_expr(product::Column::Description, Expr::value(description));
    }
    if let Some(status) = change.status {
        update = update.col_expr(product::Column::Status, Expr::value(status.as_str()));
    }
    if update.exec(db).await.map_err(refused)?.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Changes one variant of `product`; no such variant of it is `NotFound`.
pub async fn update_variant(
    db: &impl ConnectionTrait,
    org: OrgId,
    product: ProductId,
    change: VariantChange,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut update = product_variant::Entity::update_in(org)
        .col_expr(product_variant::Column::UpdatedAt, Expr::value(now))
        .filter(product_variant::Column::ProductId.eq(product.as_uuid()))
        .filter(product_variant::Column::Id.eq(change.id.as_uuid()));
    if let Some(title) = change.title {
        update = update.col_expr(product_variant::Column::Title, Expr::value(title));
    }
    if let Some(amount) = change.price_amount {
        update = update.col_expr(product_variant::Column::PriceAmount, Expr::value(amount));
    }
    if update.exec(db).await?.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// How many products the store has, in any status.
pub async fn count(db: &impl ConnectionTrait, org: OrgId) -> Result<u64, DbError> {
    Ok(product::Entity::find_in(org).count(db).await?)
}

/// A variant of a product with `status`; `NotFound` otherwise.
pub async fn variant_of(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: VariantId,
    status: ProductStatus,
) -> Result<Variant, DbError> {
    let row = product_variant::Entity::find_by_id((org.as_uuid(), id.as_uuid()))
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?;
    let has_status = product::Entity::find_by_id((org.as_uuid(), row.product_id))
        .one(db)
        .await?
        .is_some_and(|product| product.status == status.as_str());
    if !has_status {
        return Err(DbError::NotFound);
    }
    row.try_into()
}

/// The variants named, of this store, in no particular order (the missing ones left out).
pub async fn variants(
    db: &impl ConnectionTrait,
    org: OrgId,
    ids: impl IntoIterator<Item = VariantId>,
) -> Result<Vec<Variant>, DbError> {
    product_variant::Entity::find_in(org)
        .filter(product_variant::Column::Id.is_in(ids.into_iter().map(|id| id.as_uuid())))
        .all(db)
        .await?
        .into_iter()
        .map(Variant::try_from)
        .collect()
}

/// Which of `products` have `status` now.
pub async fn with_status(
    db: &impl ConnectionTrait,
    org: OrgId,
    products: impl IntoIterator<Item = ProductId>,
    status: ProductStatus,
) -> Result<Vec<ProductId>, DbError> {
    Ok(product::Entity::find_in(org)
        .filter(product::Column::Id.is_in(products.into_iter().map(|id| id.as_uuid())))
        .filter(product::Column::Status.eq(status.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| ProductId::from_uuid(row.id))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }
}
