//! Invitations: nobody joins a store without accepting from the email sent to them (L4), the
//! answer never tells whether an address has an account, and only the invited address accepts,
//! once, before the invitation expires or is revoked.

use actix_web::http::Method;
use serde_json::json;
use test_support::{TestApp, TestResponse, TestUser};

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    user: &TestUser,
    body: serde_json::Value,
) -> TestResponse {
    TestResponse::send_json(app.as_user(method, path, user), body).await
}

async fn organizations_of(app: &TestApp, user: &TestUser) -> Vec<String> {
    TestResponse::send(
        app.as_user(Method::GET, "/api/auth/organization/list", user),
        None,
    )
    .await
    .json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|org| org["slug"].as_str().unwrap().to_owned())
        .collect()
}

/// The invitation's answer without what differs by address.
fn shape(mut invitation: serde_json::Value) -> serde_json::Value {
    for varying in ["id", "email", "createdAt", "expiresAt"] {
        invitation[varying] = json!(null);
    }
    invitation
}

#[actix_web::test]
async fn inviting_answers_the_same_whether_the_address_has_an_account_and_adds_nobody() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.merchant("owner@acme.test", "acme").await;
    let victim = app.sign_up("cfo@victim.test").await;

    let known = app.invite(&owner, "CFO@victim.test", "owner").await;
    let unknown = app.invite(&owner, "ghost@victim.test", "owner").await;
    assert_eq!((known.status.as_u16(), unknown.status.as_u16()), (200, 200));
    assert_eq!(shape(known.json()), shape(unknown.json()));
    assert_eq!(known.json()["email"], "cfo@victim.test");
    assert_eq!(known.json()["status"], "pending");
    // add-member keeps its shape and invites the same way.
    let added = call(
        &app,
        Method::POST,
        "/api/auth/organization/add-member",
        &owner,
        json!({"email": "nobody@victim.test", "role": "member"}),
    )
    .await;
    assert_eq!(added.status, 202, "{}", added.json());
    assert_eq!(added.json()["status"], "pending");

    assert!(
        organizations_of(&app, &victim).await.is_empty(),
        "nobody joined"
    );
    let mail = app.invitations_to("cfo@victim.test").pop().unwrap();
    assert_eq!(mail.subject, "Test User invited you to acme");
    assert!(mail.text.contains("as owner"), "{}", mail.text);
    assert!(
        mail.link()
            .starts_with("http://localhost:3000/invitations/accept?token=")
    );
    assert_eq!(app.invitations_to("ghost@victim.test").len(), 1);

    let pending = TestResponse::send(
        app.as_user(
            Method::GET,
            "/api/auth/organization/list-invitations",
            &owner,
        ),
        None,
    )
    .await
    .json();
    let emails: Vec<&str> = pending["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|invitation| invitation["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        ["nobody@victim.test", "ghost@victim.test", "cfo@victim.test"]
    );
}

#[actix_web::test]
async fn only_the_invited_address_accepts_and_only_once() {
    let app = TestApp::spawn().await;
    let (owner, org) = app.merchant("owner@acme.test", "acme").await;
    let invited = app.sign_up("ada@example.com").await;
    let other = app.sign_up("mallory@example.com").await;
    assert_eq!(
        app.invite(&owner, "ada@example.com", "admin").await.status,
        200
    );
    let token = app.invitations_to("ada@example.com").pop().unwrap().token();

    // Anyone holding the link sees what it offers.
    let preview = TestResponse::send(
        app.get(&format!(
            "/api/auth/organization/get-invitation?token={token}"
        )),
        None,
    )
    .await;
    assert_eq!(preview.status, 200);
    assert_eq!(
        preview.json(),
        json!({
            "organizationName": "acme",
            "inviterName": "Test User",
            "email": "ada@example.com",
            "role": "admin",
            "expiresAt": preview.json()["expiresAt"],
        })
    );

    let accept = async |user: &TestUser| {
        call(
            &app,
            Method::POST,
            "/api/auth/organization/accept-invitation",
            user,
            json!({"token": token}),
        )
        .await
    };
    let refused = accept(&other).await.assert_error(403, "FORBIDDEN");
    assert_eq!(
        refused["details"]["reason"],
        "invitation_for_another_address"
    );
    assert!(organizations_of(&app, &other).await.is_empty());

    let joined = accept(&invited).await;
    assert_eq!(joined.status, 200, "{}", joined.json());
    assert_eq!(joined.json()["id"], org.to_string());
    assert_eq!(joined.json()["role"], "admin");
    accept(&invited).await.assert_error(404, "NOT_FOUND");
    assert_eq!(organizations_of(&app, &invited).await, ["acme"]);
    // The link reached the address: it is verified.
    let session = TestResponse::send(
        app.as_user(Method::GET, "/api/auth/get-session", &invited),
        None,
    )
    .await;
    assert_eq!(session.json()["user"]["emailVerified"], true);
    // Without a session, accepting needs one.
    TestResponse::send_json(
        app.post("/api/auth/organization/accept-invitation"),
        json!({"token": token}),
    )
    .await
    .assert_error(401, "UNAUTHORIZED");
}

