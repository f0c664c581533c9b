//! Agent Auth end to end: a merchant connects a host, the host registers an agent, storefront
//! reads work at once, the rest waits for a user's approval, and revocation takes it back.

use actix_web::http::Method;
use serde_json::{Value, json};
use test_support::{CallerRequest as _, TestApp, TestKey, TestResponse, TestUser};

use crate::agent_support::{Host, call, connect_host, host_token, member_of, register};

#[actix_web::test]
async fn register_approve_use_and_revoke() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1000, 10).await;
    let variant = product["variants"][0]["id"].as_str().unwrap();
    let host = connect_host(&app, &store.owner).await;
    let (agent, registered) = register(&app, &store, &host, &["addCartItem", "placeOrder"]).await;
    let pending: Vec<&str> = registered["agent_capability_grants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["status"] == "pending")
        .map(|g| g["capability"].as_str().unwrap())
        .collect();
    assert_eq!(pending, ["addCartItem", "placeOrder"]);
    let user_code = registered["approval"]["user_code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        registered["approval"]["verification_uri"]
            .as_str()
            .unwrap()
            .ends_with("/device/capabilities")
    );

    // Auto-granted at once: storefront reads and createCart.
    assert_eq!(
        call(&app, &agent, Method::GET, "/v1/products", None)
            .await
            .status,
        200
    );
    let cart = call(&app, &agent, Method::POST, "/v1/carts", Some(json!({}))).await;
    assert_eq!(cart.status, 201, "{}", cart.json());
    let cart = cart.json()["id"].as_str().unwrap().to_owned();
    let order = json!({"cartId": cart, "email": "agent@example.com"});
    let refused = call(
        &app,
        &agent,
        Method::POST,
        "/v1/orders",
        Some(order.clone()),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    assert_eq!(refused["details"]["reason"], "capability_not_granted");

    // The merchant approves under the user code.
    let approved = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/agent/approve", &store.owner),
        json!({"userCode": user_code}),
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.json());
    let added = call(
        &app,
        &agent,
        Method::POST,
        &format!("/v1/carts/{cart}/items"),
        Some(json!({"variantId": variant, "quantity": 1})),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.json());
    let placed = call(&app, &agent, Method::POST, "/v1/orders", Some(order)).await;
    assert_eq!(placed.status, 201, "{}", placed.json());
    let status = call(&app, &agent, Method::GET, "/api/auth/agent/status", None)
        .await
        .json();
    assert!(
        status["agent_capability_grants"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["status"] == "active"),
        "{status}"
    );

    // The grant is revoked: refused again from the next request.
    let revoke = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/agent/grant/revoke", &store.owner),
        json!({"agentId": agent.id, "capability": "placeOrder"}),
    )
    .await;
    assert_eq!(revoke.status, 200);
    let cart = call(&app, &agent, Method::POST, "/v1/carts", Some(json!({})))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    call(
        &app,
        &agent,
        Method::POST,
        "/v1/orders",
        Some(json!({"cartId": cart, "email": "a@b.test"})),
    )
    .await
    .assert_error(403, "FORBIDDEN");

    // And the agent itself.
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/agent/revoke", &store.owner),
        json!({"agentId": agent.id}),
    )
    .await;
    let body = call(&app, &agent, Method::GET, "/v1/products", None)
        .await
        .assert_error(401, "INVALID_AGENT_TOKEN");
    assert_eq!(body["details"]["failure"], "agent_revoked");
}

