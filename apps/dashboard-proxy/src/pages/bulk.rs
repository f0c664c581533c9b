//! Changing many products at once: tick rows of the products list, choose a status or a price, see
//! what will change, then apply it — one `PATCH` per product, each setting a value (never adding
//! to one), so applying twice changes nothing more.

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::commerce::{Product, StoreSettings, UpdateProductRequest, VariantUpdate};
use domain::{Currency, Money, ProductStatus};
use futures_util::future::join_all;
use maud::{Markup, html};
use uuid::Uuid;
use web_ui::api::Change;
use web_ui::components::{badge, html_response, notice};
use web_ui::forms::Submitted;
use web_ui::{ApiClient, PageError, PageResult, format};

use super::batch::Applied;
use crate::shell::{Api, Browser, Memory, Section, Shell, page};

/// More than a page of products at once is refused: the preview must be read.
const MOST_AT_ONCE: usize = 100;

/// The bar above the products list; the rows' checkboxes belong to its form.
#[must_use]
pub fn bar() -> Markup {
    html! {
        form.inline.card #bulk method="post" action="/products/bulk" {
            strong { "With the ticked products:" }
            label.visually-hidden for="bulk-action" { "Change" }
            select #bulk-action name="action" {
                option value="published" { "Publish" }
                option value="draft" { "Set to draft" }
                option value="archived" { "Archive" }
                option value="price" { "Set the price of every variant to…" }
            }
            label.visually-hidden for="bulk-price" { "New price" }
            input #bulk-price type="text" name="price" inputmode="decimal" placeholder="Price, like 19.99";
            button type="submit" { "Preview changes" }
        }
    }
}

/// One change for every selected product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BulkChange {
    Status(ProductStatus),
    /// Minor units of the store's currency, for every variant.
    Price(i64),
}

impl BulkChange {
    fn of(form: &Submitted, currency: Currency) -> Result<Self, String> {
        match form.get("action") {
            "price" => format::parse_amount(form.get("price"), currency)
                .map(Self::Price)
                .map_err(|error| format!("New price: {error}.")),
            status => status
                .parse()
                .map(Self::Status)
                .map_err(|_| "Choose what to change.".to_owned()),
        }
    }

    /// The update of `product`, and what it changes in words; `None` when it changes nothing.
    fn plan(self, product: &Product) -> Option<(UpdateProductRequest, String, String)> {
        match self {
            Self::Status(status) if status != product.status => Some((
                UpdateProductRequest {
                    status: Some(status),
                    ..UpdateProductRequest::default()
                },
                product.status.as_str().to_owned(),
                status.as_str().to_owned(),
            )),
            Self::Price(amount) => {
                let changed: Vec<_> = product
                    .variants
                    .iter()
                    .filter(|variant| variant.price.amount != amount)
                    .collect();
                let first = changed.first()?;
                let price = Money::new(amount, first.price.currency);
                let before = changed
                    .iter()
                    .map(|variant| format!("{} {}", variant.sku, format::money(variant.price)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let variants = changed
                    .iter()
                    .map(|variant| VariantUpdate {
                        id: variant.id,
                        title: None,
                        price: Some(price),
                    })
                    .collect();
                Some((
                    UpdateProductRequest {
                        variants: Some(variants),
                        ..UpdateProductRequest::default()
                    },
                    before,
                    format::money(price),
                ))
            }
            Self::Status(_) => None,
        }
    }
}

/// A product and what the change does to it.
struct Planned {
    product: Product,
    change: Option<(UpdateProductRequest, String, String)>,
}

pub async fn bulk(
    browser: Browser,
    api: Api,
    memory: Memory,
    form: web::Form<Vec<(String, String)>>,
) -> PageResult {
    let form = Submitted(form.into_inner());
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let mut ids: Vec<Uuid> = form.all("ids").filter_map(|id| id.parse().ok()).collect();
    ids.dedup();
    if ids.is_empty() || ids.len() > MOST_AT_ONCE {
        let message = if ids.is_empty() {
            "Tick the products to change first.".to_owned()
        } else {
            format!("Change at most {MOST_AT_ONCE} products at once.")
        };
        return Ok(html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            refused_page(&shell, &message),
        ));
    }
    let store: StoreSettings = api.get(&browser.credentials, "/v1/admin/store").await?;
    let change = match BulkChange::of(&form, store.currency) {
        Ok(change) => change,
        Err(message) => {
            return Ok(html_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                refused_page(&shell, &message),
            ));
        }
    };
    let (api, credentials): (&ApiClient, _) = (&api, &browser.credentials);
    let products = join_all(ids.iter().map(|id| {
        let path = format!("/v1/admin/products/{id}");
        async move { api.get::<Product>(credentials, &path).await }
    }))
    .await;
    let mut planned = Vec::with_capacity(products.len());
    for product in products {
        let product = product.map_err(PageError::from)?;
        planned.push(Planned {
            change: change.plan(&product),
            product,
        });
    }
    if form.get("step") != "apply" {
        return Ok(html_response(
            StatusCode::OK,
            preview_page(&shell, &form, &planned),
        ));
    }
    let outcomes = join_all(planned.iter().filter_map(|planned| {
        let (request, _, _) = planned.change.as_ref()?;
        let path = format!("/v1/admin/products/{}", planned.product.id);
        Some(async move {
            let sent = api
                .send::<_, Product>(credentials, Change::patch(&path, request))
                .await;
            (&planned.product, sent)
        })
    }))
    .await;
    let applied = Applied::tally(outcomes)?;
    Ok(html_response(
        applied.status(),
        result_page(&shell, &applied),
    ))
}

