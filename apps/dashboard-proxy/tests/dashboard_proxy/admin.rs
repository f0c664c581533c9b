//! Platform administration: an administrator finds a user, makes them an administrator too, and
//! signs them out everywhere; anyone else is refused with a page.

use test_support::TestResponse;

use crate::Dashboard;

#[actix_web::test]
async fn a_platform_admin_finds_promotes_and_signs_out_a_user() {
    let dashboard = Dashboard::start_with("admin", |settings| {
        settings.platform_admin_emails = vec!["root@platform.test".to_owned()];
    })
    .await;
    let (app, browser) = (&dashboard.api, &dashboard.browser);
    let grace = app.sign_up("grace@example.com").await;
    app.sign_up("linus@example.com").await;

    // Not an administrator: the api's refusal is the page.
    dashboard.visit("/admin", "sign-in").await;
    dashboard.sign_in("linus@example.com").await;
    browser.wait_for_text("platform").await;
    assert!(!browser.text().await.contains("grace@example.com"));
    browser.screenshot("admin-refused").await;

    dashboard.sign_up("root@platform.test").await;
    browser.wait_for_text("Create your store").await;
    // The configured address is trusted once its owner follows the link sent to it.
    let link = app.mail.last_for("root@platform.test").await.link();
    dashboard.follow(&link, "verify-email").await;
    browser
        .wait_for_text("Your email address is verified")
        .await;
    dashboard.visit("/admin", "admin").await;
    browser.wait_for_text("grace@example.com").await;
    browser.fill("#user-search", "GRACE").await;
    browser.click("form[role=search] button[type=submit]").await;
    browser.wait_for_text("Sign out everywhere").await;
    let page = browser.text().await;
    assert!(
        page.contains("grace@example.com") && !page.contains("linus@example.com"),
        "{page}"
    );
    browser.screenshot("admin-search").await;

    let role = format!("#platform-role-{}", grace.user_id);
    browser
        .find(&format!("{role} option[value=platform_admin]"))
        .await
        .click()
        .await
        .unwrap();
    browser
        .click(&format!("form:has({role}) button[type=submit]"))
        .await;
    browser.wait_for_text("Platform role changed").await;
    let session = TestResponse::send(
        app.get("/api/auth/get-session").insert_header((
            "cookie",
            format!("{}={}", resolve_caller::SESSION_COOKIE_NAME, grace.cookie),
        )),
        None,
    )
    .await;
    assert_eq!(
        session.json()["user"]["role"],
        "platform_admin",
        "{}",
        session.json()
    );

    browser.accept_confirmations().await;
    browser
        .click("button[aria-label='Sign out grace@example.com everywhere']")
        .await;
    browser
        .wait_for_text("Signed out everywhere: 1 session")
        .await;
    let session = TestResponse::send(
        app.get("/api/auth/get-session").insert_header((
            "cookie",
            format!("{}={}", resolve_caller::SESSION_COOKIE_NAME, grace.cookie),
        )),
        None,
    )
    .await;
    assert!(session.json().is_null(), "{}", session.json());
    browser.screenshot_at(375, "admin-phone").await;
    dashboard.close().await;
}
