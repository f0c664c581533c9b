//! A merchant's first hour: sign up, create a store, add a product with two variants, find it,
//! change a price, archive it.

use crate::Dashboard;

#[actix_web::test]
async fn sign_up_create_a_store_add_edit_and_archive_a_product() {
    let dashboard = Dashboard::start("products").await;
    let browser = &dashboard.browser;
    dashboard.merchant("ada@example.com", "Acme Outdoor").await;
    browser.screenshot("home").await;
    browser.screenshot_at(375, "home-phone").await;
    browser.screenshot_at(1280, "home-again").await;

    dashboard.visit("/products", "products-empty").await;
    browser.wait_for_text("Add your first product").await;
    browser
        .click("a.button.primary[href='/products/new']")
        .await;
    browser.fill("#field-title", "Trail tee").await;
    browser
        .fill("#field-description", "A tee for long walks.")
        .await;
    for (row, (sku, title, price, stock)) in [
        ("TEE-M", "Medium", "19.99", "10"),
        ("TEE-L", "Large", "21.50", "4"),
    ]
    .into_iter()
    .enumerate()
    {
        browser
            .fill(&format!("#field-variants-{row}--sku"), sku)
            .await;
        browser
            .fill(&format!("#field-variants-{row}--title"), title)
            .await;
        browser
            .fill(&format!("#field-variants-{row}--price"), price)
            .await;
        browser
            .fill(&format!("#field-variants-{row}--stock"), stock)
            .await;
    }
    browser
        .find("#field-status option[value=published]")
        .await
        .click()
        .await
        .unwrap();
    browser.screenshot("product-new").await;
    browser.click("button[value=create]").await;
    browser.wait_for_text("Product created.").await;
    browser.screenshot("product-created").await;

    dashboard.visit("/products", "products").await;
    let listed = browser.text().await;
    assert!(listed.contains("Trail tee"), "{listed}");
    assert!(listed.contains("€19.99 – €21.50"), "{listed}");
    assert!(listed.contains("14"), "stock of both variants: {listed}");
    browser.screenshot_at(375, "products-phone").await;
    browser.client.set_window_size(1280, 900).await.unwrap();

    // The search finds it; another word does not.
    browser.fill("#product-search", "trail").await;
    browser.click("form[role=search] button").await;
    browser.wait_for_text("Trail tee").await;
    browser.fill("#product-search", "kayak").await;
    browser.click("form[role=search] button").await;
    browser.wait_for_text("No products match").await;

    // Edit the first variant's price; a malformed price is refused with the input kept.
    dashboard.visit("/products", "products-again").await;
    browser.click("td a").await;
    browser.fill("#field-variants-0--price", "12.345").await;
    browser.click("button.primary[type=submit]").await;
    browser
        .wait_for_text("at most 2 after the decimal point")
        .await;
    browser.screenshot("product-price-refused").await;
    assert_eq!(browser.value("#field-variants-0--price").await, "12.345");
    browser.fill("#field-variants-0--price", "17.00").await;
    browser.click("button.primary[type=submit]").await;
    browser.wait_for_text("Saved.").await;
    dashboard.visit("/products", "products-edited").await;
    browser.wait_for_text("€17.00 – €21.50").await;

    // Archive (the confirmation is accepted).
    browser.click("td a").await;
    browser
        .client
        .execute("window.confirm = () => true;", vec![])
        .await
        .unwrap();
    browser.click("form[action$='/archive'] button").await;
    browser.wait_for_text("archived").await;
    browser.screenshot("product-archived").await;
    assert!(!browser.has("form[action$='/archive']").await);
    dashboard.close().await;
}

#[actix_web::test]
async fn a_product_of_another_store_is_a_not_found_page() {
    let dashboard = Dashboard::start("products-tenancy").await;
    let (rival, _) = dashboard.api.merchant("rival@example.com", "rival").await;
    let key = dashboard.api.api_key(&rival, &["admin"]).await;
    let created = test_support::TestResponse::send_json(
        test_support::CallerRequest::with_api_key(dashboard.api.post("/v1/admin/products"), &key),
        serde_json::json!({"title": "Rival tee", "variants": [{"sku": "R-1", "price": {"amount": 100, "currency": "EUR"}}]}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.json());
    let rival_product = created.json()["id"].as_str().unwrap().to_owned();

    dashboard.merchant("ada@example.com", "Acme").await;
    dashboard
        .visit(&format!("/products/{rival_product}"), "rival-product")
        .await;
    dashboard.browser.wait_for_text("Page not found").await;
    dashboard.visit("/products/not-a-uuid", "bad-id").await;
    dashboard.browser.wait_for_text("Page not found").await;
    dashboard.close().await;
}
