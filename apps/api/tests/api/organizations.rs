//! Organizations, members and roles; membership decides access on the very next request.

use actix_web::http::Method;
use serde_json::json;
use test_support::{CallerRequest as _, TestApp, TestResponse, TestUser};

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    user: &TestUser,
    body: serde_json::Value,
) -> TestResponse {
    TestResponse::send_json(app.as_user(method, path, user), &body).await
}

async fn whoami(app: &TestApp, user: &TestUser) -> TestResponse {
    TestResponse::send(
        app.get("/v1/whoami")
            .on_host("api.internal")
            .with_session_cookie(&user.cookie),
        None,
    )
    .await
}

#[actix_web::test]
async fn the_creator_owns_the_new_organization_and_acts_in_it() {
    let app = TestApp::spawn().await;
    let (owner, org) = app.merchant("owner@x.test", "acme").await;
    let seen = whoami(&app, &owner).await.json();
    assert_eq!(seen["kind"], "session");
    assert_eq!(seen["organizationId"], org.to_string());
    assert_eq!(seen["scopes"], json!(["admin", "storefront"]));
    assert_eq!(seen["userId"], owner.user_id);

    let list = TestResponse::send(
        app.as_user(Method::GET, "/api/auth/organization/list", &owner),
        None,
    )
    .await
    .json();
    assert_eq!(list["data"][0]["slug"], "acme");
    assert_eq!(list["data"][0]["role"], "owner");

    let taken = call(
        &app,
        Method::POST,
        "/api/auth/organization/create",
        &owner,
        json!({"name": "Acme 2", "slug": "acme"}),
    )
    .await;
    taken.assert_error(409, "SLUG_TAKEN");
    let bad = call(
        &app,
        Method::POST,
        "/api/auth/organization/create",
        &owner,
        json!({"name": "", "slug": "Not A Slug"}),
    )
    .await;
    bad.assert_error(400, "VALIDATION_ERROR");
}

#[actix_web::test]
async fn a_user_cannot_act_in_an_organization_they_do_not_belong_to() {
    let app = TestApp::spawn().await;
    let (_, acme) = app.merchant("owner@acme.test", "acme").await;
    let (eve, _) = app.merchant("eve@globex.test", "globex").await;
    let response = call(
        &app,
        Method::POST,
        "/api/auth/organization/set-active",
        &eve,
        json!({"organizationId": acme.to_string()}),
    )
    .await;
    response.assert_error(404, "NOT_FOUND");
    for (method, path, body) in [
        (
            Method::GET,
            format!("/api/auth/organization/list-members?organizationId={acme}"),
            json!(null),
        ),
        (
            Method::POST,
            "/api/auth/organization/add-member".to_owned(),
            json!({"email": "eve@globex.test", "role": "owner", "organizationId": acme.to_string()}),
        ),
        (
            Method::POST,
            "/api/auth/organization/remove-member".to_owned(),
            json!({"userId": eve.user_id, "organizationId": acme.to_string()}),
        ),
    ] {
        let response = if method == Method::GET {
            TestResponse::send(app.as_user(method, &path, &eve), None).await
        } else {
            call(&app, method, &path, &eve, body).await
        };
        response.assert_error(404, "NOT_FOUND");
    }
}

