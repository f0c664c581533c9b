//! The audit log: who did what in the store, newest first — people, API keys and agents alike.

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::store::{AuditEventView, Page, PageQuery};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use web_ui::Now;
use web_ui::PageResult;
use web_ui::api::escaped;
use web_ui::components::{datetime, empty_state, html_response, pager};

use crate::shell::{Api, Browser, Memory, Section, Shell, page};

const PAGE_SIZE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
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
    let cursor = query.into_inner().cursor;
    let events: Page<AuditEventView> = api
        .get_with(
            &browser.credentials,
            "/v1/admin/audit-events",
            &PageQuery {
                limit: Some(PAGE_SIZE),
                cursor: cursor.clone(),
            },
        )
        .await?;
    Ok(html_response(
        StatusCode::OK,
        audit_page(&shell, &events, cursor.is_some(), now),
    ))
}

/// `api_key_created` reads "api key created".
fn action_words(action: &str) -> String {
    action.replace(['_', '.'], " ")
}

/// The details as one line of `key: value`, for the table.
fn details_line(details: &serde_json::Value) -> String {
    details
        .as_object()
        .map(|fields| {
            fields
                .iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(key, value)| match value.as_str() {
                    Some(text) => format!("{key}: {text}"),
                    None => format!("{key}: {value}"),
                })
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .unwrap_or_default()
}

fn audit_page(
    shell: &Shell,
    events: &Page<AuditEventView>,
    paged: bool,
    now: DateTime<Utc>,
) -> Markup {
    let next = events
        .next_cursor
        .as_deref()
        .map(|next| format!("/audit?cursor={}", escaped(next)));
    page(
        shell,
        Section::Audit,
        "Audit log",
        html! {
            div.page-header { h1 { "Audit log" } }
            @if events.data.is_empty() {
                (empty_state("Nothing recorded yet", "Changes to keys, members, agents, orders and settings are recorded here.", None))
            } @else {
                div.table-wrap {
                    table {
                        thead { tr { th { "When" } th { "What" } th { "Who" } th { "Details" } th { "From" } } }
                        tbody {
                            @for event in &events.data {
                                tr {
                                    td { (datetime(event.created_at, now)) }
                                    td {
                                        strong { (action_words(&event.action)) }
                                        @if let Some(subject) = &event.subject { br; span.mono.muted { (subject) } }
                                    }
                                    td {
                                        (event.actor_kind)
                                        @if let Some(principal) = &event.principal_id { br; span.mono.muted { (principal) } }
                                    }
                                    td.details { (details_line(&event.details)) }
                                    td.mono { (event.ip_address.as_deref().unwrap_or("—")) }
                                }
                            }
                        }
                    }
                }
                (pager(paged.then_some("/audit"), next.as_deref()))
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn details_read_as_one_line() {
        assert_eq!(
            details_line(
                &json!({"amount": {"amount": 500, "currency": "EUR"}, "reason": "damaged", "note": null})
            ),
            r#"amount: {"amount":500,"currency":"EUR"} · reason: damaged"#
        );
        assert_eq!(
            action_words("order_payment_recorded"),
            "order payment recorded"
        );
    }
}
