//! Agent Auth's lifecycle: hosts enrolled with one-time tokens or registering themselves, agents
//! asking for more (by user code or CIBA), expiring and reactivated, re-keyed and revoked by
//! their host.

use actix_web::http::Method;
use jsonwebtoken::{Algorithm, Header};
use serde_json::{Value, json};
use test_support::{
    CallerRequest as _, TestAgent, TestApp, TestKey, TestResponse, TestStore, TestUser, sign_with,
};

use crate::agent_support::{Host, call, connect_host, host_token, member_of, register};

fn jwk(key: &TestKey) -> Value {
    json!({"kty": "OKP", "crv": "Ed25519", "x": key.x})
}

/// A `host+jwt` with `claims` added to the usual ones.
fn host_token_with(app: &TestApp, key: &TestKey, iss: &str, extra: Value) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.typ = Some("host+jwt".to_owned());
    let now = app.clock_now().timestamp();
    let mut claims = json!({"iss": iss, "aud": app.issuer, "iat": now, "exp": now + 60, "jti": uuid::Uuid::now_v7().to_string()});
    if let (Some(claims), Some(extra)) = (claims.as_object_mut(), extra.as_object()) {
        claims.extend(extra.clone());
    }
    sign_with(&header, &claims, &key.encoding)
}

async fn as_host(
    app: &TestApp,
    host: &Host,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> TestResponse {
    let request = app
        .request(method, path)
        .with_bearer(&host_token(app, host));
    match body {
        Some(body) => TestResponse::send_json(request, body).await,
        None => TestResponse::send(request, None).await,
    }
}

async fn as_user(app: &TestApp, user: &TestUser, path: &str, body: Value) -> TestResponse {
    TestResponse::send_json(app.as_user(Method::POST, path, user), body).await
}

fn grant<'a>(agent: &'a Value, capability: &str) -> &'a Value {
    agent["agent_capability_grants"]
        .as_array()
        .and_then(|grants| grants.iter().find(|g| g["capability"] == capability))
        .unwrap_or(&Value::Null)
}

#[actix_web::test]
async fn an_enrollment_token_connects_a_host_once() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let enrollment = as_user(
        &app,
        &store.owner,
        "/api/auth/agent/host/enrollment",
        json!({"name": "assistant", "defaultCapabilities": ["placeOrder"]}),
    )
    .await;
    assert_eq!(enrollment.status, 201, "{}", enrollment.json());
    let token = enrollment.json()["enrollmentToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(token.starts_with("enr_"));

    let key = TestKey::generate();
    let enroll = |token: &str, key: &TestKey| {
        TestResponse::send_json(
            app.post("/api/auth/agent/host/enroll"),
            json!({"enrollment_token": token, "public_key": jwk(key)}),
        )
    };
    let enrolled = enroll(&token, &key).await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.json());
    let host = enrolled.json();
    assert_eq!(host["status"], "active");
    assert_eq!(host["userId"], store.owner.user_id);
    assert_eq!(host["defaultCapabilities"], json!(["placeOrder"]));

    // Once only.
    let again = enroll(&token, &TestKey::generate())
        .await
        .assert_error(401, "INVALID_ENROLLMENT_TOKEN");
    assert_eq!(again["error"], "invalid_enrollment_token");
    enroll("enr_made-up", &TestKey::generate())
        .await
        .assert_error(401, "INVALID_ENROLLMENT_TOKEN");

    // Its default capability is granted at once, by the user behind it; the rest waits.
    let host = Host {
        id: host["id"].clone(),
        thumbprint: host["thumbprint"].as_str().unwrap().to_owned(),
        key,
    };
    let (_, registered) = register(&app, &store, &host, &["placeOrder", "adminGetStats"]).await;
    assert_eq!(grant(&registered, "placeOrder")["status"], "active");
    assert_eq!(
        grant(&registered, "placeOrder")["granted_by"],
        store.owner.user_id
    );
    assert_eq!(grant(&registered, "adminGetStats")["status"], "pending");
    assert_eq!(registered["approval"]["method"], "device_authorization");

    // An hour later an unused token is dead.
    let late = as_user(
        &app,
        &store.owner,
        "/api/auth/agent/host/enrollment",
        json!({"name": "later"}),
    )
    .await
    .json();
    app.clock.advance(chrono::Duration::minutes(61));
    enroll(
        late["enrollmentToken"].as_str().unwrap(),
        &TestKey::generate(),
    )
    .await
    .assert_error(401, "INVALID_ENROLLMENT_TOKEN");
}

