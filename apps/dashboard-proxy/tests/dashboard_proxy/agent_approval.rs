//! An AI agent's approval through the dashboard: the reference client registers asking for two
//! capabilities, its user follows the link, approves one of them within a limit, and the agent
//! can do exactly that; an old sign-in is asked to sign in again first.

use std::time::Duration;

use actix_web::http::Method;
use agent_client::AgentClient;
use serde_json::{Value, json};
use test_support::{TestApp, TestResponse, TestStore};

use crate::Dashboard;
use crate::device::page_of;

/// An agent of `store` registered under a host its owner connected, waiting for approval of
/// `addCartItem` and `placeOrder`; answers it and its approval (`user_code`, the page's URL).
pub async fn waiting_agent(app: &TestApp, store: &TestStore) -> (AgentClient, Value) {
    let mut agent = AgentClient::new(&app.address).unwrap();
    agent.discover().await.unwrap();
    let host = json!({"name": "Ada's assistant", "publicKey": agent.host.jwk()});
    let connected = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/agent/host/create", &store.owner),
        host,
    )
    .await;
    assert_eq!(connected.status, 201, "{}", connected.json());
    let registration = agent
        .register("shopping agent", &["addCartItem", "placeOrder"])
        .await
        .unwrap();
    let approval = registration.approval.unwrap();
    (agent, approval)
}

async fn add(agent: &AgentClient, cart: &str, variant: &str, quantity: i64) -> (u16, Value) {
    agent
        .call(
            "POST",
            &format!("/v1/carts/{cart}/items"),
            Some(&json!({"variantId": variant, "quantity": quantity})),
        )
        .await
        .unwrap()
}

#[actix_web::test]
async fn approve_one_capability_of_two_with_a_quantity_limit() {
    let dashboard = Dashboard::start("agent-approval").await;
    let app = &dashboard.api;
    let browser = &dashboard.browser;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1500, 50).await;
    let variant = product["variants"][0]["id"].as_str().unwrap();
    let (agent, approval) = waiting_agent(app, &store).await;

    dashboard
        .visit(&page_of(&approval), "agent-approval-signed-out")
        .await;
    browser.wait_for_text("Sign in").await;
    dashboard.sign_in(&store.owner.email).await;
    browser.wait_for_text("Approve this agent?").await;
    let page = browser.text().await;
    for shown in [
        "shopping agent",
        "Ada's assistant",
        "acme",
        "addCartItem",
        "Add a published variant to a cart",
        "placeOrder",
        "Place an order from a cart",
        "from 127.0.0.1",
    ] {
        assert!(page.contains(shown), "`{shown}` is shown: {page}");
    }
    browser.screenshot("agent-approval").await;
    browser.screenshot_at(375, "agent-approval-phone").await;

    // A limit that is not a count keeps the form as it was, with the reason.
    browser.click("input[name=grant][value=placeOrder]").await;
    browser
        .fill("#field-limit-addCartItem-quantity", "-1")
        .await;
    browser.click("button[value=approve]").await;
    browser.wait_for_text("Enter a whole number").await;
    assert!(
        !browser
            .find("input[name=grant][value=placeOrder]")
            .await
            .is_selected()
            .await
            .unwrap(),
        "the unticked capability stays unticked"
    );
    browser.screenshot("agent-approval-invalid-limit").await;

    browser.fill("#field-limit-addCartItem-quantity", "5").await;
    browser.click("button[value=approve]").await;
    browser.wait_for_text("Agent approved").await;
    let page = browser.text().await;
    assert!(page.contains("quantity at most 5"), "{page}");
    assert!(!page.contains("placeOrder"), "{page}");
    browser.screenshot("agent-approved").await;

    agent
        .wait_for(
            "addCartItem",
            Duration::from_millis(50),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    let (status, cart) = agent
        .call("POST", "/v1/carts", Some(&json!({})))
        .await
        .unwrap();
    assert_eq!(status, 201, "{cart}");
    let cart = cart["id"].as_str().unwrap();
    assert_eq!(add(&agent, cart, variant, 5).await.0, 200);
    let (status, refused) = add(&agent, cart, variant, 6).await;
    assert_eq!(status, 403, "{refused}");
    let order = json!({"cartId": cart, "email": "agent@example.com"});
    let (status, refused) = agent
        .call("POST", "/v1/orders", Some(&order))
        .await
        .unwrap();
    assert_eq!(
        (status, refused["details"]["reason"].as_str()),
        (403, Some("capability_not_granted")),
        "{refused}"
    );
    dashboard.close().await;
}

#[actix_web::test]
async fn a_sign_in_older_than_five_minutes_signs_in_again_first() {
    let dashboard = Dashboard::start("agent-approval-fresh").await;
    let app = &dashboard.api;
    let browser = &dashboard.browser;
    let store = app.store("acme").await;
    let (_agent, approval) = waiting_agent(app, &store).await;
    dashboard.visit("/sign-in", "sign-in").await;
    dashboard.sign_in(&store.owner.email).await;
    browser.wait_for_text("Top products").await;

    app.clock.advance(chrono::Duration::minutes(6));
    dashboard
        .visit(&page_of(&approval), "agent-approval-stale")
        .await;
    browser.wait_for_text("Sign in again").await;
    assert!(
        !browser.has("button[value=approve]").await,
        "no decision is offered to an old sign-in"
    );
    browser.screenshot("agent-approval-sign-in-again").await;
    browser.click("a.button.primary").await;
    dashboard.sign_in(&store.owner.email).await;
    browser.wait_for_text("Approve this agent?").await;
    browser.click("button[value=approve]").await;
    browser.wait_for_text("Agent approved").await;

    let code = approval["user_code"].as_str().unwrap();
    let looked_up = TestResponse::send(
        app.as_user(
            Method::GET,
            &format!("/api/auth/agent/approval?user_code={code}"),
            &store.owner,
        ),
        None,
    )
    .await;
    assert_eq!(
        looked_up.json()["status"],
        "approved",
        "{}",
        looked_up.json()
    );
    dashboard.close().await;
}

#[actix_web::test]
async fn someone_outside_the_store_finds_no_request_under_the_code() {
    let dashboard = Dashboard::start("agent-approval-outsider").await;
    let app = &dashboard.api;
    let store = app.store("acme").await;
    let (_agent, approval) = waiting_agent(app, &store).await;
    app.store("globex").await;
    dashboard.visit(&page_of(&approval), "sign-in").await;
    dashboard.sign_in("owner@globex.test").await;
    dashboard
        .browser
        .wait_for_text("No request waits for this code")
        .await;
    assert!(!dashboard.browser.text().await.contains("shopping agent"));
    dashboard.close().await;
}
