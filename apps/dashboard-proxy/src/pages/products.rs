//! Products: search and pages, create with variants, edit titles and prices, publish, draft or
//! archive.

use actix_web::http::{Method, StatusCode};
use actix_web::web;
use api_types::commerce::{
    CreateProductRequest, NewVariant, Product, ProductQuery, StoreSettings, UpdateProductRequest,
    VariantUpdate,
};
use api_types::store::Page;
use chrono::{DateTime, Utc};
use domain::{Currency, Money, ProductStatus};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;
use web_ui::Now;
use web_ui::api::Change;
use web_ui::components::{
    Field, badge, datetime, empty_state, form_errors, form_token_input, html_response, notice,
    pager,
};
use web_ui::errors::see_other;
use web_ui::forms::{FormErrors, Submitted};
use web_ui::safety::form_token;
use web_ui::{PageError, PageResult, format};

use crate::shell::{Api, Browser, Memory, Section, Shell, page};

const PAGE_SIZE: u32 = 20;
/// Empty variant rows a new product's form starts with.
const NEW_VARIANT_ROWS: usize = 2;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
}

pub async fn list(
    browser: Browser,
    api: Api,
    memory: Memory,
    query: web::Query<ListQuery>,
    Now(now): Now,
) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let query = query.into_inner();
    let status = query
        .status
        .as_deref()
        .and_then(|s| s.parse::<ProductStatus>().ok());
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let products: Page<Product> = api
        .get_with(
            &browser.credentials,
            "/v1/admin/products",
            &ProductQuery {
                limit: Some(PAGE_SIZE),
                cursor: query.cursor.clone(),
                q: q.map(str::to_owned),
                status,
            },
        )
        .await?;
    Ok(html_response(
        StatusCode::OK,
        list_page(&shell, q, status, query.cursor.is_some(), &products, now),
    ))
}

