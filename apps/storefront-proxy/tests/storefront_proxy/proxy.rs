//! The storefront edge in front of a live api: the shopper's `Host` decides the store.

use std::time::Duration;

use serde_json::json;
use test_support::{CallerRequest as _, TestApp, TestResponse};

fn spawn_edge(upstream_url: &str) -> String {
    test_support::spawn_edge(
        storefront_proxy::bind,
        upstream_url,
        Duration::from_secs(10),
    )
}

#[actix_web::test]
async fn the_shoppers_host_resolves_the_store_through_the_edge() {
    let api = TestApp::spawn().await;
    let acme = api.create_org("Acme").await;
    api.add_storefront(acme, "shop.acme.test").await;
    let edge = spawn_edge(&api.address);

    for host in ["shop.acme.test", "SHOP.ACME.TEST:443"] {
        let request = api.client.get(format!("{edge}/v1/whoami")).on_host(host);
        let response = TestResponse::send(request, None).await;
        assert_eq!(response.status, 200, "{host}");
        assert_eq!(
            response.json(),
            json!({"kind": "host", "organizationId": acme.to_string(), "scopes": ["storefront"], "principalId": "shop.acme.test"})
        );
    }
}

#[actix_web::test]
async fn an_unknown_store_is_the_apis_401_and_a_forged_forwarded_host_changes_nothing() {
    let api = TestApp::spawn_with(|settings| settings.trust_proxy = true).await;
    let acme = api.create_org("Acme").await;
    api.add_storefront(acme, "shop.acme.test").await;
    let edge = spawn_edge(&api.address);

    let request = api
        .client
        .get(format!("{edge}/v1/whoami"))
        .on_host("unknown.example")
        .insert_header(("x-forwarded-host", "shop.acme.test"));
    TestResponse::send(request, None)
        .await
        .assert_error(401, "UNKNOWN_HOST");
}

#[actix_web::test]
async fn the_shoppers_cookie_reaches_the_api() {
    let api = TestApp::spawn().await;
    let acme = api.create_org("Acme").await;
    api.add_storefront(acme, "shop.acme.test").await;
    let edge = spawn_edge(&api.address);
    let request = api
        .client
        .get(format!("{edge}/v1/whoami"))
        .on_host("shop.acme.test")
        .with_session_cookie("not-a-session-we-issued");
    // The cookie outranks the host, so the api refuses it rather than answering as the storefront.
    TestResponse::send(request, None)
        .await
        .assert_error(401, "INVALID_SESSION");
}

/// L9: a storefront is for shoppers: an API key sent through a store's domain never reaches the
/// api (the request is the storefront's, by its host), while the api itself still takes it.
#[actix_web::test]
async fn an_api_key_sent_to_a_storefront_is_not_forwarded() {
    let api = TestApp::spawn().await;
    let (owner, acme) = api.merchant("owner@acme.test", "acme").await;
    api.add_storefront(acme, "shop.acme.test").await;
    let key = api.api_key(&owner, &["admin"]).await;
    let edge = spawn_edge(&api.address);
    let through_the_store = api
        .client
        .get(format!("{edge}/v1/whoami"))
        .on_host("shop.acme.test")
        .with_api_key(&key);
    let answer = TestResponse::send(through_the_store, None).await;
    assert_eq!(answer.status, 200, "{}", answer.json());
    assert_eq!(answer.json()["kind"], "host", "{}", answer.json());
    let direct = TestResponse::send(api.get("/v1/whoami").with_api_key(&key), None).await;
    assert_eq!(direct.json()["kind"], "api_key");
}

#[actix_web::test]
async fn a_down_api_is_a_502_envelope() {
    let edge = spawn_edge(&test_support::unreachable_url());
    let client = awc::Client::default();
    let request = client
        .get(format!("{edge}/v1/whoami"))
        .on_host("shop.acme.test");
    TestResponse::send(request, None)
        .await
        .assert_error(502, "BAD_GATEWAY");
}
