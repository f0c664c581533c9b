//! Platform administration and cross-origin safety.

use actix_web::http::Method;
use serde_json::json;
use test_support::{CallerRequest as _, TestApp, TestResponse};

async fn role_of(app: &TestApp, cookie: &str) -> serde_json::Value {
    let session = TestResponse::send(
        app.get("/api/auth/get-session").with_session_cookie(cookie),
        None,
    )
    .await;
    session.json()["user"]["role"].clone()
}

#[actix_web::test]
async fn the_first_platform_admin_comes_from_configuration_and_role_changes_apply_at_once() {
    let app = TestApp::spawn_with(|settings| {
        settings.platform_admin_emails = vec!["root@x.test".to_owned()]
    })
    .await;
    let root = app.sign_up("Root@X.test").await;
    let user = app.sign_up("user@x.test").await;
    assert_eq!(role_of(&app, &root.cookie).await, "platform_admin");
    assert_eq!(role_of(&app, &user.cookie).await, "org_member");

    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/admin/set-role", &user),
        &json!({"userId": user.user_id, "role": "platform_admin"}),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    let promoted = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/admin/set-role", &root),
        &json!({"userId": user.user_id, "role": "platform_admin"}),
    )
    .await;
    assert_eq!(promoted.status, 200);
    assert_eq!(role_of(&app, &user.cookie).await, "platform_admin");
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/admin/set-role", &root),
        &json!({"userId": uuid::Uuid::now_v7(), "role": "org_member"}),
    )
    .await
    .assert_error(404, "NOT_FOUND");
}

#[actix_web::test]
async fn revoke_sessions_signs_a_user_out_everywhere() {
    let app = TestApp::spawn_with(|settings| {
        settings.platform_admin_emails = vec!["root@x.test".to_owned()]
    })
    .await;
    let root = app.sign_up("root@x.test").await;
    let (user, _) = app.merchant("user@x.test", "acme").await;
    let replica = app.spawn_beside(|_| {}).await;
    assert_eq!(
        TestResponse::send(
            replica.get("/v1/whoami").with_session_cookie(&user.cookie),
            None
        )
        .await
        .status,
        200
    );

    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/admin/revoke-sessions", &user),
        &json!({"userId": root.user_id}),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    let revoked = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/admin/revoke-sessions", &root),
        &json!({"userId": user.user_id}),
    )
    .await;
    assert_eq!(revoked.json()["revoked"], 1);
    TestResponse::send(
        app.get("/v1/whoami").with_session_cookie(&user.cookie),
        None,
    )
    .await
    .assert_error(401, "INVALID_SESSION");
}

#[actix_web::test]
async fn cookie_authenticated_changes_need_a_trusted_origin() {
    let app = TestApp::spawn().await;
    let (owner, org) = app.merchant("owner@x.test", "acme").await;
    app.add_storefront(org, "shop.acme.test").await;
    let body = json!({"hostname": "www.acme.test"});
    let post = || {
        app.post("/v1/admin/store/domains")
            .with_session_cookie(&owner.cookie)
    };

    for origin in [Some("https://evil.example"), Some("null"), None] {
        let mut request = post();
        if let Some(origin) = origin {
            request = request.insert_header(("origin", origin));
        }
        let refused = TestResponse::send_json(request, &body)
            .await
            .assert_error(403, "FORBIDDEN");
        assert_eq!(
            refused["details"]["reason"], "untrusted_origin",
            "{origin:?}"
        );
    }
    let referer = post().insert_header(("referer", "https://evil.example/page"));
    TestResponse::send_json(referer, &body)
        .await
        .assert_error(403, "FORBIDDEN");

    // The dashboard, or the storefront's own host, may.
    let dashboard = post().insert_header(("referer", "http://localhost:3000/settings"));
    assert_eq!(TestResponse::send_json(dashboard, &body).await.status, 201);
    let same_origin = app
        .request(Method::DELETE, "/v1/admin/store/domains/www.acme.test")
        .on_host("shop.acme.test")
        .with_session_cookie(&owner.cookie)
        .insert_header(("origin", "https://shop.acme.test"));
    assert_eq!(TestResponse::send(same_origin, None).await.status, 204);

    // Keys and bearer tokens are not ambient credentials: no origin needed.
    let key = app.api_key(&owner, &["admin"]).await;
    let with_key = app.post("/v1/admin/store/domains").with_api_key(&key);
    assert_eq!(TestResponse::send_json(with_key, &body).await.status, 201);
}

#[actix_web::test]
async fn cors_allows_credentials_for_trusted_origins_only() {
    let app = TestApp::spawn().await;
    let preflight = |origin: &str| {
        app.request(Method::OPTIONS, "/api/auth/get-session")
            .insert_header(("origin", origin.to_owned()))
            .insert_header(("access-control-request-method", "GET"))
    };
    let trusted = TestResponse::send(preflight("http://localhost:3000"), None).await;
    assert_eq!(
        trusted.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(
        trusted.header("access-control-allow-credentials"),
        Some("true")
    );
    let foreign = TestResponse::send(preflight("https://evil.example"), None).await;
    assert_eq!(foreign.header("access-control-allow-origin"), None);
}

/// A change made on one instance reaches another within its credential cache's lifetime; on the
/// instance that made it, at once. A warm cache answers without the database.
#[actix_web::test]
async fn caches_answer_warm_requests_and_changes_reach_every_instance_within_the_ttl() {
    let ttl = std::time::Duration::from_secs(2);
    let app = TestApp::spawn_with(|settings| settings.credential_cache_ttl = ttl).await;
    let replica = app
        .spawn_beside(|settings| settings.credential_cache_ttl = ttl)
        .await;
    let (owner, _) = app.merchant("owner@x.test", "acme").await;
    let key = app.api_key(&owner, &["admin"]).await;
    let whoami = |instance: &TestApp| {
        TestResponse::send(instance.get("/v1/whoami").with_api_key(&key), None)
    };
    assert_eq!(
        whoami(&replica).await.status,
        200,
        "warms the replica's cache"
    );
    let id = whoami(&app).await.json()["principalId"].clone();
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/api-key/delete", &owner),
        json!({"keyId": id}),
    )
    .await;

    whoami(&app).await.assert_error(401, "INVALID_API_KEY");
    assert_eq!(
        whoami(&replica).await.status,
        200,
        "the replica answers from its cache for a while"
    );
    actix_web::rt::time::sleep(ttl + std::time::Duration::from_millis(100)).await;
    whoami(&replica).await.assert_error(401, "INVALID_API_KEY");
}
