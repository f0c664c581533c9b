//! `POST /api/auth/agent/capability/execute`: an agent runs its capabilities by name, in-process,
//! through the same checks as the REST routes, with tokens meant for that endpoint alone.

use actix_web::http::Method;
use serde_json::{Value, json};
use test_support::{CallerRequest as _, TestAgent, TestApp, TestResponse, TestStore};

const EXECUTE: &str = "/api/auth/agent/capability/execute";

async fn execute(
    app: &TestApp,
    agent: &TestAgent,
    capability: &str,
    arguments: Value,
) -> TestResponse {
    let token = agent.execute_token(app.clock_now().timestamp());
    TestResponse::send_json(
        app.post(EXECUTE).with_bearer(&token),
        json!({"capability": capability, "arguments": arguments}),
    )
    .await
}

async fn shopper(app: &TestApp, store: &TestStore, capabilities: &[&str]) -> TestAgent {
    let owner = store.owner.user_id.parse().unwrap();
    app.agent(store.org, Some(owner), capabilities).await
}

#[actix_web::test]
async fn an_agent_shops_through_execute() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "MUG", 1200, 3).await;
    let variant = product["variants"][0]["id"].clone();
    let agent = shopper(
        &app,
        &store,
        &["listProducts", "createCart", "addCartItem", "placeOrder"],
    )
    .await;

    let listed = execute(&app, &agent, "listProducts", json!({"limit": 1})).await;
    assert_eq!(listed.status, 200, "{}", listed.json());
    assert_eq!(listed.json()["data"]["data"][0]["id"], product["id"]);

    let cart = execute(&app, &agent, "createCart", json!({})).await;
    assert_eq!(cart.status, 201, "{}", cart.json());
    let cart = cart.json()["data"]["id"].clone();
    let added = execute(
        &app,
        &agent,
        "addCartItem",
        json!({"id": cart, "variantId": variant, "quantity": 2}),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.json());
    assert_eq!(added.json()["data"]["items"][0]["quantity"], 2);

    // An Idempotency-Key reaches the operation: the retry is the same order.
    let place = || {
        TestResponse::send_json(
            app.post(EXECUTE)
                .with_bearer(&agent.execute_token(app.clock_now().timestamp()))
                .insert_header(("idempotency-key", "agent-order-1")),
            json!({"capability": "placeOrder", "arguments": {"cartId": cart, "email": "agent@example.com"}}),
        )
    };
    let placed = place().await;
    assert_eq!(placed.status, 201, "{}", placed.json());
    let order = placed.json()["data"].clone();
    assert_eq!(order["status"], "pending_payment");
    assert_eq!(place().await.json()["data"]["id"], order["id"]);

    // Each executed change is audited with the ids it acted on; reads are not.
    let key = app.api_key(&store.owner, &["admin"]).await;
    let events = TestResponse::send(app.get("/v1/admin/audit-events").with_api_key(&key), None)
        .await
        .json();
    let executed: Vec<&Value> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["action"] == "agent_capability_executed")
        .collect();
    let subjects: Vec<&str> = executed
        .iter()
        .map(|event| event["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        ["placeOrder", "placeOrder", "addCartItem", "createCart"]
    );
    assert_eq!(executed[0]["details"]["arguments"], json!({"cartId": cart}));
    assert_eq!(
        executed[2]["details"]["arguments"],
        json!({"id": cart, "variantId": variant})
    );
    assert_eq!(executed[0]["principalId"], agent.id.to_string());
}

#[actix_web::test]
async fn execute_holds_the_agent_to_its_grants_and_its_organization() {
    let app = TestApp::spawn().await;
    let acme = app.store("acme").await;
    let globex = app.store("globex").await;
    let theirs = app.product(&globex, "G-1", 100, 1).await;
    let agent = shopper(&app, &acme, &["getProduct", "createCart"]).await;

    let refused = execute(
        &app,
        &agent,
        "placeOrder",
        json!({"cartId": uuid::Uuid::now_v7()}),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    assert_eq!(refused["details"]["reason"], "capability_not_granted");
    assert_eq!(refused["error"], "capability_not_granted");
    assert_eq!(refused["message"], "Capability not granted");
    let refused = execute(&app, &agent, "adminListOrders", json!({}))
        .await
        .assert_error(403, "FORBIDDEN");
    assert_eq!(refused["details"]["reason"], "insufficient_scope");

    // Another store's product does not exist for this agent.
    execute(&app, &agent, "getProduct", json!({"id": theirs["id"]}))
        .await
        .assert_error(404, "NOT_FOUND");

    // Only the api's `/v1` operations are capabilities.
    for name in [
        "whoami",
        "receivePaymentWebhook",
        "createAgentHost",
        "nothing",
    ] {
        let missing = execute(&app, &agent, name, json!({}))
            .await
            .assert_error(404, "NOT_FOUND");
        assert_eq!(missing["error"], "capability_not_found");
    }
    // Arguments the operation cannot take are refused, not dropped.
    let refused = execute(&app, &agent, "getProduct", json!({"sku": "G-1"}))
        .await
        .assert_error(400, "VALIDATION_ERROR");
    assert_eq!(refused["details"]["fields"][0]["field"], "arguments.id");
    assert_eq!(refused["details"]["fields"][1]["field"], "arguments.sku");
    // The operation's own validation answers as it would over REST.
    execute(&app, &agent, "getProduct", json!({"id": "not-a-uuid"}))
        .await
        .assert_error(400, "VALIDATION_ERROR");
}

#[actix_web::test]
async fn execute_keeps_the_constraints_of_a_grant() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "MUG", 1200, 10).await;
    let variant = product["variants"][0]["id"].clone();
    let agent = shopper(&app, &store, &["createCart", "addCartItem"]).await;
    app.constrain(&agent, "addCartItem", json!({"quantity": {"max": 2}}))
        .await;

    let cart = execute(&app, &agent, "createCart", json!({})).await.json()["data"]["id"].clone();
    let refused = execute(
        &app,
        &agent,
        "addCartItem",
        json!({"id": cart, "variantId": variant, "quantity": 5}),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    assert_eq!(refused["details"]["reason"], "constraint_violated");
    let added = execute(
        &app,
        &agent,
        "addCartItem",
        json!({"id": cart, "variantId": variant, "quantity": 2}),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.json());
}

