//! Products and their variants. Storefronts see `published` products only.

use std::collections::HashSet;

use api_types::commerce::{CreateProductRequest, ProductQuery, UpdateProductRequest};
use chrono::{DateTime, Utc};
use db::repo::catalog::{
    self, NewProduct, NewVariant, ProductChange, ProductFilter, ProductKey, VariantChange,
};
pub use db::repo::catalog::{Product, Variant};
use db::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbError, TransactionTrait as _,
};
use domain::limits::{MAX_PRICE, MAX_STOCK, MAX_VARIANTS};
use domain::text;
use domain::{Currency, Money, OrgId, ProductId, ProductStatus};

use crate::validate::Problems;
use crate::{CommerceError, store};

/// Who is looking: storefronts see only what is published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Storefront,
    Admin,
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

fn stored(error: DbError) -> CommerceError {
    match error {
        DbError::Conflict("sku") => CommerceError::conflict(
            "SKU_TAKEN",
            "a variant with this SKU already exists in the store",
        ),
        DbError::Conflict("handle") => CommerceError::conflict(
            "HANDLE_TAKEN",
            "a product with this handle already exists in the store",
        ),
        other => CommerceError::found_as("product")(other),
    }
}

/// The product a request describes, checked whole (every problem by field) before anything is
/// written. `currency` is the store's.
fn new_product(
    request: CreateProductRequest,
    currency: Currency,
) -> Result<NewProduct, CommerceError> {
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
    for (index, variant) in request.variants.into_iter().enumerate() {
        let field = |name: &str| format!("variants[{index}].{name}");
        if !text::is_sku(&variant.sku) {
            problems.add(
                field("sku"),
                format!(
                    "must be 1 to {} letters, digits, '-', '_' or '.'",
                    text::SKU_MAX
                ),
            );
        }
        if !skus.insert(variant.sku.clone()) {
            problems.add(field("sku"), "repeats another variant's SKU");
        }
        let variant_title = variant.title.as_deref().map_or_else(
            || title.clone(),
            |t| problems.text(&field("title"), t, text::PRODUCT_TITLE),
        );
        check_price(&mut problems, &field("price"), variant.price, currency);
        let stock = variant.inventory_quantity.unwrap_or(0);
        problems.range(&field("inventoryQuantity"), stock, 0, MAX_STOCK);
        variants.push(NewVariant {
            sku: variant.sku,
            title: variant_title,
            price: variant.price,
            stock,
        });
    }
    problems.finish()?;
    Ok(NewProduct {
        title,
        handle,
        description,
        status: request.status.unwrap_or(ProductStatus::Draft),
        variants,
    })
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
    let new = new_product(request, currency)?;
    catalog::insert(txn, org, new, now).await.map_err(stored)
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

impl Audience {
    /// The only status this audience may see, if it is limited to one.
    const fn sees_only(self) -> Option<ProductStatus> {
        match self {
            Self::Storefront => Some(ProductStatus::Published),
            Self::Admin => None,
        }
    }
}

async fn one_product(
    db: &impl ConnectionTrait,
    org: OrgId,
    key: ProductKey<'_>,
    audience: Audience,
) -> Result<Product, CommerceError> {
    catalog::get(db, org, key, audience.sees_only())
        .await
        .map_err(CommerceError::found_as("product"))
}

/// A page of products, newest first, optionally searched by title and (for admins) by status.
pub async fn list_products(
    db: &impl ConnectionTrait,
    org: OrgId,
    query: &ProductQuery,
    audience: Audience,
) -> Result<(Vec<Product>, Option<String>), CommerceError> {
    let page = db::PageRequest::parse(query.limit, query.cursor.as_deref())?;
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
    let filter = ProductFilter {
        status: audience.sees_only().or(query.status),
        title_contains: query
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_owned),
    };
    Ok(catalog::page(db, org, filter, page).await?)
}

/// The change a request describes, checked whole before anything is written.
fn product_change(
    request: UpdateProductRequest,
    currency: Currency,
) -> Result<(ProductChange, Vec<VariantChange>), CommerceError> {
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
    let mut variants = Vec::new();
    for (index, update) in request.variants.unwrap_or_default().into_iter().enumerate() {
        let title = update.title.as_deref().map(|title| {
            problems.text(
                &format!("variants[{index}].title"),
                title,
                text::PRODUCT_TITLE,
            )
        });
        if let Some(price) = update.price {
            check_price(
                &mut problems,
                &format!("variants[{index}].price"),
                price,
                currency,
            );
        }
        variants.push(VariantChange {
            id: domain::VariantId::from_uuid(update.id),
            title,
            price_amount: update.price.map(|price| price.amount),
        });
    }
    problems.finish()?;
    let change = ProductChange {
        title,
        handle: request.handle,
        description: request.description,
        status: request.status,
    };
    Ok((change, variants))
}