fn list_url(q: Option<&str>, status: Option<ProductStatus>, cursor: Option<&str>) -> String {
    let pairs: Vec<(&str, &str)> = [
        q.map(|q| ("q", q)),
        status.map(|s| ("status", s.as_str())),
        cursor.map(|c| ("cursor", c)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    if query.is_empty() {
        "/products".to_owned()
    } else {
        format!("/products?{query}")
    }
}

fn list_page(
    shell: &Shell,
    q: Option<&str>,
    status: Option<ProductStatus>,
    paged: bool,
    products: &Page<Product>,
    now: DateTime<Utc>,
) -> Markup {
    page(
        shell,
        Section::Products,
        "Products",
        html! {
            div.page-header {
                h1 { "Products" }
                div.inline {
                    a.button href={"/products/export.csv" (list_url(q, status, None).trim_start_matches("/products"))} download { "Export CSV" }
                    a.button href="/products/import" { "Import CSV" }
                    a.button.primary href="/products/new" { "Add product" }
                }
            }
            form.inline.card method="get" action="/products" role="search" {
                label.visually-hidden for="product-search" { "Search products" }
                input #product-search type="search" name="q" value=[q] placeholder="Search by title";
                label.visually-hidden for="product-status" { "Status" }
                select #product-status name="status" {
                    option value="" { "Any status" }
                    @for option in ProductStatus::ALL {
                        option value=(option.as_str()) selected[status == Some(*option)] { (option.as_str()) }
                    }
                }
                button type="submit" { "Search" }
            }
            @if products.data.is_empty() {
                @if q.is_some() || status.is_some() {
                    (empty_state("No products match", "Try other words, or any status.", Some(("/products", "Show all products"))))
                } @else {
                    (empty_state("Add your first product", "Products have variants, each with a SKU, a price and stock.",
                        Some(("/products/new", "Add product"))))
                }
            } @else {
                @let may_bulk = shell.may("product:update");
                @if may_bulk { (super::bulk::bar()) }
                div.table-wrap {
                    table {
                        thead { tr {
                            @if may_bulk { th { span.visually-hidden { "Select" } } }
                            th { "Product" } th { "Status" } th.num { "Variants" } th.num { "Price" }
                            th.num { "Stock" } th { "Updated" }
                        } }
                        tbody {
                            @for product in &products.data {
                                tr {
                                    @if may_bulk {
                                        td {
                                            input type="checkbox" name="ids" value=(product.id) form="bulk"
                                                aria-label={"Select " (product.title)};
                                        }
                                    }
                                    td { a href={"/products/" (product.id)} { (product.title) } }
                                    td { (badge(product.status.as_str())) }
                                    td.num { (product.variants.len()) }
                                    td.num { (price_range(product)) }
                                    td.num { (product.variants.iter().map(|v| v.inventory.available).sum::<i64>()) }
                                    td { (datetime(product.updated_at, now)) }
                                }
                            }
                        }
                    }
                }
                (pager(
                    paged.then(|| list_url(q, status, None)).as_deref(),
                    products.next_cursor.as_deref().map(|cursor| list_url(q, status, Some(cursor))).as_deref(),
                ))
            }
        },
    )
}

/// The first page of products drawn for Ada, owner of Acme (the frame of the pages' tests).
#[cfg(feature = "bench")]
pub fn render_list_page(products: &Page<Product>) -> Markup {
    list_page(
        &Shell::fixture(&["product:update"]),
        None,
        None,
        false,
        products,
    )
}

fn price_range(product: &Product) -> String {
    let prices = product.variants.iter().map(|variant| variant.price);
    match (
        prices.clone().min_by_key(|p| p.amount),
        prices.max_by_key(|p| p.amount),
    ) {
        (Some(low), Some(high)) if low == high => format::money(low),
        (Some(low), Some(high)) => format!("{} – {}", format::money(low), format::money(high)),
        _ => "—".to_owned(),
    }
}

fn variant_input(row: usize, name: &str) -> String {
    format!("variants[{row}].{name}")
}

pub async fn new_page(browser: Browser, api: Api, memory: Memory) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let store: StoreSettings = api.get(&browser.credentials, "/v1/admin/store").await?;
    let form = Submitted(vec![
        ("formToken".to_owned(), form_token()),
        ("status".to_owned(), "draft".to_owned()),
    ]);
    Ok(html_response(
        StatusCode::OK,
        new_form(
            &shell,
            store.currency,
            &form,
            NEW_VARIANT_ROWS,
            &FormErrors::default(),
        ),
    ))
}

pub async fn create(
    browser: Browser,
    api: Api,
    memory: Memory,
    form: web::Form<Vec<(String, String)>>,
) -> PageResult {
    let form = Submitted(form.into_inner());
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let store: StoreSettings = api.get(&browser.credentials, "/v1/admin/store").await?;
    let rows = form.rows("variants").max(1);
    if form.get("action") == "add_variant" {
        return Ok(html_response(
            StatusCode::OK,
            new_form(
                &shell,
                store.currency,
                &form,
                rows + 1,
                &FormErrors::default(),
            ),
        ));
    }
    let (request, row_of, mut errors) = new_product(&form, rows, store.currency);
    if errors.is_empty() {
        let answer = api
            .send::<_, Product>(
                &browser.credentials,
                Change::post("/v1/admin/products", &request).once(form.get("formToken")),
            )
            .await;
        match answer {
            Ok(answer) => {
                return Ok(see_other(&format!(
                    "/products/{}?created=1",
                    answer.value.id
                )));
            }
            Err(failure) => {
                errors =
                    FormErrors::from_failure(failure, |field| api_field_to_input(field, &row_of))?;
            }
        }
    }
    Ok(html_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        new_form(&shell, store.currency, &form, rows, &errors),
    ))
}

/// The api's `variants[1].price` is the form's row `row_of[1]`; `inventoryQuantity` is "stock".
fn api_field_to_input(field: &str, row_of: &[usize]) -> Option<String> {
    let Some(rest) = field.strip_prefix("variants[") else {
        return ["title", "handle", "description", "status"]
            .contains(&field)
            .then(|| field.to_owned());
    };
    let (index, name) = rest.split_once("].")?;
    let row = *row_of.get(index.parse::<usize>().ok()?)?;
    let name = if name == "inventoryQuantity" {
        "stock"
    } else {
        name
    };
    Some(variant_input(row, name))
}

