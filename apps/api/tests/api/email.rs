//! Email: the verification link sent at sign-up, password reset, the resend limit, sign-in that
//! waits for a verified address, and delivery that survives a mail server being down — all over a
//! real SMTP conversation with the test's own server.

use actix_web::http::Method;
use db::entities::audit_event;
use db::repo::email_outbox;
use domain::EmailStatus;
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::json;
use test_support::{CallerRequest as _, TestApp, TestResponse, TestSmtp, TestUser};

async fn session_user(app: &TestApp, cookie: &str) -> serde_json::Value {
    TestResponse::send(
        app.get("/api/auth/get-session").with_session_cookie(cookie),
        None,
    )
    .await
    .json()["user"]
        .clone()
}

async fn post(app: &TestApp, path: &str, body: serde_json::Value) -> TestResponse {
    TestResponse::send_json(app.post(path), body).await
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> TestResponse {
    post(
        app,
        "/api/auth/sign-in/email",
        json!({"email": email, "password": password}),
    )
    .await
}

#[actix_web::test]
async fn sign_up_sends_a_verification_link_that_verifies_once() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("Ada@Example.com").await;
    assert_eq!(
        session_user(&app, &user.cookie).await["emailVerified"],
        false
    );

    let mail = app.mail.last_for("ada@example.com").await;
    assert_eq!(mail.subject, "Verify your email address");
    assert!(
        mail.link()
            .starts_with("http://localhost:3000/verify-email?token="),
        "{}",
        mail.link()
    );
    assert!(
        mail.html.contains(&mail.link()),
        "the HTML body has the link"
    );
    assert!(mail.text.contains("24 hours"), "{}", mail.text);

    let token = json!({"token": mail.token()});
    assert_eq!(
        post(&app, "/api/auth/verify-email", token.clone())
            .await
            .status,
        200
    );
    assert_eq!(
        session_user(&app, &user.cookie).await["emailVerified"],
        true
    );
    let again = post(&app, "/api/auth/verify-email", token).await;
    let body = again.assert_error(400, "VALIDATION_ERROR");
    assert_eq!(body["details"]["fields"][0]["field"], "token", "{body}");
    post(&app, "/api/auth/verify-email", json!({"token": "made-up"}))
        .await
        .assert_error(400, "VALIDATION_ERROR");

    // Asking again once verified sends nothing.
    let resent = post(
        &app,
        "/api/auth/send-verification-email",
        json!({"email": "ada@example.com"}),
    )
    .await;
    assert_eq!(resent.status, 200);
    app.clock.advance(chrono::Duration::seconds(1));
    api::deliver_email(&app.state).await.unwrap();
    assert_eq!(app.mail.received_by("ada@example.com").len(), 1);
}

#[actix_web::test]
async fn a_verification_link_expires_after_a_day() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("late@example.com").await;
    let mail = app.mail.last_for("late@example.com").await;
    app.clock.advance(chrono::Duration::hours(24));
    post(
        &app,
        "/api/auth/verify-email",
        json!({"token": mail.token()}),
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
    assert_eq!(
        session_user(&app, &user.cookie).await["emailVerified"],
        false
    );
}

/// H2: an address in `PLATFORM_ADMIN_EMAILS` is trusted only once its owner proved they read it.
#[actix_web::test]
async fn platform_admin_emails_promote_only_a_verified_address_and_once() {
    let app = TestApp::spawn_with(|settings| {
        settings.platform_admin_emails = vec!["ops@company.test".to_owned()];
    })
    .await;
    // The squatter signs up first, with the operator's address, and never gets the link.
    let squatter = app.sign_up("Ops@Company.test").await;
    assert_eq!(
        session_user(&app, &squatter.cookie).await["role"],
        "org_member"
    );
    let again = sign_in(&app, "ops@company.test", &squatter.password).await;
    assert_eq!(again.status, 200);
    assert_eq!(
        again.json()["user"]["role"],
        "org_member",
        "sign-in never promotes"
    );
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/admin/revoke-sessions", &squatter),
        &json!({"userId": squatter.user_id}),
    )
    .await
    .assert_error(403, "FORBIDDEN");

    // The owner of the mailbox follows the link: promoted, once, and it is recorded.
    app.verify_email(&squatter).await;
    assert_eq!(
        session_user(&app, &squatter.cookie).await["role"],
        "platform_admin"
    );
    let promotions = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("platform_role_changed"))
        .filter(audit_event::Column::Subject.eq(squatter.user_id.as_str()))
        .count(&app.database.db.conn)
        .await
        .unwrap();
    assert_eq!(promotions, 1);

    // Demoted by another admin, the account stays demoted through sign-ins.
    let ops = squatter;
    let other = app.sign_up("second@company.test").await;
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/admin/set-role", &ops),
        &json!({"userId": other.user_id, "role": "platform_admin"}),
    )
    .await;
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/admin/set-role", &other),
        &json!({"userId": ops.user_id, "role": "org_member"}),
    )
    .await;
    let back = sign_in(&app, "ops@company.test", &ops.password).await;
    assert_eq!(back.json()["user"]["role"], "org_member");
}

