//! What an attacker tries and what breaks: a cross-site form post, an off-site `next`, the api
//! down; and the headers every page carries.

use std::time::Duration;

use actix_web::http::Method;
use test_support::{Browser, CallerRequest as _, TestApp, TestResponse};

use crate::{Dashboard, proxy};

#[actix_web::test]
async fn a_cross_site_form_post_is_refused_before_the_api() {
    let api = TestApp::spawn().await;
    let edge = proxy::spawn_edge(&api.address);
    let (user, _) = api.merchant("ada@example.com", "acme").await;
    for origin in [Some("http://evil.test"), None] {
        let mut post = api
            .client
            .post(format!("{edge}/onboarding"))
            .with_session_cookie(&user.cookie)
            .insert_header(("content-type", "application/x-www-form-urlencoded"));
        if let Some(origin) = origin {
            post = post.insert_header(("origin", origin));
        }
        let refused = TestResponse::send(post, Some("name=Evil+Store&slug=evil-store")).await;
        assert_eq!(refused.status, 403, "origin {origin:?}");
        assert!(
            String::from_utf8_lossy(&refused.body).contains("This form came from another site")
        );
    }
    let stores = TestResponse::send(
        api.as_user(Method::GET, "/api/auth/organization/list", &user),
        None,
    )
    .await;
    assert_eq!(
        stores.json()["data"].as_array().unwrap().len(),
        1,
        "no store was created"
    );

    // From the dashboard's own origin, the same post creates the store.
    let client = awc::Client::builder().disable_redirects().finish();
    let post = client
        .post(format!("{edge}/onboarding"))
        .with_session_cookie(&user.cookie)
        .insert_header(("origin", edge.as_str()))
        .insert_header(("content-type", "application/x-www-form-urlencoded"));
    let created = TestResponse::send(post, Some("name=Second+Store")).await;
    assert_eq!(created.status, 303);
}

#[actix_web::test]
async fn next_never_leads_off_the_site() {
    let dashboard = Dashboard::start("next").await;
    dashboard.api.merchant("ada@example.com", "acme").await;
    for next in ["https://evil.test/phish", "//evil.test", "/\\evil.test"] {
        let encoded =
            percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC);
        dashboard
            .visit(&format!("/sign-in?next={encoded}"), "next-evil")
            .await;
        dashboard.sign_in("ada@example.com").await;
        dashboard.browser.wait_for_text("Top products").await;
        let now = dashboard.browser.url_now().await;
        assert_eq!(now, format!("{}/", dashboard.edge), "after next={next}");
        dashboard.browser.client.delete_all_cookies().await.unwrap();
    }
    dashboard.close().await;
}

#[actix_web::test]
async fn the_api_down_is_a_502_page_with_a_retry_link() {
    let edge = proxy::spawn_edge(&test_support::unreachable_url());
    let browser = Browser::start("api-down", 1280).await;
    browser
        .visit(&format!("{edge}/sign-in"), "sign-in-api-down")
        .await;
    browser.fill("#field-email", "ada@example.com").await;
    browser
        .fill("#field-password", "correct horse battery")
        .await;
    browser.click("button[type=submit]").await;
    browser.wait_for_text("not answering").await;
    browser.screenshot("api-down").await;
    assert!(
        browser.has("a.button[href='/sign-in']").await,
        "a retry link"
    );

    let client = awc::Client::builder()
        .timeout(Duration::from_secs(10))
        .finish();
    let page = TestResponse::send(
        client
            .get(format!("{edge}/"))
            .with_session_cookie("some.session"),
        None,
    )
    .await;
    assert_eq!(page.status, 502);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let json = TestResponse::send(
        client
            .get(format!("{edge}/"))
            .with_session_cookie("some.session")
            .insert_header(("accept", "application/json")),
        None,
    )
    .await;
    json.assert_error(502, "BAD_GATEWAY");
    browser.close().await;
}

#[actix_web::test]
async fn pages_carry_security_headers_and_signed_out_pages_redirect_early() {
    let edge = proxy::spawn_edge(&test_support::unreachable_url());
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(10))
        .disable_redirects()
        .finish();
    let page = TestResponse::send(client.get(format!("{edge}/sign-in")), None).await;
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));
    assert!(
        !String::from_utf8_lossy(&page.body).contains("<script>"),
        "no inline script"
    );

    // No session cookie: sign-in, without asking the (here unreachable) api.
    for path in ["/", "/products?q=tee", "/device?user_code=ABCD-EFGH"] {
        let redirect = TestResponse::send(client.get(format!("{edge}{path}")), None).await;
        assert_eq!(redirect.status, 303, "{path}");
        let location = redirect.header("location").unwrap();
        assert!(location.starts_with("/sign-in?next="), "{location}");
    }
    let unknown = TestResponse::send(client.get(format!("{edge}/nowhere")), None).await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
}