#[actix_web::test]
async fn hosts_get_no_default_beyond_their_users_role() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let member = member_of(&app, &store, "member@acme.test").await;
    for path in [
        "/api/auth/agent/host/enrollment",
        "/api/auth/agent/host/create",
    ] {
        let body = json!({"name": "x", "defaultCapabilities": ["adminRefundOrder"], "publicKey": jwk(&TestKey::generate())});
        let refused = as_user(&app, &member, path, body)
            .await
            .assert_error(403, "FORBIDDEN");
        assert_eq!(refused["error"], "insufficient_role");
    }
    let body = json!({"name": "x", "defaultCapabilities": ["noSuchThing"]});
    as_user(&app, &store.owner, "/api/auth/agent/host/enrollment", body)
        .await
        .assert_error(400, "VALIDATION_ERROR");
}

#[actix_web::test]
async fn an_agent_asks_for_more_and_a_denial_leaves_it_active() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let (agent, _) = register(&app, &store, &host, &[]).await;
    let ask = |capabilities: Value| {
        TestResponse::send_json(
            app.post("/api/auth/agent/request-capability")
                .with_bearer(&agent.token(app.clock_now().timestamp())),
            json!({"capabilities": capabilities, "reason": "weekly report"}),
        )
    };

    // The seed's authorize endpoint is the same request; its token endpoint polls it.
    let asked = TestResponse::send_json(
        app.post("/api/auth/agent/authorize")
            .with_bearer(&agent.token(app.clock_now().timestamp())),
        json!({"capabilities": ["adminGetStats"]}),
    )
    .await;
    assert_eq!(asked.status, 200, "{}", asked.json());
    let asked = asked.json();
    let poll = || {
        TestResponse::send(
            app.post("/api/auth/agent/token")
                .with_bearer(&agent.token(app.clock_now().timestamp())),
            None,
        )
    };
    let waiting = poll().await.assert_error(400, "AUTHORIZATION_PENDING");
    assert_eq!(waiting["error"], "authorization_pending");
    assert_eq!(waiting["details"]["interval"], 5);
    assert_eq!(
        asked["agent_capability_grants"],
        json!([{"capability": "adminGetStats", "status": "pending"}])
    );
    let code = asked["approval"]["user_code"].as_str().unwrap().to_owned();
    assert_eq!(ask(json!(["nothing"])).await.status, 400);
    let approved = as_user(
        &app,
        &store.owner,
        "/api/auth/agent/approve",
        json!({"userCode": code}),
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.json());
    assert_eq!(
        call(&app, &agent, Method::GET, "/v1/admin/stats", None)
            .await
            .status,
        200
    );
    let held = ask(json!(["adminGetStats", "listProducts"]))
        .await
        .assert_error(409, "ALREADY_GRANTED");
    assert_eq!(held["error"], "already_granted");

    // Denying more capabilities denies those only: the agent goes on.
    let asked = ask(json!([{"name": "adminListOrders"}])).await.json();
    let code = asked["approval"]["user_code"].as_str().unwrap();
    let denied = as_user(
        &app,
        &store.owner,
        "/api/auth/agent/deny",
        json!({"userCode": code}),
    )
    .await;
    assert_eq!(denied.status, 200, "{}", denied.json());
    let status = call(&app, &agent, Method::GET, "/api/auth/agent/status", None)
        .await
        .json();
    assert_eq!(status["status"], "active");
    assert_eq!(grant(&status, "adminListOrders")["status"], "denied");
    assert_eq!(grant(&status, "adminGetStats")["status"], "active");

    // Each request is audited with the agent's reason.
    let key = app.api_key(&store.owner, &["admin"]).await;
    let events = TestResponse::send(app.get("/v1/admin/audit-events").with_api_key(&key), None)
        .await
        .json();
    let requested: Vec<&Value> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "agent_capabilities_requested")
        .collect();
    assert_eq!(requested.len(), 2, "{events}");
    assert_eq!(
        requested[0]["details"]["requested"],
        json!(["adminListOrders"])
    );
    assert_eq!(requested[0]["details"]["reason"], "weekly report");
    assert_eq!(requested[0]["principalId"], agent.id.to_string());

    // Constraints are the approving user's to set, never proposed.
    let proposed = json!([{"name": "adminRefundOrder", "constraints": {"amount": {"max": 1}}}]);
    ask(proposed).await.assert_error(400, "VALIDATION_ERROR");
}