fn preview_page(shell: &Shell, form: &Submitted, planned: &[Planned]) -> Markup {
    let changing = planned.iter().filter(|p| p.change.is_some()).count();
    page(
        shell,
        Section::Products,
        "Preview changes",
        html! {
            nav.breadcrumb aria-label="Breadcrumb" { a href="/products" { "Products" } " / Preview changes" }
            div.page-header { h1 { "Preview changes" } }
            @if changing == 0 {
                (notice("info", "Nothing would change: the ticked products already are so."))
            } @else {
                p { (changing) " of " (planned.len()) " ticked products will change:" }
            }
            div.table-wrap {
                table {
                    thead { tr { th { "Product" } th { "Now" } th { "After" } } }
                    tbody {
                        @for planned in planned {
                            tr {
                                td { (planned.product.title) }
                                @match &planned.change {
                                    Some((_, before, after)) => {
                                        td { (status_or_text(before)) }
                                        td { strong { (status_or_text(after)) } }
                                    }
                                    None => { td colspan="2" { span.muted { "unchanged" } } }
                                }
                            }
                        }
                    }
                }
            }
            form.actions method="post" action="/products/bulk" {
                @for planned in planned { input type="hidden" name="ids" value=(planned.product.id); }
                input type="hidden" name="action" value=(form.get("action"));
                input type="hidden" name="price" value=(form.get("price"));
                input type="hidden" name="step" value="apply";
                @if changing > 0 {
                    button.primary type="submit" { "Apply to " (changing) " products" }
                }
                a.button href="/products" { "Back to products" }
            }
        },
    )
}

/// A status reads as its badge; a price as itself.
fn status_or_text(text: &str) -> Markup {
    match text.parse::<ProductStatus>() {
        Ok(status) => badge(status.as_str()),
        Err(_) => html! { (text) },
    }
}

fn result_page(shell: &Shell, applied: &Applied<'_, Product>) -> Markup {
    page(
        shell,
        Section::Products,
        "Changes applied",
        html! {
            div.page-header { h1 { "Changes applied" } }
            (notice("success", &format!("{} products changed.", applied.done)))
            @if !applied.refused.is_empty() {
                section.card {
                    h2 { "Not changed" }
                    ul {
                        @for (product, reason) in &applied.refused {
                            li { a href={"/products/" (product.id)} { (product.title) } ": " (reason) }
                        }
                    }
                }
            }
            a.button href="/products" { "Back to products" }
        },
    )
}

fn refused_page(shell: &Shell, message: &str) -> Markup {
    page(
        shell,
        Section::Products,
        "Change products",
        html! {
            div.page-header { h1 { "Change products" } }
            (notice("error", message))
            a.button href="/products" { "Back to products" }
        },
    )
}

#[cfg(test)]
mod tests {
    use api_types::commerce::{Inventory, Variant};

    use super::*;

    fn product(status: ProductStatus, prices: &[i64]) -> Product {
        let eur: Currency = "EUR".parse().unwrap();
        Product {
            id: Uuid::nil(),
            title: "Tee".into(),
            handle: "tee".into(),
            description: String::new(),
            status,
            variants: prices
                .iter()
                .enumerate()
                .map(|(i, price)| Variant {
                    id: Uuid::from_u128(i as u128 + 1),
                    sku: format!("TEE-{i}"),
                    title: format!("Size {i}"),
                    price: Money::new(*price, eur),
                    inventory: Inventory { available: 1 },
                })
                .collect(),
            created_at: domain::Clock::now(&domain::SystemClock),
            updated_at: domain::Clock::now(&domain::SystemClock),
        }
    }

    #[test]
    fn a_change_that_changes_nothing_is_not_sent() {
        let draft = product(ProductStatus::Draft, &[1000]);
        assert!(
            BulkChange::Status(ProductStatus::Draft)
                .plan(&draft)
                .is_none()
        );
        assert!(BulkChange::Price(1000).plan(&draft).is_none());
        let (request, before, after) = BulkChange::Status(ProductStatus::Published)
            .plan(&draft)
            .unwrap();
        assert_eq!(
            (request.status, before.as_str(), after.as_str()),
            (Some(ProductStatus::Published), "draft", "published")
        );
    }

    #[test]
    fn a_price_is_set_only_on_the_variants_it_changes() {
        let tee = product(ProductStatus::Published, &[1000, 1500]);
        let (request, before, after) = BulkChange::Price(1500).plan(&tee).unwrap();
        let variants = request.variants.unwrap();
        assert_eq!(variants.len(), 1);
        assert_eq!(variants[0].id, Uuid::from_u128(1));
        assert_eq!(
            (before.as_str(), after.as_str()),
            ("TEE-0 €10.00", "€15.00")
        );
    }

    #[test]
    fn the_form_says_what_to_change() {
        let eur: Currency = "EUR".parse().unwrap();
        let form = |pairs: &[(&str, &str)]| {
            Submitted(
                pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            )
        };
        assert_eq!(
            BulkChange::of(&form(&[("action", "archived")]), eur),
            Ok(BulkChange::Status(ProductStatus::Archived))
        );
        assert_eq!(
            BulkChange::of(&form(&[("action", "price"), ("price", "12,5")]), eur),
            Ok(BulkChange::Price(1250))
        );
        assert!(BulkChange::of(&form(&[("action", "price"), ("price", "")]), eur).is_err());
        assert!(BulkChange::of(&form(&[("action", "delete")]), eur).is_err());
    }
}
