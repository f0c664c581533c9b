//! Sign-up, sign-in, sign-out, sessions and their cookies.

use actix_web::http::Method;
use serde_json::json;
use test_support::{CallerRequest as _, TestApp, TestResponse};

async fn whoami_with_cookie(app: &TestApp, cookie: &str) -> TestResponse {
    TestResponse::send(
        app.get("/v1/whoami")
            .on_host("api.internal")
            .with_session_cookie(cookie),
        None,
    )
    .await
}

#[actix_web::test]
async fn sign_up_creates_the_user_a_session_and_a_safe_cookie() {
    let app = TestApp::spawn().await;
    let body =
        json!({"email": "  Ada@Example.com ", "password": "correct horse battery", "name": "Ada"});
    let response = TestResponse::send_json(app.post("/api/auth/sign-up/email"), &body).await;
    assert_eq!(response.status, 200, "{}", response.json());
    let json = response.json();
    assert_eq!(json["user"]["email"], "ada@example.com");
    assert_eq!(json["user"]["role"], "org_member");
    assert_eq!(
        json["session"]["activeOrganizationId"],
        serde_json::Value::Null
    );
    assert!(json.get("token").is_none() && !response.body.windows(8).any(|w| w == b"password"));

    let cookie = response.set_cookie().unwrap();
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.same_site(), Some(actix_web::cookie::SameSite::Lax));
    assert_eq!(cookie.path(), Some("/"));
    assert_eq!(cookie.domain(), None);
    assert_eq!(cookie.secure(), None, "plain-http localhost development");
    assert!(cookie.max_age().unwrap().whole_days() >= 29, "30 days");

    let session = TestResponse::send(
        app.get("/api/auth/get-session")
            .with_session_cookie(cookie.value()),
        None,
    )
    .await;
    assert_eq!(session.json()["user"]["email"], "ada@example.com");
}

#[actix_web::test]
async fn sign_up_validates_every_field_and_refuses_a_taken_email() {
    let app = TestApp::spawn().await;
    let bad = json!({"email": "not-an-email", "password": "short", "name": ""});
    let body = TestResponse::send_json(app.post("/api/auth/sign-up/email"), &bad)
        .await
        .assert_error(400, "VALIDATION_ERROR");
    let fields: Vec<&str> = body["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "name", "password"]);

    let too_long = json!({"email": "a@x.test", "password": "x".repeat(129), "name": "A"});
    TestResponse::send_json(app.post("/api/auth/sign-up/email"), &too_long)
        .await
        .assert_error(400, "VALIDATION_ERROR");
    let huge = json!({"email": "a@x.test", "password": "x".repeat(1024 * 1024), "name": "A"});
    TestResponse::send_json(app.post("/api/auth/sign-up/email"), &huge)
        .await
        .assert_error(413, "PAYLOAD_TOO_LARGE");
    TestResponse::send(
        app.post("/api/auth/sign-up/email")
            .insert_header(("content-type", "application/json")),
        Some("{\"email\":"),
    )
    .await
    .assert_error(400, "MALFORMED_JSON");

    app.sign_up("taken@x.test").await;
    let again = json!({"email": "TAKEN@x.test", "password": "another long password", "name": "B"});
    TestResponse::send_json(app.post("/api/auth/sign-up/email"), &again)
        .await
        .assert_error(409, "EMAIL_TAKEN");
}

#[actix_web::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@x.test").await;
    let wrong = TestResponse::send_json(
        app.post("/api/auth/sign-in/email"),
        &json!({"email": "ada@x.test", "password": "wrong password!"}),
    )
    .await;
    let unknown = TestResponse::send_json(
        app.post("/api/auth/sign-in/email"),
        &json!({"email": "nobody@x.test", "password": "wrong password!"}),
    )
    .await;
    let wrong = wrong.assert_error(401, "INVALID_CREDENTIALS");
    let unknown = unknown.assert_error(401, "INVALID_CREDENTIALS");
    assert_eq!(wrong, unknown);
}

