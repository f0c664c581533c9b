//! Orders: the list with its filters, and one order with what can be done to it now — record a
//! payment received by hand, fulfil, cancel, refund part or all of it. Payments and refunds carry
//! the form's one-time token as their `Idempotency-Key`, so a double click applies once.

use actix_web::http::{Method, StatusCode};
use actix_web::web;
use api_types::commerce::{
    Order, OrderQuery, PaymentMethod, RecordPaymentRequest, Refund, RefundRequest,
};
use api_types::store::Page;
use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::{Money, OrderStatus};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;
use web_ui::Now;
use web_ui::api::Change;
use web_ui::components::{
    Field, badge, datetime, empty_state, form_errors, form_token_input, html_response, notice,
    pager, postal_address,
};
use web_ui::errors::see_other;
use web_ui::forms::{FormErrors, Submitted};
use web_ui::safety::form_token;
use web_ui::{ApiFailure, PageError, PageResult, format};

use crate::shell::{Api, Browser, Memory, Section, Shell, page};

const PAGE_SIZE: u32 = 20;

const METHODS: [(PaymentMethod, &str); 3] = [
    (PaymentMethod::BankTransfer, "Bank transfer"),
    (PaymentMethod::Cash, "Cash"),
    (PaymentMethod::Other, "Other"),
];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: Option<String>,
    /// First day shown (`YYYY-MM-DD`, UTC).
    #[serde(default)]
    from: Option<String>,
    /// Last day shown, included.
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    customer: Option<Uuid>,
    #[serde(default)]
    cursor: Option<String>,
}

/// The filters the list was asked with, as understood.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Filters {
    status: Option<OrderStatus>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    customer: Option<Uuid>,
}

