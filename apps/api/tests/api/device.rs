//! Device authorization for the CLI (RFC 8628), end to end.

use actix_web::http::Method;
use serde_json::{Value, json};
use test_support::{CallerRequest as _, TestApp, TestResponse};

const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn start(app: &TestApp) -> Value {
    let started = TestResponse::send_json(
        app.post("/api/auth/device/code"),
        json!({"client_id": "commerce-cli"}),
    )
    .await;
    assert_eq!(started.status, 200, "{}", started.json());
    started.json()
}

async fn poll(app: &TestApp, device_code: &str) -> TestResponse {
    let form = format!(
        "grant_type={}&device_code={device_code}&client_id=commerce-cli",
        GRANT.replace(':', "%3A")
    );
    let request = app
        .post("/api/auth/device/token")
        .insert_header(("content-type", "application/x-www-form-urlencoded"));
    TestResponse::send(request, Some(&form)).await
}

fn rfc_error(response: &TestResponse) -> String {
    assert_eq!(response.status, 400, "{}", response.json());
    assert_eq!(response.header("cache-control"), Some("no-store"));
    response.json()["error"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_cli_signs_in_through_the_dashboard_and_gets_a_bearer_session() {
    let app = TestApp::spawn().await;
    let (user, org) = app.merchant("ada@x.test", "acme").await;
    let started = start(&app).await;
    let user_code = started["user_code"].as_str().unwrap();
    assert!(regex_like(user_code), "{user_code}");
    assert_eq!(started["verification_uri"], "http://localhost:3000/device");
    assert_eq!(started["interval"], 5);
    let device_code = started["device_code"].as_str().unwrap();

    assert_eq!(
        rfc_error(&poll(&app, device_code).await),
        "authorization_pending"
    );
    assert_eq!(
        rfc_error(&poll(&app, device_code).await),
        "slow_down",
        "polled within the interval"
    );

    let lookup = TestResponse::send(
        app.as_user(
            Method::GET,
            &format!("/api/auth/device?user_code={}", user_code.to_lowercase()),
            &user,
        ),
        None,
    )
    .await
    .json();
    assert_eq!(
        (lookup["clientId"].as_str(), lookup["status"].as_str()),
        (Some("commerce-cli"), Some("pending"))
    );
    let approved = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/device/approve", &user),
        json!({"userCode": user_code}),
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.json());

    let token = poll(&app, device_code).await;
    assert_eq!(token.status, 200, "{}", token.json());
    let token = token.json();
    assert_eq!(token["token_type"], "Bearer");
    let access = token["access_token"].as_str().unwrap();
    let me = TestResponse::send(app.get("/v1/whoami").with_bearer(access), None).await;
    assert_eq!(me.status, 200, "{}", me.json());
    // The CLI's session acts where the approving dashboard session acted.
    assert_eq!(me.json()["userId"], user.user_id);
    assert_eq!(me.json()["organizationId"], org.to_string());
    assert_eq!(me.json()["scopes"], json!(["admin", "storefront"]));
    let set = TestResponse::send_json(
        app.post("/api/auth/organization/set-active")
            .with_bearer(access),
        json!({"organizationId": null}),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.json());

    assert_eq!(
        rfc_error(&poll(&app, device_code).await),
        "invalid_grant",
        "redeemed once only"
    );
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/device/approve", &user),
        json!({"userCode": user_code}),
    )
    .await
    .assert_error(409, "DEVICE_REQUEST_CLOSED");
}

fn regex_like(code: &str) -> bool {
    code.len() == 9
        && code.chars().nth(4) == Some('-')
        && code
            .chars()
            .filter(|c| *c != '-')
            .all(|c| "BCDFGHJKLMNPQRSTVWXZ".contains(c))
}

#[actix_web::test]
async fn denied_expired_unknown_and_foreign_codes_are_refused() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@x.test").await;

    let denied = start(&app).await;
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/device/deny", &user),
        json!({"userCode": denied["user_code"]}),
    )
    .await;
    assert_eq!(
        rfc_error(&poll(&app, denied["device_code"].as_str().unwrap()).await),
        "access_denied"
    );

    let expiring = start(&app).await;
    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(
        rfc_error(&poll(&app, expiring["device_code"].as_str().unwrap()).await),
        "expired_token"
    );
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/device/approve", &user),
        json!({"userCode": expiring["user_code"]}),
    )
    .await
    .assert_error(409, "DEVICE_REQUEST_CLOSED");

    assert_eq!(
        rfc_error(&poll(&app, "not-a-device-code").await),
        "invalid_grant"
    );
    let wrong_grant = TestResponse::send_json(
        app.post("/api/auth/device/token"),
        json!({"grant_type": "password", "device_code": "x", "client_id": "commerce-cli"}),
    )
    .await;
    assert_eq!(rfc_error(&wrong_grant), "unsupported_grant_type");
    let unknown_client = TestResponse::send_json(
        app.post("/api/auth/device/code"),
        json!({"client_id": "evil-cli"}),
    )
    .await;
    assert_eq!(rfc_error(&unknown_client), "invalid_client");
    let form = TestResponse::send(
        app.post("/api/auth/device/code")
            .insert_header(("content-type", "application/x-www-form-urlencoded")),
        Some("client_id=commerce-cli&scope=openid"),
    )
    .await;
    assert_eq!(form.status, 200, "form-encoded is accepted");

    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/device/approve", &user),
        json!({"userCode": "BCDF-GHJK"}),
    )
    .await
    .assert_error(404, "NOT_FOUND");
    TestResponse::send_json(
        app.post("/api/auth/device/approve"),
        json!({"userCode": "BCDF-GHJK"}),
    )
    .await
    .assert_error(401, "UNAUTHORIZED");
}

