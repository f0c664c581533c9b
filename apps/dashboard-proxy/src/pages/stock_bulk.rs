//! Adjusting many variants' stock at once: tick rows of the inventory page, give the units and a
//! reason, see every new level, then apply — one adjustment per variant, each under its own
//! `Idempotency-Key` drawn from the preview's one-time token, so applying twice counts once.

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::commerce::{AdjustInventoryRequest, InventoryLevel};
use futures_util::future::join_all;
use maud::{Markup, html};
use uuid::Uuid;
use web_ui::api::Change;
use web_ui::components::{form_token_input, html_response, notice};
use web_ui::forms::Submitted;
use web_ui::safety::form_token;
use web_ui::{ApiClient, PageResult};

use super::batch::Applied;
use super::inventory::levels;
use crate::shell::{Api, Browser, Memory, Section, Shell, page};

/// The bar above the inventory list; the rows' checkboxes belong to its form.
#[must_use]
pub fn bar(cursor: Option<&str>) -> Markup {
    html! {
        form.inline.card #bulk-stock method="post" action="/inventory/bulk" {
            strong { "With the ticked variants:" }
            @if let Some(cursor) = cursor { input type="hidden" name="cursor" value=(cursor); }
            label.visually-hidden for="bulk-delta" { "Units to add or remove" }
            input #bulk-delta type="number" name="delta" placeholder="+/− units" required;
            label.visually-hidden for="bulk-reason" { "Reason" }
            input #bulk-reason type="text" name="reason" placeholder="Reason" required;
            button type="submit" { "Preview adjustment" }
        }
    }
}

/// A variant ticked, with the level it would reach.
struct Planned<'a> {
    level: &'a InventoryLevel,
    after: i64,
}

pub async fn bulk(
    browser: Browser,
    api: Api,
    memory: Memory,
    form: web::Form<Vec<(String, String)>>,
) -> PageResult {
    let form = Submitted(form.into_inner());
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let cursor = Some(form.get("cursor").to_owned()).filter(|c| !c.is_empty());
    let listed = levels(&api, &browser, cursor).await?;
    let ticked: Vec<Uuid> = form
        .all("variants")
        .filter_map(|id| id.parse().ok())
        .collect();
    let delta = form
        .get("delta")
        .trim()
        .trim_start_matches('+')
        .parse::<i64>()
        .ok()
        .filter(|d| *d != 0);
    let reason = form.get("reason").trim();
    let problem = match (ticked.is_empty(), delta, reason.is_empty()) {
        (true, _, _) => Some("Tick the variants to adjust first."),
        (_, None, _) => Some("Enter the units to add (like 12) or remove (like -3)."),
        (_, _, true) => Some("Say why, like “delivery” or “cycle count”."),
        _ => None,
    };
    let (Some(delta), None) = (delta, problem) else {
        let message = problem.unwrap_or_default();
        return Ok(html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            message_page(&shell, "error", message),
        ));
    };
    let planned: Vec<Planned<'_>> = listed
        .data
        .iter()
        .filter(|level| ticked.contains(&level.variant_id))
        .map(|level| Planned {
            level,
            after: level.available + delta,
        })
        .collect();
    if form.get("step") != "apply" {
        return Ok(html_response(
            StatusCode::OK,
            preview_page(&shell, &form, &planned, delta, reason),
        ));
    }
    let token = form.get("formToken");
    let api: &ApiClient = &api;
    let credentials = &browser.credentials;
    let body = AdjustInventoryRequest {
        delta,
        reason: reason.to_owned(),
    };
    let outcomes = join_all(planned.iter().map(|planned| {
        let variant = planned.level.variant_id;
        let path = format!("/v1/admin/inventory/{variant}/adjustments");
        let key = format!("{token}-{variant}");
        let body = &body;
        async move {
            let change = Change::post(&path, body);
            let change = if token.is_empty() {
                change
            } else {
                change.once(&key)
            };
            (
                planned.level,
                api.send::<_, InventoryLevel>(credentials, change).await,
            )
        }
    }))
    .await;
    let applied = Applied::tally(outcomes)?;
    Ok(html_response(
        applied.status(),
        result_page(&shell, &applied),
    ))
}

fn preview_page(
    shell: &Shell,
    form: &Submitted,
    planned: &[Planned<'_>],
    delta: i64,
    reason: &str,
) -> Markup {
    let below_zero = planned.iter().filter(|p| p.after < 0).count();
    page(
        shell,
        Section::Inventory,
        "Preview adjustment",
        html! {
            nav.breadcrumb aria-label="Breadcrumb" { a href="/inventory" { "Inventory" } " / Preview adjustment" }
            div.page-header { h1 { "Preview adjustment" } }
            p { (format!("{delta:+}")) " units for each of " (planned.len()) " variants, because “" (reason) "”." }
            @if below_zero > 0 {
                (notice("warning", &format!("{below_zero} would go below zero: those are refused, the others applied.")))
            }
            div.table-wrap {
                table {
                    thead { tr { th { "Variant" } th { "SKU" } th.num { "Now" } th.num { "After" } } }
                    tbody {
                        @for planned in planned {
                            tr {
                                td { (planned.level.title) }
                                td { code { (planned.level.sku) } }
                                td.num { (planned.level.available) }
                                td.num { strong { (planned.after) } }
                            }
                        }
                    }
                }
            }
            form.actions method="post" action="/inventory/bulk" {
                (form_token_input(&form_token()))
                @for planned in planned { input type="hidden" name="variants" value=(planned.level.variant_id); }
                @for name in ["cursor", "delta", "reason"] { input type="hidden" name=(name) value=(form.get(name)); }
                input type="hidden" name="step" value="apply";
                @if !planned.is_empty() {
                    button.primary type="submit" { "Adjust " (planned.len()) " variants" }
                }
                a.button href="/inventory" { "Back to inventory" }
            }
        },
    )
}

fn result_page(shell: &Shell, applied: &Applied<'_, InventoryLevel>) -> Markup {
    page(
        shell,
        Section::Inventory,
        "Stock adjusted",
        html! {
            div.page-header { h1 { "Stock adjusted" } }
            (notice("success", &format!("{} variants adjusted.", applied.done)))
            @if !applied.refused.is_empty() {
                section.card {
                    h2 { "Not adjusted" }
                    ul { @for (level, reason) in &applied.refused { li { (level.sku) ": " (reason) } } }
                }
            }
            a.button href="/inventory" { "Back to inventory" }
        },
    )
}

fn message_page(shell: &Shell, kind: &str, message: &str) -> Markup {
    page(
        shell,
        Section::Inventory,
        "Adjust stock",
        html! {
            div.page-header { h1 { "Adjust stock" } }
            (notice(kind, message))
            a.button href="/inventory" { "Back to inventory" }
        },
    )
}