impl Filters {
    fn of(query: &ListQuery) -> Self {
        let day = |text: &Option<String>| {
            text.as_deref()
                .and_then(|text| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        };
        Self {
            status: query.status.as_deref().and_then(|s| s.parse().ok()),
            from: day(&query.from),
            to: day(&query.to),
            customer: query.customer,
        }
    }

    fn any(&self) -> bool {
        *self != Self::default()
    }

    fn query(&self, cursor: Option<String>) -> OrderQuery {
        let start =
            |day: NaiveDate| -> DateTime<Utc> { day.and_time(chrono::NaiveTime::MIN).and_utc() };
        OrderQuery {
            limit: Some(PAGE_SIZE),
            cursor,
            status: self.status,
            customer_id: self.customer,
            from: self.from.map(start),
            // The last day is shown whole: up to the start of the next.
            to: self
                .to
                .and_then(|day| day.checked_add_days(Days::new(1)))
                .map(start),
        }
    }

    fn url(&self, cursor: Option<&str>) -> String {
        let days = [self.from, self.to].map(|day| day.map(|d| d.format("%Y-%m-%d").to_string()));
        let customer = self.customer.map(|id| id.to_string());
        let pairs: Vec<(&str, &str)> = [
            self.status.map(|s| ("status", s.as_str())),
            days[0].as_deref().map(|d| ("from", d)),
            days[1].as_deref().map(|d| ("to", d)),
            customer.as_deref().map(|c| ("customer", c)),
            cursor.map(|c| ("cursor", c)),
        ]
        .into_iter()
        .flatten()
        .collect();
        match serde_urlencoded::to_string(pairs).unwrap_or_default() {
            query if query.is_empty() => "/orders".to_owned(),
            query => format!("/orders?{query}"),
        }
    }
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
    let filters = Filters::of(&query);
    let orders: Page<Order> = api
        .get_with(
            &browser.credentials,
            "/v1/admin/orders",
            &filters.query(query.cursor.clone()),
        )
        .await?;
    Ok(html_response(
        StatusCode::OK,
        list_page(&shell, &filters, query.cursor.is_some(), &orders, now),
    ))
}

/// `#01A2B3C4`: enough of an id to tell orders apart in a list and on the phone.
fn short_id(id: Uuid) -> String {
    format!("#{}", &id.simple().to_string()[..8]).to_uppercase()
}

fn list_page(
    shell: &Shell,
    filters: &Filters,
    paged: bool,
    orders: &Page<Order>,
    now: DateTime<Utc>,
) -> Markup {
    let day = |day: Option<NaiveDate>| day.map(|d| d.format("%Y-%m-%d").to_string());
    page(
        shell,
        Section::Orders,
        "Orders",
        html! {
            div.page-header { h1 { "Orders" } }
            form.inline.card method="get" action="/orders" role="search" {
                label for="order-status" { "Status" }
                select #order-status name="status" {
                    option value="" { "Any status" }
                    @for option in OrderStatus::ALL {
                        option value=(option.as_str()) selected[filters.status == Some(*option)] { (option.as_str().replace('_', " ")) }
                    }
                }
                label for="order-from" { "From" }
                input #order-from type="date" name="from" value=[day(filters.from)];
                label for="order-to" { "To" }
                input #order-to type="date" name="to" value=[day(filters.to)];
                @if let Some(customer) = filters.customer {
                    input type="hidden" name="customer" value=(customer);
                }
                button type="submit" { "Filter" }
            }
            @if orders.data.is_empty() {
                @if filters.any() {
                    (empty_state("No orders match", "Try another status or other days.", Some(("/orders", "Show all orders"))))
                } @else {
                    (empty_state("No orders yet", "Orders placed on your storefront, by shoppers or their agents, appear here.", None))
                }
            } @else {
                div.table-wrap {
                    table {
                        thead { tr {
                            th { "Order" } th { "Placed" } th { "Customer" } th { "Status" }
                            th.num { "Items" } th.num { "Total" }
                        } }
                        tbody {
                            @for order in &orders.data {
                                tr {
                                    td { a href={"/orders/" (order.id)} { (short_id(order.id)) } }
                                    td { (datetime(order.created_at, now)) }
                                    td { (order.email) }
                                    td { (badge(order.status.as_str())) }
                                    td.num { (order.items.iter().map(|line| line.quantity).sum::<i64>()) }
                                    td.num { (format::money(order.total)) }
                                }
                            }
                        }
                    }
                }
                (pager(
                    paged.then(|| filters.url(None)).as_deref(),
                    orders.next_cursor.as_deref().map(|cursor| filters.url(Some(cursor))).as_deref(),
                ))
            }
        },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

/// What the order page offers, each a form of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Payment,
    Fulfil,
    Cancel,
    Refund,
}

impl Action {
    /// The prefix of the form's input names: the api's `amount` is `refund.amount` here.
    const fn prefix(self) -> &'static str {
        match self {
            Self::Payment => "payment",
            Self::Fulfil => "fulfil",
            Self::Cancel => "cancel",
            Self::Refund => "refund",
        }
    }
}

fn input(action: Action, name: &str) -> String {
    format!("{}.{name}", action.prefix())
}

/// A form the api refused, shown again as it was sent.
#[derive(Debug)]
struct Refused<'a> {
    action: Action,
    values: &'a Submitted,
    errors: &'a FormErrors,
}

fn order_id(raw: &str) -> Result<Uuid, PageError> {
    raw.parse().map_err(|_| PageError::NotFound)
}

async fn load(
    api: &Api,
    memory: &Memory,
    browser: &Browser,
    id: Uuid,
) -> Result<(Shell, Order), PageError> {
    let shell = Shell::load(api, memory, &browser.credentials).await?;
    let order = api
        .get(&browser.credentials, &format!("/v1/admin/orders/{id}"))
        .await?;
    Ok((shell, order))
}

pub async fn detail(
    browser: Browser,
    api: Api,
    memory: Memory,
    id: web::Path<String>,
    query: web::Query<DoneQuery>,
    Now(now): Now,
) -> PageResult {
    let id = order_id(&id)?;
    let (shell, order) = load(&api, &memory, &browser, id).await?;
    let done = match query.done.as_deref() {
        Some("paid") => Some("Payment recorded: the order is paid."),
        Some("fulfilled") => Some("Marked as fulfilled."),
        Some("cancelled") => Some("Order cancelled; its stock is available again."),
        Some("refunded") => Some("Refund recorded."),
        _ => None,
    };
    Ok(html_response(
        StatusCode::OK,
        detail_page(&shell, &order, done, None, now),
    ))
}