#[actix_web::test]
async fn execute_tokens_are_good_for_execute_only() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let agent = shopper(&app, &store, &["listProducts"]).await;
    let now = app.clock_now().timestamp();

    // A token for the api's routes is not one for execute, and the other way round.
    let refused = TestResponse::send_json(
        app.post(EXECUTE).with_bearer(&agent.token(now)),
        json!({"capability": "listProducts", "arguments": {}}),
    )
    .await
    .assert_error(401, "INVALID_AGENT_TOKEN");
    assert_eq!(refused["details"]["failure"], "invalid_audience");
    assert_eq!(refused["error"], "invalid_audience");
    let refused = TestResponse::send(
        app.get("/v1/products")
            .with_bearer(&agent.execute_token(now)),
        None,
    )
    .await
    .assert_error(401, "INVALID_AGENT_TOKEN");
    assert_eq!(refused["details"]["failure"], "invalid_audience");

    // Only agents execute.
    let key = app.api_key(&store.owner, &["admin", "storefront"]).await;
    TestResponse::send_json(
        app.post(EXECUTE).with_api_key(&key),
        json!({"capability": "listProducts", "arguments": {}}),
    )
    .await
    .assert_error(401, "INVALID_AGENT_TOKEN");
    TestResponse::send_json(
        app.as_user(Method::POST, EXECUTE, &store.owner),
        json!({"capability": "listProducts", "arguments": {}}),
    )
    .await
    .assert_error(401, "INVALID_AGENT_TOKEN");
    TestResponse::send_json(
        app.post(EXECUTE).on_host(&store.host),
        json!({"capability": "listProducts", "arguments": {}}),
    )
    .await
    .assert_error(401, "INVALID_AGENT_TOKEN");
}

#[actix_web::test]
async fn racing_executions_never_sell_more_than_the_stock() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "LAST", 900, 5).await;
    let variant = product["variants"][0]["id"].clone();
    let agent = shopper(&app, &store, &["createCart", "addCartItem", "placeOrder"]).await;
    let mut carts = Vec::new();
    for _ in 0..20 {
        let cart =
            execute(&app, &agent, "createCart", json!({})).await.json()["data"]["id"].clone();
        let added = execute(
            &app,
            &agent,
            "addCartItem",
            json!({"id": cart, "variantId": variant, "quantity": 1}),
        )
        .await;
        assert_eq!(added.status, 200, "{}", added.json());
        carts.push(cart);
    }
    let attempts = carts.iter().map(|cart| {
        execute(
            &app,
            &agent,
            "placeOrder",
            json!({"cartId": cart, "email": "race@example.com"}),
        )
    });
    let outcomes = futures_util::future::join_all(attempts).await;
    let placed = outcomes.iter().filter(|o| o.status == 201).count();
    let sold_out = outcomes
        .iter()
        .filter(|o| o.status == 409 && o.json()["error"] == "insufficient_stock")
        .count();
    assert_eq!((placed, sold_out), (5, 15));
    let key = app.api_key(&store.owner, &["admin"]).await;
    let path = format!("/v1/admin/products/{}", product["id"].as_str().unwrap());
    let left = TestResponse::send(app.get(&path).with_api_key(&key), None)
        .await
        .json();
    assert_eq!(left["variants"][0]["inventory"]["available"], 0, "{left}");
}

#[actix_web::test]
async fn an_operation_that_answers_nothing_executes_as_data_null() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let owner = store.owner.user_id.parse().unwrap();
    let agent = app
        .agent(
            store.org,
            Some(owner),
            &["adminAddStoreDomain", "adminRemoveStoreDomain"],
        )
        .await;
    let added = execute(
        &app,
        &agent,
        "adminAddStoreDomain",
        json!({"hostname": "shop.acme.test"}),
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.json());
    let removed = execute(
        &app,
        &agent,
        "adminRemoveStoreDomain",
        json!({"hostname": "shop.acme.test"}),
    )
    .await;
    assert_eq!(removed.status, 200, "{}", removed.json());
    assert_eq!(removed.json(), json!({"data": null}));
    execute(
        &app,
        &agent,
        "adminRemoveStoreDomain",
        json!({"hostname": "shop.acme.test"}),
    )
    .await
    .assert_error(404, "NOT_FOUND");
}