#[actix_web::test]
async fn ciba_requests_go_to_the_named_member_only() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let admin = member_of(&app, &store, "admin@acme.test").await;
    let promoted = as_user(
        &app,
        &store.owner,
        "/api/auth/organization/update-member-role",
        json!({"userId": admin.user_id, "role": "admin"}),
    )
    .await;
    assert_eq!(promoted.status, 200, "{}", promoted.json());
    let outsider = app.store("globex").await.owner;
    let host = connect_host(&app, &store.owner).await;
    let (agent, _) = register(&app, &store, &host, &[]).await;
    let ask = |hint: &str| {
        TestResponse::send_json(
            app.post("/api/auth/agent/request-capability")
                .with_bearer(&agent.token(app.clock_now().timestamp())),
            json!({"capabilities": ["adminGetStats"], "preferred_method": "ciba", "login_hint": hint, "binding_message": "Stats <for> the weekly report"}),
        )
    };

    // Someone outside the store is never asked — and the agent cannot tell: the answer has the
    // same shape as for a member.
    let unheard = ask(&outsider.email).await.json();
    let asked = ask(&admin.email).await.json();
    assert_eq!(asked["approval"]["method"], "ciba", "{asked}");
    assert!(asked["approval"]["user_code"].is_null());
    let keys = |answer: &Value| {
        let mut keys: Vec<String> = answer["approval"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&unheard), keys(&asked), "{unheard} / {asked}");
    assert_eq!(unheard["approval"]["method"], "ciba");
    assert_eq!(
        asked["approval"]["binding_message"],
        "Stats for the weekly report"
    );

    let pending = |user: &TestUser| {
        TestResponse::send(
            app.as_user(Method::GET, "/api/auth/agent/ciba/pending", user),
            None,
        )
    };
    let listed = pending(&admin).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["capabilities"], json!(["adminGetStats"]));
    assert_eq!(listed[0]["agentId"], agent.id.to_string());
    let request = listed[0]["requestId"].clone();
    assert_eq!(pending(&store.owner).await.json(), json!([]));

    // Only the named member looks it up by its id (for the approval page), and decides it.
    let lookup = |user: &TestUser, query: String| {
        TestResponse::send(
            app.as_user(
                Method::GET,
                &format!("/api/auth/agent/approval?{query}"),
                user,
            ),
            None,
        )
    };
    let by_id = format!("request_id={}", request.as_str().unwrap());
    let looked_up = lookup(&admin, by_id.clone()).await.json();
    assert_eq!(
        (
            looked_up["agentId"].clone(),
            looked_up["binding_message"].clone(),
            looked_up["bindingMessage"].clone()
        ),
        (
            json!(agent.id.to_string()),
            Value::Null,
            json!("Stats for the weekly report")
        ),
        "{looked_up}"
    );
    lookup(&store.owner, by_id.clone())
        .await
        .assert_error(404, "NOT_FOUND");
    lookup(&admin, format!("{by_id}&user_code=ABCD-EFGH"))
        .await
        .assert_error(400, "VALIDATION_ERROR");
    as_user(
        &app,
        &store.owner,
        "/api/auth/agent/approve",
        json!({"requestId": request}),
    )
    .await
    .assert_error(404, "NOT_FOUND");
    as_user(
        &app,
        &admin,
        "/api/auth/agent/approve",
        json!({"requestId": request, "userCode": "ABCD-EFGH"}),
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
    let approved = as_user(
        &app,
        &admin,
        "/api/auth/agent/approve",
        json!({"requestId": request}),
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.json());
    assert_eq!(
        call(&app, &agent, Method::GET, "/v1/admin/stats", None)
            .await
            .status,
        200
    );
    assert_eq!(pending(&admin).await.json(), json!([]));
}

