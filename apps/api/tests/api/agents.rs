//! Agents calling `/v1` with their JWTs: verified by their registered keys, held to their grants,
//! their organization and their approving user; every attack on the token refused.

use actix_web::http::Method;
use domain::AgentId;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use test_support::{
    CallerRequest as _, TestAgent, TestApp, TestKey, TestResponse, TestStore, agent_header,
    sign_with,
};

async fn as_agent(app: &TestApp, token: &str, method: Method, path: &str) -> TestResponse {
    TestResponse::send(app.request(method, path).with_bearer(token), None).await
}

fn now(app: &TestApp) -> i64 {
    app.clock_now().timestamp()
}

async fn setup() -> (TestApp, TestStore, TestAgent) {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let owner = store.owner.user_id.parse().unwrap();
    let agent = app
        .agent(
            store.org,
            Some(owner),
            &["listProducts", "getProduct", "createCart"],
        )
        .await;
    (app, store, agent)
}

#[actix_web::test]
async fn an_agent_acts_in_its_org_with_its_grants_only() {
    let (app, store, agent) = setup().await;
    let seen = as_agent(&app, &agent.token(now(&app)), Method::GET, "/v1/whoami").await;
    assert_eq!(seen.status, 200, "{}", seen.json());
    let seen = seen.json();
    assert_eq!(seen["kind"], "agent");
    assert_eq!(seen["organizationId"], store.org.to_string());
    assert_eq!(seen["scopes"], json!(["storefront"]));
    assert_eq!(
        seen["capabilities"],
        json!(["createCart", "getProduct", "listProducts"])
    );
    assert_eq!(seen["principalId"], agent.id.to_string());

    assert_eq!(
        as_agent(&app, &agent.token(now(&app)), Method::GET, "/v1/products")
            .await
            .status,
        200
    );
    let refused = TestResponse::send_json(
        app.post("/v1/orders").with_bearer(&agent.token(now(&app))),
        json!({"cartId": uuid::Uuid::now_v7(), "email": "a@b.test"}),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    assert_eq!(refused["details"]["reason"], "capability_not_granted");
    as_agent(
        &app,
        &agent.token(now(&app)),
        Method::GET,
        "/v1/admin/products",
    )
    .await
    .assert_error(403, "FORBIDDEN");

    // A token may narrow itself to some of its grants.
    let mut narrowed = agent.claims(now(&app));
    narrowed["capabilities"] = json!(["getProduct"]);
    let seen = as_agent(&app, &agent.sign(&narrowed), Method::GET, "/v1/whoami")
        .await
        .json();
    assert_eq!(seen["capabilities"], json!(["getProduct"]));
    let mut narrowed = agent.claims(now(&app));
    narrowed["capabilities"] = json!(["getProduct"]);
    let refused = as_agent(&app, &agent.sign(&narrowed), Method::GET, "/v1/products")
        .await
        .assert_error(403, "FORBIDDEN");
    assert_eq!(refused["details"]["reason"], "capability_not_granted");
}

#[actix_web::test]
async fn an_agent_never_crosses_its_organization() {
    let (app, _acme, agent) = setup().await;
    let globex = app.store("globex").await;
    let product = app.product(&globex, "G-1", 100, 1).await;
    // Whatever Host it sends, the agent is Acme's.
    let request = app
        .get("/v1/whoami")
        .on_host(&globex.host)
        .with_bearer(&agent.token(now(&app)));
    assert_ne!(
        TestResponse::send(request, None).await.json()["organizationId"],
        globex.org.to_string()
    );
    let path = format!("/v1/products/{}", product["id"].as_str().unwrap());
    let request = app
        .get(&path)
        .on_host(&globex.host)
        .with_bearer(&agent.token(now(&app)));
    TestResponse::send(request, None)
        .await
        .assert_error(404, "NOT_FOUND");
}

#[actix_web::test]
async fn an_agent_never_exceeds_its_approving_user() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let member = app.sign_up("member@acme.test").await;
    app.add_member(&store.owner, &member, "member").await;
    let agent = app
        .agent(
            store.org,
            Some(member.user_id.parse().unwrap()),
            &["adminListProducts", "adminListPaymentEvents"],
        )
        .await;
    assert_eq!(
        as_agent(
            &app,
            &agent.token(now(&app)),
            Method::GET,
            "/v1/admin/products"
        )
        .await
        .status,
        200
    );
    // Members may not see payment events, so neither may an agent they approved.
    as_agent(
        &app,
        &agent.token(now(&app)),
        Method::GET,
        "/v1/admin/payment-events",
    )
    .await
    .assert_error(403, "FORBIDDEN");
}