/// The refundable rest: what was paid and not refunded yet.
fn refundable(order: &Order) -> Money {
    Money::new(
        order.paid.amount - order.refunded.amount,
        order.total.currency,
    )
}

fn detail_page(
    shell: &Shell,
    order: &Order,
    done: Option<&str>,
    refused: Option<&Refused<'_>>,
    now: DateTime<Utc>,
) -> Markup {
    let title = format!("Order {}", short_id(order.id));
    let status = order.status;
    let offers = [
        (
            Action::Payment,
            status == OrderStatus::PendingPayment && shell.may("order:recordPayment"),
        ),
        (
            Action::Fulfil,
            status.can_fulfil() && shell.may("order:fulfil"),
        ),
        (
            Action::Cancel,
            status.can_cancel() && shell.may("order:cancel"),
        ),
        (
            Action::Refund,
            status.is_paid() && refundable(order).amount > 0 && shell.may("order:refund"),
        ),
    ];
    page(
        shell,
        Section::Orders,
        &title,
        html! {
            nav.breadcrumb aria-label="Breadcrumb" { a href="/orders" { "Orders" } " / " (short_id(order.id)) }
            div.page-header {
                h1 { (title) " " (badge(status.as_str())) }
            }
            @if let Some(done) = done { (notice("success", done)) }
            div.columns {
                section.card {
                    h2 { "Items" }
                    div.table-wrap {
                        table {
                            thead { tr { th { "Item" } th { "SKU" } th.num { "Quantity" } th.num { "Price" } th.num { "Total" } } }
                            tbody {
                                @for line in &order.items {
                                    tr {
                                        td { a href={"/products/" (line.product_id)} { (line.title) } }
                                        td { code { (line.sku) } }
                                        td.num { (line.quantity) }
                                        td.num { (format::money(line.unit_price)) }
                                        td.num { (format::money(line.total)) }
                                    }
                                }
                            }
                        }
                    }
                    dl.facts {
                        dt { "Total" } dd { strong { (format::money(order.total)) } }
                        dt { "Paid" } dd { (format::money(order.paid)) }
                        dt { "Refunded" } dd { (format::money(order.refunded)) }
                    }
                }
                section.card {
                    h2 { "Customer" }
                    dl.facts {
                        dt { "Email" } dd { (order.email) }
                        @if let Some(customer) = order.customer_id {
                            dt { "Orders" } dd { a href={"/orders?customer=" (customer)} { "All their orders" } }
                        }
                        dt { "Placed" } dd { (datetime(order.created_at, now)) }
                        dt { "Updated" } dd { (datetime(order.updated_at, now)) }
                    }
                    @if let Some(address) = &order.shipping_address {
                        h3 { "Ship to" }
                        (postal_address(address))
                    }
                }
            }
            @if let Some(refused) = refused.filter(|r| !offers.contains(&(r.action, true))) {
                // The order moved on (fulfilled in another tab…): its form is gone, the reason stays.
                (form_errors(refused.errors))
            }
            @for (action, offered) in offers {
                @if offered { (action_form(action, order, refused.filter(|r| r.action == action))) }
            }
        },
    )
}

