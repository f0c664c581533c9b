//! Orders from the dashboard: an order placed on a storefront is paid by hand, fulfilled and
//! refunded in part; a double-clicked refund refunds once; an unpaid order is cancelled.

use actix_web::http::Method;
use serde_json::{Value, json};
use test_support::{TestApp, TestResponse, TestStore};

use crate::Dashboard;

/// An order of `quantity` × 15.00 EUR placed on the store's storefront, awaiting payment.
async fn storefront_order(app: &TestApp, store: &TestStore, quantity: i64) -> Value {
    let sku = format!("TEE-{}", uuid::Uuid::now_v7().simple());
    let product = app.product(store, &sku, 1500, 20).await;
    let variant = product["variants"][0]["id"].as_str().unwrap();
    let cart = app.cart_with(store, variant, quantity).await;
    let order = TestResponse::send_json(
        store.shop(app, Method::POST, "/v1/orders"),
        json!({"cartId": cart, "email": "shopper@example.com"}),
    )
    .await;
    assert_eq!(order.status, 201, "{}", order.json());
    order.json()
}

async fn order_now(app: &TestApp, store: &TestStore, id: &str) -> Value {
    let path = format!("/v1/admin/orders/{id}");
    TestResponse::send(store.admin(app, Method::GET, &path), None)
        .await
        .json()
}

#[actix_web::test]
async fn pay_by_hand_fulfil_and_refund_in_part() {
    let dashboard = Dashboard::start("orders").await;
    let (app, browser) = (&dashboard.api, &dashboard.browser);
    let store = app.store("acme").await;
    let order = storefront_order(app, &store, 2).await;
    let id = order["id"].as_str().unwrap();

    dashboard.visit("/orders", "sign-in").await;
    dashboard.sign_in(&store.owner.email).await;
    browser.wait_for_text("shopper@example.com").await;
    browser.screenshot("orders").await;
    browser.screenshot_at(375, "orders-phone").await;
    browser.screenshot_at(1280, "orders").await;
    browser.click(&format!("a[href='/orders/{id}']")).await;
    browser.wait_for_text("Record a payment").await;
    let page = browser.text().await;
    assert!(
        page.contains("€30.00") && page.contains("pending payment"),
        "{page}"
    );
    assert!(
        !page.contains("Mark as fulfilled"),
        "an unpaid order is not fulfilled: {page}"
    );

    // A payment of another amount is refused on its field, the reference kept.
    browser.fill("#field-payment-amount", "20").await;
    browser
        .fill("#field-payment-reference", "SEPA 2026-0042")
        .await;
    browser
        .click("form[action$='/payment'] button[type=submit]")
        .await;
    browser
        .wait_for_text("Enter the order's total, €30.00")
        .await;
    assert_eq!(
        browser.value("#field-payment-reference").await,
        "SEPA 2026-0042"
    );
    browser.screenshot("order-payment-refused").await;
    browser.fill("#field-payment-amount", "30.00").await;
    browser
        .click("form[action$='/payment'] button[type=submit]")
        .await;
    browser.wait_for_text("Payment recorded").await;
    assert_eq!(order_now(app, &store, id).await["status"], "paid");
    browser.screenshot("order-paid").await;

    browser
        .click("form[action$='/fulfil'] button[type=submit]")
        .await;
    browser.wait_for_text("Marked as fulfilled").await;

    browser.fill("#field-refund-amount", "12.50").await;
    browser
        .fill("#field-refund-reason", "one shirt came back")
        .await;
    browser
        .click("form[action$='/refund'] button[type=submit]")
        .await;
    browser.wait_for_text("Refund recorded").await;
    browser.screenshot("order-refunded").await;
    let now = order_now(app, &store, id).await;
    assert_eq!(
        (now["status"].as_str(), now["refunded"]["amount"].as_i64()),
        (Some("partially_refunded"), Some(1250))
    );
    // More than remains is refused on the field.
    browser.fill("#field-refund-amount", "20").await;
    browser
        .click("form[action$='/refund'] button[type=submit]")
        .await;
    browser.wait_for_text("at most").await;
    assert_eq!(order_now(app, &store, id).await["refunded"]["amount"], 1250);

    // Home counts what was paid and not refunded, today's bar in the chart too.
    dashboard.visit("/", "home-with-sales").await;
    browser.wait_for_text("Revenue per day").await;
    let chart = browser.find("figure.chart svg").await;
    let summary = chart.attr("aria-label").await.unwrap().unwrap();
    assert!(summary.contains("€17.50 in all"), "{summary}");
    assert!(browser.has("figure.chart rect.bar[height]").await);
    dashboard.close().await;
}

