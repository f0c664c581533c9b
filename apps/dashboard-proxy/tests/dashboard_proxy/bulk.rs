//! Many products at once: a bulk change previewed then applied; a CSV imported with its bad rows
//! reported, imported again without duplicates, and exported back.

use actix_web::http::Method;
use test_support::{CallerRequest as _, TestResponse};

use crate::Dashboard;

#[actix_web::test]
async fn bulk_changes_are_previewed_then_applied() {
    let dashboard = Dashboard::start("bulk").await;
    let (app, browser) = (&dashboard.api, &dashboard.browser);
    let store = app.store("acme").await;
    let tee = app.product(&store, "TEE", 1500, 3).await;
    let mug = app.product(&store, "MUG", 900, 3).await;
    app.product(&store, "CAP", 700, 3).await;

    dashboard.visit("/products", "sign-in").await;
    dashboard.sign_in(&store.owner.email).await;
    browser.wait_for_text("Preview changes").await;
    for product in [&tee, &mug] {
        browser
            .click(&format!(
                "input[name=ids][value='{}']",
                product["id"].as_str().unwrap()
            ))
            .await;
    }
    browser
        .find("#bulk-action option[value=price]")
        .await
        .click()
        .await
        .unwrap();
    browser.fill("#bulk-price", "12.00").await;
    browser.click("#bulk button[type=submit]").await;
    browser
        .wait_for_text("2 of 2 ticked products will change")
        .await;
    let page = browser.text().await;
    assert!(
        page.contains("TEE €15.00") && page.contains("€12.00"),
        "{page}"
    );
    assert!(!page.contains("Product CAP"), "{page}");
    browser.screenshot("bulk-preview").await;
    let price = |product: &serde_json::Value| {
        let path = format!("/v1/admin/products/{}", product["id"].as_str().unwrap());
        let request = store.admin(app, Method::GET, &path);
        async move {
            TestResponse::send(request, None).await.json()["variants"][0]["price"]["amount"].clone()
        }
    };
    assert_eq!(price(&tee).await, 1500, "a preview changes nothing");
    browser.click("form.actions button.primary").await;
    browser.wait_for_text("2 products changed").await;
    assert_eq!(
        (price(&tee).await, price(&mug).await),
        (1200.into(), 1200.into())
    );

    // Applying the same again (a reload, a double click) changes nothing more.
    let cookie = dashboard.session_cookie().await;
    let again = dashboard.form_post("/products/bulk", &cookie);
    let body = format!(
        "ids={}&action=price&price=12.00&step=apply",
        tee["id"].as_str().unwrap()
    );
    let again = TestResponse::send(again, Some(&body)).await;
    assert_eq!(again.status, 200);
    assert_eq!(price(&tee).await, 1200);
    dashboard.close().await;
}

#[actix_web::test]
async fn a_csv_import_reports_bad_rows_never_duplicates_and_exports_back() {
    let dashboard = Dashboard::start("csv").await;
    let (app, browser) = (&dashboard.api, &dashboard.browser);
    let store = app.store("acme").await;
    let mut csv = String::from("handle,title,status,description,sku,variant_title,price,stock\n");
    for n in 0..40 {
        csv.push_str(&format!(
            "item-{n},Item {n},published,,ITEM-{n}-S,Small,{n}.50,{n}\n"
        ));
        csv.push_str(&format!("item-{n},Item {n},,,ITEM-{n}-L,Large,{n}.90,1\n"));
    }
    csv.push_str("bad-price,Bad,,,BAD-1,,twelve,1\n");
    csv.push_str("bad-status,Bad,sold,,BAD-2,,1,1\n");
    csv.push_str("dup-sku,Dup,,,ITEM-1-S,,1,1\n");
    let file = std::fs::canonicalize(test_support::screenshot_dir())
        .unwrap()
        .join("csv-import.csv");
    std::fs::write(&file, &csv).unwrap();

    dashboard.visit("/products/import", "sign-in").await;
    dashboard.sign_in(&store.owner.email).await;
    browser.wait_for_text("Import products").await;
    let import = || async {
        browser.fill("#field-file", file.to_str().unwrap()).await;
        browser
            .click("form[action='/products/import'] button[type=submit]")
            .await;
        browser.wait_for_text("Import report").await;
        browser.find("#report").await.text().await.unwrap()
    };
    let report = import().await;
    assert!(
        report
            .contains("40 products created (80 variants); 0 already in the store; 3 rows refused"),
        "{report}"
    );
    for line in ["82", "83", "84"] {
        assert!(report.contains(line), "line {line} is reported: {report}");
    }
    assert!(
        report.contains("twelve") || report.contains("price"),
        "{report}"
    );
    browser.screenshot("csv-report").await;

    dashboard.visit("/products/import", "csv-again").await;
    let report = import().await;
    assert!(
        report.contains("0 products created (0 variants); 40 already in the store"),
        "{report}"
    );
    let listed = TestResponse::send(
        store.admin(app, Method::GET, "/v1/admin/products?limit=100"),
        None,
    )
    .await;
    assert_eq!(listed.json()["data"].as_array().unwrap().len(), 40);

    // The export reads back as the import: 80 variant rows and the header.
    let cookie = dashboard.session_cookie().await;
    let export = app
        .client
        .get(dashboard.url("/products/export.csv"))
        .with_session_cookie(&cookie);
    let export = TestResponse::send(export, None).await;
    assert_eq!(export.status, 200);
    assert_eq!(
        export.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    let text = String::from_utf8(export.body.to_vec()).unwrap();
    assert_eq!(text.lines().count(), 81, "{text}");
    assert!(text.starts_with("handle,title,status,description,sku,variant_title,price,stock\n"));
    assert!(
        text.contains("item-7,Item 7,published,,ITEM-7-L,Large,7.90,1"),
        "{text}"
    );
    dashboard.close().await;
}