#[actix_web::test]
async fn an_idle_agent_expires_and_its_host_reactivates_it_to_the_defaults() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let (agent, registered) = register(&app, &store, &host, &["adminGetStats"]).await;
    let code = registered["approval"]["user_code"].as_str().unwrap();
    as_user(
        &app,
        &store.owner,
        "/api/auth/agent/approve",
        json!({"userCode": code}),
    )
    .await;
    let stats = || call(&app, &agent, Method::GET, "/v1/admin/stats", None);
    assert_eq!(stats().await.status, 200);
    let status_path = format!("/api/auth/agent/status?agent_id={}", agent.id);
    let status = as_host(&app, &host, Method::GET, &status_path, None)
        .await
        .json();
    assert_eq!(status["status"], "active", "{status}");
    assert!(status["expires_at"].is_string());

    // Used within the hour it lives on; idle for an hour it expires.
    app.clock.advance(chrono::Duration::minutes(50));
    assert_eq!(stats().await.status, 200);
    app.clock.advance(chrono::Duration::minutes(50));
    assert_eq!(stats().await.status, 200);
    app.clock.advance(chrono::Duration::minutes(61));
    // Its host sees it expired before the agent tries again.
    let status = as_host(&app, &host, Method::GET, &status_path, None)
        .await
        .json();
    assert_eq!(status["status"], "expired", "{status}");
    assert!(status["expires_at"].is_null());
    let expired = stats().await.assert_error(401, "INVALID_AGENT_TOKEN");
    assert_eq!(expired["details"]["failure"], "agent_expired");
    let status = as_host(&app, &host, Method::GET, &status_path, None)
        .await
        .json();
    assert_eq!(status["status"], "expired");

    // Its host brings it back: the escalation is gone, the defaults are there.
    let reactivated = as_host(
        &app,
        &host,
        Method::POST,
        "/api/auth/agent/reactivate",
        Some(json!({"agent_id": agent.id})),
    )
    .await;
    assert_eq!(reactivated.status, 200, "{}", reactivated.json());
    let reactivated = reactivated.json();
    assert_eq!(reactivated["status"], "active");
    assert!(
        grant(&reactivated, "adminGetStats").is_null(),
        "{reactivated}"
    );
    assert_eq!(grant(&reactivated, "listProducts")["status"], "active");
    assert_eq!(
        call(&app, &agent, Method::GET, "/v1/products", None)
            .await
            .status,
        200
    );
    assert_eq!(stats().await.status, 403);

    // Another host's agent is not this host's to touch.
    let other = connect_host(&app, &store.owner).await;
    as_host(
        &app,
        &other,
        Method::POST,
        "/api/auth/agent/reactivate",
        Some(json!({"agent_id": agent.id})),
    )
    .await
    .assert_error(404, "NOT_FOUND");
    as_host(&app, &other, Method::GET, &status_path, None)
        .await
        .assert_error(404, "NOT_FOUND");
}

#[actix_web::test]
async fn an_agent_lives_no_longer_than_its_absolute_lifetime() {
    let app = TestApp::spawn_with(|settings| {
        settings.agents.lifetimes.absolute_lifetime = Some(chrono::Duration::hours(2));
    })
    .await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let (agent, _) = register(&app, &store, &host, &[]).await;
    for _ in 0..3 {
        app.clock.advance(chrono::Duration::minutes(35));
        assert_eq!(
            call(&app, &agent, Method::GET, "/v1/products", None)
                .await
                .status,
            200
        );
    }
    app.clock.advance(chrono::Duration::minutes(16));
    let ended = call(&app, &agent, Method::GET, "/v1/products", None)
        .await
        .assert_error(401, "INVALID_AGENT_TOKEN");
    assert_eq!(ended["details"]["failure"], "absolute_lifetime_exceeded");
    let refused = as_host(
        &app,
        &host,
        Method::POST,
        "/api/auth/agent/reactivate",
        Some(json!({"agent_id": agent.id})),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    assert_eq!(refused["error"], "agent_revoked");
}

#[actix_web::test]
async fn hosts_rotate_keys_and_revoke_their_agents() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let (agent, _) = register(&app, &store, &host, &[]).await;
    let (second, _) = register(&app, &store, &host, &[]).await;

    // The agent's new key works, the old one no longer.
    let new_key = TestKey::generate();
    let rotated = as_host(
        &app,
        &host,
        Method::POST,
        "/api/auth/agent/rotate-key",
        Some(json!({"agent_id": agent.id, "public_key": jwk(&new_key)})),
    )
    .await;
    assert_eq!(rotated.status, 200, "{}", rotated.json());
    let old = call(&app, &agent, Method::GET, "/v1/products", None).await;
    assert_eq!(old.status, 401, "{}", old.json());
    let rekeyed = TestAgent {
        key: new_key,
        ..agent_like(&agent, &host.thumbprint)
    };
    assert_eq!(
        call(&app, &rekeyed, Method::GET, "/v1/products", None)
            .await
            .status,
        200
    );

    // The host's new key signs from now on; its agents' tokens name it.
    let host_key = TestKey::generate();
    let rotated = as_host(
        &app,
        &host,
        Method::POST,
        "/api/auth/agent/host/rotate-key",
        Some(json!({"public_key": jwk(&host_key)})),
    )
    .await;
    assert_eq!(rotated.status, 200, "{}", rotated.json());
    let new_thumbprint = rotated.json()["thumbprint"].as_str().unwrap().to_owned();
    let old_host = as_host(
        &app,
        &host,
        Method::GET,
        &format!("/api/auth/agent/status?agent_id={}", agent.id),
        None,
    )
    .await;
    assert_eq!(old_host.status, 401, "{}", old_host.json());
    assert_eq!(
        call(&app, &rekeyed, Method::GET, "/v1/products", None)
            .await
            .status,
        401
    );
    let rekeyed = TestAgent {
        host_thumbprint: new_thumbprint.clone(),
        ..rekeyed
    };
    assert_eq!(
        call(&app, &rekeyed, Method::GET, "/v1/products", None)
            .await
            .status,
        200
    );

    // Both rotations are audited with the key replaced and its successor.
    let admin_key = app.api_key(&store.owner, &["admin"]).await;
    let events = TestResponse::send(
        app.get("/v1/admin/audit-events").with_api_key(&admin_key),
        None,
    )
    .await
    .json();
    let rotation = |action: &str| {
        events["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|event| event["action"] == action)
            .cloned()
            .unwrap_or_else(|| panic!("no {action} in {events}"))
    };
    assert_eq!(
        rotation("agent_host_key_rotated")["details"],
        json!({"from": host.thumbprint, "to": new_thumbprint})
    );
    let agent_rotation = rotation("agent_key_rotated");
    assert_eq!(agent_rotation["subject"], agent.id.to_string());
    let details = &agent_rotation["details"];
    assert!(
        details["from"].is_string() && details["to"].is_string(),
        "{details}"
    );
    assert_ne!(details["from"], details["to"]);

    let host = Host {
        id: host.id,
        key: host_key,
        thumbprint: new_thumbprint,
    };

    // The host revokes one agent, then itself with the rest.
    let revoked = as_host(
        &app,
        &host,
        Method::POST,
        "/api/auth/agent/revoke",
        Some(json!({"agent_id": agent.id})),
    )
    .await;
    assert_eq!(
        revoked.json(),
        json!({"agent_id": agent.id, "status": "revoked"})
    );
    assert_eq!(
        call(&app, &rekeyed, Method::GET, "/v1/products", None)
            .await
            .status,
        401
    );
    let second = TestAgent {
        host_thumbprint: host.thumbprint.clone(),
        ..second
    };
    assert_eq!(
        call(&app, &second, Method::GET, "/v1/products", None)
            .await
            .status,
        200
    );
    let gone = as_host(
        &app,
        &host,
        Method::POST,
        "/api/auth/agent/host/revoke",
        None,
    )
    .await;
    assert_eq!(gone.status, 200, "{}", gone.json());
    assert_eq!(gone.json()["agents_revoked"], 1);
    assert_eq!(
        call(&app, &second, Method::GET, "/v1/products", None)
            .await
            .status,
        401
    );
    let agents = TestResponse::send(
        app.as_user(Method::GET, "/api/auth/agent/list", &store.owner),
        None,
    )
    .await
    .json();
    assert!(
        agents
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["status"] == "revoked"),
        "{agents}"
    );
}

