//! Home: the numbers of the last 7, 30 or 90 days.

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::commerce::{Stats, StatsQuery};
use chrono::{Duration, Utc};
use domain::Money;
use maud::{Markup, html};
use serde::Deserialize;
use web_ui::chart::{self, Bar};
use web_ui::components::{badge, empty_state, html_response};
use web_ui::{PageResult, format};

use crate::shell::{Api, Browser, Section, Shell, Statement, page};

const PERIODS: [i64; 3] = [7, 30, 90];

#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    days: Option<i64>,
}

pub async fn home(
    browser: Browser,
    api: Api,
    statement: Statement,
    query: web::Query<PeriodQuery>,
) -> PageResult {
    let shell = Shell::load(&api, &statement, &browser.credentials).await?;
    let days = query
        .days
        .filter(|days| PERIODS.contains(days))
        .unwrap_or(30);
    let now = Utc::now();
    let stats: Stats = api
        .get_with(
            &browser.credentials,
            "/v1/admin/stats",
            &StatsQuery {
                from: Some(now - Duration::days(days)),
                to: Some(now),
            },
        )
        .await?;
    Ok(html_response(StatusCode::OK, &render(&shell, days, &stats)))
}

fn render(shell: &Shell, days: i64, stats: &Stats) -> Markup {
    page(
        shell,
        Section::Home,
        &shell.active.name,
        html! {
            div.page-header {
                h1 { (shell.active.name) }
                nav.inline aria-label="Period" {
                    @for period in PERIODS {
                        a.button.primary[period == days] href={"/?days=" (period)}
                            aria-current=[(period == days).then_some("true")] { "Last " (period) " days" }
                    }
                }
            }
            div.grid {
                (metric("Revenue", &format::money(stats.revenue)))
                (metric("Paid orders", &stats.paid_orders.to_string()))
                (metric("Average order value", &format::money(stats.average_order_value)))
            }
            section.card {
                h2 { "Revenue per day" }
                (revenue_chart(stats))
            }
            div.columns {
                section.card {
                    h2 { "Top products" }
                    @if stats.top_products.is_empty() {
                        (empty_state("No sales yet", "Products you sell in this period show here.",
                            Some(("/products/new", "Add a product"))))
                    } @else {
                        div.table-wrap {
                            table {
                                thead { tr { th { "Product" } th.num { "Units" } th.num { "Revenue" } } }
                                tbody {
                                    @for top in &stats.top_products {
                                        tr {
                                            td { a href={"/products/" (top.product_id)} { (top.title) } }
                                            td.num { (top.units) }
                                            td.num { (format::money(top.revenue)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                section.card {
                    h2 { "Orders by status" }
                    @if stats.orders_by_status.is_empty() {
                        p.muted { "No orders in this period." }
                    } @else {
                        dl.facts {
                            @for count in &stats.orders_by_status {
                                dt { (badge(count.status.as_str())) }
                                dd { (count.count) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The period's revenue, one bar a day, drawn on the server.
fn revenue_chart(stats: &Stats) -> Markup {
    let currency = stats.revenue.currency;
    let bars: Vec<Bar> = stats
        .revenue_by_day
        .iter()
        .map(|day| Bar {
            label: day.day.format("%b %-d").to_string(),
            value: day.revenue.amount,
            tooltip: format!(
                "{}: {}",
                day.day.format("%a %b %-d"),
                format::money(day.revenue)
            ),
        })
        .collect();
    let best = stats
        .revenue_by_day
        .iter()
        .max_by_key(|day| day.revenue.amount);
    let summary = match best {
        Some(best) if best.revenue.amount > 0 => format!(
            "Revenue per day, {} in all; the best day was {} with {}.",
            format::money(stats.revenue),
            best.day.format("%b %-d"),
            format::money(best.revenue)
        ),
        _ => "Revenue per day: no sales in this period.".to_owned(),
    };
    chart::bars(&bars, &summary, |minor| {
        format::money(Money::new(minor, currency))
    })
}

fn metric(label: &str, value: &str) -> Markup {
    html! {
        div.metric {
            div.label { (label) }
            div.value { (value) }
        }
    }
}