fn action_form(action: Action, order: &Order, refused: Option<&Refused<'_>>) -> Markup {
    let empty = FormErrors::default();
    let errors = refused.map_or(&empty, |r| r.errors);
    let defaults = defaults(action, order);
    let values = refused.map_or(&defaults, |r| r.values);
    let path = format!("/orders/{}/{}", order.id, action.prefix());
    let field = |name: &str| input(action, name);
    html! {
        section.card {
            @match action {
                Action::Payment => {
                    h2 { "Record a payment" }
                    p.muted { "Money received outside the checkout, such as a bank transfer or cash, for the whole total." }
                    (form_errors(errors))
                    form.stack method="post" action=(path) {
                        (form_token_input(values.get("formToken")))
                        div.row {
                            (Field::text("Amount received", &field("amount"), values.get(&field("amount"))).required()
                                .hint(&format!("The total, {}.", format::money(order.total))).render(errors))
                            (method_select(&field("method"), values.get(&field("method")), errors))
                        }
                        (Field::text("Reference", &field("reference"), values.get(&field("reference"))).required()
                            .hint("The transfer's reference or the receipt number.").render(errors))
                        div.actions { button.primary type="submit" { "Record payment" } }
                    }
                }
                Action::Fulfil => {
                    h2 { "Fulfil" }
                    (form_errors(errors))
                    form.actions method="post" action=(path) {
                        button.primary type="submit" { "Mark as fulfilled" }
                    }
                }
                Action::Cancel => {
                    h2 { "Cancel" }
                    p.muted { "The order is unpaid: cancelling it releases its stock." }
                    (form_errors(errors))
                    form.actions method="post" action=(path) data-confirm="Cancel this order and release its stock?" {
                        button.danger type="submit" { "Cancel order" }
                    }
                }
                Action::Refund => {
                    h2 { "Refund" }
                    p.muted { "Up to " (format::money(refundable(order))) " can be refunded." }
                    (form_errors(errors))
                    form.stack method="post" action=(path) {
                        (form_token_input(values.get("formToken")))
                        (Field::text("Amount", &field("amount"), values.get(&field("amount"))).required().render(errors))
                        (Field::text("Reason", &field("reason"), values.get(&field("reason"))).hint("Optional; kept with the refund.").render(errors))
                        div.actions { button.danger type="submit" { "Refund" } }
                    }
                }
            }
        }
    }
}

/// A form as it first shows: the whole total to record, all that remains to refund, a new token.
fn defaults(action: Action, order: &Order) -> Submitted {
    let mut values = vec![("formToken".to_owned(), form_token())];
    match action {
        Action::Payment => values.push((input(action, "amount"), format::amount(order.total))),
        Action::Refund => values.push((input(action, "amount"), format::amount(refundable(order)))),
        Action::Fulfil | Action::Cancel => {}
    }
    Submitted(values)
}

fn method_select(name: &str, chosen: &str, errors: &FormErrors) -> Markup {
    let id = format!("field-{}", name.replace('.', "-"));
    let message = errors.of(name);
    html! {
        div.field.invalid[message.is_some()] {
            label for=(id) { "Received by" }
            select #(id) name=(name) {
                @for (method, label) in METHODS {
                    option value=(method.as_str()) selected[chosen == method.as_str()] { (label) }
                }
            }
            @if let Some(message) = message { p.field-error { (message) } }
        }
    }
}

pub async fn record_payment(
    browser: Browser,
    api: Api,
    memory: Memory,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
    Now(now): Now,
) -> PageResult {
    let id = order_id(&id)?;
    let form = Submitted(form.into_inner());
    let (shell, order) = load(&api, &memory, &browser, id).await?;
    let action = Action::Payment;
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut errors = FormErrors::default();
    let amount = format::parse_amount(form.get(&input(action, "amount")), order.total.currency)
        .unwrap_or_else(|error| {
            errors.add(&input(action, "amount"), error.to_string());
            0
        });
    let method = METHODS
        .iter()
        .map(|(method, _)| *method)
        .find(|method| method.as_str() == form.get(&input(action, "method")));
    if method.is_none() {
        errors.add(
            &input(action, "method"),
            "Choose how the money was received.",
        );
    }
    if let (true, Some(method)) = (errors.is_empty(), method) {
        let body = RecordPaymentRequest {
            amount,
            method,
            reference: form.get(&input(action, "reference")).trim().to_owned(),
        };
        let path = format!("/v1/admin/orders/{id}/payments");
        let sent = api
            .send::<_, Order>(
                &browser.credentials,
                Change::post(&path, &body).once(form.get("formToken")),
            )
            .await;
        match sent {
            Ok(_) => return Ok(see_other(&format!("/orders/{id}?done=paid"))),
            Err(failure) => {
                (status, errors) = refusal(action, failure)?;
                let amount = input(action, "amount");
                if errors.of(&amount).is_some() {
                    // The api counts in minor units; a person reads the total as it is shown.
                    errors.fields.retain(|(name, _)| *name != amount);
                    let total = format::money(order.total);
                    errors.add(
                        &amount,
                        format!(
                            "Enter the order's total, {total}: a part of it cannot be recorded."
                        ),
                    );
                }
            }
        }
    }
    refused_page(&shell, &order, action, &form, (status, &errors), now)
}