#[actix_web::test]
async fn approvals_need_a_fresh_session_the_right_role_and_never_widen() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let member = member_of(&app, &store, "member@acme.test").await;
    let host = connect_host(&app, &member).await;
    let (_, registered) = register(&app, &store, &host, &["adminRefundOrder", "placeOrder"]).await;
    let code = registered["approval"]["user_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let approve = |user: &TestUser, body: Value| {
        TestResponse::send_json(
            app.as_user(Method::POST, "/api/auth/agent/approve", user),
            body,
        )
    };

    let refused = approve(&member, json!({"userCode": code}))
        .await
        .assert_error(403, "FORBIDDEN");
    assert_eq!(refused["details"]["reason"], "insufficient_role");
    approve(
        &member,
        json!({"userCode": code, "capabilities": ["adminGetStats"]}),
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
    let outsider = app.store("globex").await;
    approve(&outsider.owner, json!({"userCode": code}))
        .await
        .assert_error(404, "NOT_FOUND");

    let lookup = |user: &TestUser| {
        TestResponse::send(
            app.as_user(
                Method::GET,
                &format!("/api/auth/agent/approval?user_code={code}"),
                user,
            ),
            None,
        )
    };
    assert_eq!(lookup(&store.owner).await.json()["signInAgain"], false);
    app.clock.advance(chrono::Duration::minutes(6));
    // The approval page is told before the user chooses, and the decision is refused.
    assert_eq!(lookup(&store.owner).await.json()["signInAgain"], true);
    let stale = approve(&store.owner, json!({"userCode": code}))
        .await
        .assert_error(403, "FORBIDDEN");
    assert_eq!(stale["details"]["reason"], "fresh_session_required");
    let fresh_owner = TestResponse::send_json(
        app.post("/api/auth/sign-in/email"),
        json!({"email": store.owner.email, "password": store.owner.password}),
    )
    .await;
    let owner = TestUser {
        cookie: fresh_owner.session_cookie().unwrap(),
        ..store.owner.clone()
    };
    assert_eq!(
        approve(
            &owner,
            json!({"userCode": code, "capabilities": ["placeOrder"]})
        )
        .await
        .status,
        200
    );
    approve(&owner, json!({"userCode": code}))
        .await
        .assert_error(409, "APPROVAL_CLOSED");
}

#[actix_web::test]
async fn denial_rejects_the_agent_and_bad_host_tokens_register_nothing() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let (agent, registered) = register(&app, &store, &host, &["placeOrder"]).await;
    let code = registered["approval"]["user_code"].as_str().unwrap();
    assert_eq!(
        TestResponse::send_json(
            app.as_user(Method::POST, "/api/auth/agent/deny", &store.owner),
            json!({"userCode": code})
        )
        .await
        .status,
        200
    );
    let body = call(&app, &agent, Method::GET, "/v1/products", None)
        .await
        .assert_error(401, "INVALID_AGENT_TOKEN");
    assert_eq!(body["details"]["failure"], "agent_rejected");

    let key = TestKey::generate();
    let body = json!({"name": "x", "public_key": {"kty": "OKP", "crv": "Ed25519", "x": key.x}});
    let stranger = Host {
        id: Value::Null,
        thumbprint: host.thumbprint.clone(),
        key: TestKey::generate(),
    };
    let forged = TestResponse::send_json(
        app.post("/api/auth/agent/register")
            .with_bearer(&host_token(&app, &stranger)),
        body.clone(),
    )
    .await;
    assert_eq!(
        forged.assert_error(401, "INVALID_HOST_TOKEN")["details"]["failure"],
        "bad_signature"
    );
    TestResponse::send_json(app.post("/api/auth/agent/register"), body.clone())
        .await
        .assert_error(401, "INVALID_HOST_TOKEN");
    let unknown = json!({"name": "x", "public_key": {"kty": "OKP", "crv": "Ed25519", "x": key.x}, "capabilities": ["launchRockets"]});
    TestResponse::send_json(
        app.post("/api/auth/agent/register")
            .with_bearer(&host_token(&app, &host)),
        unknown,
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
    let again =
        json!({"name": "x", "public_key": {"kty": "OKP", "crv": "Ed25519", "x": agent.key.x}});
    let refused = TestResponse::send_json(
        app.post("/api/auth/agent/register")
            .with_bearer(&host_token(&app, &host)),
        again,
    )
    .await
    .assert_error(409, "AGENT_EXISTS");
    // Agent Auth's endpoints answer the protocol's word in `error`, the text in `message`.
    assert_eq!(refused["error"], "agent_exists");
    assert!(refused["message"].is_string());
}