/// The create request from the form; rows left empty are skipped. Answers which row each variant
/// came from, and what cannot be sent as typed.
fn new_product(
    form: &Submitted,
    rows: usize,
    currency: Currency,
) -> (CreateProductRequest, Vec<usize>, FormErrors) {
    let mut errors = FormErrors::default();
    let mut variants = Vec::new();
    let mut row_of = Vec::new();
    for row in 0..rows {
        let [sku, title, price, stock] = ["sku", "title", "price", "stock"]
            .map(|name| form.get(&variant_input(row, name)).trim());
        if [sku, title, price, stock]
            .iter()
            .all(|value| value.is_empty())
        {
            continue;
        }
        let amount = format::parse_amount(price, currency).unwrap_or_else(|error| {
            errors.add(&variant_input(row, "price"), error.to_string());
            0
        });
        let inventory_quantity = if stock.is_empty() {
            None
        } else if let Ok(stock) = stock.parse::<i64>() {
            Some(stock)
        } else {
            errors.add(
                &variant_input(row, "stock"),
                "enter a whole number of units",
            );
            None
        };
        variants.push(NewVariant {
            sku: sku.to_owned(),
            title: (!title.is_empty()).then(|| title.to_owned()),
            price: Money::new(amount, currency),
            inventory_quantity,
        });
        row_of.push(row);
    }
    if variants.is_empty() {
        errors.add(
            &variant_input(0, "sku"),
            "a product needs at least one variant",
        );
    }
    let request = CreateProductRequest {
        title: form.get("title").trim().to_owned(),
        handle: Some(form.get("handle").trim())
            .filter(|h| !h.is_empty())
            .map(str::to_owned),
        description: Some(form.get("description").to_owned()).filter(|d| !d.is_empty()),
        status: form.get("status").parse().ok(),
        variants,
    };
    (request, row_of, errors)
}

fn status_select(current: &str) -> Markup {
    html! {
        div.field {
            label for="field-status" { "Status" }
            select #field-status name="status" {
                @for status in ProductStatus::ALL {
                    option value=(status.as_str()) selected[current == status.as_str()] { (status.as_str()) }
                }
            }
            p.hint { "Shoppers see published products only." }
        }
    }
}