#[actix_web::test]
async fn revoking_the_grant_the_agent_or_its_host_takes_effect_at_once() {
    let (app, store, agent) = setup().await;
    let db = &app.database.db.conn;
    let now_utc = app.clock_now();
    assert_eq!(
        as_agent(&app, &agent.token(now(&app)), Method::GET, "/v1/products")
            .await
            .status,
        200
    );
    let denied = db::repo::agents::GrantDecision {
        capability: "listProducts",
        status: domain::GrantStatus::Denied,
        granted_by: None,
        expires_at: None,
        constraints: None,
    };
    db::repo::agents::set_grant(db, store.org, AgentId::from_uuid(agent.id), denied, now_utc)
        .await
        .unwrap();
    as_agent(&app, &agent.token(now(&app)), Method::GET, "/v1/products")
        .await
        .assert_error(403, "FORBIDDEN");

    db::repo::agents::set_agent_status(
        db,
        store.org,
        AgentId::from_uuid(agent.id),
        domain::AgentStatus::Revoked,
        now_utc,
    )
    .await
    .unwrap();
    let body = as_agent(&app, &agent.token(now(&app)), Method::GET, "/v1/whoami")
        .await
        .assert_error(401, "INVALID_AGENT_TOKEN");
    assert_eq!(body["details"]["failure"], "agent_revoked");

    let other = app.agent(store.org, None, &["listProducts"]).await;
    db::repo::agents::set_host_status(
        db,
        store.org,
        domain::AgentHostId::from_uuid(other.host_id),
        domain::HostStatus::Revoked,
        now_utc,
    )
    .await
    .unwrap();
    let body = as_agent(&app, &other.token(now(&app)), Method::GET, "/v1/whoami")
        .await
        .assert_error(401, "INVALID_AGENT_TOKEN");
    assert_eq!(body["details"]["failure"], "host_revoked");
}