#[actix_web::test]
async fn discovery_and_capabilities_come_from_the_openapi_document() {
    let app = TestApp::spawn().await;
    let discovery = TestResponse::send(app.get("/.well-known/agent-configuration"), None).await;
    assert_eq!(
        discovery.header("cache-control"),
        Some("public, max-age=3600")
    );
    let discovery = discovery.json();
    assert_eq!(discovery["issuer"], app.issuer);
    assert_eq!(discovery["algorithms"], json!(["Ed25519"]));
    assert_eq!(
        discovery["registration_endpoint"],
        format!("{}/api/auth/agent/register", app.issuer)
    );
    assert_eq!(
        discovery["approval_methods"],
        json!(["device_authorization", "ciba"])
    );
    // Every endpoint it names is served (a GET of a POST endpoint is 405, never 404).
    let mut named: Vec<String> = [
        "authorization_endpoint",
        "token_endpoint",
        "capabilities_endpoint",
        "jwks_uri",
    ]
    .iter()
    .map(|key| discovery[*key].as_str().unwrap().to_owned())
    .collect();
    let endpoints = discovery["endpoints"].as_object().unwrap();
    for key in [
        "register",
        "capabilities",
        "describe_capability",
        "execute",
        "request_capability",
        "status",
        "reactivate",
        "revoke",
        "revoke_host",
        "rotate_key",
        "rotate_host_key",
        "introspect",
    ] {
        named.push(
            endpoints[key]
                .as_str()
                .unwrap()
                .replace("{name}", "listProducts"),
        );
    }
    for url in named {
        let path = url.strip_prefix(&app.issuer).unwrap();
        let served = TestResponse::send(app.get(path), None).await;
        assert_ne!(served.status, 404, "{path}: {}", served.json());
    }

    let listed = TestResponse::send(app.get("/api/auth/agent/capabilities"), None)
        .await
        .json();
    let find = |name: &str| {
        listed["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap()
    };
    let list = find("listProducts");
    assert_eq!(
        (
            list["scope"].as_str(),
            list["approval"].as_str(),
            list["method"].as_str()
        ),
        (Some("storefront"), Some("none"), Some("GET"))
    );
    assert_eq!(find("createCart")["approval"], "none");
    let refund = find("adminRefundOrder");
    assert_eq!(
        (refund["scope"].as_str(), refund["approval"].as_str()),
        (Some("admin"), Some("user"))
    );
    assert!(refund["input"]["body"].is_object(), "{refund}");
    assert!(
        listed["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["name"] != "whoami" && c["name"] != "receivePaymentWebhook")
    );
    TestResponse::send(app.get("/api/auth/agent/capabilities/launchRockets"), None)
        .await
        .assert_error(404, "NOT_FOUND");

    // With an agent's token, each capability says where the agent stands.
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let (agent, _) = register(&app, &store, &host, &["placeOrder"]).await;
    let described = TestResponse::send(
        app.get("/api/auth/agent/capabilities/placeOrder")
            .with_bearer(&agent.token(app.clock_now().timestamp())),
        None,
    )
    .await
    .json();
    assert_eq!(described["grant_status"], "pending");
    let listed = TestResponse::send(
        app.get("/api/auth/agent/capabilities")
            .with_bearer(&agent.token(app.clock_now().timestamp())),
        None,
    )
    .await
    .json();
    let status = |name: &str| {
        listed["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["grant_status"]
            .clone()
    };
    assert_eq!(
        (status("listProducts"), status("adminRefundOrder")),
        (json!("active"), json!("none"))
    );
}

#[actix_web::test]
async fn introspection_needs_an_admin_key_of_the_agents_organization() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let (agent, _) = register(&app, &store, &host, &[]).await;
    let introspect = |key: &str, token: String| {
        TestResponse::send_json(
            app.post("/api/auth/agent/introspect").with_api_key(key),
            json!({"token": token}),
        )
    };
    let now = app.clock_now().timestamp();
    let answer = introspect(&store.key, agent.token(now)).await.json();
    assert_eq!(
        (answer["active"].as_bool(), answer["agent_id"].as_str()),
        (Some(true), Some(agent.id.to_string().as_str()))
    );
    assert!(
        answer["capabilities"]
            .as_array()
            .unwrap()
            .contains(&json!("listProducts"))
    );
    assert_eq!(answer["host_id"], host.id);
    assert_eq!(answer["mode"], "delegated");
    assert!(answer["expires_at"].is_string(), "{answer}");
    assert!(
        answer["agent_capability_grants"]
            .as_array()
            .unwrap()
            .contains(&json!({"capability": "listProducts", "status": "active"}))
    );
    assert_eq!(
        introspect(&store.key, "not.a.token".to_owned())
            .await
            .json(),
        json!({"active": false})
    );

    let globex = app.store("globex").await;
    assert_eq!(
        introspect(&globex.key, agent.token(now)).await.json(),
        json!({"active": false})
    );
    // L6: another store's key learned nothing and used nothing up: the token still works.
    let token = agent.token(now);
    assert_eq!(
        introspect(&globex.key, token.clone()).await.json(),
        json!({"active": false})
    );
    let whoami = TestResponse::send(app.get("/v1/whoami").with_bearer(&token), None).await;
    assert_eq!(whoami.status, 200, "{}", whoami.json());
    let storefront_key = app.api_key(&store.owner, &["storefront"]).await;
    introspect(&storefront_key, agent.token(now))
        .await
        .assert_error(403, "FORBIDDEN");
    let session = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/agent/introspect", &store.owner),
        json!({"token": agent.token(now)}),
    )
    .await;
    session.assert_error(403, "FORBIDDEN");
}

#[actix_web::test]
async fn registrations_are_rate_limited_per_address() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let mut statuses = Vec::new();
    for _ in 0..11 {
        let key = TestKey::generate();
        let body = json!({"name": "a", "public_key": {"kty": "OKP", "crv": "Ed25519", "x": key.x}});
        let response = TestResponse::send_json(
            app.post("/api/auth/agent/register")
                .with_bearer(&host_token(&app, &host)),
            body,
        )
        .await;
        statuses.push(response.status.as_u16());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 10);
    assert_eq!(statuses.last(), Some(&429));
}

