//! Stock adjusted from the inventory page (a double submit counts once), and customers added,
//! corrected and followed to their orders.

use actix_web::http::Method;
use serde_json::json;
use test_support::TestResponse;

use crate::Dashboard;

#[actix_web::test]
async fn adjust_stock_once_per_submit_and_keep_customers() {
    let dashboard = Dashboard::start("stock").await;
    let (app, browser) = (&dashboard.api, &dashboard.browser);
    let store = app.store("acme").await;
    let product = app.product(&store, "MUG", 900, 4).await;
    let variant = product["variants"][0]["id"].as_str().unwrap().to_owned();
    let available = || async {
        let page =
            TestResponse::send(store.admin(app, Method::GET, "/v1/admin/inventory"), None).await;
        page.json()["data"][0]["available"].as_i64().unwrap()
    };

    dashboard.visit("/inventory", "sign-in").await;
    dashboard.sign_in(&store.owner.email).await;
    browser.wait_for_text("MUG").await;
    let delta = format!("#delta-{variant}");
    let reason = format!("#reason-{variant}");
    browser.fill(&delta, "0").await;
    browser.fill(&reason, "count").await;
    browser
        .click(&format!("form:has({delta}) button[type=submit]"))
        .await;
    browser.wait_for_text("Enter the units to add").await;
    assert_eq!(browser.value(&reason).await, "count");
    browser.fill(&delta, "-9").await;
    browser
        .click(&format!("form:has({delta}) button[type=submit]"))
        .await;
    browser.wait_for_text("only 4 units are available").await;
    assert_eq!(available().await, 4, "stock never goes below zero");
    browser.screenshot("inventory-refused").await;
    browser.fill(&delta, "+6").await;
    browser.fill(&reason, "delivery").await;
    browser
        .click(&format!("form:has({delta}) button[type=submit]"))
        .await;
    browser.wait_for_text("Stock of MUG adjusted").await;
    assert_eq!(available().await, 10);
    browser.screenshot("inventory").await;

    // The same form sent twice at once counts once.
    let token = browser
        .value(&format!("form:has({delta}) input[name=formToken]"))
        .await;
    let cookie = dashboard.session_cookie().await;
    let submit = || {
        let post = dashboard.form_post(&format!("/inventory/{variant}/adjust"), &cookie);
        let body = format!("formToken={token}&delta=5&reason=delivery");
        async move { TestResponse::send(post, Some(&body)).await }
    };
    let (first, second) = futures_util::future::join(submit(), submit()).await;
    assert_eq!((first.status.as_u16(), second.status.as_u16()), (303, 303));
    assert_eq!(available().await, 15);

    // Customers: added; the same email again is refused with the form kept; corrected.
    dashboard.visit("/customers", "customers-empty").await;
    let add = |name: &'static str| async move {
        browser.fill("#field-email", "grace@example.com").await;
        browser.fill("#field-name", name).await;
        browser
            .click("form[action='/customers'] button[type=submit]")
            .await;
    };
    add("Grace").await;
    browser.wait_for_text("Customer added").await;
    dashboard.visit("/customers", "customers").await;
    add("Grace again").await;
    browser.wait_for_text("already").await;
    assert_eq!(browser.value("#field-name").await, "Grace again");
    browser.click("a[href^='/customers/']").await;
    browser.wait_for_text("Their orders").await;
    browser.fill("#field-name", "Grace Hopper").await;
    browser.click("button.primary[type=submit]").await;
    browser.wait_for_text("Saved.").await;
    browser.screenshot("customer").await;
    let customers =
        TestResponse::send(store.admin(app, Method::GET, "/v1/admin/customers"), None).await;
    assert_eq!(
        customers.json()["data"][0]["name"],
        "Grace Hopper",
        "{}",
        customers.json()
    );

    let cart = app.cart_with(&store, &variant, 1).await;
    let order = TestResponse::send_json(
        store.shop(app, Method::POST, "/v1/orders"),
        json!({"cartId": cart, "email": "grace@example.com"}),
    )
    .await;
    assert_eq!(order.status, 201);
    browser.click("a.button[href^='/orders?customer=']").await;
    browser.wait_for_text("grace@example.com").await;
    // Another store's customer is no page here.
    let rival = app.store("globex").await;
    let theirs = TestResponse::send_json(
        rival.admin(app, Method::POST, "/v1/admin/customers"),
        json!({"email": "secret@globex.test"}),
    )
    .await;
    assert_eq!(theirs.status, 201, "{}", theirs.json());
    let theirs = theirs.json()["id"].as_str().unwrap().to_owned();
    dashboard
        .visit(&format!("/customers/{theirs}"), "customer-other-store")
        .await;
    browser.wait_for_text("Page not found").await;
    assert!(!browser.text().await.contains("secret@globex.test"));
    dashboard.visit("/customers", "customers").await;
    browser.screenshot_at(375, "customers-phone").await;
    dashboard.close().await;
}

#[actix_web::test]
async fn many_variants_are_adjusted_at_once_after_a_preview_and_only_once() {
    let dashboard = Dashboard::start("stock-bulk").await;
    let (app, browser) = (&dashboard.api, &dashboard.browser);
    let store = app.store("acme").await;
    let mut variants = Vec::new();
    for (sku, stock) in [("TEE", 2), ("MUG", 10), ("CAP", 1)] {
        let product = app.product(&store, sku, 900, stock).await;
        variants.push(product["variants"][0]["id"].as_str().unwrap().to_owned());
    }
    let levels = || async {
        let page =
            TestResponse::send(store.admin(app, Method::GET, "/v1/admin/inventory"), None).await;
        let mut levels: Vec<(String, i64)> = page.json()["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|level| {
                (
                    level["sku"].as_str().unwrap().to_owned(),
                    level["available"].as_i64().unwrap(),
                )
            })
            .collect();
        levels.sort();
        levels
    };

    dashboard.visit("/inventory", "sign-in").await;
    dashboard.sign_in(&store.owner.email).await;
    browser.wait_for_text("Preview adjustment").await;
    for variant in &variants {
        browser
            .click(&format!("input[name=variants][value='{variant}']"))
            .await;
    }
    browser.fill("#bulk-delta", "-2").await;
    browser.fill("#bulk-reason", "damaged in the flood").await;
    browser.click("#bulk-stock button[type=submit]").await;
    browser
        .wait_for_text("-2 units for each of 3 variants")
        .await;
    assert!(browser.text().await.contains("1 would go below zero"));
    browser.screenshot("stock-bulk-preview").await;
    assert_eq!(
        levels().await,
        [("CAP".into(), 1), ("MUG".into(), 10), ("TEE".into(), 2)]
    );

    // The preview's form sent twice (a double click) adjusts once.
    let token = browser.value("form.actions input[name=formToken]").await;
    let cookie = dashboard.session_cookie().await;
    let ids: String = variants.iter().map(|v| format!("&variants={v}")).collect();
    let submit = || {
        let post = dashboard.form_post("/inventory/bulk", &cookie);
        let body = format!("formToken={token}{ids}&delta=-2&reason=damaged&step=apply&cursor=");
        async move { TestResponse::send(post, Some(&body)).await }
    };
    let (first, second) = futures_util::future::join(submit(), submit()).await;
    let text = String::from_utf8(first.body.clone()).unwrap();
    assert!(
        text.contains("2 variants adjusted") && text.contains("CAP"),
        "{text}"
    );
    assert_eq!(first.status, second.status);
    assert_eq!(
        levels().await,
        [("CAP".into(), 1), ("MUG".into(), 8), ("TEE".into(), 0)]
    );
    dashboard.close().await;
}