#[actix_web::test]
async fn every_sign_in_is_a_new_session_and_sign_out_ends_it_for_good() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@x.test").await;
    let sign_in = || {
        TestResponse::send_json(
            app.post("/api/auth/sign-in/email")
                .with_session_cookie(&user.cookie)
                .insert_header(("origin", test_support::DASHBOARD_ORIGIN)),
            json!({"email": user.email, "password": user.password}),
        )
    };
    let first = sign_in().await.session_cookie().unwrap();
    let second = sign_in().await.session_cookie().unwrap();
    assert_ne!(
        first, user.cookie,
        "no fixation: a fresh session on sign-in"
    );
    assert_ne!(first, second);

    let sign_out = app.as_user(
        Method::POST,
        "/api/auth/sign-out",
        &test_support::TestUser {
            cookie: first.clone(),
            ..user.clone()
        },
    );
    let response = TestResponse::send(sign_out, None).await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.session_cookie().as_deref(),
        Some(""),
        "the cookie is cleared"
    );

    let replay = whoami_with_cookie(&app, &first)
        .await
        .assert_error(401, "INVALID_SESSION");
    assert_eq!(replay["details"]["failure"], "unknown");
    let signed_out = TestResponse::send(
        app.get("/api/auth/get-session").with_session_cookie(&first),
        None,
    )
    .await;
    assert_eq!(signed_out.status, 200);
    assert_eq!(signed_out.json(), serde_json::Value::Null);
    // The other sessions live on.
    assert_eq!(
        TestResponse::send(
            app.get("/api/auth/get-session")
                .with_session_cookie(&second),
            None
        )
        .await
        .json()["user"]["email"],
        "ada@x.test"
    );
}

#[actix_web::test]
async fn tampered_and_foreign_cookies_are_refused() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@x.test").await;
    let (token, signature) = user.cookie.rsplit_once('.').unwrap();
    let forged = format!("{token}.{}", signature.chars().rev().collect::<String>());
    let body = whoami_with_cookie(&app, &forged)
        .await
        .assert_error(401, "INVALID_SESSION");
    assert_eq!(body["details"]["failure"], "bad_signature");
    whoami_with_cookie(&app, token)
        .await
        .assert_error(401, "INVALID_SESSION");

    // The same database, another AUTH_SECRET (a rotation, or a cookie minted elsewhere).
    let rotated = app
        .spawn_beside(|settings| settings.auth_secret = api::Secret::new("b".repeat(40)))
        .await;
    whoami_with_cookie(&rotated, &user.cookie)
        .await
        .assert_error(401, "INVALID_SESSION");
    let foreign = rotated.sign_up("eve@x.test").await;
    whoami_with_cookie(&app, &foreign.cookie)
        .await
        .assert_error(401, "INVALID_SESSION");
}

#[actix_web::test]
async fn the_session_token_works_as_a_bearer_for_the_cli() {
    let app = TestApp::spawn().await;
    let (user, org) = app.merchant("ada@x.test", "acme").await;
    let token = user.cookie.rsplit_once('.').unwrap().0;
    let response = TestResponse::send(app.get("/v1/whoami").with_bearer(token), None).await;
    assert_eq!(response.status, 200, "{}", response.json());
    assert_eq!(response.json()["kind"], "session");
    assert_eq!(response.json()["organizationId"], org.to_string());
}

#[actix_web::test]
async fn sessions_expire_and_slide_forward_when_used() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@x.test").await;
    app.clock.advance(chrono::Duration::days(20));
    let refreshed = TestResponse::send(
        app.get("/api/auth/get-session")
            .with_session_cookie(&user.cookie),
        None,
    )
    .await;
    assert_eq!(refreshed.status, 200);
    let expires = refreshed.json()["session"]["expiresAt"]
        .as_str()
        .unwrap()
        .to_owned();
    // Used on day 20, so it lives until day 50; used again on day 45, it slides to day 75.
    app.clock.advance(chrono::Duration::days(25));
    let alive = TestResponse::send(
        app.get("/api/auth/get-session")
            .with_session_cookie(&user.cookie),
        None,
    )
    .await;
    let slid = alive.json()["session"]["expiresAt"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(slid > expires, "{slid} is after {expires}");
    app.clock.advance(chrono::Duration::days(31));
    let expired = TestResponse::send(
        app.get("/api/auth/get-session")
            .with_session_cookie(&user.cookie),
        None,
    )
    .await;
    assert_eq!(expired.json(), serde_json::Value::Null);
}

