//! API keys from the dashboard: shown once, working, gone on reload, revoked for good; and a
//! member, whom the permission statement denies keys, sees no controls and gets a 403 page.

use actix_web::http::Method;
use test_support::{CallerRequest as _, TestResponse};

use crate::Dashboard;

#[actix_web::test]
async fn a_key_is_shown_once_works_and_stops_working_when_revoked() {
    let dashboard = Dashboard::start("api-keys").await;
    let browser = &dashboard.browser;
    dashboard.merchant("ada@example.com", "Acme").await;
    browser.click("a[href='/settings/api-keys']").await;
    browser.wait_for_text("No keys yet").await;
    browser.screenshot("api-keys-empty").await;

    // No scope chosen: the form again, the name kept.
    browser.fill("#field-name", "Warehouse sync").await;
    browser
        .click("form[action='/settings/api-keys'] button.primary")
        .await;
    browser.wait_for_text("choose at least one scope").await;
    assert_eq!(browser.value("#field-name").await, "Warehouse sync");
    browser.click("input[name=scopes][value=admin]").await;
    browser
        .click("form[action='/settings/api-keys'] button.primary")
        .await;
    let key = browser.find("#new-key-value").await.text().await.unwrap();
    assert!(key.starts_with("ck_"), "{key}");
    browser.screenshot("api-key-created").await;

    let whoami = TestResponse::send(dashboard.api.get("/v1/whoami").with_api_key(&key), None).await;
    assert_eq!(whoami.status, 200, "{}", whoami.json());
    assert_eq!(whoami.json()["kind"], "api_key");

    dashboard
        .visit("/settings/api-keys", "api-keys-reloaded")
        .await;
    assert!(!browser.has("#new-key-value").await);
    let page = browser.text().await;
    assert!(!page.contains(&key), "the key is never shown again");
    assert!(page.contains("Warehouse sync"));

    browser
        .client
        .execute("window.confirm = () => true;", vec![])
        .await
        .unwrap();
    browser
        .click("button[aria-label='Revoke Warehouse sync']")
        .await;
    browser.wait_for_text("The key was revoked").await;
    browser.screenshot("api-key-revoked").await;
    TestResponse::send(dashboard.api.get("/v1/whoami").with_api_key(&key), None)
        .await
        .assert_error(401, "INVALID_API_KEY");
    dashboard.close().await;
}

#[actix_web::test]
async fn a_member_sees_no_key_controls_and_a_hand_made_post_is_a_403_page() {
    let dashboard = Dashboard::start("member").await;
    let api = &dashboard.api;
    let (owner, org) = api.merchant("owner@example.com", "acme").await;
    let member = api.sign_up("member@example.com").await;
    api.add_member(&owner, &member, "member").await;

    // The member signs in, straight into their one store.
    dashboard.visit("/sign-in", "member-sign-in").await;
    dashboard.sign_in("member@example.com").await;
    dashboard.browser.wait_for_text("Top products").await;
    assert!(!dashboard.browser.has("a[href='/settings/api-keys']").await);

    dashboard
        .visit("/settings/api-keys", "member-api-keys")
        .await;
    dashboard
        .browser
        .wait_for_text("You don't have permission")
        .await;

    // By hand, with the member's own session in the store: the api's 403, as a page.
    let set_active = TestResponse::send_json(
        api.as_user(Method::POST, "/api/auth/organization/set-active", &member),
        serde_json::json!({"organizationId": org.to_string()}),
    )
    .await;
    assert_eq!(set_active.status, 200, "{}", set_active.json());
    let post = api
        .client
        .post(dashboard.url("/settings/api-keys"))
        .with_session_cookie(&member.cookie)
        .insert_header(("origin", dashboard.edge.as_str()))
        .insert_header(("content-type", "application/x-www-form-urlencoded"));
    let refused = TestResponse::send(post, Some("name=mine&scopes=admin&lifetime=never")).await;
    assert_eq!(refused.status, 403);
    assert!(
        refused
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        String::from_utf8_lossy(&refused.body).contains("You don&#39;t have permission")
            || String::from_utf8_lossy(&refused.body).contains("You don't have permission")
    );
    dashboard.close().await;
}
