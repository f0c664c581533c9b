//! Products and their variants. Storefronts see `published` products only.

use std::collections::{HashMap, HashSet};

use api_types::commerce::{
    CreateProductRequest, Inventory, Product, ProductQuery, UpdateProductRequest, Variant,
};
use chrono::{DateTime, Utc};
use db::Tenanted as _;
use db::entities::{product, product_variant};
use domain::limits::{MAX_PRICE, MAX_STOCK, MAX_VARIANTS};
use domain::text;
use domain::{Currency, Money, OrgId, ProductId, ProductStatus, VariantId};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, QueryFilter as _, QueryOrder as _, TransactionTrait as _,
};
use uuid::Uuid;

use crate::validate::Problems;
use crate::{CommerceError, PageRequest, pagination, store};

/// Who is looking: storefronts see only what is published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Storefront,
    Admin,
}

fn status(row: &product::Model) -> Result<ProductStatus, CommerceError> {
    row.status
        .parse()
        .map_err(|e| CommerceError::Store(db::DbError::Corrupt(format!("{e}"))))
}

fn variant_view(row: product_variant::Model) -> Result<Variant, CommerceError> {
    let currency: Currency = row
        .currency
        .parse()
        .map_err(|e| CommerceError::Store(db::DbError::Corrupt(format!("{e}"))))?;
    Ok(Variant {
        id: row.id,
        sku: row.sku,
        title: row.title,
        price: Money::new(row.price_amount, currency),
        inventory: Inventory {
            available: row.available,
        },
    })
}

fn product_view(
    row: product::Model,
    variants: Vec<product_variant::Model>,
) -> Result<Product, CommerceError> {
    Ok(Product {
        status: status(&row)?,
        id: row.id,
        title: row.title,
        handle: row.handle,
        description: row.description,
        variants: variants
            .into_iter()
            .map(variant_view)
            .collect::<Result<_, _>>()?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// `Black Tee (2024)!` → `black-tee-2024`.
fn handle_from(title: &str) -> String {
    let mut handle = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            handle.push(c);
        } else if !handle.ends_with('-') && !handle.is_empty() {
            handle.push('-');
        }
    }
    let handle: String = handle.chars().take(text::PRODUCT_HANDLE.max).collect();
    let handle = handle.trim_end_matches('-');
    if handle.is_empty() {
        "product".to_owned()
    } else {
        handle.to_owned()
    }
}

fn description_problem() -> String {
    format!(
        "must be at most {} characters",
        text::PRODUCT_DESCRIPTION_MAX
    )
}

fn check_handle(problems: &mut Problems, handle: &str) {
    if !text::PRODUCT_HANDLE.is_valid(handle) {
        problems.add("handle", text::PRODUCT_HANDLE.message());
    }
}

fn check_price(problems: &mut Problems, field: &str, price: Money, currency: Currency) {
    if price.currency != currency {
        problems.add(
            format!("{field}.currency"),
            format!("must be the store's currency, {currency}"),
        );
    }
    problems.range(&format!("{field}.amount"), price.amount, 1, MAX_PRICE);
}

fn store_error(error: sea_orm::DbErr) -> CommerceError {
    if db::unique::VARIANT_SKU.refused(&error) {
        CommerceError::conflict(
            "SKU_TAKEN",
            "a variant with this SKU already exists in the store",
        )
    } else if db::unique::PRODUCT_HANDLE.refused(&error) {
        CommerceError::conflict(
            "HANDLE_TAKEN",
            "a product with this handle already exists in the store",
        )
    } else {
        error.into()
    }
}

/// Creates a product with its variants (and their starting stock), in `txn`, whose first statement
/// this is. `currency` is the store's (read before the transaction).
pub async fn create_product(
    txn: &DatabaseTransaction,
    org: OrgId,
    currency: Currency,
    request: CreateProductRequest,
    now: DateTime<Utc>,
) -> Result<Product, CommerceError> {
    let mut problems = Problems::default();
    let title = problems.text("title", &request.title, text::PRODUCT_TITLE);
    let handle = request
        .handle
        .as_deref()
        .map_or_else(|| handle_from(&title), str::to_owned);
    check_handle(&mut problems, &handle);
    let description = request.description.unwrap_or_default();
    if description.chars().count() > text::PRODUCT_DESCRIPTION_MAX {
        problems.add("description", description_problem());
    }
    if request.variants.is_empty() || request.variants.len() > MAX_VARIANTS {
        problems.add(
            "variants",
            format!("must hold 1 to {MAX_VARIANTS} variants"),
        );
    }
    let mut skus = HashSet::new();
    let mut variants = Vec::with_capacity(request.variants.len());
    for (index, variant) in request.variants.iter().enumerate() {
        let field = |name: &str| format!("variants[{index}].{name}");
        let sku = variant.sku.clone();
        if !text::is_sku(&sku) {
            problems.add(
                field("sku"),
                format!(
                    "must be 1 to {} letters, digits, '-', '_' or '.'",
                    text::SKU_MAX
                ),
            );
        }
        if !skus.insert(sku.clone()) {
            problems.add(field("sku"), "repeats another variant's SKU");
        }
        let variant_title = variant.title.as_deref().map_or_else(
            || title.clone(),
            |t| problems.text(&field("title"), t, text::PRODUCT_TITLE),
        );
        check_price(&mut problems, &field("price"), variant.price, currency);
        let stock = variant.inventory_quantity.unwrap_or(0);
        problems.range(&field("inventoryQuantity"), stock, 0, MAX_STOCK);
        variants.push((sku, variant_title, variant.price.amount, stock));
    }
    problems.finish()?;

    let product_id = ProductId::new().as_uuid();
    let status = request.status.unwrap_or(ProductStatus::Draft);
    let product = product::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(product_id),
        title: ActiveValue::Set(title),
        handle: ActiveValue::Set(handle),
        description: ActiveValue::Set(description),
        status: ActiveValue::Set(status.as_str().to_owned()),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
    }
    .insert(txn)
    .await
    .map_err(store_error)?;
    let mut rows = Vec::with_capacity(variants.len());
    for (position, (sku, title, amount, stock)) in variants.into_iter().enumerate() {
        let row = product_variant::ActiveModel {
            organization_id: ActiveValue::Set(org.as_uuid()),
            id: ActiveValue::Set(VariantId::new().as_uuid()),
            product_id: ActiveValue::Set(product_id),
            sku: ActiveValue::Set(sku),
            title: ActiveValue::Set(title),
            price_amount: ActiveValue::Set(amount),
            currency: ActiveValue::Set(currency.to_string()),
            available: ActiveValue::Set(stock),
            position: ActiveValue::Set(i32::try_from(position).unwrap_or(i32::MAX)),
            created_at: ActiveValue::Set(now),
            updated_at: ActiveValue::Set(now),
        }
        .insert(txn)
        .await
        .map_err(store_error)?;
        rows.push(row);
    }
    product_view(product, rows)
}