pub async fn refund(
    browser: Browser,
    api: Api,
    memory: Memory,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
    Now(now): Now,
) -> PageResult {
    let id = order_id(&id)?;
    let form = Submitted(form.into_inner());
    let (shell, order) = load(&api, &memory, &browser, id).await?;
    let action = Action::Refund;
    match format::parse_amount(form.get(&input(action, "amount")), order.total.currency) {
        Ok(amount) => {
            let reason = form.get(&input(action, "reason")).trim();
            let body = RefundRequest {
                amount,
                reason: (!reason.is_empty()).then(|| reason.to_owned()),
            };
            let path = format!("/v1/admin/orders/{id}/refunds");
            let sent = api
                .send::<_, Refund>(
                    &browser.credentials,
                    Change::post(&path, &body).once(form.get("formToken")),
                )
                .await;
            match sent {
                Ok(_) => Ok(see_other(&format!("/orders/{id}?done=refunded"))),
                Err(failure) => {
                    let (status, errors) = refusal(action, failure)?;
                    refused_page(&shell, &order, action, &form, (status, &errors), now)
                }
            }
        }
        Err(error) => {
            let errors = FormErrors::field(&input(action, "amount"), error.to_string());
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            refused_page(&shell, &order, action, &form, (status, &errors), now)
        }
    }
}

pub async fn fulfil(
    browser: Browser,
    api: Api,
    memory: Memory,
    id: web::Path<String>,
    now: Now,
) -> PageResult {
    change_state(browser, api, memory, id, Action::Fulfil, now).await
}

pub async fn cancel(
    browser: Browser,
    api: Api,
    memory: Memory,
    id: web::Path<String>,
    now: Now,
) -> PageResult {
    change_state(browser, api, memory, id, Action::Cancel, now).await
}

/// Fulfil or cancel: a change of state without input. Asking twice is harmless — the second is a
/// 409 that says the order has moved on.
async fn change_state(
    browser: Browser,
    api: Api,
    memory: Memory,
    id: web::Path<String>,
    action: Action,
    Now(now): Now,
) -> PageResult {
    let id = order_id(&id)?;
    let (path, done) = match action {
        Action::Fulfil => (format!("/v1/admin/orders/{id}/fulfil"), "fulfilled"),
        _ => (format!("/v1/admin/orders/{id}/cancel"), "cancelled"),
    };
    let sent = api
        .send::<(), Order>(&browser.credentials, Change::bare(Method::POST, &path))
        .await;
    match sent {
        Ok(_) => Ok(see_other(&format!("/orders/{id}?done={done}"))),
        Err(failure) => {
            let (status, errors) = refusal(action, failure)?;
            let (shell, order) = load(&api, &memory, &browser, id).await?;
            refused_page(
                &shell,
                &order,
                action,
                &Submitted::default(),
                (status, &errors),
                now,
            )
        }
    }
}

/// The api's refusal, on the form's inputs, with its status; what a form cannot show (a 403, a
/// 404) is a page.
fn refusal(action: Action, failure: ApiFailure) -> Result<(StatusCode, FormErrors), PageError> {
    let status = failure.status_code();
    let errors = FormErrors::from_failure(failure, |field| {
        ["amount", "method", "reference", "reason"]
            .contains(&field)
            .then(|| input(action, field))
    })?;
    Ok((status, errors))
}

