//! The dashboard edge in front of a live api: the browser's credentials reach the api, nothing else
//! decides the tenant.

use std::time::Duration;

use test_support::{CallerRequest as _, TestApp, TestResponse};

pub fn spawn_edge(upstream_url: &str) -> String {
    test_support::spawn_edge(dashboard_proxy::bind, upstream_url, Duration::from_secs(10))
}

#[actix_web::test]
async fn the_session_cookie_and_api_key_reach_the_api() {
    let api = TestApp::spawn().await;
    let edge = spawn_edge(&api.address);
    let cookie = api
        .client
        .get(format!("{edge}/v1/whoami"))
        .with_session_cookie("not-a-session-we-issued");
    TestResponse::send(cookie, None)
        .await
        .assert_error(401, "INVALID_SESSION");
    let key = api
        .client
        .get(format!("{edge}/v1/whoami"))
        .with_api_key("ck_not_a_real_key_0000");
    TestResponse::send(key, None)
        .await
        .assert_error(401, "INVALID_API_KEY");
}

/// Behind the dashboard, a storefront `Host` (even forwarded, even to an api that trusts its
/// proxy) never makes a request a storefront caller.
#[actix_web::test]
async fn the_dashboard_never_lends_its_callers_a_storefront() {
    let api = TestApp::spawn_with(|settings| settings.trust_proxy = true).await;
    let acme = api.create_org("Acme").await;
    api.add_storefront(acme, "shop.acme.test").await;
    let edge = spawn_edge(&api.address);
    let request = api
        .client
        .get(format!("{edge}/v1/whoami"))
        .insert_header(("x-forwarded-host", "shop.acme.test"));
    let body = TestResponse::send(request, None)
        .await
        .assert_error(401, "UNKNOWN_HOST");
    assert_eq!(
        body["details"]["signInUrl"],
        "http://localhost:3000/sign-in"
    );
}

#[actix_web::test]
async fn api_errors_pass_through_unchanged() {
    let api = TestApp::spawn().await;
    let edge = spawn_edge(&api.address);
    let response = TestResponse::send(api.client.get(format!("{edge}/v1/nowhere")), None).await;
    response.assert_error(404, "NOT_FOUND");
    assert!(response.header("x-request-id").is_some());
}