#[actix_web::test]
async fn a_person_without_an_account_signs_up_and_accepts() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.merchant("owner@acme.test", "acme").await;
    app.invite(&owner, "newcomer@example.com", "member").await;
    let newcomer = app.sign_up("newcomer@example.com").await;
    let invitation = app.invitations_to("newcomer@example.com").pop().unwrap();
    let joined = call(
        &app,
        Method::POST,
        "/api/auth/organization/accept-invitation",
        &newcomer,
        json!({"token": invitation.token()}),
    )
    .await;
    assert_eq!(joined.status, 200, "{}", joined.json());
    assert_eq!(organizations_of(&app, &newcomer).await, ["acme"]);
}

#[actix_web::test]
async fn revoked_replaced_and_expired_invitations_cannot_be_accepted() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.merchant("owner@acme.test", "acme").await;
    let invited = app.sign_up_verified("ada@example.com").await;

    // Revoked.
    let invitation = app.invite(&owner, "ada@example.com", "member").await.json();
    let revoked = call(
        &app,
        Method::POST,
        "/api/auth/organization/cancel-invitation",
        &owner,
        json!({"invitationId": invitation["id"]}),
    )
    .await;
    assert_eq!(revoked.status, 200);
    app.accept_invitation(&invited)
        .await
        .assert_error(404, "NOT_FOUND");
    call(
        &app,
        Method::POST,
        "/api/auth/organization/cancel-invitation",
        &owner,
        json!({"invitationId": invitation["id"]}),
    )
    .await
    .assert_error(404, "NOT_FOUND");

    // Replaced: the older link dies, the newer works.
    app.invite(&owner, "ada@example.com", "member").await;
    let older = app.invitations_to("ada@example.com").pop().unwrap().token();
    app.invite(&owner, "ada@example.com", "admin").await;
    let newer = app.invitations_to("ada@example.com").pop().unwrap().token();
    assert_ne!(older, newer);
    let listed = TestResponse::send(
        app.as_user(
            Method::GET,
            "/api/auth/organization/list-invitations",
            &owner,
        ),
        None,
    )
    .await
    .json();
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert_eq!(listed["data"][0]["role"], "admin");
    for (token, status) in [(&older, 404), (&newer, 200)] {
        let answer = call(
            &app,
            Method::POST,
            "/api/auth/organization/accept-invitation",
            &invited,
            json!({"token": token}),
        )
        .await;
        assert_eq!(answer.status, status, "{}", answer.json());
    }

    // Expired after seven days.
    let late = app.sign_up_verified("late@example.com").await;
    app.invite(&owner, "late@example.com", "member").await;
    app.clock.advance(chrono::Duration::days(7));
    app.accept_invitation(&late)
        .await
        .assert_error(404, "NOT_FOUND");
    let listed = TestResponse::send(
        app.as_user(
            Method::GET,
            "/api/auth/organization/list-invitations",
            &owner,
        ),
        None,
    )
    .await
    .json();
    assert!(listed["data"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn invitations_stay_in_their_store_and_roles_decide_who_invites() {
    let app = TestApp::spawn().await;
    let (owner, acme) = app.merchant("owner@acme.test", "acme").await;
    let (eve, _) = app.merchant("eve@globex.test", "globex").await;
    let invitation = app.invite(&owner, "ada@example.com", "member").await.json();

    // Another store's owner can neither list, revoke nor invite into it.
    TestResponse::send(
        app.as_user(
            Method::GET,
            &format!("/api/auth/organization/list-invitations?organizationId={acme}"),
            &eve,
        ),
        None,
    )
    .await
    .assert_error(404, "NOT_FOUND");
    for (path, body) in [
        (
            "/api/auth/organization/cancel-invitation",
            json!({"invitationId": invitation["id"]}),
        ),
        (
            "/api/auth/organization/cancel-invitation",
            json!({"invitationId": invitation["id"], "organizationId": acme.to_string()}),
        ),
        (
            "/api/auth/organization/invite-member",
            json!({"email": "x@example.com", "role": "owner", "organizationId": acme.to_string()}),
        ),
    ] {
        call(&app, Method::POST, path, &eve, body)
            .await
            .assert_error(404, "NOT_FOUND");
    }

    // A member invites nobody; an admin invites but not owners.
    let member = app.sign_up("member@acme.test").await;
    let admin = app.sign_up("admin@acme.test").await;
    app.add_member(&owner, &member, "member").await;
    app.add_member(&owner, &admin, "admin").await;
    for user in [&member, &admin] {
        call(
            &app,
            Method::POST,
            "/api/auth/organization/set-active",
            user,
            json!({"organizationId": acme.to_string()}),
        )
        .await;
    }
    app.invite(&member, "x@example.com", "member")
        .await
        .assert_error(403, "FORBIDDEN");
    call(
        &app,
        Method::POST,
        "/api/auth/organization/cancel-invitation",
        &member,
        json!({"invitationId": invitation["id"]}),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    app.invite(&admin, "x@example.com", "owner")
        .await
        .assert_error(403, "FORBIDDEN");
    assert_eq!(
        app.invite(&admin, "x@example.com", "member").await.status,
        200
    );
    app.invite(&owner, "not an address", "member")
        .await
        .assert_error(400, "VALIDATION_ERROR");
    TestResponse::send(
        app.get("/api/auth/organization/get-invitation?token=made-up"),
        None,
    )
    .await
    .assert_error(404, "NOT_FOUND");
}