async fn variants_of(
    db: &impl ConnectionTrait,
    org: OrgId,
    products: &[Uuid],
) -> Result<HashMap<Uuid, Vec<product_variant::Model>>, CommerceError> {
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
enum ProductKey<'a> {
    Id(ProductId),
    Handle(&'a str),
}

/// One product; a storefront sees it only while it is published.
pub async fn get_product(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: ProductId,
    audience: Audience,
) -> Result<Product, CommerceError> {
    one_product(db, org, ProductKey::Id(id), audience).await
}

/// One product by its handle, matched as stored (handles are lower case); a storefront sees it
/// only while it is published. A handle no product could have is not found, without a query.
pub async fn get_product_by_handle(
    db: &impl ConnectionTrait,
    org: OrgId,
    handle: &str,
    audience: Audience,
) -> Result<Product, CommerceError> {
    if !text::PRODUCT_HANDLE.is_valid(handle) {
        return Err(CommerceError::NotFound("product"));
    }
    one_product(db, org, ProductKey::Handle(handle), audience).await
}

/// The one read of a single product with its variants, always within `org`.
async fn one_product(
    db: &impl ConnectionTrait,
    org: OrgId,
    key: ProductKey<'_>,
    audience: Audience,
) -> Result<Product, CommerceError> {
    let mut select = product::Entity::find_in(org);
    select = match key {
        ProductKey::Id(id) => select.filter(product::Column::Id.eq(id.as_uuid())),
        ProductKey::Handle(handle) => select.filter(product::Column::Handle.eq(handle)),
    };
    if audience == Audience::Storefront {
        select = select.filter(product::Column::Status.eq(ProductStatus::Published.as_str()));
    }
    let row = select
        .one(db)
        .await?
        .ok_or(CommerceError::NotFound("product"))?;
    let mut variants = variants_of(db, org, &[row.id]).await?;
    let variants = variants.remove(&row.id).unwrap_or_default();
    product_view(row, variants)
}

/// A page of products, newest first, optionally searched by title and (for admins) by status.
pub async fn list_products(
    db: &impl ConnectionTrait,
    org: OrgId,
    query: &ProductQuery,
    audience: Audience,
) -> Result<(Vec<Product>, Option<String>), CommerceError> {
    let page = PageRequest::parse(query.limit, query.cursor.as_deref())?;
    let mut select = product::Entity::find_in(org);
    match (audience, query.status) {
        (Audience::Storefront, _) => {
            select = select.filter(product::Column::Status.eq(ProductStatus::Published.as_str()));
        }
        (Audience::Admin, Some(status)) => {
            select = select.filter(product::Column::Status.eq(status.as_str()))
        }
        (Audience::Admin, None) => {}
    }
    let max_search = domain::limits::MAX_SEARCH_CHARS;
    if query
        .q
        .as_deref()
        .is_some_and(|q| q.chars().count() > max_search)
    {
        return Err(CommerceError::invalid(
            "q",
            format!("must be at most {max_search} characters"),
        ));
    }
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
        select = select.filter(
            Expr::expr(Func::lower(Expr::col((
                product::Entity,
                product::Column::Title,
            ))))
            .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')),
        );
    }
    let (rows, next) =
        pagination::fetch(db, select, product::Column::Id, page, |row| row.id).await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut variants = variants_of(db, org, &ids).await?;
    let products = rows
        .into_iter()
        .map(|row| {
            let of_row = variants.remove(&row.id).unwrap_or_default();
            product_view(row, of_row)
        })
        .collect::<Result<_, _>>()?;
    Ok((products, next))
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Changes a product's fields and its variants' titles and prices.
pub async fn update_product(
    db: &DatabaseConnection,
    org: OrgId,
    id: ProductId,
    request: UpdateProductRequest,
    now: DateTime<Utc>,
) -> Result<Product, CommerceError> {
    let currency = store::currency(db, org).await?;
    let mut problems = Problems::default();
    let title = request
        .title
        .as_deref()
        .map(|t| problems.text("title", t, text::PRODUCT_TITLE));
    if let Some(handle) = &request.handle {
        check_handle(&mut problems, handle);
    }
    if request
        .description
        .as_ref()
        .is_some_and(|d| d.chars().count() > text::PRODUCT_DESCRIPTION_MAX)
    {
        problems.add("description", description_problem());
    }
    let variant_updates = request.variants.unwrap_or_default();
    for (index, update) in variant_updates.iter().enumerate() {
        if let Some(title) = &update.title {
            problems.text(
                &format!("variants[{index}].title"),
                title,
                text::PRODUCT_TITLE,
            );
        }
        if let Some(price) = update.price {
            check_price(
                &mut problems,
                &format!("variants[{index}].price"),
                price,
                currency,
            );
        }
    }
    problems.finish()?;

    let txn = db.begin().await?;
    let mut changes = product::Entity::update_in(org)
        .col_expr(product::Column::UpdatedAt, Expr::value(now))
        .filter(product::Column::Id.eq(id.as_uuid()));
    if let Some(title) = title {
        changes = changes.col_expr(product::Column::Title, Expr::value(title));
    }
    if let Some(handle) = request.handle {
        changes = changes.col_expr(product::Column::Handle, Expr::value(handle));
    }
    if let Some(description) = request.description {
        changes = changes.col_expr(product::Column::Description, Expr::value(description));
    }
    if let Some(status) = request.status {
        changes = changes.col_expr(product::Column::Status, Expr::value(status.as_str()));
    }
    let updated = changes.exec(&txn).await.map_err(store_error)?;
    if updated.rows_affected == 0 {
        return Err(CommerceError::NotFound("product"));
    }
    for update in variant_updates {
        let mut change = product_variant::Entity::update_in(org)
            .col_expr(product_variant::Column::UpdatedAt, Expr::value(now))
            .filter(product_variant::Column::ProductId.eq(id.as_uuid()))
            .filter(product_variant::Column::Id.eq(update.id));
        if let Some(title) = update.title {
            change = change.col_expr(
                product_variant::Column::Title,
                Expr::value(title.trim().to_owned()),
            );
        }
        if let Some(price) = update.price {
            change = change.col_expr(
                product_variant::Column::PriceAmount,
                Expr::value(price.amount),
            );
        }
        if change.exec(&txn).await?.rows_affected == 0 {
            return Err(CommerceError::NotFound("variant"));
        }
    }
    txn.commit().await?;
    get_product(db, org, id, Audience::Admin).await
}

/// Archives a product: storefronts stop seeing it, orders keep their lines.
pub async fn archive_product(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: ProductId,
    now: DateTime<Utc>,
) -> Result<Product, CommerceError> {
    let result = product::Entity::update_in(org)
        .col_expr(
            product::Column::Status,
            Expr::value(ProductStatus::Archived.as_str()),
        )
        .col_expr(product::Column::UpdatedAt, Expr::value(now))
        .filter(product::Column::Id.eq(id.as_uuid()))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(CommerceError::NotFound("product"));
    }
    get_product(db, org, id, Audience::Admin).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_come_from_titles() {
        assert_eq!(handle_from("Black Tee (2024)!"), "black-tee-2024");
        assert_eq!(handle_from("  Été — Ñandú  "), "t-and");
        assert_eq!(handle_from("!!!"), "product");
        // Cut at the longest handle, never ending on the `-` the cut left.
        let long = format!("{} b", "a".repeat(199));
        assert_eq!(handle_from(&long), "a".repeat(199));
    }

    #[test]
    fn only_lower_case_handles_can_exist() {
        for handle in ["black-tee-2024", "a", &"x".repeat(200)] {
            assert!(text::PRODUCT_HANDLE.is_valid(handle), "{handle}");
        }
        let long = "x".repeat(201);
        for handle in [
            "",
            "Black-Tee",
            "-tee",
            "tee-",
            "tee shirt",
            "t%C3%A9",
            "té",
            &long,
        ] {
            assert!(!text::PRODUCT_HANDLE.is_valid(handle), "{handle}");
        }
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }
}