fn new_form(
    shell: &Shell,
    currency: Currency,
    form: &Submitted,
    rows: usize,
    errors: &FormErrors,
) -> Markup {
    page(
        shell,
        Section::Products,
        "Add product",
        html! {
            div.breadcrumb { a href="/products" { "← Products" } }
            div.page-header { h1 { "Add product" } }
            (form_errors(errors))
            form.stack method="post" action="/products/new" {
                (form_token_input(form.get("formToken")))
                section.card.stack {
                    (Field::text("Title", "title", form.get("title")).required().render(errors))
                    (Field::text("Description", "description", form.get("description")).kind("textarea").render(errors))
                    div.row {
                        (Field::text("Handle", "handle", form.get("handle")).hint("The product's address; made from the title when empty.").render(errors))
                        (status_select(form.get("status")))
                    }
                }
                section.card.stack {
                    h2 { "Variants" }
                    p.muted { "Prices in " (currency) ". Leave a row empty to skip it." }
                    @for row in 0..rows {
                        fieldset {
                            legend { "Variant " (row + 1) }
                            div.row {
                                (Field::text("SKU", &variant_input(row, "sku"), form.get(&variant_input(row, "sku"))).render(errors))
                                (Field::text("Variant title", &variant_input(row, "title"), form.get(&variant_input(row, "title"))).render(errors))
                                (Field::text("Price", &variant_input(row, "price"), form.get(&variant_input(row, "price"))).hint("e.g. 19.99").render(errors))
                                (Field::text("Stock", &variant_input(row, "stock"), form.get(&variant_input(row, "stock"))).kind("number").render(errors))
                            }
                        }
                    }
                    div { button type="submit" name="action" value="add_variant" formnovalidate { "+ Add another variant" } }
                }
                div.actions {
                    button.primary type="submit" name="action" value="create" { "Save product" }
                    a.button href="/products" { "Cancel" }
                }
            }
        },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

fn product_id(raw: &str) -> Result<Uuid, PageError> {
    raw.parse().map_err(|_| PageError::NotFound)
}

pub async fn edit_page(
    browser: Browser,
    api: Api,
    memory: Memory,
    id: web::Path<String>,
    query: web::Query<EditQuery>,
    Now(now): Now,
) -> PageResult {
    let id = product_id(&id)?;
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let product: Product = api
        .get(&browser.credentials, &format!("/v1/admin/products/{id}"))
        .await?;
    let form = edit_values(&product);
    let message = if query.created.is_some() {
        Some("Product created.")
    } else if query.saved.is_some() {
        Some("Saved.")
    } else {
        None
    };
    Ok(html_response(
        StatusCode::OK,
        edit_form(
            &shell,
            &product,
            &form,
            message,
            &FormErrors::default(),
            now,
        ),
    ))
}

fn edit_values(product: &Product) -> Submitted {
    let mut values = vec![
        ("title".to_owned(), product.title.clone()),
        ("handle".to_owned(), product.handle.clone()),
        ("description".to_owned(), product.description.clone()),
        ("status".to_owned(), product.status.as_str().to_owned()),
    ];
    for (row, variant) in product.variants.iter().enumerate() {
        values.push((variant_input(row, "title"), variant.title.clone()));
        values.push((variant_input(row, "price"), format::amount(variant.price)));
    }
    Submitted(values)
}

pub async fn update(
    browser: Browser,
    api: Api,
    memory: Memory,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
    Now(now): Now,
) -> PageResult {
    let id = product_id(&id)?;
    let form = Submitted(form.into_inner());
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let product: Product = api
        .get(&browser.credentials, &format!("/v1/admin/products/{id}"))
        .await?;
    let (request, mut errors) = product_update(&form, &product);
    if errors.is_empty() {
        let path = format!("/v1/admin/products/{id}");
        match api
            .send::<_, Product>(&browser.credentials, Change::patch(&path, &request))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("/products/{id}?saved=1"))),
            Err(failure) => {
                let rows: Vec<usize> = (0..product.variants.len()).collect();
                errors =
                    FormErrors::from_failure(failure, |field| api_field_to_input(field, &rows))?;
            }
        }
    }
    Ok(html_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        edit_form(&shell, &product, &form, None, &errors, now),
    ))
}

/// The change from the form: every field as typed (the api keeps what did not change).
fn product_update(form: &Submitted, product: &Product) -> (UpdateProductRequest, FormErrors) {
    let mut errors = FormErrors::default();
    let variants = product
        .variants
        .iter()
        .enumerate()
        .map(|(row, variant)| {
            let price = form.get(&variant_input(row, "price"));
            let amount =
                format::parse_amount(price, variant.price.currency).unwrap_or_else(|error| {
                    errors.add(&variant_input(row, "price"), error.to_string());
                    variant.price.amount
                });
            VariantUpdate {
                id: variant.id,
                title: Some(form.get(&variant_input(row, "title")).trim().to_owned()),
                price: Some(Money::new(amount, variant.price.currency)),
            }
        })
        .collect();
    let request = UpdateProductRequest {
        title: Some(form.get("title").trim().to_owned()),
        handle: Some(form.get("handle").trim().to_owned()),
        description: Some(form.get("description").to_owned()),
        status: form.get("status").parse().ok(),
        variants: Some(variants),
    };
    (request, errors)
}