#[actix_web::test]
async fn an_approval_can_constrain_what_the_agent_sends() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1000, 10).await;
    let variant = product["variants"][0]["id"].as_str().unwrap();
    let host = connect_host(&app, &store.owner).await;
    let asked = ["addCartItem", "adminAdjustInventory", "adminRefundOrder"];
    let (agent, registered) = register(&app, &store, &host, &asked).await;
    let code = registered["approval"]["user_code"].as_str().unwrap();
    let approve = |constraints: Value| {
        TestResponse::send_json(
            app.as_user(Method::POST, "/api/auth/agent/approve", &store.owner),
            json!({"userCode": code, "constraints": constraints}),
        )
    };

    // Constraints must be well formed and limit only what is being granted.
    approve(json!({"adminRefundOrder": {"amount": {"below": 500}}}))
        .await
        .assert_error(400, "VALIDATION_ERROR");
    approve(json!({"placeOrder": {"email": "a@b.test"}}))
        .await
        .assert_error(400, "VALIDATION_ERROR");
    // Only fields of the operation's JSON body can be constrained, spelt as it spells them.
    let misspelt = approve(json!({"adminRefundOrder": {"ammount": {"max": 500}}}))
        .await
        .assert_error(400, "VALIDATION_ERROR");
    assert!(
        misspelt["details"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("amount"),
        "{misspelt}"
    );
    approve(json!({"adminRefundOrder": ["amount"]}))
        .await
        .assert_error(400, "VALIDATION_ERROR");
    let approved = approve(json!({
        "addCartItem": {"quantity": {"max": 2}},
        "adminAdjustInventory": {"delta": {"min": -5, "max": 5}},
        "adminRefundOrder": {"amount": {"max": 500}},
    }))
    .await;
    assert_eq!(approved.status, 200, "{}", approved.json());
    let whoami = call(&app, &agent, Method::GET, "/v1/whoami", None)
        .await
        .json();
    assert_eq!(
        whoami["constraints"]["adminRefundOrder"],
        json!({"amount": {"max": 500}})
    );

    let cart = call(&app, &agent, Method::POST, "/v1/carts", Some(json!({}))).await;
    let items = format!("/v1/carts/{}/items", cart.json()["id"].as_str().unwrap());
    let add = |quantity: i64| {
        call(
            &app,
            &agent,
            Method::POST,
            &items,
            Some(json!({"variantId": variant, "quantity": quantity})),
        )
    };
    assert_eq!(add(2).await.status, 200);
    let refused = add(3).await.assert_error(403, "FORBIDDEN");
    assert_eq!(refused["details"]["reason"], "constraint_violated");
    assert_eq!(refused["details"]["capability"], "addCartItem");
    assert_eq!(
        refused["details"]["violations"].as_array().unwrap().len(),
        1
    );

    let adjustments = format!("/v1/admin/inventory/{variant}/adjustments");
    let adjust = |delta: i64| {
        call(
            &app,
            &agent,
            Method::POST,
            &adjustments,
            Some(json!({"delta": delta, "reason": "recount"})),
        )
    };
    assert_eq!(adjust(-5).await.status, 200);
    adjust(-6).await.assert_error(403, "FORBIDDEN");
    adjust(50).await.assert_error(403, "FORBIDDEN");
    let stock = TestResponse::send(store.admin(&app, Method::GET, "/v1/admin/inventory"), None)
        .await
        .json();
    assert_eq!(stock["data"][0]["available"], 5, "{stock}");

    // A refund beyond the limit is refused before anything is looked at; within it, the
    // order's own rules answer (nothing was paid here).
    let order = TestResponse::send_json(
        store.shop(&app, Method::POST, "/v1/orders"),
        json!({"cartId": app.cart_with(&store, variant, 1).await, "email": "s@x.test"}),
    )
    .await
    .json();
    let refunds = format!("/v1/admin/orders/{}/refunds", order["id"].as_str().unwrap());
    let refund = |amount: i64| {
        call(
            &app,
            &agent,
            Method::POST,
            &refunds,
            Some(json!({"amount": amount, "reason": "damaged"})),
        )
    };
    let refused = refund(600).await.assert_error(403, "FORBIDDEN");
    assert_eq!(refused["details"]["reason"], "constraint_violated");
    let within = refund(400).await;
    assert_ne!(within.status, 403, "{}", within.json());
}

