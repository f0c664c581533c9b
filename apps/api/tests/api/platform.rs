//! Platform administration and cross-origin safety.

use actix_web::http::Method;
use serde_json::json;
use test_support::{CallerRequest as _, TestApp, TestResponse, TestUser};

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
    let root = app.sign_up_verified("Root@X.test").await;
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
    let root = app.sign_up_verified("root@x.test").await;
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

/// Signs up a user with this name through the api.
async fn sign_up_named(app: &TestApp, email: &str, name: &str) -> TestUser {
    let body = json!({"email": email, "password": "correct horse battery", "name": name});
    let response = TestResponse::send_json(app.post("/api/auth/sign-up/email"), &body).await;
    assert_eq!(
        response.status,
        200,
        "sign-up of {email}: {}",
        response.json()
    );
    TestUser {
        email: email.to_owned(),
        password: "correct horse battery".to_owned(),
        user_id: response.json()["user"]["id"].as_str().unwrap().to_owned(),
        cookie: response.session_cookie().unwrap(),
    }
}

async fn list_users(app: &TestApp, admin: &TestUser, query: &str) -> TestResponse {
    let path = format!("/api/auth/admin/list-users{query}");
    TestResponse::send(app.as_user(Method::GET, &path, admin), None).await
}

/// The emails of a page, in its order.
fn emails(page: &serde_json::Value) -> Vec<&str> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["email"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn platform_admins_list_and_search_users_newest_first_with_their_active_sessions() {
    let app = TestApp::spawn_with(|settings| {
        settings.platform_admin_emails = vec!["root@x.test".to_owned()]
    })
    .await;
    let root = sign_up_named(&app, "root@x.test", "Root").await;
    app.verify_email(&root).await;
    let ada = sign_up_named(&app, "ada@x.test", "Ada Lovelace").await;
    sign_up_named(&app, "grace@x.test", "Grace Hopper").await;
    sign_up_named(&app, "alan@lovelace.test", "Alan").await;
    // Ada signs in on a second device.
    let second = TestResponse::send_json(
        app.post("/api/auth/sign-in/email"),
        &json!({"email": ada.email, "password": ada.password}),
    )
    .await;
    assert_eq!(second.status, 200);

    let all = list_users(&app, &root, "").await;
    assert_eq!(all.status, 200, "{}", all.json());
    let all = all.json();
    assert_eq!(
        emails(&all),
        [
            "alan@lovelace.test",
            "grace@x.test",
            "ada@x.test",
            "root@x.test"
        ],
        "newest first"
    );
    assert_eq!(all["nextCursor"], serde_json::Value::Null);
    let ada_row = &all["data"][2];
    assert_eq!(ada_row["id"], ada.user_id.as_str());
    assert_eq!(ada_row["name"], "Ada Lovelace");
    assert_eq!(ada_row["platformRole"], "org_member");
    assert_eq!(ada_row["activeSessions"], 2);
    assert!(ada_row["createdAt"].is_string(), "{ada_row}");
    assert!(ada_row.get("passwordHash").is_none(), "{ada_row}");
    assert_eq!(all["data"][3]["platformRole"], "platform_admin");
    assert_eq!(all["data"][3]["activeSessions"], 1);

    // A case-insensitive part of the email or the name, trimmed; empty is everyone.
    for (q, expected) in [
        ("LOVELACE", vec!["alan@lovelace.test", "ada@x.test"]),
        ("%20hop%20", vec!["grace@x.test"]),
        ("ada@", vec!["ada@x.test"]),
        ("nobody", vec![]),
        (
            "%20%20",
            vec![
                "alan@lovelace.test",
                "grace@x.test",
                "ada@x.test",
                "root@x.test",
            ],
        ),
    ] {
        let found = list_users(&app, &root, &format!("?q={q}")).await;
        assert_eq!(found.status, 200, "{q}: {}", found.json());
        assert_eq!(emails(&found.json()), expected, "q={q}");
    }

    // Expired sessions are not active: a month later only the fresh sign-in counts.
    app.clock.advance(chrono::Duration::days(31));
    list_users(&app, &root, "")
        .await
        .assert_error(401, "INVALID_SESSION");
    sign_up_named(&app, "later@x.test", "Later").await;
    let fresh = TestResponse::send_json(
        app.post("/api/auth/sign-in/email"),
        &json!({"email": "root@x.test", "password": "correct horse battery"}),
    )
    .await;
    let root = TestUser {
        cookie: fresh.session_cookie().unwrap(),
        ..root
    };
    let later = list_users(&app, &root, "").await.json();
    let sessions: Vec<_> = later["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| {
            (
                user["email"].as_str().unwrap(),
                user["activeSessions"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sessions,
        [
            ("later@x.test", 1),
            ("alan@lovelace.test", 0),
            ("grace@x.test", 0),
            ("ada@x.test", 0),
            ("root@x.test", 1),
        ]
    );
}

#[actix_web::test]
async fn list_users_pages_with_a_cursor_that_inserts_do_not_shift() {
    let app = TestApp::spawn_with(|settings| {
        settings.platform_admin_emails = vec!["root@x.test".to_owned()]
    })
    .await;
    let root = sign_up_named(&app, "root@x.test", "Root").await;
    app.verify_email(&root).await;
    for n in 1..=4 {
        sign_up_named(&app, &format!("user{n}@x.test"), &format!("User {n}")).await;
    }

    let first = list_users(&app, &root, "?limit=2").await.json();
    assert_eq!(emails(&first), ["user4@x.test", "user3@x.test"]);
    let cursor = first["nextCursor"].as_str().unwrap().to_owned();
    sign_up_named(&app, "newcomer@x.test", "Newcomer").await;
    let second = list_users(&app, &root, &format!("?limit=2&cursor={cursor}"))
        .await
        .json();
    assert_eq!(emails(&second), ["user2@x.test", "user1@x.test"]);
    let cursor = second["nextCursor"].as_str().unwrap().to_owned();
    let last = list_users(&app, &root, &format!("?limit=2&cursor={cursor}"))
        .await
        .json();
    assert_eq!(emails(&last), ["root@x.test"]);
    assert_eq!(last["nextCursor"], serde_json::Value::Null);

    // The cursor pages a search too.
    let users = list_users(&app, &root, "?q=user&limit=3").await.json();
    assert_eq!(
        emails(&users),
        ["user4@x.test", "user3@x.test", "user2@x.test"]
    );
    let cursor = users["nextCursor"].as_str().unwrap().to_owned();
    let rest = list_users(&app, &root, &format!("?q=user&limit=3&cursor={cursor}"))
        .await
        .json();
    assert_eq!(emails(&rest), ["user1@x.test"]);
    assert_eq!(rest["nextCursor"], serde_json::Value::Null);

    // The default page is 20.
    let default = list_users(&app, &root, "").await.json();
    assert_eq!(default["data"].as_array().unwrap().len(), 6);
}

#[actix_web::test]
async fn list_users_matches_percent_and_underscore_literally() {
    let app = TestApp::spawn_with(|settings| {
        settings.platform_admin_emails = vec!["root@x.test".to_owned()]
    })
    .await;
    let root = sign_up_named(&app, "root@x.test", "Root").await;
    app.verify_email(&root).await;
    sign_up_named(&app, "cotton@x.test", "100% Cotton").await;
    sign_up_named(&app, "wool@x.test", "1000 Wool").await;
    sign_up_named(&app, "a_b@x.test", "Underscore").await;
    sign_up_named(&app, "axb@x.test", "Letter").await;
    sign_up_named(&app, "back@x.test", "Back\\slash").await;

    for (q, expected) in [
        // `0%` would match "1000 Wool" too, were `%` a wildcard.
        ("0%25", vec!["cotton@x.test"]),
        ("%25", vec!["cotton@x.test"]),
        // `a_b` would match "axb" too, were `_` a wildcard.
        ("a_b", vec!["a_b@x.test"]),
        ("k%5Cs", vec!["back@x.test"]),
    ] {
        let found = list_users(&app, &root, &format!("?q={q}")).await;
        assert_eq!(found.status, 200, "{q}: {}", found.json());
        assert_eq!(emails(&found.json()), expected, "q={q}");
    }
}

#[actix_web::test]
async fn list_users_is_for_signed_in_platform_admins_with_valid_paging() {
    let app = TestApp::spawn_with(|settings| {
        settings.platform_admin_emails = vec!["root@x.test".to_owned()]
    })
    .await;
    let root = app.sign_up_verified("root@x.test").await;
    let (merchant, _) = app.merchant("owner@x.test", "acme").await;

    let refused = list_users(&app, &merchant, "")
        .await
        .assert_error(403, "FORBIDDEN");
    assert_eq!(refused["details"]["reason"], "platform_admin_required");
    // Even with paging it could not use, a non-administrator is told no, not how to page.
    list_users(&app, &merchant, "?limit=0")
        .await
        .assert_error(403, "FORBIDDEN");
    // The role is read fresh: demoted, the administrator is refused at once.
    let promoted = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/admin/set-role", &root),
        &json!({"userId": merchant.user_id, "role": "platform_admin"}),
    )
    .await;
    assert_eq!(promoted.status, 200);
    assert_eq!(list_users(&app, &merchant, "").await.status, 200);
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/admin/set-role", &root),
        &json!({"userId": merchant.user_id, "role": "org_member"}),
    )
    .await;
    list_users(&app, &merchant, "")
        .await
        .assert_error(403, "FORBIDDEN");

    TestResponse::send(app.get("/api/auth/admin/list-users"), None)
        .await
        .assert_error(401, "UNAUTHORIZED");
    TestResponse::send(
        app.get("/api/auth/admin/list-users")
            .with_session_cookie("forged"),
        None,
    )
    .await
    .assert_error(401, "INVALID_SESSION");

    let long = "x".repeat(201);
    for bad in [
        "?limit=0".to_owned(),
        "?limit=101".to_owned(),
        "?limit=-1".to_owned(),
        "?limit=x".to_owned(),
        "?cursor=nope".to_owned(),
        format!("?q={long}"),
    ] {
        list_users(&app, &root, &bad)
            .await
            .assert_error(400, "VALIDATION_ERROR");
    }
    assert_eq!(list_users(&app, &root, "?limit=100").await.status, 200);
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

    // L11: an API key beside the cookie does not excuse the cookie: `/api/auth` acts by the
    // session, so a change carrying the cookie needs a trusted origin whatever else it carries.
    let sneaky = app
        .post("/api/auth/api-key/create")
        .with_session_cookie(&owner.cookie)
        .with_api_key(&key)
        .insert_header(("origin", "https://evil.example"));
    let refused = TestResponse::send_json(sneaky, json!({"name": "evil", "scopes": ["admin"]}))
        .await
        .assert_error(403, "FORBIDDEN");
    assert_eq!(refused["details"]["reason"], "untrusted_origin");
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
    let ttl = std::time::Duration::from_secs(10);
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
    // The api's clock decides the cache's lifetime, as it decides every expiry.
    app.clock.advance(chrono::Duration::seconds(10));
    whoami(&replica).await.assert_error(401, "INVALID_API_KEY");
}
