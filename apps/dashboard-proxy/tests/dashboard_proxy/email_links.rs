//! The links sent by email, followed in a browser: a new merchant verifies their address from the
//! banner's email, asks for it again, then forgets their password and chooses a new one.

use crate::Dashboard;

#[actix_web::test]
async fn a_merchant_verifies_their_address_and_resets_a_forgotten_password() {
    let dashboard = Dashboard::start("email-links").await;
    let (app, browser) = (&dashboard.api, &dashboard.browser);
    dashboard.merchant("ada@example.com", "Acme").await;
    browser.wait_for_text("Verify your email address").await;
    browser.screenshot("verify-banner").await;

    // Asked again from the banner: a second link, and either works.
    browser.click(".verify-banner button[type=submit]").await;
    browser.wait_for_text("a new link is on its way").await;
    let links = app.mail.wait_for("ada@example.com", 2).await;
    dashboard.follow(&links[0].link(), "verify-email").await;
    browser
        .wait_for_text("Your email address is verified")
        .await;
    browser.screenshot_at(375, "email-verified-phone").await;
    browser.screenshot_at(1280, "email-verified").await;
    dashboard.visit("/", "home").await;
    browser.wait_for_text("Top products").await;
    assert!(!browser.text().await.contains("Verify your email address"));
    // The other link was not used, but the address is verified: the page says so.
    dashboard
        .follow(&links[1].link(), "verify-email-again")
        .await;
    browser
        .wait_for_text("Your email address is verified")
        .await;
    dashboard
        .visit("/verify-email?token=made-up", "verify-email-dead")
        .await;
    browser
        .wait_for_text("Your email address is verified")
        .await;

    // Signed out, a made-up link offers a new one.
    dashboard.visit("/", "home").await;
    browser.click(".me button[type=submit]").await;
    browser.wait_for_text("Sign in").await;
    dashboard
        .visit("/verify-email?token=made-up", "verify-email-dead")
        .await;
    browser
        .wait_for_text("This link does not work any more")
        .await;
    browser.screenshot("verify-email-dead").await;

    // Forgotten password: the same answer for any address, and a link for the real one.
    dashboard.visit("/sign-in", "sign-in").await;
    browser.click("a[href='/forgot-password']").await;
    browser.wait_for_text("Forgot your password?").await;
    browser.fill("#field-email", "Ada@Example.com").await;
    browser.screenshot("forgot-password").await;
    browser.click("form button[type=submit]").await;
    browser.wait_for_text("we sent it a link").await;
    let reset = app.mail.wait_for("ada@example.com", 3).await;
    let reset = reset.last().unwrap();
    assert_eq!(reset.subject, "Reset your password");

    dashboard.follow(&reset.link(), "reset-password").await;
    browser.wait_for_text("Choose a new password").await;
    browser.fill("#field-newPassword", "short").await;
    browser.click("form button[type=submit]").await;
    browser.wait_for_text("at least 8 characters").await;
    browser
        .screenshot_at(375, "reset-password-refused-phone")
        .await;
    browser.screenshot_at(1280, "reset-password-refused").await;
    browser
        .fill("#field-newPassword", "a brand new secret")
        .await;
    browser.click("form button[type=submit]").await;
    browser.wait_for_text("Your password is changed").await;
    browser.screenshot("password-changed").await;

    // The link worked once.
    dashboard
        .follow(&reset.link(), "reset-password-again")
        .await;
    browser
        .fill("#field-newPassword", "yet another secret")
        .await;
    browser.click("form button[type=submit]").await;
    browser
        .wait_for_text("This link does not work any more")
        .await;

    dashboard.visit("/sign-in", "sign-in").await;
    browser.fill("#field-email", "ada@example.com").await;
    browser.fill("#field-password", "a brand new secret").await;
    browser.click("button[type=submit]").await;
    browser.wait_for_text("Top products").await;
    dashboard.close().await;
}