#[actix_web::test]
async fn an_approval_can_expire() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let (agent, registered) = register(&app, &store, &host, &["adminGetStats"]).await;
    let code = registered["approval"]["user_code"].as_str().unwrap();
    let approve = |expires_at: chrono::DateTime<chrono::Utc>| {
        TestResponse::send_json(
            app.as_user(Method::POST, "/api/auth/agent/approve", &store.owner),
            json!({"userCode": code, "expiresAt": expires_at}),
        )
    };
    let refused = approve(app.clock_now() - chrono::Duration::seconds(1))
        .await
        .assert_error(400, "VALIDATION_ERROR");
    assert_eq!(
        refused["details"]["fields"][0]["field"], "expiresAt",
        "{refused}"
    );
    let approved = approve(app.clock_now() + chrono::Duration::minutes(30)).await;
    assert_eq!(approved.status, 200, "{}", approved.json());

    let stats = || call(&app, &agent, Method::GET, "/v1/admin/stats", None);
    assert_eq!(stats().await.status, 200);
    // Within the agent's session (an hour), past the grant's expiry.
    app.clock.advance(chrono::Duration::minutes(31));
    let lapsed = stats().await.assert_error(403, "FORBIDDEN");
    // Its only admin grant lapsed, and with it the admin scope.
    assert_eq!(lapsed["details"]["reason"], "insufficient_scope");
}

#[actix_web::test]
async fn revoking_a_host_refuses_it_and_all_its_agents() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let member = member_of(&app, &store, "member@acme.test").await;
    let host = connect_host(&app, &store.owner).await;
    let (agent, _) = register(&app, &store, &host, &["listProducts"]).await;
    let status = call(&app, &agent, Method::GET, "/api/auth/agent/status", None).await;
    assert_eq!(status.status, 200, "{}", status.json());
    let host_id = host.id.clone();
    let revoke = |user: &TestUser, host_id: Value| {
        TestResponse::send_json(
            app.as_user(Method::POST, "/api/auth/agent/host/revoke", user),
            json!({"hostId": host_id}),
        )
    };

    let refused = revoke(&member, host_id.clone())
        .await
        .assert_error(403, "FORBIDDEN");
    assert_eq!(
        refused["details"]["reason"], "insufficient_role",
        "{refused}"
    );
    let outsider = app.store("globex").await;
    revoke(&outsider.owner, host_id.clone())
        .await
        .assert_error(404, "NOT_FOUND");
    revoke(&store.owner, json!(uuid::Uuid::now_v7()))
        .await
        .assert_error(404, "NOT_FOUND");
    assert_eq!(
        call(&app, &agent, Method::GET, "/v1/products", None)
            .await
            .status,
        200,
        "refused attempts changed nothing"
    );

    assert_eq!(revoke(&store.owner, host_id).await.status, 200);
    let body = call(&app, &agent, Method::GET, "/v1/products", None)
        .await
        .assert_error(401, "INVALID_AGENT_TOKEN");
    assert_eq!(body["details"]["failure"], "host_revoked");
    let key = TestKey::generate();
    let body = TestResponse::send_json(
        app.post("/api/auth/agent/register")
            .with_bearer(&host_token(&app, &host)),
        json!({"name": "another", "public_key": {"kty": "OKP", "crv": "Ed25519", "x": key.x}}),
    )
    .await
    .assert_error(401, "INVALID_HOST_TOKEN");
    assert_eq!(body["details"]["failure"], "host_revoked");
}