fn refused_page(
    shell: &Shell,
    order: &Order,
    action: Action,
    form: &Submitted,
    (status, errors): (StatusCode, &FormErrors),
    now: DateTime<Utc>,
) -> PageResult {
    let refused = Refused {
        action,
        values: form,
        errors,
    };
    Ok(html_response(
        status,
        detail_page(shell, order, None, Some(&refused), now),
    ))
}

#[cfg(test)]
mod tests {
    use api_types::commerce::OrderLine;
    use domain::Currency;

    use super::*;

    const ALL: &[&str] = &[
        "order:read",
        "order:recordPayment",
        "order:fulfil",
        "order:cancel",
        "order:refund",
    ];

    fn eur(amount: i64) -> Money {
        Money::new(amount, "EUR".parse::<Currency>().unwrap())
    }

    /// `<b>Tee</b>` × 2 at €15.00: €30.00, of which `paid` and `refunded`.
    fn order(status: OrderStatus, paid: i64, refunded: i64) -> Order {
        let at = domain::Clock::now(&domain::SystemClock);
        Order {
            id: Uuid::from_u128(0x01a2_b3c4_0000_0000_0000_0000_0000_0001),
            status,
            email: "<b>shopper</b>@example.com".into(),
            customer_id: None,
            shipping_address: None,
            status_key: None,
            items: vec![OrderLine {
                id: Uuid::nil(),
                product_id: Uuid::nil(),
                variant_id: Uuid::nil(),
                sku: "TEE-M".into(),
                title: "<b>Tee</b>".into(),
                quantity: 2,
                unit_price: eur(1500),
                total: eur(3000),
            }],
            total: eur(3000),
            paid: eur(paid),
            refunded: eur(refunded),
            created_at: at,
            updated_at: at,
        }
    }

    fn detail(shell: &Shell, order: &Order, now: DateTime<Utc>) -> String {
        detail_page(shell, order, None, None, now).into_string()
    }

