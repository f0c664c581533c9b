//! API keys: created once, stored as a hash, scoped to their organization, revocable.

use actix_web::http::Method;
use serde_json::json;
use test_support::{CallerRequest as _, TestApp, TestResponse};

async fn whoami_with_key(app: &TestApp, key: &str) -> TestResponse {
    TestResponse::send(
        app.get("/v1/whoami")
            .on_host("api.internal")
            .with_api_key(key),
        None,
    )
    .await
}

#[actix_web::test]
async fn a_key_is_shown_once_and_resolves_to_its_org_and_scopes() {
    let app = TestApp::spawn().await;
    let (owner, org) = app.merchant("owner@x.test", "acme").await;
    let request = app.as_user(Method::POST, "/api/auth/api-key/create", &owner);
    let created = TestResponse::send_json(
        request,
        &json!({"name": "Warehouse", "scopes": ["admin", "storefront", "admin"]}),
    )
    .await
    .json();
    let key = created["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("ck_") && key.len() > 40);
    assert_eq!(created["organizationId"], org.to_string());
    assert_eq!(
        created["metadata"],
        json!({"organizationId": org.to_string(), "scopes": ["admin", "storefront"]})
    );
    assert!(key.starts_with(created["prefix"].as_str().unwrap()));

    let seen = whoami_with_key(&app, &key).await.json();
    assert_eq!(seen["kind"], "api_key");
    assert_eq!(seen["organizationId"], org.to_string());
    assert_eq!(seen["scopes"], json!(["admin", "storefront"]));
    assert_eq!(seen["principalId"], created["id"]);

    let listed = TestResponse::send(
        app.as_user(Method::GET, "/api/auth/api-key/list", &owner),
        None,
    )
    .await;
    assert!(
        !String::from_utf8_lossy(&listed.body).contains(&key),
        "the key is never listed"
    );
    let listed = listed.json();
    assert_eq!(listed["data"][0]["id"], created["id"]);
    assert!(
        listed["data"][0]["lastUsedAt"].is_string(),
        "use is recorded"
    );
}

#[actix_web::test]
async fn a_revoked_or_expired_key_is_refused() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.merchant("owner@x.test", "acme").await;
    let key = app.api_key(&owner, &["admin"]).await;
    assert_eq!(whoami_with_key(&app, &key).await.status, 200);
    let id = whoami_with_key(&app, &key).await.json()["principalId"].clone();
    let revoke = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/api-key/delete", &owner),
        &json!({"keyId": id}),
    )
    .await;
    assert_eq!(revoke.status, 200);
    let body = whoami_with_key(&app, &key)
        .await
        .assert_error(401, "INVALID_API_KEY");
    assert_eq!(body["details"]["failure"], "revoked");
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/api-key/delete", &owner),
        &json!({"keyId": id}),
    )
    .await
    .assert_error(404, "NOT_FOUND");

    let request = app.as_user(Method::POST, "/api/auth/api-key/create", &owner);
    let expiring = TestResponse::send_json(
        request,
        &json!({"name": "short", "scopes": ["admin"], "expiresIn": 60}),
    )
    .await
    .json();
    let expiring = expiring["key"].as_str().unwrap().to_owned();
    assert_eq!(whoami_with_key(&app, &expiring).await.status, 200);
    app.clock.advance(chrono::Duration::seconds(61));
    let body = whoami_with_key(&app, &expiring)
        .await
        .assert_error(401, "INVALID_API_KEY");
    assert_eq!(body["details"]["failure"], "expired");
    whoami_with_key(&app, "ck_never_issued_0123456789abcdef")
        .await
        .assert_error(401, "INVALID_API_KEY");
}

#[actix_web::test]
async fn only_owners_and_admins_manage_keys_and_input_is_checked() {
    let app = TestApp::spawn().await;
    let (owner, org) = app.merchant("owner@x.test", "acme").await;
    let member = app.sign_up("member@x.test").await;
    app.add_member(&owner, &member, "member").await;
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/organization/set-active", &member),
        &json!({"organizationId": org.to_string()}),
    )
    .await;
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/api-key/create", &member),
        &json!({"name": "mine", "scopes": ["admin"]}),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    TestResponse::send(
        app.as_user(Method::GET, "/api/auth/api-key/list", &member),
        None,
    )
    .await
    .assert_error(403, "FORBIDDEN");

    for bad in [
        json!({"name": "", "scopes": ["admin"]}),
        json!({"name": "k", "scopes": []}),
        json!({"name": "k", "scopes": ["admin"], "expiresIn": 5}),
    ] {
        TestResponse::send_json(
            app.as_user(Method::POST, "/api/auth/api-key/create", &owner),
            &bad,
        )
        .await
        .assert_error(400, "VALIDATION_ERROR");
    }
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/api-key/create", &owner),
        &json!({"name": "k", "scopes": ["root"]}),
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
    // A shopper without an organization has none to make keys for.
    let shopper = app.sign_up("shopper@x.test").await;
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/api-key/create", &shopper),
        &json!({"name": "k", "scopes": ["admin"]}),
    )
    .await
    .assert_error(400, "NO_ACTIVE_ORGANIZATION");
}