/// Changes a product's fields and its variants' titles and prices, all or nothing.
pub async fn update_product(
    db: &DatabaseConnection,
    org: OrgId,
    id: ProductId,
    request: UpdateProductRequest,
    now: DateTime<Utc>,
) -> Result<Product, CommerceError> {
    let currency = store::currency(db, org).await?;
    let (change, variants) = product_change(request, currency)?;
    let txn = db.begin().await?;
    catalog::update(&txn, org, id, change, now)
        .await
        .map_err(stored)?;
    for variant in variants {
        catalog::update_variant(&txn, org, id, variant, now)
            .await
            .map_err(CommerceError::found_as("variant"))?;
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
    let change = ProductChange {
        status: Some(ProductStatus::Archived),
        ..ProductChange::default()
    };
    catalog::update(db, org, id, change, now)
        .await
        .map_err(stored)?;
    get_product(db, org, id, Audience::Admin).await
}

#[cfg(test)]
mod tests {
    use api_types::commerce::VariantUpdate;

    use super::*;

    fn variant(sku: &str, amount: i64, currency: Currency) -> api_types::commerce::NewVariant {
        api_types::commerce::NewVariant {
            sku: sku.to_owned(),
            title: None,
            price: Money::new(amount, currency),
            inventory_quantity: None,
        }
    }

    fn request(
        title: &str,
        variants: Vec<api_types::commerce::NewVariant>,
    ) -> CreateProductRequest {
        CreateProductRequest {
            title: title.to_owned(),
            handle: None,
            description: None,
            status: None,
            variants,
        }
    }

    fn fields(error: CommerceError) -> Vec<String> {
        let CommerceError::Invalid(fields) = error else {
            panic!("not a validation error: {error:?}");
        };
        fields.into_iter().map(|(field, _)| field).collect()
    }

    #[test]
    fn a_product_is_parsed_with_its_defaults() {
        let parsed = new_product(
            request("  Black Tee  ", vec![variant("TEE-S", 1999, Currency::EUR)]),
            Currency::EUR,
        )
        .unwrap();
        assert_eq!(
            parsed,
            NewProduct {
                title: "Black Tee".to_owned(),
                handle: "black-tee".to_owned(),
                description: String::new(),
                status: ProductStatus::Draft,
                variants: vec![NewVariant {
                    sku: "TEE-S".to_owned(),
                    title: "Black Tee".to_owned(),
                    price: Money::new(1999, Currency::EUR),
                    stock: 0,
                }],
            }
        );
    }

    #[test]
    fn every_problem_of_a_product_is_named_before_anything_is_written() {
        let usd: Currency = "USD".parse().unwrap();
        let mut negative = variant("TEE-M", 1999, Currency::EUR);
        negative.inventory_quantity = Some(-1);
        let cases: [(CreateProductRequest, &[&str]); 4] = [
            (request("Tee", vec![]), &["variants"]),
            (
                request(
                    "Tee",
                    vec![
                        variant("TEE-S", 1, Currency::EUR),
                        variant("TEE-S", 1, Currency::EUR),
                    ],
                ),
                &["variants[1].sku"],
            ),
            (
                request("", vec![variant("no spaces", 0, usd), negative]),
                &[
                    "title",
                    "variants[0].sku",
                    "variants[0].price.currency",
                    "variants[0].price.amount",
                    "variants[1].inventoryQuantity",
                ],
            ),
            (
                CreateProductRequest {
                    handle: Some("Not A Handle".to_owned()),
                    ..request("Tee", vec![variant("TEE-S", 1, Currency::EUR)])
                },
                &["handle"],
            ),
        ];
        for (request, expected) in cases {
            assert_eq!(
                fields(new_product(request, Currency::EUR).unwrap_err()),
                expected
            );
        }
    }

    #[test]
    fn a_change_is_parsed_whole_with_trimmed_titles() {
        let variant = domain::VariantId::new();
        let request = UpdateProductRequest {
            title: Some(" New ".to_owned()),
            handle: None,
            description: None,
            status: Some(ProductStatus::Published),
            variants: Some(vec![VariantUpdate {
                id: variant.as_uuid(),
                title: Some(" Large ".to_owned()),
                price: Some(Money::new(2500, Currency::EUR)),
            }]),
        };
        let (change, variants) = product_change(request, Currency::EUR).unwrap();
        assert_eq!(change.title.as_deref(), Some("New"));
        assert_eq!(change.status, Some(ProductStatus::Published));
        assert_eq!(
            variants,
            [VariantChange {
                id: variant,
                title: Some("Large".to_owned()),
                price_amount: Some(2500),
            }]
        );
        let foreign = UpdateProductRequest {
            title: None,
            handle: Some("-bad".to_owned()),
            description: None,
            status: None,
            variants: Some(vec![VariantUpdate {
                id: variant.as_uuid(),
                title: None,
                price: Some(Money::new(2500, "USD".parse().unwrap())),
            }]),
        };
        assert_eq!(
            fields(product_change(foreign, Currency::EUR).unwrap_err()),
            ["handle", "variants[0].price.currency"]
        );
    }

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
}
