//! The whole Agent Auth flow driven through the reference client (`agent-client`), as an agent
//! author would: discover, register, use what is granted at once, wait for approval, lose it again.

use std::time::Duration;

use actix_web::http::Method;
use agent_client::AgentClient;
use serde_json::json;
use test_support::{TestApp, TestResponse};

#[actix_web::test]
async fn discover_register_approve_use_revoke() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1500, 5).await;
    let variant = product["variants"][0]["id"].as_str().unwrap();

    let mut agent = AgentClient::new(&app.address).unwrap();
    let discovery = agent.discover().await.unwrap();
    assert_eq!(discovery["algorithms"], json!(["Ed25519"]));

    // A user of the store connects the runtime's host key in the dashboard.
    let host = json!({"name": "assistant", "publicKey": agent.host.jwk()});
    let connected = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/agent/host/create", &store.owner),
        host,
    )
    .await;
    assert_eq!(connected.json()["thumbprint"], agent.host.thumbprint());

    let registration = agent
        .register("shopper", &["addCartItem", "placeOrder"])
        .await
        .unwrap();
    let user_code = registration.approval.as_ref().unwrap()["user_code"]
        .as_str()
        .unwrap()
        .to_owned();

    // Granted at once.
    let (status, products) = agent.call("GET", "/v1/products", None).await.unwrap();
    assert_eq!(
        (status, products["data"][0]["id"].clone()),
        (200, product["id"].clone())
    );
    let (status, cart) = agent
        .call("POST", "/v1/carts", Some(&json!({})))
        .await
        .unwrap();
    assert_eq!(status, 201);
    let cart = cart["id"].as_str().unwrap().to_owned();
    let order = json!({"cartId": cart, "email": "agent@example.com"});
    let (status, refused) = agent
        .call("POST", "/v1/orders", Some(&order))
        .await
        .unwrap();
    assert_eq!(
        (status, refused["details"]["reason"].as_str()),
        (403, Some("capability_not_granted"))
    );

    // Approved by a signed-in admin with the user code; the agent's wait ends.
    let approved = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/agent/approve", &store.owner),
        json!({"userCode": user_code}),
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.json());
    agent
        .wait_for(
            "placeOrder",
            Duration::from_millis(50),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    let (status, _) = agent
        .call(
            "POST",
            &format!("/v1/carts/{cart}/items"),
            Some(&json!({"variantId": variant, "quantity": 1})),
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    let (status, placed) = agent
        .call("POST", "/v1/orders", Some(&order))
        .await
        .unwrap();
    assert_eq!(
        (status, placed["status"].as_str()),
        (201, Some("pending_payment"))
    );

    // The same through the execute endpoint, by capability name.
    let (status, executed) = agent
        .execute("adminGetOrder", &json!({"id": placed["id"]}))
        .await
        .unwrap();
    assert_eq!(
        (status, executed["details"]["reason"].as_str()),
        (403, Some("insufficient_scope"))
    );
    let (status, executed) = agent.execute("createCart", &json!({})).await.unwrap();
    assert_eq!(status, 201, "{executed}");
    let executed_cart = executed["data"]["id"].clone();
    let (status, executed) = agent
        .execute(
            "addCartItem",
            &json!({"id": executed_cart, "variantId": variant, "quantity": 1}),
        )
        .await
        .unwrap();
    assert_eq!(status, 200, "{executed}");

    // The grant is revoked: 403 again.
    let revoke = json!({"agentId": agent.agent_id, "capability": "placeOrder"});
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/agent/grant/revoke", &store.owner),
        revoke,
    )
    .await;
    let (_, cart) = agent
        .call("POST", "/v1/carts", Some(&json!({})))
        .await
        .unwrap();
    let order = json!({"cartId": cart["id"], "email": "agent@example.com"});
    let (status, refused) = agent
        .call("POST", "/v1/orders", Some(&order))
        .await
        .unwrap();
    assert_eq!(
        (status, refused["details"]["reason"].as_str()),
        (403, Some("capability_not_granted"))
    );
    let (status, refused) = agent
        .execute(
            "placeOrder",
            &json!({"cartId": executed_cart, "email": "agent@example.com"}),
        )
        .await
        .unwrap();
    assert_eq!(
        (status, refused["details"]["reason"].as_str()),
        (403, Some("capability_not_granted"))
    );
}

#[actix_web::test]
async fn enroll_ask_for_more_expire_reactivate_revoke() {
    // A short session, so the api's clock can pass it while the client's tokens (signed by the
    // real clock) stay within their minute.
    let app = TestApp::spawn_with(|settings| {
        settings.agents.lifetimes.session_ttl = chrono::Duration::seconds(20);
    })
    .await;
    let store = app.store("acme").await;
    let mut agent = AgentClient::new(&app.address).unwrap();
    agent.discover().await.unwrap();

    // The user hands the runtime a one-time token; the runtime connects its host with it.
    let enrollment = TestResponse::send_json(
        app.as_user(
            Method::POST,
            "/api/auth/agent/host/enrollment",
            &store.owner,
        ),
        json!({"name": "assistant", "defaultCapabilities": ["addCartItem"]}),
    )
    .await
    .json();
    let host = agent
        .enroll(enrollment["enrollmentToken"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(host["thumbprint"], agent.host.thumbprint());
    let registration = agent.register("shopper", &["addCartItem"]).await.unwrap();
    assert_eq!(registration.status, "active");
    assert!(
        registration.approval.is_none(),
        "a default needs no approval"
    );

    let asked = agent.request_capabilities(&["placeOrder"]).await.unwrap();
    let code = asked["approval"]["user_code"].as_str().unwrap();
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/agent/approve", &store.owner),
        json!({"userCode": code}),
    )
    .await;
    agent
        .wait_for(
            "placeOrder",
            Duration::from_millis(50),
            Duration::from_secs(5),
        )
        .await
        .unwrap();

    // Idle past its session, it expires; its host brings it back to the defaults.
    app.clock.advance(chrono::Duration::seconds(21));
    let (status, _) = agent.call("GET", "/v1/products", None).await.unwrap();
    assert_eq!(status, 401);
    let reactivated = agent.reactivate().await.unwrap();
    assert_eq!(reactivated["status"], "active");
    let (status, _) = agent.call("GET", "/v1/products", None).await.unwrap();
    assert_eq!(status, 200);
    let still: Vec<&str> = reactivated["agent_capability_grants"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|grant| grant["capability"].as_str())
        .collect();
    assert!(
        still.contains(&"addCartItem") && !still.contains(&"placeOrder"),
        "{still:?}"
    );

    let revoked = agent.revoke().await.unwrap();
    assert_eq!(revoked["status"], "revoked");
    let (status, _) = agent.call("GET", "/v1/products", None).await.unwrap();
    assert_eq!(status, 401);
}
