//! The catalog (search and pages) and a product's page by its handle.

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::commerce::{Product, ProductQuery};
use api_types::store::Page;
use maud::{Markup, html};
use serde::Deserialize;
use web_ui::api::escaped;
use web_ui::components::{empty_state, form_errors, html_response, pager};
use web_ui::forms::FormErrors;
use web_ui::{PageError, PageResult, format};

use crate::shop::{Api, PageInfo, Shop, shop_page};

const PAGE_SIZE: u32 = 24;

#[derive(Debug, Default, Deserialize)]
pub struct CatalogQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
}

pub async fn catalog(shop: Shop, api: Api, query: web::Query<CatalogQuery>) -> PageResult {
    let query = query.into_inner();
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let products: Page<Product> = api
        .get_with(
            &shop.credentials,
            "/v1/products",
            &ProductQuery {
                limit: Some(PAGE_SIZE),
                cursor: query.cursor.clone(),
                q: q.map(str::to_owned),
                status: None,
            },
        )
        .await?;
    Ok(html_response(
        StatusCode::OK,
        catalog_page(&shop, q, query.cursor.is_some(), &products),
    ))
}

fn catalog_url(q: Option<&str>, cursor: Option<&str>) -> String {
    let pairs: Vec<(&str, &str)> = [q.map(|q| ("q", q)), cursor.map(|c| ("cursor", c))]
        .into_iter()
        .flatten()
        .collect();
    match serde_urlencoded::to_string(pairs).unwrap_or_default() {
        query if query.is_empty() => "/".to_owned(),
        query => format!("/?{query}"),
    }
}

/// "€12.00", or "from €12.00" when the variants differ.
fn price_of(product: &Product) -> String {
    let lowest = product
        .variants
        .iter()
        .map(|v| v.price)
        .min_by_key(|p| p.amount);
    let differ = product
        .variants
        .windows(2)
        .any(|pair| pair[0].price != pair[1].price);
    match (lowest, differ) {
        (Some(price), true) => format!("from {}", format::money(price)),
        (Some(price), false) => format::money(price),
        (None, _) => String::new(),
    }
}

/// How much is left, as a shopper reads it.
fn stock_words(available: i64) -> String {
    match available {
        ..=0 => "sold out".to_owned(),
        1..=5 => format!("only {available} left"),
        _ => "in stock".to_owned(),
    }
}

fn sold_out(product: &Product) -> bool {
    product.variants.iter().all(|v| v.inventory.available <= 0)
}

fn catalog_page(shop: &Shop, q: Option<&str>, paged: bool, products: &Page<Product>) -> Markup {
    let title = q.map_or_else(|| shop.store.name.clone(), |q| format!("“{q}”"));
    let description = format!("Shop {} online.", shop.store.name);
    let info = PageInfo {
        title: &title,
        description: Some(&description),
        canonical: (q.is_none() && !paged).then_some("/"),
    };
    shop_page(
        shop,
        info,
        html! {
            h1 { @if let Some(q) = q { "Results for “" (q) "”" } @else { (shop.store.name) } }
            @if products.data.is_empty() {
                @if q.is_some() {
                    (empty_state("Nothing matches", "Try other words.", Some(("/", "See everything"))))
                } @else {
                    (empty_state("Nothing for sale yet", "Come back soon.", None))
                }
            } @else {
                ul.product-grid {
                    @for product in &products.data {
                        li.product-card {
                            a href={"/products/" (escaped(&product.handle))} {
                                span.product-title { (product.title) }
                                span.product-price { (price_of(product)) }
                                @if sold_out(product) { span.badge.archived { "sold out" } }
                            }
                        }
                    }
                }
                (pager(
                    paged.then(|| catalog_url(q, None)).as_deref(),
                    products.next_cursor.as_deref().map(|cursor| catalog_url(q, Some(cursor))).as_deref(),
                ))
            }
        },
    )
}

pub async fn product(shop: Shop, api: Api, handle: web::Path<String>) -> PageResult {
    let product = load(&api, &shop, &handle).await?;
    Ok(html_response(
        StatusCode::OK,
        product_page(&shop, &product, "1", &FormErrors::default()),
    ))
}

/// The published product of this store under `handle`; none is a 404 page.
pub async fn load(api: &Api, shop: &Shop, handle: &str) -> Result<Product, PageError> {
    let path = format!("/v1/products/by-handle/{}", escaped(handle));
    Ok(api.get(&shop.credentials, &path).await?)
}