#[actix_web::test]
async fn roles_decide_who_manages_members() {
    let app = TestApp::spawn().await;
    let (owner, org) = app.merchant("owner@x.test", "acme").await;
    let admin = app.sign_up("admin@x.test").await;
    let member = app.sign_up("member@x.test").await;
    let outsider = app.sign_up("outsider@x.test").await;

    assert_eq!(
        app.invite(&owner, "admin@x.test", "admin").await.status,
        200
    );
    assert_eq!(
        app.invite(&owner, "member@x.test", "member").await.status,
        200
    );
    for user in [&admin, &member] {
        assert_eq!(app.accept_invitation(user).await.status, 200);
    }
    app.invite(&owner, "member@x.test", "admin")
        .await
        .assert_error(409, "ALREADY_MEMBER");

    for user in [&admin, &member] {
        let body = json!({"organizationId": org.to_string()});
        assert_eq!(
            call(
                &app,
                Method::POST,
                "/api/auth/organization/set-active",
                user,
                body
            )
            .await
            .status,
            200
        );
    }
    // A member manages nobody.
    app.invite(&member, "outsider@x.test", "member")
        .await
        .assert_error(403, "FORBIDDEN");
    // An admin adds members but not owners, and cannot touch an owner.
    app.invite(&admin, "outsider@x.test", "owner")
        .await
        .assert_error(403, "FORBIDDEN");
    assert_eq!(
        app.invite(&admin, "outsider@x.test", "member").await.status,
        200
    );
    assert_eq!(app.accept_invitation(&outsider).await.status, 200);
    call(
        &app,
        Method::POST,
        "/api/auth/organization/remove-member",
        &admin,
        json!({"userId": owner.user_id}),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    call(
        &app,
        Method::POST,
        "/api/auth/organization/update-member-role",
        &admin,
        json!({"userId": owner.user_id, "role": "member"}),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    call(
        &app,
        Method::POST,
        "/api/auth/organization/update-member-role",
        &admin,
        json!({"userId": member.user_id, "role": "owner"}),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    // The last owner cannot step down or leave.
    call(
        &app,
        Method::POST,
        "/api/auth/organization/update-member-role",
        &owner,
        json!({"userId": owner.user_id, "role": "admin"}),
    )
    .await
    .assert_error(409, "LAST_OWNER");
    call(
        &app,
        Method::POST,
        "/api/auth/organization/remove-member",
        &owner,
        json!({"userId": owner.user_id}),
    )
    .await
    .assert_error(409, "LAST_OWNER");

    let members = TestResponse::send(
        app.as_user(Method::GET, "/api/auth/organization/list-members", &member),
        None,
    )
    .await
    .json();
    let roles: Vec<(&str, &str)> = members["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["email"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [
            ("owner@x.test", "owner"),
            ("admin@x.test", "admin"),
            ("member@x.test", "member"),
            ("outsider@x.test", "member")
        ]
    );
}

#[actix_web::test]
async fn removing_a_member_cuts_their_access_on_the_next_request() {
    let app = TestApp::spawn().await;
    let (owner, org) = app.merchant("owner@x.test", "acme").await;
    let member = app.sign_up("member@x.test").await;
    app.add_member(&owner, &member, "admin").await;
    call(
        &app,
        Method::POST,
        "/api/auth/organization/set-active",
        &member,
        json!({"organizationId": org.to_string()}),
    )
    .await;
    assert_eq!(
        whoami(&app, &member).await.json()["organizationId"],
        org.to_string()
    );

    let removed = call(
        &app,
        Method::POST,
        "/api/auth/organization/remove-member",
        &owner,
        json!({"userId": member.user_id}),
    )
    .await;
    assert_eq!(removed.status, 200);
    // No active organization any more: the session is a shopper's, and api.internal is no store.
    whoami(&app, &member)
        .await
        .assert_error(401, "UNKNOWN_HOST");
    let session = TestResponse::send(
        app.get("/api/auth/get-session")
            .with_session_cookie(&member.cookie),
        None,
    )
    .await
    .json();
    assert_eq!(
        session["session"]["activeOrganizationId"],
        serde_json::Value::Null
    );
}

#[actix_web::test]
async fn a_shopper_session_is_a_storefront_caller_of_the_host() {
    let app = TestApp::spawn().await;
    let (_, org) = app.merchant("owner@x.test", "acme").await;
    app.add_storefront(org, "shop.acme.test").await;
    let shopper = app.sign_up("shopper@x.test").await;
    let seen = TestResponse::send(
        app.get("/v1/whoami")
            .on_host("Shop.Acme.Test:443")
            .with_session_cookie(&shopper.cookie),
        None,
    )
    .await
    .json();
    assert_eq!(seen["kind"], "session");
    assert_eq!(seen["organizationId"], org.to_string());
    assert_eq!(seen["scopes"], json!(["storefront"]));
    assert_eq!(seen["userId"], shopper.user_id);
}