/// Each attack: a token and the failure it must be refused with (never a fall-back to the Host).
#[actix_web::test]
async fn attacks_on_the_token_are_refused() {
    let (app, store, agent) = setup().await;
    let t = now(&app);
    let with = |change: &dyn Fn(&mut Value)| {
        let mut claims = agent.claims(t);
        change(&mut claims);
        agent.sign(&claims)
    };
    let header_with = |alg: Algorithm, typ: &str| {
        let mut header = Header::new(alg);
        header.typ = Some(typ.to_owned());
        header
    };
    let stranger = TestKey::generate();
    let mut jku = agent_header();
    jku.jku = Some("http://169.254.169.254/keys".to_owned());
    jku.kid = Some("../../etc/passwd".to_owned());
    let public_as_secret = EncodingKey::from_secret(agent.key.x.as_bytes());

    // A token bound to this very request is accepted (the query is not part of the binding).
    let bound = with(&|c| {
        c["htm"] = json!("GET");
        c["htu"] = json!(format!("{}/v1/whoami?debug=1", app.issuer));
    });
    let seen = as_agent(&app, &bound, Method::GET, "/v1/whoami").await;
    assert_eq!(seen.status, 200, "{}", seen.json());

    let replayed = agent.token(t);
    assert_eq!(
        as_agent(&app, &replayed, Method::GET, "/v1/whoami")
            .await
            .status,
        200
    );

    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "replayed jti",
            replayed,
            "INVALID_AGENT_TOKEN",
            "jti_replay",
        ),
        (
            "alg none",
            format!(
                "{}.{}.",
                b64(r#"{"alg":"none","typ":"agent+jwt"}"#),
                b64(&agent.claims(t).to_string())
            ),
            "INVALID_AGENT_TOKEN",
            "bad_algorithm",
        ),
        (
            "alg Ed25519 (the curve, not an algorithm)",
            format!(
                "{}.{}.c2ln",
                b64(r#"{"alg":"Ed25519","typ":"agent+jwt"}"#),
                b64(&agent.claims(t).to_string())
            ),
            "INVALID_AGENT_TOKEN",
            "bad_algorithm",
        ),
        (
            "HS256 with the public key",
            sign_with(
                &header_with(Algorithm::HS256, "agent+jwt"),
                &agent.claims(t),
                &public_as_secret,
            ),
            "INVALID_AGENT_TOKEN",
            "bad_algorithm",
        ),
        (
            "RS256 header",
            format!(
                "{}.{}.c2ln",
                b64(r#"{"alg":"RS256","typ":"agent+jwt"}"#),
                b64(&agent.claims(t).to_string())
            ),
            "INVALID_AGENT_TOKEN",
            "bad_algorithm",
        ),
        (
            "wrong typ",
            sign_with(
                &header_with(Algorithm::EdDSA, "JWT"),
                &agent.claims(t),
                &agent.key.encoding,
            ),
            "INVALID_TOKEN",
            "invalid_token",
        ),
        (
            "wrong aud",
            with(&|c| c["aud"] = json!("https://other.example")),
            "INVALID_AGENT_TOKEN",
            "invalid_audience",
        ),
        (
            "wrong iss",
            with(&|c| c["iss"] = json!("someone-else")),
            "INVALID_AGENT_TOKEN",
            "invalid_issuer",
        ),
        (
            "expired",
            with(&|c| {
                c["iat"] = json!(t - 200);
                c["exp"] = json!(t - 140);
            }),
            "INVALID_AGENT_TOKEN",
            "expired",
        ),
        (
            "lifetime over 60 s",
            with(&|c| c["exp"] = json!(t + 3600)),
            "INVALID_AGENT_TOKEN",
            "lifetime_too_long",
        ),
        (
            "iat in the future",
            with(&|c| {
                c["iat"] = json!(t + 120);
                c["exp"] = json!(t + 150);
            }),
            "INVALID_AGENT_TOKEN",
            "iat_in_future",
        ),
        (
            "no jti",
            with(&|c| {
                c.as_object_mut().unwrap().remove("jti");
            }),
            "INVALID_AGENT_TOKEN",
            "missing_claim",
        ),
        (
            "no exp",
            with(&|c| {
                c.as_object_mut().unwrap().remove("exp");
            }),
            "INVALID_AGENT_TOKEN",
            "missing_claim",
        ),
        (
            "another key",
            sign_with(&agent_header(), &agent.claims(t), &stranger.encoding),
            "INVALID_AGENT_TOKEN",
            "bad_signature",
        ),
        (
            "jku and kid pointing anywhere",
            sign_with(&jku, &agent.claims(t), &stranger.encoding),
            "INVALID_AGENT_TOKEN",
            "bad_signature",
        ),
        (
            "unknown agent",
            with(&|c| c["sub"] = json!(uuid::Uuid::now_v7().to_string())),
            "INVALID_AGENT_TOKEN",
            "unknown",
        ),
        (
            "bound to another method",
            with(&|c| c["htm"] = json!("POST")),
            "INVALID_AGENT_TOKEN",
            "request_mismatch",
        ),
        (
            "bound to another path",
            with(&|c| c["htu"] = json!(format!("{}/v1/products", app.issuer))),
            "INVALID_AGENT_TOKEN",
            "request_mismatch",
        ),
        (
            "bound to another api",
            with(&|c| c["htu"] = json!("https://evil.example/v1/whoami")),
            "INVALID_AGENT_TOKEN",
            "request_mismatch",
        ),
        (
            "bound by a hash we cannot check",
            with(&|c| c["ath"] = json!("fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo")),
            "INVALID_AGENT_TOKEN",
            "unsupported_binding",
        ),
    ];
    for (name, token, code, failure) in cases {
        let request = app
            .get("/v1/whoami")
            .on_host(&store.host)
            .with_bearer(&token);
        let body = TestResponse::send(request, None)
            .await
            .assert_error(401, code);
        assert_eq!(body["details"]["failure"], failure, "{name}: {body}");
    }
    // Claims changed under a valid signature.
    let token = agent.token(t);
    let signature = token.rsplit('.').next().unwrap();
    let mut claims = agent.claims(t);
    claims["capabilities"] = json!(["adminRefundOrder"]);
    let forged = format!(
        "{}.{}.{signature}",
        b64(r#"{"alg":"EdDSA","typ":"agent+jwt"}"#),
        b64(&claims.to_string())
    );
    let body = as_agent(&app, &forged, Method::GET, "/v1/whoami")
        .await
        .assert_error(401, "INVALID_AGENT_TOKEN");
    assert_eq!(body["details"]["failure"], "bad_signature");
}

fn b64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}
