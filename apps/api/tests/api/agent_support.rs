//! What the Agent Auth tests share: a host connected by a user, its tokens, agents registered
//! under it, members added to a store, calls made as an agent.

use actix_web::http::Method;
use jsonwebtoken::{Algorithm, Header};
use serde_json::{Value, json};
use test_support::{
    CallerRequest as _, TestAgent, TestApp, TestKey, TestResponse, TestStore, TestUser, sign_with,
};

pub struct Host {
    pub id: Value,
    pub key: TestKey,
    pub thumbprint: String,
}

pub async fn connect_host(app: &TestApp, user: &TestUser) -> Host {
    let key = TestKey::generate();
    let body = json!({"name": "shopping assistant", "publicKey": {"kty": "OKP", "crv": "Ed25519", "x": key.x}});
    let created = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/agent/host/create", user),
        body,
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.json());
    let created = created.json();
    Host {
        id: created["id"].clone(),
        thumbprint: created["thumbprint"].as_str().unwrap().to_owned(),
        key,
    }
}

pub fn host_token(app: &TestApp, host: &Host) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.typ = Some("host+jwt".to_owned());
    let now = app.clock_now().timestamp();
    let claims = json!({"iss": host.thumbprint, "aud": app.issuer, "iat": now, "exp": now + 60, "jti": uuid::Uuid::now_v7().to_string()});
    sign_with(&header, &claims, &host.key.encoding)
}

pub async fn register(
    app: &TestApp,
    store: &TestStore,
    host: &Host,
    capabilities: &[&str],
) -> (TestAgent, Value) {
    let key = TestKey::generate();
    let body = json!({"name": "agent", "public_key": {"kty": "OKP", "crv": "Ed25519", "x": key.x}, "capabilities": capabilities});
    let registered = TestResponse::send_json(
        app.post("/api/auth/agent/register")
            .with_bearer(&host_token(app, host)),
        body,
    )
    .await;
    assert_eq!(registered.status, 201, "{}", registered.json());
    let registered = registered.json();
    let agent = TestAgent {
        id: registered["agent_id"].as_str().unwrap().parse().unwrap(),
        org: store.org,
        host_id: uuid::Uuid::nil(),
        host_thumbprint: host.thumbprint.clone(),
        key,
        audience: app.issuer.clone(),
    };
    (agent, registered)
}

/// A new user added to `store` as a `member`, with the store as their active organization.
pub async fn member_of(app: &TestApp, store: &TestStore, email: &str) -> TestUser {
    let member = app.sign_up(email).await;
    app.add_member(&store.owner, &member, "member").await;
    let active = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/organization/set-active", &member),
        json!({"organizationId": store.org.to_string()}),
    )
    .await;
    assert_eq!(active.status, 200, "{}", active.json());
    member
}

pub async fn call(
    app: &TestApp,
    agent: &TestAgent,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> TestResponse {
    let request = app
        .request(method, path)
        .with_bearer(&agent.token(app.clock_now().timestamp()));
    match body {
        Some(body) => TestResponse::send_json(request, body).await,
        None => TestResponse::send(request, None).await,
    }
}
