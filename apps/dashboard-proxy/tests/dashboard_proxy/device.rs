//! The CLI's device flow through the dashboard: a signed-out user follows the link, signs in,
//! comes back, approves (or denies), and the CLI's poll gets its answer.

use test_support::{CallerRequest as _, TestResponse};

use crate::Dashboard;

async fn device_code(dashboard: &Dashboard) -> serde_json::Value {
    let request = dashboard
        .api
        .post("/api/auth/device/code")
        .insert_header(("content-type", "application/x-www-form-urlencoded"));
    let answer = TestResponse::send(request, Some("client_id=commerce-cli")).await;
    assert_eq!(answer.status, 200, "{}", answer.json());
    answer.json()
}

async fn poll(dashboard: &Dashboard, device_code: &str) -> TestResponse {
    let request = dashboard
        .api
        .post("/api/auth/device/token")
        .insert_header(("content-type", "application/x-www-form-urlencoded"));
    let body = format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code={device_code}&client_id=commerce-cli"
    );
    TestResponse::send(request, Some(&body)).await
}

/// The path and query of the api's `verification_uri_complete` (the dashboard it names is ours).
pub fn page_of(code: &serde_json::Value) -> String {
    let complete = code["verification_uri_complete"].as_str().unwrap();
    let path = complete.split_once("://").unwrap().1;
    path[path.find('/').unwrap()..].to_owned()
}

#[actix_web::test]
async fn a_signed_out_user_signs_in_comes_back_and_approves() {
    let dashboard = Dashboard::start("device").await;
    let (_, org) = dashboard.api.merchant("ada@example.com", "acme").await;
    let code = device_code(&dashboard).await;
    assert_eq!(
        poll(&dashboard, code["device_code"].as_str().unwrap())
            .await
            .json()["error"],
        "authorization_pending"
    );

    dashboard.visit(&page_of(&code), "device-signed-out").await;
    dashboard.browser.wait_for_text("Sign in").await;
    assert!(dashboard.browser.url_now().await.contains("/sign-in?next="));
    dashboard.sign_in("ada@example.com").await;
    dashboard.browser.wait_for_text("Approve a device?").await;
    let page = dashboard.browser.text().await;
    assert!(page.contains(code["user_code"].as_str().unwrap()), "{page}");
    assert!(
        page.contains("commerce-cli") && page.contains("acme"),
        "{page}"
    );
    assert!(
        page.contains("from 127.0.0.1"),
        "who asks, from where: {page}"
    );
    dashboard.browser.screenshot("device-review").await;
    dashboard
        .browser
        .screenshot_at(375, "device-review-phone")
        .await;
    dashboard.browser.click("button[value=approve]").await;
    dashboard
        .browser
        .wait_for_text("You can return to your device")
        .await;
    dashboard.browser.screenshot("device-approved").await;

    let token = poll(&dashboard, code["device_code"].as_str().unwrap()).await;
    assert_eq!(token.status, 200, "{}", token.json());
    let bearer = token.json()["access_token"].as_str().unwrap().to_owned();
    let whoami =
        TestResponse::send(dashboard.api.get("/v1/whoami").with_bearer(&bearer), None).await;
    assert_eq!(whoami.json()["organizationId"], org.to_string());
    dashboard.close().await;
}

#[actix_web::test]
async fn a_denied_request_gets_no_token_and_a_wrong_code_is_explained() {
    let dashboard = Dashboard::start("device-deny").await;
    dashboard.api.merchant("ada@example.com", "acme").await;
    let code = device_code(&dashboard).await;
    dashboard.visit("/device", "device-enter").await;
    dashboard.sign_in("ada@example.com").await;
    dashboard.browser.wait_for_text("Connect a device").await;

    dashboard
        .browser
        .fill("#field-user_code", "ZZZZ-ZZZZ")
        .await;
    dashboard.browser.click("button[type=submit]").await;
    dashboard
        .browser
        .wait_for_text("No request waits for this code")
        .await;
    dashboard.browser.screenshot("device-unknown-code").await;

    // Typed in lower case with a space: still the code.
    let typed = code["user_code"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .replace('-', " ");
    dashboard.browser.fill("#field-user_code", &typed).await;
    dashboard.browser.click("button[type=submit]").await;
    dashboard.browser.wait_for_text("Approve a device?").await;
    dashboard.browser.click("button[value=deny]").await;
    dashboard.browser.wait_for_text("Request denied").await;
    let token = poll(&dashboard, code["device_code"].as_str().unwrap()).await;
    assert_eq!(token.json()["error"], "access_denied", "{}", token.json());
    dashboard.close().await;
}