/// The product's page, with the add-to-cart form as typed and what was wrong with it.
pub fn product_page(shop: &Shop, product: &Product, quantity: &str, errors: &FormErrors) -> Markup {
    let canonical = format!("/products/{}", escaped(&product.handle));
    let description = product
        .description
        .split_terminator(['.', '\n'])
        .next()
        .filter(|line| !line.trim().is_empty())
        .map_or_else(
            || format!("{} at {}", product.title, shop.store.name),
            |line| line.trim().to_owned(),
        );
    let info = PageInfo {
        title: &product.title,
        description: Some(&description),
        canonical: Some(&canonical),
    };
    let first_available = product
        .variants
        .iter()
        .position(|v| v.inventory.available > 0);
    shop_page(
        shop,
        info,
        html! {
            nav.breadcrumb aria-label="Breadcrumb" { a href="/" { (shop.store.name) } " / " (product.title) }
            article.product {
                h1 { (product.title) }
                p.product-price.lead { (price_of(product)) }
                @if !product.description.is_empty() {
                    div.product-description { @for paragraph in product.description.split("\n\n") { p { (paragraph) } } }
                }
                (form_errors(errors))
                @if let Some(first) = first_available {
                    form.stack method="post" action="/cart/items" {
                        input type="hidden" name="handle" value=(product.handle);
                        @if let [variant] = product.variants.as_slice() {
                            input type="hidden" name="variant" value=(variant.id);
                            p.muted { (stock_words(variant.inventory.available)) }
                        } @else {
                        fieldset {
                            legend { "Choose" }
                            @for (index, variant) in product.variants.iter().enumerate() {
                                @let available = variant.inventory.available;
                                label.check {
                                    input type="radio" name="variant" value=(variant.id)
                                        checked[index == first] disabled[available <= 0];
                                    span {
                                        strong { (variant.title) } " — " (format::money(variant.price))
                                        br;
                                        span.muted { (stock_words(available)) }
                                    }
                                }
                            }
                        }
                        }
                        div.field.invalid[errors.of("quantity").is_some()] {
                            label for="field-quantity" { "Quantity" }
                            input #field-quantity type="number" name="quantity" value=(quantity) min="1" max="1000" required
                                aria-invalid=[errors.of("quantity").map(|_| "true")];
                            @if let Some(message) = errors.of("quantity") { p.field-error { (message) } }
                        }
                        div { button.primary type="submit" { "Add to cart" } }
                    }
                } @else {
                    p.notice.warning { "Sold out." }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use api_types::commerce::{Inventory, Variant};
    use domain::{Currency, Money, ProductStatus};
    use uuid::Uuid;

    use super::*;
    use crate::shop::fixture as shop;

    fn product(stock: &[i64]) -> Product {
        let eur: Currency = "EUR".parse().unwrap();
        Product {
            id: Uuid::nil(),
            title: "Linen <shirt>".into(),
            handle: "linen-shirt".into(),
            description: "Cool in summer. Washable.".into(),
            status: ProductStatus::Published,
            variants: stock
                .iter()
                .enumerate()
                .map(|(i, available)| Variant {
                    id: Uuid::from_u128(i as u128 + 1),
                    sku: format!("LS-{i}"),
                    title: format!("Size {i}"),
                    price: Money::new(2500 + 500 * i as i64, eur),
                    inventory: Inventory {
                        available: *available,
                    },
                })
                .collect(),
            created_at: domain::Clock::now(&domain::SystemClock),
            updated_at: domain::Clock::now(&domain::SystemClock),
        }
    }

    #[test]
    fn a_product_page_is_described_canonical_and_escaped() {
        let html =
            product_page(&shop(), &product(&[0, 3]), "2", &FormErrors::default()).into_string();
        assert!(
            html.contains("<title>Linen &lt;shirt&gt; · Acme &lt;Outfitters&gt;</title>"),
            "{html}"
        );
        assert!(
            html.contains(r#"<link rel="canonical" href="http://acme.test/products/linen-shirt">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<meta name="description" content="Cool in summer">"#),
            "{html}"
        );
        assert!(
            html.contains("from €25.00")
                && html.contains("only 3 left")
                && html.contains("sold out")
        );
        // The sold-out size cannot be chosen; the one in stock is chosen.
        assert!(
            html.contains(&format!(r#"value="{}" disabled"#, Uuid::from_u128(1))),
            "{html}"
        );
        assert!(
            html.contains(&format!(r#"value="{}" checked"#, Uuid::from_u128(2))),
            "{html}"
        );
        assert!(html.contains(r#"name="quantity" value="2""#));
        assert!(html.contains(r#"href="/theme.css""#));
    }

    #[test]
    fn a_sold_out_product_offers_no_cart() {
        let html = product_page(&shop(), &product(&[0]), "1", &FormErrors::default()).into_string();
        assert!(
            html.contains("Sold out.") && !html.contains("Add to cart"),
            "{html}"
        );
    }

    #[test]
    fn the_catalog_links_products_by_handle_with_prices() {
        let page = Page {
            data: vec![product(&[1]), product(&[0])],
            next_cursor: Some("c2".into()),
        };
        let html = catalog_page(&shop(), None, false, &page).into_string();
        assert!(html.contains(r#"href="/products/linen-shirt""#) && html.contains("€25.00"));
        assert!(html.contains("sold out"));
        assert!(html.contains(r#"href="/?cursor=c2""#), "{html}");
        let html = catalog_page(
            &shop(),
            Some("<x>"),
            false,
            &Page {
                data: vec![],
                next_cursor: None,
            },
        )
        .into_string();
        assert!(html.contains("Nothing matches") && html.contains("&lt;x&gt;"));
    }
}