/// `agent` as a value to update (test agents own their key).
fn agent_like(agent: &TestAgent, host_thumbprint: &str) -> TestAgent {
    TestAgent {
        id: agent.id,
        org: agent.org,
        host_id: agent.host_id,
        host_thumbprint: host_thumbprint.to_owned(),
        key: TestKey::generate(),
        audience: agent.audience.clone(),
    }
}

async fn register_new_host(
    app: &TestApp,
    store: &TestStore,
    host_key: &TestKey,
    agent_key: &TestKey,
) -> TestResponse {
    let iss = identity::agents::thumbprint(&host_key.x);
    let token = host_token_with(
        app,
        host_key,
        &iss,
        json!({"host_public_key": jwk(host_key)}),
    );
    TestResponse::send_json(
        app.post("/api/auth/agent/register").on_host(&store.host).with_bearer(&token),
        json!({"name": "wanderer", "public_key": jwk(agent_key), "host_name": "a shopping assistant", "capabilities": ["placeOrder"]}),
    )
    .await
}

#[actix_web::test]
async fn hosts_register_themselves_only_when_allowed_and_wait_for_a_user() {
    let closed = TestApp::spawn().await;
    let store = closed.store("acme").await;
    let refused = register_new_host(&closed, &store, &TestKey::generate(), &TestKey::generate())
        .await
        .assert_error(401, "INVALID_HOST_TOKEN");
    assert_eq!(refused["error"], "unknown");

    let app = TestApp::spawn_with(|settings| settings.agents.dynamic_hosts = true).await;
    let store = app.store("acme").await;
    let (host_key, agent_key) = (TestKey::generate(), TestKey::generate());
    let registered = register_new_host(&app, &store, &host_key, &agent_key).await;
    assert_eq!(registered.status, 201, "{}", registered.json());
    let registered = registered.json();
    assert_eq!(registered["status"], "pending");
    // Registering again while pending is the same agent.
    let again = register_new_host(&app, &store, &host_key, &agent_key)
        .await
        .json();
    assert_eq!(again["agent_id"], registered["agent_id"]);
    assert_eq!(
        again["approval"]["user_code"],
        registered["approval"]["user_code"]
    );

    let agent = TestAgent {
        id: registered["agent_id"].as_str().unwrap().parse().unwrap(),
        org: store.org,
        host_id: registered["host_id"].as_str().unwrap().parse().unwrap(),
        host_thumbprint: identity::agents::thumbprint(&host_key.x),
        key: agent_key,
        audience: app.issuer.clone(),
    };
    let pending = call(&app, &agent, Method::GET, "/v1/products", None)
        .await
        .assert_error(401, "INVALID_AGENT_TOKEN");
    assert_eq!(pending["details"]["failure"], "host_pending");

    let code = registered["approval"]["user_code"].as_str().unwrap();
    let approved = as_user(
        &app,
        &store.owner,
        "/api/auth/agent/approve",
        json!({"userCode": code}),
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.json());
    assert_eq!(
        call(&app, &agent, Method::GET, "/v1/products", None)
            .await
            .status,
        200
    );
    let hosts = TestResponse::send(
        app.as_user(Method::GET, "/api/auth/agent/hosts", &store.owner),
        None,
    )
    .await
    .json();
    assert_eq!(hosts[0]["status"], "active");
    assert_eq!(hosts[0]["userId"], store.owner.user_id);

    // Denied, a host that registered itself is rejected with its agents.
    let (host_key, agent_key) = (TestKey::generate(), TestKey::generate());
    let registered = register_new_host(&app, &store, &host_key, &agent_key)
        .await
        .json();
    let code = registered["approval"]["user_code"].as_str().unwrap();
    as_user(
        &app,
        &store.owner,
        "/api/auth/agent/deny",
        json!({"userCode": code}),
    )
    .await;
    let hosts = TestResponse::send(
        app.as_user(Method::GET, "/api/auth/agent/hosts", &store.owner),
        None,
    )
    .await
    .json();
    assert_eq!(hosts[0]["status"], "rejected", "{hosts}");

    // A new host proves the key it brings, and registers on a store's domain.
    let (claimed, signer) = (TestKey::generate(), TestKey::generate());
    let iss = identity::agents::thumbprint(&claimed.x);
    let token = host_token_with(
        &app,
        &signer,
        &iss,
        json!({"host_public_key": jwk(&signer)}),
    );
    let forged = TestResponse::send_json(
        app.post("/api/auth/agent/register")
            .on_host(&store.host)
            .with_bearer(&token),
        json!({"name": "x", "public_key": jwk(&TestKey::generate())}),
    )
    .await
    .assert_error(401, "INVALID_HOST_TOKEN");
    assert_eq!(forged["error"], "invalid_issuer");
    let key = TestKey::generate();
    let iss = identity::agents::thumbprint(&key.x);
    let token = host_token_with(&app, &key, &iss, json!({"host_public_key": jwk(&key)}));
    TestResponse::send_json(
        app.post("/api/auth/agent/register").with_bearer(&token),
        json!({"name": "x", "public_key": jwk(&TestKey::generate())}),
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
}

#[actix_web::test]
async fn what_needs_no_approval_is_configuration() {
    let app = TestApp::spawn_with(|settings| {
        settings.agent_auto_grant = Some(vec!["getProduct".to_owned()]);
    })
    .await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let (_, registered) = register(&app, &store, &host, &["listProducts"]).await;
    assert_eq!(grant(&registered, "getProduct")["status"], "active");
    assert_eq!(grant(&registered, "listProducts")["status"], "pending");
    assert!(grant(&registered, "createCart").is_null(), "{registered}");
    let listed = TestResponse::send(app.get("/api/auth/agent/capabilities/listProducts"), None)
        .await
        .json();
    assert_eq!(listed["approval"], "user");
}

#[actix_web::test]
async fn the_approval_page_shows_what_is_asked_to_members_only() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let outsider = app.store("globex").await.owner;
    let host = connect_host(&app, &store.owner).await;
    let (agent, registered) = register(&app, &store, &host, &["placeOrder", "adminGetStats"]).await;
    let code = registered["approval"]["user_code"].as_str().unwrap();
    let lookup = |user: &TestUser, code: &str| {
        let path = format!("/api/auth/agent/approval?user_code={code}");
        TestResponse::send(app.as_user(Method::GET, &path, user), None)
    };

    let shown = lookup(&store.owner, &code.to_lowercase().replace('-', "")).await;
    assert_eq!(shown.status, 200, "{}", shown.json());
    let shown = shown.json();
    assert_eq!(shown["agentId"], agent.id.to_string());
    assert_eq!(shown["hostName"], "shopping assistant");
    assert_eq!(shown["status"], "pending");
    assert_eq!(shown["purpose"], "registration");
    let asked: Vec<(&str, &str)> = shown["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["scope"].as_str().unwrap()))
        .collect();
    assert_eq!(
        asked,
        [("adminGetStats", "admin"), ("placeOrder", "storefront")]
    );

    lookup(&outsider, code).await.assert_error(404, "NOT_FOUND");
    lookup(&store.owner, "BCDF-GHJK")
        .await
        .assert_error(404, "NOT_FOUND");
}

#[actix_web::test]
async fn another_store_never_sees_nor_touches_this_stores_hosts_and_agents() {
    let app = TestApp::spawn().await;
    let acme = app.store("acme").await;
    let globex = app.store("globex").await;
    let host = connect_host(&app, &acme.owner).await;
    let (agent, registered) = register(&app, &acme, &host, &["placeOrder"]).await;
    let code = registered["approval"]["user_code"].as_str().unwrap();
    let theirs = &globex.owner;

    for path in ["/api/auth/agent/list", "/api/auth/agent/hosts"] {
        let listed = TestResponse::send(app.as_user(Method::GET, path, theirs), None).await;
        assert_eq!(listed.json(), json!([]), "{path}");
    }
    for (path, body) in [
        ("/api/auth/agent/revoke", json!({"agentId": agent.id})),
        (
            "/api/auth/agent/grant/revoke",
            json!({"agentId": agent.id, "capability": "listProducts"}),
        ),
        ("/api/auth/agent/host/revoke", json!({"hostId": host.id})),
        ("/api/auth/agent/approve", json!({"userCode": code})),
        ("/api/auth/agent/deny", json!({"userCode": code})),
    ] {
        as_user(&app, theirs, path, body)
            .await
            .assert_error(404, "NOT_FOUND");
    }
    // A host of the other store cannot reach this store's agent either.
    let their_host = connect_host(&app, theirs).await;
    let path = format!("/api/auth/agent/status?agent_id={}", agent.id);
    as_host(&app, &their_host, Method::GET, &path, None)
        .await
        .assert_error(404, "NOT_FOUND");
    for (path, body) in [
        ("/api/auth/agent/revoke", json!({"agent_id": agent.id})),
        ("/api/auth/agent/reactivate", json!({"agent_id": agent.id})),
        (
            "/api/auth/agent/rotate-key",
            json!({"agent_id": agent.id, "public_key": jwk(&TestKey::generate())}),
        ),
    ] {
        as_host(&app, &their_host, Method::POST, path, Some(body))
            .await
            .assert_error(404, "NOT_FOUND");
    }
    // Untouched.
    assert_eq!(
        call(&app, &agent, Method::GET, "/v1/products", None)
            .await
            .status,
        200
    );
    let status = call(&app, &agent, Method::GET, "/api/auth/agent/status", None)
        .await
        .json();
    assert_eq!(grant(&status, "placeOrder")["status"], "pending");
}

#[actix_web::test]
async fn agent_endpoints_refuse_what_they_cannot_take() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let (agent, _) = register(&app, &store, &host, &[]).await;
    let (other, _) = register(&app, &store, &host, &[]).await;

    // A host polls a named agent.
    as_host(&app, &host, Method::GET, "/api/auth/agent/status", None)
        .await
        .assert_error(400, "MISSING_AGENT_ID");
    // Only delegated agents.
    let autonomous =
        json!({"name": "x", "public_key": jwk(&TestKey::generate()), "mode": "autonomous"});
    let refused = as_host(
        &app,
        &host,
        Method::POST,
        "/api/auth/agent/register",
        Some(autonomous),
    )
    .await
    .assert_error(400, "UNSUPPORTED_MODE");
    assert_eq!(refused["error"], "unsupported_mode");
    // A key is one agent's.
    let taken = json!({"agent_id": agent.id, "public_key": jwk(&other.key)});
    as_host(
        &app,
        &host,
        Method::POST,
        "/api/auth/agent/rotate-key",
        Some(taken),
    )
    .await
    .assert_error(409, "KEY_IN_USE");
    // The dashboard names the host it revokes.
    TestResponse::send(
        app.as_user(Method::POST, "/api/auth/agent/host/revoke", &store.owner),
        None,
    )
    .await
    .assert_error(400, "MISSING_BODY");
    // `null` is no body too; a body once sent is read, never taken for none.
    let revoke = |body: &'static str| {
        TestResponse::send(
            app.as_user(Method::POST, "/api/auth/agent/host/revoke", &store.owner)
                .insert_header(("content-type", "application/json")),
            Some(body),
        )
    };
    revoke("null").await.assert_error(400, "MISSING_BODY");
    revoke("{").await.assert_error(400, "MALFORMED_JSON");
    revoke(r#"["not", "an object"]"#)
        .await
        .assert_error(400, "VALIDATION_ERROR");
    // A revoked agent cannot be brought back.
    let revoked = as_host(
        &app,
        &host,
        Method::POST,
        "/api/auth/agent/revoke",
        Some(json!({"agent_id": other.id})),
    )
    .await;
    assert_eq!(revoked.status, 200, "{}", revoked.json());
    let refused = as_host(
        &app,
        &host,
        Method::POST,
        "/api/auth/agent/reactivate",
        Some(json!({"agent_id": other.id})),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    assert_eq!(refused["error"], "agent_revoked");
}

/// A host's token is read by resolve-caller like every other credential: the scheme in any case,
/// `bad_algorithm` for another `alg`, a 400 when `Authorization` comes twice.
#[actix_web::test]
async fn host_tokens_are_read_like_every_other_credential() {
    use base64::Engine as _;
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let lower = app
        .request(Method::POST, "/api/auth/agent/host/rotate-key")
        .insert_header((
            "authorization",
            format!("bearer {}", host_token(&app, &host)),
        ));
    let new_key = TestKey::generate();
    let rotated = TestResponse::send_json(lower, json!({"public_key": jwk(&new_key)})).await;
    assert_eq!(rotated.status, 200, "{}", rotated.json());

    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let now = app.clock_now().timestamp();
    let claims = json!({"iss": rotated.json()["thumbprint"], "aud": app.issuer, "iat": now, "exp": now + 60, "jti": "j-1"});
    let unsigned = format!(
        "{}.{}.",
        b64.encode(r#"{"alg":"none","typ":"host+jwt"}"#),
        b64.encode(claims.to_string())
    );
    let refused = TestResponse::send(
        app.post("/api/auth/agent/host/revoke")
            .with_bearer(&unsigned),
        None,
    )
    .await
    .assert_error(401, "INVALID_HOST_TOKEN");
    assert_eq!(refused["details"]["failure"], "bad_algorithm", "{refused}");

    let host = Host {
        key: new_key,
        thumbprint: rotated.json()["thumbprint"].as_str().unwrap().to_owned(),
        ..host
    };
    let twice = app
        .post("/api/auth/agent/host/revoke")
        .append_header((
            "authorization",
            format!("Bearer {}", host_token(&app, &host)),
        ))
        .append_header((
            "authorization",
            format!("Bearer {}", host_token(&app, &host)),
        ));
    TestResponse::send(twice, None)
        .await
        .assert_error(400, "REPEATED_CREDENTIAL");
    // Neither refusal revoked it.
    let revoked = as_host(
        &app,
        &host,
        Method::POST,
        "/api/auth/agent/host/revoke",
        None,
    )
    .await;
    assert_eq!(revoked.status, 200, "{}", revoked.json());
}

/// On an endpoint users and hosts both call, an invalid host token is refused: it never falls back
/// to the session cookie sent beside it (no silent fall-back).
#[actix_web::test]
async fn a_bad_host_token_beside_a_valid_session_is_a_401() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let host = connect_host(&app, &store.owner).await;
    let (agent, _) = register(&app, &store, &host, &[]).await;
    let forged = Host {
        id: host.id.clone(),
        thumbprint: host.thumbprint.clone(),
        key: TestKey::generate(),
    };
    for path in ["/api/auth/agent/revoke", "/api/auth/agent/host/revoke"] {
        let request = app
            .as_user(Method::POST, path, &store.owner)
            .with_bearer(&host_token(&app, &forged));
        TestResponse::send_json(request, json!({"agent_id": agent.id, "hostId": host.id}))
            .await
            .assert_error(401, "INVALID_HOST_TOKEN");
    }
    // Nothing was revoked: the host still reads its agent as active.
    let status_path = format!("/api/auth/agent/status?agent_id={}", agent.id);
    let status = as_host(&app, &host, Method::GET, &status_path, None).await;
    assert_eq!(status.status, 200, "{}", status.json());
    assert_eq!(status.json()["status"], "active");
}

#[actix_web::test]
async fn a_host_that_registers_itself_is_kept_only_with_its_agent() {
    let app = TestApp::spawn_with(|settings| settings.agents.dynamic_hosts = true).await;
    let store = app.store("acme").await;
    let agent_key = TestKey::generate();
    let first = register_new_host(&app, &store, &TestKey::generate(), &agent_key).await;
    assert_eq!(first.status, 201, "{}", first.json());
    // Another new host brings a key an agent already has: refused, and the host is not kept.
    let refused = register_new_host(&app, &store, &TestKey::generate(), &agent_key)
        .await
        .assert_error(409, "AGENT_EXISTS");
    assert_eq!(refused["error"], "agent_exists");
    let hosts = TestResponse::send(
        app.as_user(Method::GET, "/api/auth/agent/hosts", &store.owner),
        None,
    )
    .await
    .json();
    assert_eq!(hosts.as_array().map(Vec::len), Some(1), "{hosts}");
}
