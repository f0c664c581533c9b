//! Inventory: every variant's stock, and adjustments — a signed number of units with a reason —
//! sent with the form's one-time token as `Idempotency-Key`, so a double click counts once.

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::commerce::{AdjustInventoryRequest, InventoryLevel};
use api_types::store::{Page, PageQuery};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;
use web_ui::api::{Change, escaped};
use web_ui::components::{
    empty_state, form_errors, form_token_input, html_response, notice, pager,
};
use web_ui::errors::see_other;
use web_ui::forms::{FormErrors, Submitted};
use web_ui::safety::form_token;
use web_ui::{PageError, PageResult};

use crate::shell::{Api, Browser, Memory, Section, Shell, page};

const PAGE_SIZE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    cursor: Option<String>,
    /// The SKU just adjusted, for the notice.
    #[serde(default)]
    adjusted: Option<String>,
}

/// An adjustment the api refused, shown again on its row as it was typed.
#[derive(Debug)]
struct Refused<'a> {
    variant: Uuid,
    values: &'a Submitted,
    errors: &'a FormErrors,
}

pub(super) async fn levels(
    api: &Api,
    browser: &Browser,
    cursor: Option<String>,
) -> Result<Page<InventoryLevel>, PageError> {
    let query = PageQuery {
        limit: Some(PAGE_SIZE),
        cursor,
    };
    Ok(api
        .get_with(&browser.credentials, "/v1/admin/inventory", &query)
        .await?)
}

pub async fn list(
    browser: Browser,
    api: Api,
    memory: Memory,
    query: web::Query<ListQuery>,
) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let query = query.into_inner();
    let levels = levels(&api, &browser, query.cursor.clone()).await?;
    let done = query
        .adjusted
        .map(|sku| format!("Stock of {sku} adjusted."));
    Ok(html_response(
        StatusCode::OK,
        inventory_page(
            &shell,
            &levels,
            query.cursor.as_deref(),
            done.as_deref(),
            None,
        ),
    ))
}

pub async fn adjust(
    browser: Browser,
    api: Api,
    memory: Memory,
    variant: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> PageResult {
    let variant: Uuid = variant.parse().map_err(|_| PageError::NotFound)?;
    let form = Submitted(form.into_inner());
    let cursor = Some(form.get("cursor").to_owned()).filter(|c| !c.is_empty());
    let mut errors = FormErrors::default();
    let delta = match form
        .get("delta")
        .trim()
        .trim_start_matches('+')
        .parse::<i64>()
    {
        Ok(0) | Err(_) => {
            errors.add(
                "delta",
                "Enter the units to add (like 12) or remove (like -3).",
            );
            0
        }
        Ok(delta) => delta,
    };
    let reason = form.get("reason").trim();
    if reason.is_empty() {
        errors.add("reason", "Say why, like “delivery” or “cycle count”.");
    }
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if errors.is_empty() {
        let body = AdjustInventoryRequest {
            delta,
            reason: reason.to_owned(),
        };
        let path = format!("/v1/admin/inventory/{variant}/adjustments");
        let sent = api
            .send::<_, InventoryLevel>(
                &browser.credentials,
                Change::post(&path, &body).once(form.get("formToken")),
            )
            .await;
        match sent {
            Ok(answer) => {
                let back = serde_urlencoded::to_string([
                    ("adjusted", Some(answer.value.sku.as_str())),
                    ("cursor", cursor.as_deref()),
                ])
                .unwrap_or_default();
                return Ok(see_other(&format!("/inventory?{back}")));
            }
            Err(failure) => {
                status = failure.status_code();
                errors = FormErrors::from_failure(failure, |field| {
                    matches!(field, "delta" | "reason").then(|| field.to_owned())
                })?;
            }
        }
    }
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let levels = levels(&api, &browser, cursor.clone()).await?;
    let refused = Refused {
        variant,
        values: &form,
        errors: &errors,
    };
    Ok(html_response(
        status,
        inventory_page(&shell, &levels, cursor.as_deref(), None, Some(&refused)),
    ))
}

fn inventory_page(
    shell: &Shell,
    levels: &Page<InventoryLevel>,
    cursor: Option<&str>,
    done: Option<&str>,
    refused: Option<&Refused<'_>>,
) -> Markup {
    let may_adjust = shell.may("inventory:adjust");
    let next = levels
        .next_cursor
        .as_deref()
        .map(|next| format!("/inventory?cursor={}", escaped(next)));
    page(
        shell,
        Section::Inventory,
        "Inventory",
        html! {
            div.page-header { h1 { "Inventory" } }
            p.muted { "Stock changes only by adjustments, each with a reason; orders take stock when placed and give it back when cancelled." }
            @if let Some(done) = done { (notice("success", done)) }
            @if levels.data.is_empty() {
                (empty_state("No stock to count yet", "Every variant of your products appears here.", Some(("/products/new", "Add a product"))))
            } @else {
                @if may_adjust { (super::stock_bulk::bar(cursor)) }
                div.table-wrap {
                    table {
                        thead { tr {
                            @if may_adjust { th { span.visually-hidden { "Select" } } }
                            th { "Variant" } th { "SKU" } th.num { "Available" }
                            @if may_adjust { th { "Adjust" } }
                        } }
                        tbody {
                            @for level in &levels.data {
                                @let row_refused = refused.filter(|r| r.variant == level.variant_id);
                                tr {
                                    @if may_adjust {
                                        td {
                                            input type="checkbox" name="variants" value=(level.variant_id) form="bulk-stock"
                                                aria-label={"Select " (level.sku)};
                                        }
                                    }
                                    td { a href={"/products/" (level.product_id)} { (level.title) } }
                                    td { code { (level.sku) } }
                                    td.num { strong { (level.available) } }
                                    @if may_adjust { td { (adjust_form(level, cursor, row_refused)) } }
                                }
                            }
                        }
                    }
                }
                (pager(cursor.map(|_| "/inventory"), next.as_deref()))
            }
        },
    )
}

fn adjust_form(
    level: &InventoryLevel,
    cursor: Option<&str>,
    refused: Option<&Refused<'_>>,
) -> Markup {
    let empty = FormErrors::default();
    let errors = refused.map_or(&empty, |r| r.errors);
    let value = |name: &str| refused.map_or("", |r| r.values.get(name));
    let token = refused.map_or_else(form_token, |r| r.values.get("formToken").to_owned());
    let id = |name: &str| format!("{name}-{}", level.variant_id);
    html! {
        (form_errors(errors))
        form.inline method="post" action={"/inventory/" (level.variant_id) "/adjust"} {
            (form_token_input(&token))
            @if let Some(cursor) = cursor { input type="hidden" name="cursor" value=(cursor); }
            label.visually-hidden for=(id("delta")) { "Units to add or remove for " (level.sku) }
            input #(id("delta")) type="number" name="delta" value=(value("delta")) placeholder="+/− units" required
                aria-invalid=[errors.of("delta").map(|_| "true")];
            label.visually-hidden for=(id("reason")) { "Reason for " (level.sku) }
            input #(id("reason")) type="text" name="reason" value=(value("reason")) placeholder="Reason" required
                aria-invalid=[errors.of("reason").map(|_| "true")];
            button type="submit" { "Adjust" }
        }
        @for (_, message) in &errors.fields { p.field-error { (message) } }
    }
}
