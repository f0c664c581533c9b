//! Several stores: switch between them, see who you are in each, never switch into someone
//! else's, and sign out for good.

use test_support::{CallerRequest as _, TestResponse};

use crate::Dashboard;

#[actix_web::test]
async fn switch_stores_see_who_you_are_and_sign_out() {
    let dashboard = Dashboard::start("stores").await;
    let browser = &dashboard.browser;
    dashboard.merchant("ada@example.com", "Acme").await;
    browser.click("a[href='/onboarding']").await;
    browser.fill("#field-name", "Bolt Bikes").await;
    browser.click("button[type=submit]").await;
    browser.wait_for_text("Top products").await;
    assert!(
        browser.text().await.contains("Bolt Bikes"),
        "the new store is active"
    );

    browser
        .find("#store-switcher option:not([selected])")
        .await
        .click()
        .await
        .unwrap();
    browser.click("form.switcher button[type=submit]").await;
    browser.wait_for_text("Top products").await;
    dashboard.visit("/whoami", "whoami").await;
    let page = browser.text().await;
    assert!(
        page.contains("Store\nAcme") || page.contains("Store Acme"),
        "{page}"
    );
    assert!(
        page.contains("owner") && page.contains("\"kind\": \"session\""),
        "{page}"
    );

    // By hand: another merchant's store cannot be switched to.
    let (_, rival) = dashboard.api.merchant("rival@example.com", "rival").await;
    let cookie = dashboard.session_cookie().await;
    let post = dashboard.form_post("/stores/switch", &cookie);
    let refused = TestResponse::send(post, Some(&format!("organizationId={rival}"))).await;
    assert!(
        [403, 404].contains(&refused.status.as_u16()),
        "{}",
        refused.status
    );
    assert!(
        refused
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );

    browser.click("form[action='/sign-out'] button").await;
    browser.wait_for_text("Sign in").await;
    // The old session no longer opens the dashboard.
    let stale = awc::Client::builder()
        .disable_redirects()
        .finish()
        .get(dashboard.url("/"))
        .with_session_cookie(&cookie);
    let answer = TestResponse::send(stale, None).await;
    assert_eq!(answer.status, 303);
    assert!(answer.header("location").unwrap().starts_with("/sign-in"));
    dashboard.close().await;
}
