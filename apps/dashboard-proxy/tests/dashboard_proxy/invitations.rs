//! An invitation followed in a browser: the owner invites an address from the team page and
//! revokes another; the invited person, who has no account, opens the link, creates one, accepts
//! and lands in the store; someone else signed in is told the invitation is not theirs.

use test_support::TestResponse;

use crate::Dashboard;

#[actix_web::test]
async fn an_invited_person_signs_up_from_the_link_and_joins_the_store() {
    let dashboard = Dashboard::start("invitations").await;
    let (app, browser) = (&dashboard.api, &dashboard.browser);
    dashboard.merchant("owner@acme.test", "Acme").await;

    // Invite two, take one back.
    dashboard.visit("/settings/team", "team").await;
    for email in ["bob@example.com", "grace@example.com"] {
        browser.fill("#field-email", email).await;
        browser
            .find("#field-role option[value=admin]")
            .await
            .click()
            .await
            .unwrap();
        browser.click("button[type=submit].primary").await;
        browser.wait_for_text("Invitation sent").await;
    }
    browser
        .click("button[aria-label='Revoke the invitation of bob@example.com']")
        .await;
    browser.wait_for_text("Invitation revoked").await;
    let page = browser.text().await;
    assert!(
        page.contains("grace@example.com") && !page.contains("bob@example.com"),
        "{page}"
    );
    browser.screenshot_at(375, "team-invitations-phone").await;
    browser.screenshot_at(1280, "team-invitations").await;

    let bob = app.invitations_to("bob@example.com").pop().unwrap();
    let grace = app
        .mail
        .wait_for_matching("grace@example.com", 1, |mail| {
            mail.subject.contains("invited you")
        })
        .await
        .pop()
        .unwrap();
    assert_eq!(grace.subject, "Ada Lovelace invited you to Acme");

    // Someone else signed in is told it is not theirs.
    dashboard.follow(&grace.link(), "invitation-other").await;
    browser
        .wait_for_text("only the account of grace@example.com")
        .await;
    browser.screenshot("invitation-other-account").await;
    browser.click("form[action='/sign-out'] button").await;
    browser.wait_for_text("Sign in").await;

    // The revoked link is dead.
    dashboard.follow(&bob.link(), "invitation-revoked").await;
    browser
        .wait_for_text("This invitation does not work any more")
        .await;

    // Grace has no account: she creates one from the link and comes back to accept.
    dashboard.follow(&grace.link(), "invitation").await;
    browser
        .wait_for_text("to join the team of Acme as admin")
        .await;
    browser
        .screenshot_at(375, "invitation-signed-out-phone")
        .await;
    browser.screenshot_at(1280, "invitation-signed-out").await;
    browser.click("a[href^='/sign-up?next=']").await;
    browser.fill("#field-name", "Grace Hopper").await;
    browser.fill("#field-email", "grace@example.com").await;
    browser
        .fill("#field-password", "correct horse battery")
        .await;
    browser.click("button[type=submit]").await;
    browser.wait_for_text("Accept and join").await;
    browser.screenshot("invitation-accept").await;
    browser
        .click("form[action='/invitations/accept'] button")
        .await;
    browser.wait_for_text("Top products").await;
    let page = browser.text().await;
    assert!(page.contains("grace@example.com · admin"), "{page}");
    assert!(
        !page.contains("Verify your email address"),
        "accepting proved the address: {page}"
    );

    // The link worked once.
    dashboard.follow(&grace.link(), "invitation-used").await;
    browser
        .wait_for_text("This invitation does not work any more")
        .await;
    let session = TestResponse::send(
        app.get("/api/auth/get-session").insert_header((
            "cookie",
            format!(
                "{}={}",
                resolve_caller::SESSION_COOKIE_NAME,
                dashboard.session_cookie().await
            ),
        )),
        None,
    )
    .await;
    assert_eq!(session.json()["user"]["emailVerified"], true);
    dashboard.close().await;
}