#[actix_web::test]
async fn keys_cannot_revoke_each_other_across_organizations() {
    let app = TestApp::spawn().await;
    let (acme_owner, _) = app.merchant("owner@acme.test", "acme").await;
    let (globex_owner, _) = app.merchant("owner@globex.test", "globex").await;
    let acme_key = app.api_key(&acme_owner, &["admin"]).await;
    let acme_key_id = whoami_with_key(&app, &acme_key).await.json()["principalId"].clone();
    TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/api-key/delete", &globex_owner),
        &json!({"keyId": acme_key_id}),
    )
    .await
    .assert_error(404, "NOT_FOUND");
    assert_eq!(whoami_with_key(&app, &acme_key).await.status, 200);
}

#[actix_web::test]
async fn the_highest_ranked_credential_decides() {
    let app = TestApp::spawn().await;
    let (acme_owner, acme) = app.merchant("owner@acme.test", "acme").await;
    let (globex_owner, _) = app.merchant("owner@globex.test", "globex").await;
    let acme_key = app.api_key(&acme_owner, &["admin"]).await;

    let both = app
        .get("/v1/whoami")
        .with_api_key(&acme_key)
        .with_session_cookie(&globex_owner.cookie);
    let seen = TestResponse::send(both, None).await.json();
    assert_eq!(
        (seen["kind"].as_str(), seen["organizationId"].as_str()),
        (Some("api_key"), Some(acme.to_string().as_str()))
    );

    let invalid_key = app
        .get("/v1/whoami")
        .with_api_key("ck_not_a_real_key_000000000")
        .with_session_cookie(&acme_owner.cookie);
    TestResponse::send(invalid_key, None)
        .await
        .assert_error(401, "INVALID_API_KEY");
}

#[actix_web::test]
async fn a_key_stops_working_when_its_creator_may_no_longer_create_keys() {
    let app = TestApp::spawn().await;
    let (owner, org) = app.merchant("owner@x.test", "acme").await;
    let admin = app.sign_up("admin@x.test").await;
    let change = |path: &str, body: serde_json::Value| {
        TestResponse::send_json(app.as_user(Method::POST, path, &owner), body)
    };
    app.add_member(&owner, &admin, "admin").await;
    let select = json!({"organizationId": org.to_string()});
    let active = TestResponse::send_json(
        app.as_user(Method::POST, "/api/auth/organization/set-active", &admin),
        select,
    )
    .await;
    assert_eq!(active.status, 200);
    let demoted_key = app.api_key(&admin, &["admin"]).await;
    let removed_key = app.api_key(&admin, &["storefront"]).await;
    let owners_key = app.api_key(&owner, &["admin"]).await;
    assert_eq!(whoami_with_key(&app, &demoted_key).await.status, 200);

    // Demoted to member (who may not create keys): the admin's keys stop at once.
    let demoted = change(
        "/api/auth/organization/update-member-role",
        json!({"userId": admin.user_id, "role": "member"}),
    )
    .await;
    assert_eq!(demoted.status, 200, "{}", demoted.json());
    let refused = whoami_with_key(&app, &demoted_key)
        .await
        .assert_error(401, "INVALID_API_KEY");
    assert_eq!(refused["details"]["failure"], "creator_left", "{refused}");

    // Removed: still refused; the owner's key is untouched.
    let removed = change(
        "/api/auth/organization/remove-member",
        json!({"userId": admin.user_id}),
    )
    .await;
    assert_eq!(removed.status, 200, "{}", removed.json());
    whoami_with_key(&app, &removed_key)
        .await
        .assert_error(401, "INVALID_API_KEY");
    assert_eq!(whoami_with_key(&app, &owners_key).await.status, 200);
}
