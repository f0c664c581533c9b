//! The Agents page: a CIBA request waits for its user and is approved from there; a grant, then a
//! whole host are revoked and the agent feels it at once; an enrollment token connects a host.

use actix_web::http::Method;
use agent_client::AgentClient;
use serde_json::json;
use test_support::TestResponse;

use crate::Dashboard;
use crate::agent_approval::waiting_agent;

#[actix_web::test]
async fn decide_a_waiting_request_revoke_a_grant_and_a_host_and_enroll_another() {
    let dashboard = Dashboard::start("agents").await;
    let (app, browser) = (&dashboard.api, &dashboard.browser);
    let store = app.store("acme").await;
    let (agent, approval) = waiting_agent(app, &store).await;
    let approved = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/agent/approve", &store.owner),
        json!({"userCode": approval["user_code"]}),
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.json());

    // The agent asks its user (by email) for more, with a message to match.
    let asked = agent
        .call(
            "POST",
            "/api/auth/agent/request-capability",
            Some(&json!({
                "capabilities": ["adminGetStats"],
                "preferred_method": "ciba",
                "login_hint": store.owner.email,
                "binding_message": "numbers for the weekly report",
            })),
        )
        .await
        .unwrap();
    assert_eq!(asked.1["approval"]["method"], "ciba", "{}", asked.1);

    dashboard.visit("/agents", "sign-in").await;
    dashboard.sign_in(&store.owner.email).await;
    browser.wait_for_text("Waiting for your decision").await;
    let page = browser.text().await;
    for shown in [
        "numbers for the weekly report",
        "adminGetStats",
        "shopping agent",
        "Ada's assistant",
    ] {
        assert!(page.contains(shown), "`{shown}`: {page}");
    }
    browser.screenshot("agents").await;
    browser.screenshot_at(375, "agents-phone").await;
    browser.screenshot_at(1280, "agents").await;
    browser.click("#waiting a.button.primary").await;
    browser.wait_for_text("Approve this agent?").await;
    assert!(
        browser
            .text()
            .await
            .contains("numbers for the weekly report")
    );
    browser.click("button[value=approve]").await;
    browser.wait_for_text("Agent approved").await;
    let (status, _) = agent.call("GET", "/v1/admin/stats", None).await.unwrap();
    assert_eq!(status, 200);

    // A grant revoked: that call stops, the others go on.
    dashboard.visit("/agents", "agents-approved").await;
    assert!(!browser.text().await.contains("Waiting for your decision"));
    browser
        .click("button[aria-label='Revoke adminGetStats from shopping agent']")
        .await;
    browser.wait_for_text("The capability was revoked").await;
    let (status, _) = agent.call("GET", "/v1/admin/stats", None).await.unwrap();
    assert_eq!(status, 403);
    let (status, _) = agent
        .call("POST", "/v1/carts", Some(&json!({})))
        .await
        .unwrap();
    assert_eq!(status, 201);

    // An enrollment token, shown once, connects a new host.
    browser.fill("#field-name", "Support assistant").await;
    browser
        .fill("#field-defaultCapabilities", "listProducts, getProduct")
        .await;
    browser.click("#enroll button[type=submit]").await;
    browser.wait_for_text("shown only this once").await;
    let token = browser
        .find("#enrollment-token")
        .await
        .text()
        .await
        .unwrap();
    browser.screenshot("agents-enrollment").await;
    let runtime = AgentClient::new(&app.address).unwrap();
    let enrolled = runtime.enroll(token.trim()).await.unwrap();
    assert_eq!(enrolled["name"], "Support assistant", "{enrolled}");
    dashboard.visit("/agents", "agents-enrolled").await;
    let page = browser.text().await;
    assert!(
        page.contains("Support assistant") && !page.contains(token.trim()),
        "{page}"
    );

    // The first host revoked: its agent is refused.
    browser.accept_confirmations().await;
    browser
        .click("button[aria-label=\"Revoke host Ada's assistant\"]")
        .await;
    browser.wait_for_text("The host was revoked").await;
    let (status, _) = agent
        .call("POST", "/v1/carts", Some(&json!({})))
        .await
        .unwrap();
    assert_eq!(status, 401);
    dashboard.close().await;
}