pub async fn archive(browser: Browser, api: Api, id: web::Path<String>) -> PageResult {
    let id = product_id(&id)?;
    let path = format!("/v1/admin/products/{id}");
    api.send::<(), Product>(&browser.credentials, Change::bare(Method::DELETE, &path))
        .await?;
    Ok(see_other(&format!("/products/{id}?saved=1")))
}

fn edit_form(
    shell: &Shell,
    product: &Product,
    form: &Submitted,
    message: Option<&str>,
    errors: &FormErrors,
    now: DateTime<Utc>,
) -> Markup {
    page(
        shell,
        Section::Products,
        &product.title,
        html! {
            div.breadcrumb { a href="/products" { "← Products" } }
            div.page-header {
                h1 { (product.title) " " (badge(product.status.as_str())) }
                @if product.status != ProductStatus::Archived {
                    form method="post" action={"/products/" (product.id) "/archive"}
                        data-confirm="Archive this product? Shoppers will no longer see it." {
                        button.danger type="submit" { "Archive" }
                    }
                }
            }
            @if let Some(message) = message { (notice("success", message)) }
            (form_errors(errors))
            form.stack method="post" action={"/products/" (product.id)} {
                section.card.stack {
                    (Field::text("Title", "title", form.get("title")).required().render(errors))
                    (Field::text("Description", "description", form.get("description")).kind("textarea").render(errors))
                    div.row {
                        (Field::text("Handle", "handle", form.get("handle")).render(errors))
                        (status_select(form.get("status")))
                    }
                }
                section.card {
                    h2 { "Variants" }
                    div.table-wrap {
                        table {
                            thead { tr { th { "SKU" } th { "Title" } th { "Price (" (product.variants.first().map_or("", |v| v.price.currency.as_str())) ")" } th.num { "Stock" } } }
                            tbody {
                                @for (row, variant) in product.variants.iter().enumerate() {
                                    tr {
                                        td.mono { (variant.sku) }
                                        td { (Field::text("Variant title", &variant_input(row, "title"), form.get(&variant_input(row, "title"))).render(errors)) }
                                        td { (Field::text("Price", &variant_input(row, "price"), form.get(&variant_input(row, "price"))).render(errors)) }
                                        td.num { (variant.inventory.available) }
                                    }
                                }
                            }
                        }
                    }
                }
                div.actions {
                    button.primary type="submit" { "Save" }
                    span.muted { "Updated " (datetime(product.updated_at, now)) }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        "EUR".parse().unwrap()
    }

    fn form(pairs: &[(&str, &str)]) -> Submitted {
        Submitted(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn empty_rows_are_skipped_and_errors_land_on_their_row() {
        let submitted = form(&[
            ("title", "Tee"),
            ("variants[0].sku", ""),
            ("variants[1].sku", "TEE-M"),
            ("variants[1].price", "19.99"),
            ("variants[2].sku", "TEE-L"),
            ("variants[2].price", "abc"),
        ]);
        let (request, row_of, errors) = new_product(&submitted, submitted.rows("variants"), eur());
        assert_eq!(request.variants.len(), 2);
        assert_eq!(request.variants[0].price, Money::new(1999, eur()));
        assert_eq!(row_of, vec![1, 2]);
        assert!(errors.of("variants[2].price").is_some(), "{errors:?}");
        assert_eq!(
            api_field_to_input("variants[1].inventoryQuantity", &row_of).as_deref(),
            Some("variants[2].stock")
        );
        assert_eq!(
            api_field_to_input("title", &row_of).as_deref(),
            Some("title")
        );
    }

    #[test]
    fn a_product_without_variants_is_refused_before_the_api() {
        let (_, _, errors) = new_product(&form(&[("title", "Tee")]), 2, eur());
        assert!(errors.of("variants[0].sku").is_some());
    }

    #[test]
    fn list_urls_keep_the_search() {
        assert_eq!(list_url(None, None, None), "/products");
        assert_eq!(
            list_url(Some("black tee"), Some(ProductStatus::Draft), Some("c1")),
            "/products?q=black+tee&status=draft&cursor=c1"
        );
    }
}