#[actix_web::test]
async fn a_double_submitted_refund_refunds_once_and_an_unpaid_order_is_cancelled() {
    let dashboard = Dashboard::start("orders-double").await;
    let (app, browser) = (&dashboard.api, &dashboard.browser);
    let store = app.store("acme").await;
    let order = storefront_order(app, &store, 2).await;
    let id = order["id"].as_str().unwrap().to_owned();
    let paid = TestResponse::send_json(
        store.admin(
            app,
            Method::POST,
            &format!("/v1/admin/orders/{id}/payments"),
        ),
        json!({"amount": 3000, "method": "cash", "reference": "till 3"}),
    )
    .await;
    assert_eq!(paid.status, 200, "{}", paid.json());

    dashboard.visit(&format!("/orders/{id}"), "sign-in").await;
    dashboard.sign_in(&store.owner.email).await;
    browser.wait_for_text("Refund").await;
    let token = browser
        .value("form[action$='/refund'] input[name=formToken]")
        .await;
    let cookie = dashboard.session_cookie().await;
    // The same form sent twice at once, as a double click does.
    let submit = || {
        let post = dashboard.form_post(&format!("/orders/{id}/refund"), &cookie);
        let body = format!("formToken={token}&refund.amount=5.00&refund.reason=");
        async move { TestResponse::send(post, Some(&body)).await }
    };
    let (first, second) = futures_util::future::join(submit(), submit()).await;
    for answer in [&first, &second] {
        assert_eq!(answer.status, 303, "both clicks see the refund");
        assert_eq!(
            answer.header("location"),
            Some(format!("/orders/{id}?done=refunded").as_str())
        );
    }
    assert_eq!(order_now(app, &store, &id).await["refunded"]["amount"], 500);

    // An unpaid order is cancelled, and cannot be cancelled twice.
    let unpaid = storefront_order(app, &store, 1).await;
    let unpaid = unpaid["id"].as_str().unwrap();
    dashboard
        .visit(&format!("/orders/{unpaid}"), "order-unpaid")
        .await;
    browser.wait_for_text("Cancel order").await;
    browser.accept_confirmations().await;
    browser
        .click("form[action$='/cancel'] button[type=submit]")
        .await;
    browser.wait_for_text("Order cancelled").await;
    assert_eq!(order_now(app, &store, unpaid).await["status"], "cancelled");
    let again = dashboard.form_post(&format!("/orders/{unpaid}/cancel"), &cookie);
    let again = TestResponse::send(again, None).await;
    assert_eq!(again.status, 409);
    dashboard.close().await;
}

#[actix_web::test]
async fn a_member_sees_no_money_controls_and_another_stores_order_is_not_found() {
    let dashboard = Dashboard::start("orders-member").await;
    let (app, browser) = (&dashboard.api, &dashboard.browser);
    let store = app.store("acme").await;
    let order = storefront_order(app, &store, 1).await;
    let id = order["id"].as_str().unwrap();
    let member = app.sign_up("member@acme.test").await;
    app.add_member(&store.owner, &member, "member").await;

    dashboard.visit(&format!("/orders/{id}"), "sign-in").await;
    dashboard.sign_in(&member.email).await;
    browser.wait_for_text("Cancel order").await;
    let page = browser.text().await;
    assert!(!page.contains("Record a payment"), "{page}");
    browser.screenshot("order-as-member").await;

    // By hand: the api's refusal is a page that says why.
    let cookie = dashboard.session_cookie().await;
    let post = dashboard.form_post(&format!("/orders/{id}/payment"), &cookie);
    let refused = TestResponse::send(
        post,
        Some("formToken=t&payment.amount=15&payment.method=cash&payment.reference=x"),
    )
    .await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        order_now(app, &store, id).await["status"],
        "pending_payment"
    );

    let rival = app.store("globex").await;
    let theirs = storefront_order(app, &rival, 1).await;
    dashboard
        .visit(
            &format!("/orders/{}", theirs["id"].as_str().unwrap()),
            "order-other-store",
        )
        .await;
    browser.wait_for_text("Page not found").await;
    dashboard.close().await;
}