    #[test]
    fn the_list_shows_each_order_in_the_store_currency() {
        let now = domain::Clock::now(&domain::SystemClock);
        let orders = Page {
            data: vec![order(OrderStatus::PendingPayment, 0, 0)],
            next_cursor: Some("c2".into()),
        };
        let filters = Filters {
            status: Some(OrderStatus::PendingPayment),
            ..Filters::default()
        };
        let html = list_page(&Shell::fixture(ALL), &filters, false, &orders, now).into_string();
        assert!(
            html.contains(">#01A2B3C4</a>") && html.contains("€30.00"),
            "{html}"
        );
        assert!(
            html.contains("&lt;b&gt;shopper&lt;/b&gt;@example.com"),
            "{html}"
        );
        assert!(
            html.contains(r#"value="pending_payment" selected"#),
            "{html}"
        );
        assert!(html.contains(r#"for="order-from""#) && html.contains(r#"id="order-from""#));
        assert!(
            html.contains(r#"href="/orders?status=pending_payment&amp;cursor=c2""#),
            "{html}"
        );
    }

    #[test]
    fn an_empty_list_says_whether_the_filters_hid_everything() {
        let now = domain::Clock::now(&domain::SystemClock);
        let none = Page {
            data: Vec::new(),
            next_cursor: None,
        };
        let shell = Shell::fixture(ALL);
        let filtered = Filters {
            from: NaiveDate::from_ymd_opt(2026, 1, 1),
            ..Filters::default()
        };
        let html = list_page(&shell, &filtered, false, &none, now).into_string();
        assert!(html.contains("No orders match") && html.contains(r#"value="2026-01-01""#));
        let html = list_page(&shell, &Filters::default(), false, &none, now).into_string();
        assert!(html.contains("No orders yet") && !html.contains("No orders match"));
    }

    #[test]
    fn an_unpaid_order_offers_a_payment_and_cancelling_but_no_refund() {
        let now = domain::Clock::now(&domain::SystemClock);
        let order = order(OrderStatus::PendingPayment, 0, 0);
        let html = detail(&Shell::fixture(ALL), &order, now);
        assert!(html.contains("Record a payment") && html.contains("Cancel order"));
        assert!(
            html.contains(r#"name="payment.amount" value="30.00""#),
            "{html}"
        );
        assert!(html.contains("The total, €30.00."), "{html}");
        assert!(!html.contains("/refund\"") && !html.contains("Mark as fulfilled"));
        assert!(html.contains("&lt;b&gt;Tee&lt;/b&gt;") && !html.contains("<b>Tee"));
    }

    #[test]
    fn a_paid_order_offers_fulfilment_and_a_refund_of_what_was_paid() {
        let now = domain::Clock::now(&domain::SystemClock);
        let order = order(OrderStatus::Paid, 3000, 0);
        let html = detail(&Shell::fixture(ALL), &order, now);
        let refund = format!(r#"action="/orders/{}/refund""#, order.id);
        assert!(
            html.contains("Mark as fulfilled") && html.contains(&refund),
            "{html}"
        );
        assert!(html.contains("Up to €30.00 can be refunded."), "{html}");
        assert!(!html.contains("Record a payment") && !html.contains("Cancel order"));
    }

    #[test]
    fn a_partial_refund_leaves_the_rest_to_refund() {
        let now = domain::Clock::now(&domain::SystemClock);
        let order = order(OrderStatus::PartiallyRefunded, 3000, 1000);
        let html = detail(&Shell::fixture(ALL), &order, now);
        assert!(
            html.contains("Up to €20.00") && html.contains(r#"name="refund.amount" value="20.00""#)
        );
        assert!(html.contains("€10.00") && !html.contains("Mark as fulfilled"));
    }

    #[test]
    fn a_member_without_the_refund_permission_sees_no_refund_form() {
        let now = domain::Clock::now(&domain::SystemClock);
        let mut shell = Shell::fixture(&["order:read", "order:fulfil"]);
        shell.role = domain::OrgRole::Member;
        let html = detail(&shell, &order(OrderStatus::Paid, 3000, 0), now);
        assert!(html.contains("Mark as fulfilled"), "{html}");
        assert!(!html.contains("/refund\"") && !html.contains("can be refunded"));
    }

    #[test]
    fn a_refused_refund_keeps_what_was_typed_and_marks_the_amount() {
        let now = domain::Clock::now(&domain::SystemClock);
        let order = order(OrderStatus::Paid, 3000, 0);
        let values = Submitted(vec![
            ("formToken".into(), "token-1".into()),
            ("refund.amount".into(), "99".into()),
            ("refund.reason".into(), "<b>damaged</b>".into()),
        ]);
        let errors = FormErrors::field("refund.amount", "At most €30.00 can be refunded.");
        let refused = Refused {
            action: Action::Refund,
            values: &values,
            errors: &errors,
        };
        let html =
            detail_page(&Shell::fixture(ALL), &order, None, Some(&refused), now).into_string();
        assert!(
            html.contains(r#"name="refund.amount" value="99""#),
            "{html}"
        );
        assert!(
            html.contains(r#"for="field-refund-amount""#)
                && html.contains(r#"id="field-refund-amount""#)
        );
        assert!(
            html.contains(r#"aria-invalid="true""#)
                && html.contains("At most €30.00 can be refunded.")
        );
        assert!(html.contains("&lt;b&gt;damaged&lt;/b&gt;") && html.contains(r#"value="token-1""#));
    }

    #[test]
    fn a_refusal_whose_form_is_gone_still_says_why() {
        let now = domain::Clock::now(&domain::SystemClock);
        let errors = FormErrors::form("The order was fulfilled already.");
        let none = Submitted::default();
        let refused = Refused {
            action: Action::Fulfil,
            values: &none,
            errors: &errors,
        };
        let order = order(OrderStatus::Fulfilled, 3000, 0);
        let html =
            detail_page(&Shell::fixture(ALL), &order, None, Some(&refused), now).into_string();
        assert!(html.contains("The order was fulfilled already."), "{html}");
        assert!(!html.contains("Mark as fulfilled"));
    }
}