#[actix_web::test]
async fn approvals_are_rate_limited_per_user() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@x.test").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let response = TestResponse::send_json(
            app.as_user(Method::POST, "/api/auth/device/approve", &user),
            json!({"userCode": "ZZZZ-ZZZZ"}),
        )
        .await;
        statuses.push(response.status.as_u16());
    }
    assert_eq!(statuses, [404, 404, 404, 404, 404, 429]);
}

#[actix_web::test]
async fn the_jwk_set_is_published_and_holds_no_key_the_api_does_not_use() {
    let app = TestApp::spawn().await;
    let jwks = TestResponse::send(app.get("/api/auth/jwks"), None).await;
    assert_eq!(jwks.status, 200);
    assert_eq!(jwks.json(), json!({"keys": []}));
}

/// Asks for a code with these extra headers; answers its user code.
async fn ask_with(app: &TestApp, headers: &[(&str, &str)]) -> String {
    let mut request = app.post("/api/auth/device/code");
    for header in headers {
        request = request.insert_header(*header);
    }
    let started = TestResponse::send_json(request, json!({"client_id": "commerce-cli"})).await;
    assert_eq!(started.status, 200, "{}", started.json());
    started.json()["user_code"].as_str().unwrap().to_owned()
}

async fn look_up(app: &TestApp, user: &test_support::TestUser, user_code: &str) -> Value {
    let path = format!("/api/auth/device?user_code={user_code}");
    let lookup = TestResponse::send(app.as_user(Method::GET, &path, user), None).await;
    assert_eq!(lookup.status, 200, "{}", lookup.json());
    lookup.json()
}

fn time_of(view: &Value, field: &str) -> chrono::DateTime<chrono::Utc> {
    view[field].as_str().unwrap().parse().unwrap()
}

/// The approval page can say who asks: the address the code was asked from and when — the peer's,
/// since without `TRUST_PROXY` a client's own `X-Forwarded-For` is not believed.
#[actix_web::test]
async fn the_device_lookup_says_where_and_when_the_code_was_asked_for() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@x.test").await;
    let asked_at = app.clock_now();
    let user_code = ask_with(&app, &[("x-forwarded-for", "203.0.113.7")]).await;
    app.clock.advance(chrono::Duration::minutes(2));

    let view = look_up(&app, &user, &user_code).await;
    assert_eq!(view["requestedFrom"], "127.0.0.1", "{view}");
    let created_at = time_of(&view, "createdAt");
    assert!(
        (created_at - asked_at).num_milliseconds().abs() < 1,
        "asked at {asked_at}, answered {created_at}"
    );
    assert_eq!(
        time_of(&view, "expiresAt") - created_at,
        chrono::Duration::minutes(15)
    );
}

/// Behind a trusted proxy the client it forwarded for is recorded (the address the proxy appended
/// last, as for rate limits); without the header, the peer.
#[actix_web::test]
async fn behind_a_trusted_proxy_the_device_request_records_the_forwarded_client() {
    let app = TestApp::spawn_with(|settings| settings.trust_proxy = true).await;
    let user = app.sign_up("ada@x.test").await;
    let forwarded = ask_with(&app, &[("x-forwarded-for", "198.51.100.1, 203.0.113.7")]).await;
    let direct = ask_with(&app, &[]).await;

    assert_eq!(
        look_up(&app, &user, &forwarded).await["requestedFrom"],
        "203.0.113.7"
    );
    assert_eq!(
        look_up(&app, &user, &direct).await["requestedFrom"],
        "127.0.0.1"
    );
}

/// A CLI session of `user`, through the whole device flow (approved from `user`'s dashboard
/// session).
async fn cli_session(app: &TestApp, user: &test_support::TestUser) -> String {
    let started = start(app).await;
    let approved = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/device/approve", user),
        json!({"userCode": started["user_code"]}),
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.json());
    let token = poll(app, started["device_code"].as_str().unwrap()).await;
    assert_eq!(token.status, 200, "{}", token.json());
    token.json()["access_token"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_cli_session_can_neither_approve_devices_nor_create_keys() {
    let app = TestApp::spawn().await;
    let (user, _) = app.merchant("ada@x.test", "acme").await;
    let cli = cli_session(&app, &user).await;

    let key = TestResponse::send_json(
        app.post("/api/auth/api-key/create").with_bearer(&cli),
        json!({"name": "from the cli", "scopes": ["admin"]}),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    assert_eq!(
        key["details"]["reason"], "password_session_required",
        "{key}"
    );

    // A phished code approved with the CLI's session would hand out another session: refused.
    let another = start(&app).await;
    let refused = TestResponse::send_json(
        app.post("/api/auth/device/approve").with_bearer(&cli),
        json!({"userCode": another["user_code"]}),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    assert_eq!(refused["details"]["reason"], "password_session_required");
    // The CLI may still deny one, and read what it works on.
    let denied = TestResponse::send_json(
        app.post("/api/auth/device/deny").with_bearer(&cli),
        json!({"userCode": another["user_code"]}),
    )
    .await;
    assert_eq!(denied.status, 200, "{}", denied.json());
    let me = TestResponse::send(app.get("/v1/whoami").with_bearer(&cli), None).await;
    assert_eq!(me.status, 200);
}

#[actix_web::test]
async fn user_code_lookups_are_throttled_per_user() {
    let app = TestApp::spawn().await;
    let (user, _) = app.merchant("ada@x.test", "acme").await;
    let mut statuses = Vec::new();
    for attempt in 0..25 {
        let path = format!("/api/auth/device?user_code=WDJB-MJH{}", attempt % 10);
        let looked = TestResponse::send(app.as_user(Method::GET, &path, &user), None).await;
        statuses.push(looked.status.as_u16());
    }
    assert_eq!(statuses[0], 404, "an unknown code");
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
}
