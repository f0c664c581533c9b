//! Home: the numbers of the last 7, 30 or 90 days.

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::commerce::{Stats, StatsQuery};
use chrono::Duration;
use domain::Money;
use maud::{Markup, html};
use serde::Deserialize;
use web_ui::Now;
use web_ui::chart::{self, Bar};
use web_ui::components::{badge, empty_state, html_response};
use web_ui::{PageResult, format};

use crate::shell::{Api, Browser, Memory, Section, Shell, page};

const PERIODS: [i64; 3] = [7, 30, 90];

#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    days: Option<i64>,
}

pub async fn home(
    browser: Browser,
    api: Api,
    memory: Memory,
    query: web::Query<PeriodQuery>,
    Now(now): Now,
) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let days = query
        .days
        .filter(|days| PERIODS.contains(days))
        .unwrap_or(30);
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
    Ok(html_response(StatusCode::OK, render(&shell, days, &stats)))
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

#[cfg(test)]
mod tests {
    use api_types::commerce::{DayRevenue, StatusCount, TopProduct};
    use chrono::NaiveDate;
    use domain::OrderStatus;
    use uuid::Uuid;

    use super::*;

    fn eur(amount: i64) -> Money {
        Money::new(amount, "EUR".parse().unwrap())
    }

    fn stats(days: &[i64]) -> Stats {
        let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let revenue: i64 = days.iter().sum();
        Stats {
            from: domain::Clock::now(&domain::SystemClock) - Duration::days(30),
            to: domain::Clock::now(&domain::SystemClock),
            revenue: eur(revenue),
            revenue_by_day: (0_u64..)
                .zip(days)
                .map(|(n, &amount)| DayRevenue {
                    day: first + chrono::Days::new(n),
                    revenue: eur(amount),
                })
                .collect(),
            paid_orders: 0,
            average_order_value: eur(0),
            orders_by_status: Vec::new(),
            top_products: Vec::new(),
        }
    }

    #[test]
    fn the_numbers_read_in_the_store_currency() {
        let mut stats = stats(&[1000, 2000]);
        stats.paid_orders = 2;
        stats.average_order_value = eur(1500);
        stats.top_products = vec![TopProduct {
            product_id: Uuid::nil(),
            title: "<b>Tee</b>".into(),
            units: 4,
            revenue: eur(3000),
        }];
        stats.orders_by_status = vec![StatusCount {
            status: OrderStatus::PendingPayment,
            count: 5,
        }];
        let html = render(&Shell::fixture(&[]), 30, &stats).into_string();
        assert!(html.contains("<div class=\"value\">€30.00</div>"), "{html}");
        assert!(html.contains("<div class=\"value\">€15.00</div>"));
        assert!(
            html.contains("the best day was Jan 2 with €20.00."),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;Tee&lt;/b&gt;") && !html.contains("<b>Tee"));
        assert!(
            html.contains("pending payment</span></dt><dd>5</dd>"),
            "{html}"
        );
        assert!(
            html.contains(r#"href="/?days=30" aria-current="true""#),
            "{html}"
        );
        assert!(!html.contains(r#"href="/?days=7" aria-current"#));
    }

    #[test]
    fn a_period_without_sales_says_so() {
        let html = render(&Shell::fixture(&[]), 7, &stats(&[0, 0])).into_string();
        assert!(
            html.contains("no sales in this period") && html.contains("No sales yet"),
            "{html}"
        );
        assert!(html.contains("No orders in this period.") && html.contains("€0.00"));
    }
}
