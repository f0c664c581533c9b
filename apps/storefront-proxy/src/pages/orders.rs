//! An order's confirmation and status, for the shopper who placed it: opened with the key the
//! order came with (the confirmation's link), or by the signed-in shopper it belongs to. For
//! anyone else there is no such order.

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::commerce::Order;
use domain::OrderStatus;
use maud::{Markup, html};
use serde::Deserialize;
use web_ui::api::escaped;
use web_ui::components::{badge, html_response, postal_address};
use web_ui::{PageError, PageResult, format};

use crate::shop::{Api, PageInfo, Shop, shop_page};

#[derive(Debug, Default, Deserialize)]
pub struct KeyQuery {
    #[serde(default)]
    key: Option<String>,
}

pub async fn status(
    shop: Shop,
    api: Api,
    id: web::Path<String>,
    query: web::Query<KeyQuery>,
) -> PageResult {
    let id: uuid::Uuid = id.parse().map_err(|_| PageError::NotFound)?;
    let path = match query.key.as_deref().filter(|key| !key.is_empty()) {
        Some(key) => format!("/v1/orders/{id}?key={}", escaped(key)),
        None => format!("/v1/orders/{id}"),
    };
    let order: Order = api.get(&shop.credentials, &path).await?;
    Ok(html_response(StatusCode::OK, order_page(&shop, &order)))
}

/// What the shopper should know of where the order stands.
fn standing(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::PendingPayment => {
            "We have your order and are waiting for its payment. This page shows when it arrives."
        }
        OrderStatus::Paid => "Paid — thank you. We are preparing it.",
        OrderStatus::Fulfilled => "On its way.",
        OrderStatus::Cancelled => "Cancelled: nothing was charged, or the payment is refunded.",
        OrderStatus::PartiallyRefunded => "Part of it was refunded.",
        OrderStatus::Refunded => "Refunded in full.",
    }
}

pub fn order_page(shop: &Shop, order: &Order) -> Markup {
    let reference = domain::OrderId::from_uuid(order.id).reference();
    let title = format!("Order {reference}");
    shop_page(
        shop,
        PageInfo::titled(&title),
        html! {
            h1 { "Thank you! " span.muted { (title) } }
            p.lead { (badge(order.status.as_str())) " " (standing(order.status)) }
            div.columns {
                section.card {
                    h2 { "What you ordered" }
                    ul.summary {
                        @for line in &order.items {
                            li { span { (line.quantity) " × " (line.title) } span { (format::money(line.total)) } }
                        }
                    }
                    p.cart-subtotal { "Total " strong { (format::money(order.total)) } }
                    @if order.refunded.amount > 0 { p { "Refunded " (format::money(order.refunded)) } }
                }
                section.card {
                    h2 { "Delivery" }
                    p { "Contact: " strong { (order.email) } }
                    @if let Some(address) = &order.shipping_address {
                        (postal_address(address))
                    }
                }
            }
            p { a href="/" { "Continue shopping" } }
        },
    )
}

#[cfg(test)]
mod tests {
    use api_types::commerce::{Address, OrderLine};
    use domain::{Currency, Money};
    use uuid::Uuid;

    use super::*;
    use crate::shop::fixture as shop;

    fn order(status: OrderStatus, shipping_address: Option<Address>) -> Order {
        let eur: Currency = "EUR".parse().unwrap();
        Order {
            id: Uuid::from_u128(0xabcd_ef01_0000_0000_0000_0000_0000_0001),
            status,
            email: "ada@example.com".into(),
            customer_id: None,
            items: vec![OrderLine {
                id: Uuid::from_u128(1),
                product_id: Uuid::from_u128(2),
                variant_id: Uuid::from_u128(3),
                sku: "TEE-M".into(),
                title: "Tee <b>".into(),
                quantity: 2,
                unit_price: Money::new(1250, eur),
                total: Money::new(2500, eur),
            }],
            total: Money::new(2500, eur),
            paid: Money::new(0, eur),
            refunded: Money::new(0, eur),
            shipping_address,
            status_key: Some("key-1".into()),
            created_at: domain::Clock::now(&domain::SystemClock),
            updated_at: domain::Clock::now(&domain::SystemClock),
        }
    }

    fn address() -> Address {
        Address {
            name: "Ada <b>Lovelace</b>".into(),
            line1: "12 Example Street".into(),
            line2: None,
            city: "Berlin".into(),
            postal_code: "10115".into(),
            region: None,
            country: "DE".into(),
            phone: None,
        }
    }

    #[test]
    fn a_pending_order_waits_for_payment_and_shows_its_address() {
        let html = order_page(
            &shop(),
            &order(OrderStatus::PendingPayment, Some(address())),
        )
        .into_string();
        assert!(
            html.contains("<title>Order #ABCDEF01 · Acme &lt;Outfitters&gt;</title>"),
            "{html}"
        );
        assert!(html.contains(">pending payment</span>"), "{html}");
        assert!(html.contains("waiting for its payment"), "{html}");
        assert!(
            html.contains("2 × Tee &lt;b&gt;") && html.contains("Total <strong>€25.00</strong>"),
            "{html}"
        );
        assert!(
            html.contains("<address>Ada &lt;b&gt;Lovelace&lt;/b&gt;<br>12 Example Street<br>10115 Berlin<br>DE</address>"),
            "{html}"
        );
    }

    #[test]
    fn a_paid_order_without_an_address_says_so_and_has_no_address() {
        let html = order_page(&shop(), &order(OrderStatus::Paid, None)).into_string();
        assert!(
            html.contains(">paid</span> Paid — thank you. We are preparing it."),
            "{html}"
        );
        assert!(!html.contains("waiting for its payment"), "{html}");
        assert!(
            html.contains("ada@example.com") && !html.contains("<address"),
            "{html}"
        );
    }
}