/// The approval page's view of the request with this user code.
async fn approval_page(app: &TestApp, user: &TestUser, user_code: &Value) -> Value {
    let path = format!(
        "/api/auth/agent/approval?user_code={}",
        user_code.as_str().unwrap()
    );
    let lookup = TestResponse::send(app.as_user(Method::GET, &path, user), None).await;
    assert_eq!(lookup.status, 200, "{}", lookup.json());
    lookup.json()
}

/// The approver is told where the registration came from; the host, answered the request, is not
/// told anything about addresses.
#[actix_web::test]
async fn the_approval_lookup_says_where_the_registration_came_from() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let asked_at = app.clock_now();
    let (_, registered) = register(&app, &store, &host, &["placeOrder"]).await;
    assert!(
        !registered.to_string().contains("127.0.0.1"),
        "{registered}"
    );

    let view = approval_page(&app, &store.owner, &registered["approval"]["user_code"]).await;
    assert_eq!(view["requestedFrom"], "127.0.0.1", "{view}");
    let created_at: chrono::DateTime<chrono::Utc> =
        view["createdAt"].as_str().unwrap().parse().unwrap();
    assert!((created_at - asked_at).num_milliseconds().abs() < 1);
}

/// Behind a trusted proxy, the client it forwarded for: of the host's registration, and of the
/// agent's request for more; without the header, the peer.
#[actix_web::test]
async fn behind_a_trusted_proxy_approvals_record_the_forwarded_client() {
    let app = TestApp::spawn_with(|settings| settings.trust_proxy = true).await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let key = TestKey::generate();
    let body = json!({"name": "agent", "public_key": {"kty": "OKP", "crv": "Ed25519", "x": key.x}, "capabilities": ["placeOrder"]});
    let registered = TestResponse::send_json(
        app.post("/api/auth/agent/register")
            .with_bearer(&host_token(&app, &host))
            .insert_header(("x-forwarded-for", "203.0.113.7")),
        body,
    )
    .await;
    assert_eq!(registered.status, 201, "{}", registered.json());
    let view = approval_page(
        &app,
        &store.owner,
        &registered.json()["approval"]["user_code"],
    )
    .await;
    assert_eq!(view["requestedFrom"], "203.0.113.7", "{view}");

    let (agent, _) = register(&app, &store, &host, &[]).await;
    let ask = |capability: &str, forwarded: Option<&str>| {
        let mut request = app
            .post("/api/auth/agent/request-capability")
            .with_bearer(&agent.token(app.clock_now().timestamp()));
        if let Some(forwarded) = forwarded {
            request = request.insert_header(("x-forwarded-for", forwarded));
        }
        TestResponse::send_json(request, json!({"capabilities": [capability]}))
    };
    let forwarded = ask("placeOrder", Some("198.51.100.1, 198.51.100.23")).await;
    assert_eq!(forwarded.status, 200, "{}", forwarded.json());
    let view = approval_page(
        &app,
        &store.owner,
        &forwarded.json()["approval"]["user_code"],
    )
    .await;
    assert_eq!(view["requestedFrom"], "198.51.100.23", "{view}");

    let direct = ask("adminGetStats", None).await;
    assert_eq!(direct.status, 200, "{}", direct.json());
    let view = approval_page(&app, &store.owner, &direct.json()["approval"]["user_code"]).await;
    assert_eq!(view["requestedFrom"], "127.0.0.1", "{view}");
}

#[actix_web::test]
async fn a_cli_session_is_never_fresh_enough_to_approve_an_agent() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let (_, registered) = register(&app, &store, &host, &["adminGetStats"]).await;
    let code = registered["approval"]["user_code"].as_str().unwrap();

    // The owner's CLI, signed in by device code a moment ago.
    let started = TestResponse::send_json(
        app.post("/api/auth/device/code"),
        json!({"client_id": "commerce-cli"}),
    )
    .await
    .json();
    let approved = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/device/approve", &store.owner),
        json!({"userCode": started["user_code"]}),
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.json());
    let form = format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code={}&client_id=commerce-cli",
        started["device_code"].as_str().unwrap()
    );
    let token = TestResponse::send(
        app.post("/api/auth/device/token")
            .insert_header(("content-type", "application/x-www-form-urlencoded")),
        Some(&form),
    )
    .await
    .json();
    let cli = token["access_token"].as_str().unwrap();

    let refused = TestResponse::send_json(
        app.post("/api/auth/agent/approve").with_bearer(cli),
        json!({"userCode": code}),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    assert_eq!(refused["details"]["reason"], "fresh_session_required");
}