#[actix_web::test]
async fn a_session_used_every_day_still_ends_at_its_absolute_lifetime() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@x.test").await;
    let session = |app: &TestApp| {
        TestResponse::send(
            app.get("/api/auth/get-session")
                .with_session_cookie(&user.cookie),
            None,
        )
    };
    // Used every 29 days, it slides — but never past 90 days after sign-in.
    for _ in 0..3 {
        app.clock.advance(chrono::Duration::days(29));
        let alive = session(&app).await.json();
        assert!(alive["session"].is_object(), "{alive}");
        let expires: chrono::DateTime<chrono::Utc> = alive["session"]["expiresAt"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let created: chrono::DateTime<chrono::Utc> = alive["session"]["createdAt"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(expires <= created + chrono::Duration::days(90), "{alive}");
    }
    app.clock.advance(chrono::Duration::days(4));
    assert_eq!(session(&app).await.json(), serde_json::Value::Null);
    TestResponse::send(
        app.get("/v1/whoami").with_session_cookie(&user.cookie),
        None,
    )
    .await
    .assert_error(401, "INVALID_SESSION");
}

#[actix_web::test]
async fn sign_in_is_rate_limited_with_retry_after() {
    let app = TestApp::spawn_with(|settings| settings.auth_rate_limit_per_minute = 4).await;
    let attempt = || {
        TestResponse::send_json(
            app.post("/api/auth/sign-in/email"),
            json!({"email": "ada@x.test", "password": "wrong password!"}),
        )
    };
    attempt().await.assert_error(401, "INVALID_CREDENTIALS");
    attempt().await.assert_error(401, "INVALID_CREDENTIALS");
    let limited = attempt().await;
    limited.assert_error(429, "RATE_LIMITED");
    assert!(
        limited
            .header("retry-after")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
}

#[actix_web::test]
async fn a_stranger_cannot_lock_a_user_out_from_their_own_network() {
    let app = TestApp::spawn_with(|settings| {
        settings.auth_rate_limit_per_minute = 4;
        settings.trust_proxy = true;
    })
    .await;
    let ada = app.sign_up("ada@x.test").await;
    let sign_in = |from: &'static str, password: &str| {
        TestResponse::send_json(
            app.post("/api/auth/sign-in/email")
                .insert_header(("x-forwarded-for", from)),
            json!({"email": "ADA@x.test", "password": password}),
        )
    };
    // The stranger's guesses run out for their network (a neighbour at .8 shares it)…
    let mut refused = 0;
    for attempt in 0..6 {
        let from = if attempt % 2 == 0 {
            "203.0.113.7"
        } else {
            "203.0.113.8"
        };
        if sign_in(from, "wrong password!").await.status == 429 {
            refused += 1;
        }
    }
    assert!(refused >= 3, "{refused} of 6 guesses refused");
    // …not for Ada's.
    let mine = sign_in("198.51.100.20", &ada.password).await;
    assert_eq!(mine.status, 200, "{}", mine.json());
}

#[actix_web::test]
async fn the_permission_statement_is_served() {
    let app = TestApp::spawn().await;
    let body = TestResponse::send(app.get("/api/auth/permissions"), None)
        .await
        .json();
    assert_eq!(
        body["statement"]["apiKey"],
        json!(["list", "create", "revoke"])
    );
    assert!(body["roles"]["member"].get("apiKey").is_none());
}

/// M5: password hashing is bounded: with one turn and no wait, sign-ins at once beyond the one
/// hashing are refused with 503 and `Retry-After` — never queued without limit, never a 500.
#[actix_web::test]
async fn a_flood_of_sign_ins_beyond_the_hashing_limit_is_refused_with_retry_after() {
    let app = TestApp::spawn_with(|settings| {
        settings.password_hashing = identity::HashingLimit {
            concurrent: 1,
            wait: std::time::Duration::ZERO,
        };
        settings.auth_rate_limit_per_minute = 10_000;
    })
    .await;
    let attempts = (0..12).map(|n| {
        TestResponse::send_json(
            app.post("/api/auth/sign-in/email"),
            serde_json::json!({"email": format!("nobody{n}@example.com"), "password": "wrong password"}),
        )
    });
    let answers = futures_util::future::join_all(attempts).await;
    let statuses: Vec<u16> = answers
        .iter()
        .map(|answer| answer.status.as_u16())
        .collect();
    assert!(
        statuses.iter().all(|status| [401, 503].contains(status)),
        "{statuses:?}"
    );
    let refused: Vec<_> = answers
        .iter()
        .filter(|answer| answer.status == 503)
        .collect();
    assert!(!refused.is_empty(), "{statuses:?}");
    for answer in refused {
        answer.assert_error(503, "SERVICE_UNAVAILABLE");
        assert_eq!(answer.header("retry-after"), Some("1"));
    }
    // Once the flood is over, a sign-in gets its turn.
    TestResponse::send_json(
        app.post("/api/auth/sign-in/email"),
        serde_json::json!({"email": "nobody@example.com", "password": "wrong password"}),
    )
    .await
    .assert_error(401, "INVALID_CREDENTIALS");
}