#[actix_web::test]
async fn a_password_reset_works_once_within_the_hour_and_signs_out_everywhere() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("reset@example.com").await;
    let laptop = sign_in(&app, &user.email, &user.password)
        .await
        .session_cookie()
        .unwrap();

    // The same answer whether the address has an account or not.
    let known = post(
        &app,
        "/api/auth/request-password-reset",
        json!({"email": "Reset@Example.com"}),
    )
    .await;
    let unknown = post(
        &app,
        "/api/auth/request-password-reset",
        json!({"email": "nobody@example.com"}),
    )
    .await;
    assert_eq!((known.status.as_u16(), unknown.status.as_u16()), (200, 200));
    assert_eq!(known.body, unknown.body);

    let mails = app.mail.wait_for("reset@example.com", 2).await;
    let reset = mails.last().unwrap();
    assert_eq!(reset.subject, "Reset your password");
    assert!(
        reset
            .link()
            .starts_with("http://localhost:3000/reset-password?token=")
    );
    assert!(app.mail.received_by("nobody@example.com").is_empty());

    // Too short a password is refused and keeps the link usable.
    let body = post(
        &app,
        "/api/auth/reset-password",
        json!({"token": reset.token(), "newPassword": "short"}),
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
    assert_eq!(
        body["details"]["fields"][0]["field"], "newPassword",
        "{body}"
    );

    let changed = post(
        &app,
        "/api/auth/reset-password",
        json!({"token": reset.token(), "newPassword": "a brand new secret"}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.json());
    for cookie in [&user.cookie, &laptop] {
        TestResponse::send(app.get("/v1/whoami").with_session_cookie(cookie), None)
            .await
            .assert_error(401, "INVALID_SESSION");
    }
    sign_in(&app, &user.email, &user.password)
        .await
        .assert_error(401, "INVALID_CREDENTIALS");
    assert_eq!(
        sign_in(&app, &user.email, "a brand new secret")
            .await
            .status,
        200
    );
    post(
        &app,
        "/api/auth/reset-password",
        json!({"token": reset.token(), "newPassword": "yet another secret"}),
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");

    // A link asked for now works for an hour, not more.
    post(
        &app,
        "/api/auth/request-password-reset",
        json!({"email": "reset@example.com"}),
    )
    .await;
    let late = app.mail.wait_for("reset@example.com", 3).await;
    app.clock.advance(chrono::Duration::minutes(61));
    post(
        &app,
        "/api/auth/reset-password",
        json!({"token": late.last().unwrap().token(), "newPassword": "too late now"}),
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
}

#[actix_web::test]
async fn links_are_resent_at_most_three_an_hour() {
    let app = TestApp::spawn_with(|settings| settings.auth_rate_limit_per_minute = 1000).await;
    app.sign_up("flood@example.com").await;
    for _ in 0..5 {
        let answer = post(
            &app,
            "/api/auth/send-verification-email",
            json!({"email": "flood@example.com"}),
        )
        .await;
        assert_eq!(answer.status, 200);
    }
    app.mail.wait_for("flood@example.com", 3).await;
    api::deliver_email(&app.state).await.unwrap();
    assert_eq!(
        app.mail.received_by("flood@example.com").len(),
        3,
        "the sign-up's link and two more"
    );
    app.clock.advance(chrono::Duration::minutes(61));
    post(
        &app,
        "/api/auth/send-verification-email",
        json!({"email": "flood@example.com"}),
    )
    .await;
    app.mail.wait_for("flood@example.com", 4).await;
}

#[actix_web::test]
async fn with_verification_required_sign_in_waits_for_the_link() {
    let app = TestApp::spawn_with(|settings| settings.require_email_verification = true).await;
    let body =
        json!({"email": "wait@example.com", "password": "correct horse battery", "name": "W"});
    let signed_up = post(&app, "/api/auth/sign-up/email", body).await;
    assert_eq!(signed_up.status, 202, "{}", signed_up.json());
    assert!(signed_up.session_cookie().is_none(), "no session yet");
    assert_eq!(signed_up.json()["user"]["emailVerified"], false);

    let refused = sign_in(&app, "wait@example.com", "correct horse battery").await;
    let body = refused.assert_error(403, "FORBIDDEN");
    assert_eq!(body["details"]["reason"], "email_not_verified");
    // A wrong password is told nothing about verification.
    sign_in(&app, "wait@example.com", "not the password")
        .await
        .assert_error(401, "INVALID_CREDENTIALS");

    // The refusal sent a fresh link; either link verifies.
    let mails = app.mail.wait_for("wait@example.com", 2).await;
    let user = TestUser {
        email: "wait@example.com".to_owned(),
        password: "correct horse battery".to_owned(),
        user_id: String::new(),
        cookie: String::new(),
    };
    assert_ne!(mails[0].token(), mails[1].token());
    app.verify_email(&user).await;
    let signed_in = sign_in(&app, "wait@example.com", "correct horse battery").await;
    assert_eq!(signed_in.status, 200);
    assert_eq!(signed_in.json()["user"]["emailVerified"], true);
}

#[actix_web::test]
async fn a_failed_delivery_is_retried_after_the_mail_server_comes_back() {
    let down = TestSmtp::start().await;
    let address = down.address;
    drop(down);
    let app = TestApp::spawn_with(|settings| {
        settings.smtp_url = Some(api::Secret::new(format!("smtp://{address}")));
    })
    .await;
    app.sign_up("patient@example.com").await;

    let conn = &app.database.db.conn;
    let mut failed = None;
    for _ in 0..200 {
        let mails = email_outbox::for_recipient(conn, "patient@example.com")
            .await
            .unwrap();
        if let Some(mail) = mails.into_iter().find(|mail| mail.last_error.is_some()) {
            failed = Some(mail);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let failed = failed.expect("the first attempt failed");
    assert_eq!(failed.status, EmailStatus::Pending, "kept for a retry");
    assert_eq!(failed.attempts, 1);
    assert!(failed.next_attempt_at > app.clock_now(), "due again later");
    assert!(failed.message.contains("verify-email?token="));

    // Not due yet: nothing is tried.
    let round = api::deliver_email(&app.state).await.unwrap();
    assert_eq!(round.sent + round.retrying, 0);

    let back = TestSmtp::start_at(address).await;
    app.clock.advance(email::retry_delay(1));
    api::deliver_email(&app.state).await.unwrap();
    let mail = back.last_for("patient@example.com").await;
    assert_eq!(mail.subject, "Verify your email address");
    let sent = email_outbox::for_recipient(conn, "patient@example.com")
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].status, EmailStatus::Sent);
    assert_eq!(sent[0].message, "", "a sent message keeps no link");
}

#[actix_web::test]
async fn a_placed_order_is_confirmed_by_email_once_with_a_link_only_to_its_own_store() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1000, 10).await;
    let variant = product["variants"][0]["id"].as_str().unwrap();
    let cart = app.cart_with(&store, variant, 3).await;
    let place = |origin: &'static str| {
        let request = store
            .shop(&app, Method::POST, "/v1/orders")
            .insert_header(("idempotency-key", "checkout-1"))
            .insert_header(("origin", origin));
        TestResponse::send_json(
            request,
            json!({"cartId": cart, "email": "Buyer@Example.com"}),
        )
    };
    let first = place("http://acme.shop.test:3001").await;
    assert_eq!(first.status, 201, "{}", first.json());
    let again = place("http://acme.shop.test:3001").await;
    assert_eq!(
        again.json()["id"],
        first.json()["id"],
        "the retry is the same order"
    );

    let order = first.json();
    let mail = app.mail.last_for("buyer@example.com").await;
    let reference =
        domain::OrderId::from_uuid(order["id"].as_str().unwrap().parse().unwrap()).reference();
    assert_eq!(mail.subject, format!("Your order {reference} at acme"));
    assert!(
        mail.text.contains("3 × Product TEE — €30.00"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("Total: €30.00"));
    assert_eq!(
        mail.link(),
        format!(
            "http://acme.shop.test:3001/orders/{}?key={}",
            order["id"].as_str().unwrap(),
            order["statusKey"].as_str().unwrap()
        )
    );
    app.clock.advance(chrono::Duration::seconds(1));
    api::deliver_email(&app.state).await.unwrap();
    assert_eq!(
        app.mail.received_by("buyer@example.com").len(),
        1,
        "one email per order"
    );

    // Another host in `Origin` (a page elsewhere posting to the store): confirmed, but no link.
    let cart = app.cart_with(&store, variant, 1).await;
    let elsewhere = TestResponse::send_json(
        store
            .shop(&app, Method::POST, "/v1/orders")
            .insert_header(("origin", "https://evil.test")),
        json!({"cartId": cart, "email": "other@example.com"}),
    )
    .await;
    assert_eq!(elsewhere.status, 201, "{}", elsewhere.json());
    let mail = app.mail.last_for("other@example.com").await;
    assert!(!mail.text.contains("http"), "{}", mail.text);
    assert!(!mail.text.contains("evil"), "{}", mail.text);
}

/// L4: when sign-in waits for verification, a sign-up with a taken address answers exactly as a
/// new one does; only the owner of the address learns of it, by email.
#[actix_web::test]
async fn with_verification_required_a_taken_address_signs_up_like_a_new_one() {
    let app = TestApp::spawn_with(|settings| settings.require_email_verification = true).await;
    let sign_up = |email: &'static str, password: &'static str| {
        post(
            &app,
            "/api/auth/sign-up/email",
            json!({"email": email, "password": password, "name": "Someone"}),
        )
    };
    let owner = sign_up("owner@example.com", "the owner's password").await;
    let stranger = sign_up("Owner@Example.com", "a stranger's password").await;
    let fresh = sign_up("fresh@example.com", "a fresh password").await;
    for answer in [&owner, &stranger, &fresh] {
        assert_eq!(answer.status, 202, "{}", answer.json());
        assert!(answer.session_cookie().is_none());
    }
    let shape = |answer: &TestResponse| {
        let mut user = answer.json()["user"].clone();
        for varying in ["id", "email", "createdAt"] {
            user[varying] = json!(null);
        }
        user
    };
    assert_eq!(shape(&stranger), shape(&fresh));
    assert_ne!(stranger.json()["user"]["id"], owner.json()["user"]["id"]);

    let mails = app.mail.wait_for("owner@example.com", 2).await;
    assert_eq!(mails[0].subject, "Verify your email address");
    assert_eq!(
        mails[1].subject,
        "Someone tried to create an account with your address"
    );
    assert!(
        mails[1]
            .text
            .contains("Sign in:\r\nhttp://localhost:3000/sign-in"),
        "{}",
        mails[1].text
    );
    assert!(
        mails[1]
            .text
            .contains("http://localhost:3000/forgot-password")
    );

    // The account is the owner's: the stranger's password opens nothing, even once verified.
    let verification = mails[0].token();
    post(
        &app,
        "/api/auth/verify-email",
        json!({"token": verification}),
    )
    .await;
    sign_in(&app, "owner@example.com", "a stranger's password")
        .await
        .assert_error(401, "INVALID_CREDENTIALS");
    assert_eq!(
        sign_in(&app, "owner@example.com", "the owner's password")
            .await
            .status,
        200
    );
}

/// Asking for links and following them are rate-limited per client address (and asking, per
/// address asked about): 429 with `Retry-After`, the same for an address with no account.
#[actix_web::test]
async fn asking_for_and_following_links_are_rate_limited() {
    for path in [
        "/api/auth/send-verification-email",
        "/api/auth/request-password-reset",
    ] {
        // Two attempts a minute per client address, one per address asked about.
        let app = TestApp::spawn_with(|settings| settings.auth_rate_limit_per_minute = 2).await;
        let ask = || post(&app, path, json!({"email": "nobody@example.com"}));
        assert_eq!(ask().await.status, 200, "{path}");
        let limited = ask().await.assert_error(429, "RATE_LIMITED");
        assert!(limited["error"].is_string(), "{path}");
        let follow = post(&app, "/api/auth/verify-email", json!({"token": "made-up"})).await;
        follow.assert_error(429, "RATE_LIMITED");
        assert!(follow.header("retry-after").is_some(), "{path}");
    }
}
