//! Running the store: its settings, its domains, its team and the audit log of what they did.

use test_support::{TestDns, TestResponse};

use crate::Dashboard;

#[actix_web::test]
async fn store_settings_domains_team_and_the_audit_log() {
    let dns = TestDns::start().await;
    let dns_address = dns.address;
    let dashboard = Dashboard::start_with("settings", |settings| {
        settings.dns_resolver = Some(dns_address);
    })
    .await;
    let (app, browser) = (&dashboard.api, &dashboard.browser);
    dashboard.merchant("ada@example.com", "Acme").await;
    let colleague = app.sign_up("grace@example.com").await;
    app.store("globex").await;

    // Settings: a bad currency is refused on its field, the rest kept; then saved.
    dashboard.visit("/settings/store", "settings-store").await;
    browser.fill("#field-name", "Acme Outfitters").await;
    browser.fill("#field-currency", "EURO").await;
    browser.fill("#field-supportEmail", "help@acme.test").await;
    browser.click("button[type=submit].primary").await;
    browser.wait_for_text("three-letter").await;
    assert_eq!(browser.value("#field-name").await, "Acme Outfitters");
    browser.fill("#field-currency", "usd").await;
    browser.fill("#field-accentColor", "#AA3300").await;
    browser.click("button[type=submit].primary").await;
    browser.wait_for_text("Settings saved").await;
    assert_eq!(browser.value("#field-currency").await, "USD");
    assert_eq!(browser.value("#field-accentColor").await, "#aa3300");
    browser.screenshot("settings-store").await;

    // Domains: added (pending until its TXT record proves it), checked too early, proven;
    // another store's refused with the reason; removed.
    dashboard
        .visit("/settings/domains", "settings-domains")
        .await;
    browser.fill("#field-hostname", "Shop.Acme.test").await;
    browser.click("button[type=submit].primary").await;
    browser.wait_for_text("Domain added").await;
    let text = browser.text().await;
    assert!(
        text.contains("shop.acme.test") && text.contains("pending"),
        "{text}"
    );
    let value = text
        .split_whitespace()
        .find(|word| word.starts_with("commerce-verification="))
        .expect("the TXT value is shown")
        .to_owned();
    browser
        .screenshot_at(375, "settings-domains-pending-phone")
        .await;
    // Back to the desktop width the rest of the test is looked at in.
    browser
        .screenshot_at(1280, "settings-domains-pending")
        .await;
    browser
        .click("button[aria-label='Check shop.acme.test now']")
        .await;
    browser.wait_for_text("no TXT record").await;
    dns.publish_txt("_commerce-verification.shop.acme.test", &value);
    browser
        .click("button[aria-label='Check shop.acme.test now']")
        .await;
    browser.wait_for_text("Domain verified").await;
    let served = TestResponse::send(
        app.get("/v1/whoami")
            .insert_header(("host", "shop.acme.test")),
        None,
    )
    .await;
    assert_eq!(served.status, 200, "a verified domain serves the store");
    browser.fill("#field-hostname", "globex.shop.test").await;
    browser.click("button[type=submit].primary").await;
    browser.wait_for_text("already").await;
    assert_eq!(browser.value("#field-hostname").await, "globex.shop.test");
    browser.screenshot("settings-domains").await;
    browser.accept_confirmations().await;
    browser
        .click("button[aria-label='Remove shop.acme.test']")
        .await;
    browser.wait_for_text("Domain removed").await;
    let shop = TestResponse::send(
        app.get("/v1/products")
            .insert_header(("host", "shop.acme.test")),
        None,
    )
    .await;
    assert_eq!(
        shop.status, 401,
        "a removed domain no longer serves the store"
    );

    // Team: a bad address is refused with the form kept; a colleague invited, joining when they
    // accept, promoted, removed.
    dashboard.visit("/settings/team", "settings-team").await;
    browser.fill("#field-email", "nobody@example").await;
    browser.click("button[type=submit].primary").await;
    browser.wait_for_text("must be an email address").await;
    assert_eq!(browser.value("#field-email").await, "nobody@example");
    browser.fill("#field-email", &colleague.email).await;
    browser.click("button[type=submit].primary").await;
    browser.wait_for_text("Invitation sent").await;
    browser
        .wait_for_text("Invitations waiting for an answer")
        .await;
    browser.screenshot("settings-team-invited").await;
    app.mail
        .wait_for_matching(&colleague.email, 1, |mail| {
            mail.subject.contains("invited you")
        })
        .await;
    assert_eq!(app.accept_invitation(&colleague).await.status, 200);
    dashboard.visit("/settings/team", "settings-team").await;
    assert!(
        !browser
            .text()
            .await
            .contains("Invitations waiting for an answer")
    );
    let role_select = format!("#role-{}", colleague.user_id);
    browser
        .find(&format!("{role_select} option[value=admin]"))
        .await
        .click()
        .await
        .unwrap();
    browser
        .click(&format!("form:has({role_select}) button[type=submit]"))
        .await;
    browser.wait_for_text("Role changed").await;
    assert_eq!(
        browser.value(&role_select).await,
        "admin",
        "the role is changed in the api, and the page reads it back"
    );
    browser.screenshot("settings-team").await;
    browser.accept_confirmations().await;
    browser
        .click(&format!("button[aria-label='Remove {}']", colleague.email))
        .await;
    browser.wait_for_text("Member removed").await;

    // The audit log tells it all.
    dashboard.visit("/audit", "audit").await;
    let page = browser.text().await;
    for action in [
        "member invited",
        "member added",
        "member role changed",
        "member removed",
        "store domain added",
    ] {
        assert!(page.contains(action), "`{action}` in {page}");
    }
    browser.screenshot_at(375, "audit-phone").await;
    dashboard.close().await;
}
