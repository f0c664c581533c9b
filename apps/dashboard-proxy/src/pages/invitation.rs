//! The page an invitation's link opens: who invites whom to which store with what role, and the
//! way to accept — signing in (or up) first with the invited address. Only that account can
//! accept; the api decides.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use api_types::auth::{
    AcceptInvitationRequest, InvitationPreview, InvitationTokenQuery, OrganizationView,
    SessionResponse, SetActiveOrganizationRequest,
};
use maud::{Markup, html};
use serde::Deserialize;
use web_ui::api::{Change, escaped};
use web_ui::components::{Head, centered, html_response, notice};
use web_ui::errors::see_other;
use web_ui::{Credentials, PageResult};

use crate::shell::{Api, SITE};

#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

/// Who is looking at the invitation.
enum Viewer {
    SignedOut,
    Invited,
    Other(String),
}

/// `GET /invitations/accept?token=…`
pub async fn page(req: HttpRequest, api: Api, query: web::Query<TokenForm>) -> PageResult {
    let token = query.into_inner().token;
    let anonymous = Credentials::of(&req).with_session(None);
    let preview = api
        .get_with::<InvitationPreview, _>(
            &anonymous,
            "/api/auth/organization/get-invitation",
            &InvitationTokenQuery {
                token: token.clone(),
            },
        )
        .await;
    let preview = match preview {
        Ok(preview) => preview,
        Err(failure) if failure.refusal(&[404]).is_some() => {
            return Ok(html_response(StatusCode::NOT_FOUND, dead_page()));
        }
        Err(failure) => return Err(failure.into()),
    };
    let credentials = Credentials::of(&req);
    let session = match credentials.session_cookie {
        Some(_) => {
            api.get::<Option<SessionResponse>>(&credentials, "/api/auth/get-session")
                .await?
        }
        None => None,
    };
    let viewer = match session {
        None => Viewer::SignedOut,
        Some(session) if session.user.email == preview.email => Viewer::Invited,
        Some(session) => Viewer::Other(session.user.email),
    };
    Ok(html_response(
        StatusCode::OK,
        invitation_page(&preview, &token, &viewer),
    ))
}

/// `POST /invitations/accept`: joins, enters the store, and opens its home.
pub async fn accept(req: HttpRequest, api: Api, form: web::Form<TokenForm>) -> PageResult {
    let credentials = Credentials::of(&req);
    let body = AcceptInvitationRequest {
        token: form.into_inner().token,
    };
    let joined = api
        .send::<_, OrganizationView>(
            &credentials,
            Change::post("/api/auth/organization/accept-invitation", &body),
        )
        .await;
    let store = match joined {
        Ok(answer) => answer.value,
        Err(failure) if failure.refusal(&[404]).is_some() => {
            return Ok(html_response(StatusCode::NOT_FOUND, dead_page()));
        }
        Err(failure) => return Err(failure.into()),
    };
    let enter = SetActiveOrganizationRequest {
        organization_id: Some(store.id),
    };
    api.send::<_, Option<OrganizationView>>(
        &credentials,
        Change::post("/api/auth/organization/set-active", &enter),
    )
    .await?;
    Ok(see_other("/"))
}

fn invitation_page(preview: &InvitationPreview, token: &str, viewer: &Viewer) -> Markup {
    let here = format!("/invitations/accept?token={}", escaped(token));
    let inviter = preview
        .inviter_name
        .as_deref()
        .unwrap_or("A member of the team");
    centered(
        &Head::new("Invitation", SITE),
        &format!("Join {}", preview.organization_name),
        html! {
            p {
                (inviter) " invited " strong { (preview.email) } " to join the team of "
                strong { (preview.organization_name) } " as " strong { (preview.role.as_str()) } "."
            }
            @match viewer {
                Viewer::Invited => {
                    form.stack method="post" action="/invitations/accept" {
                        input type="hidden" name="token" value=(token);
                        button.primary type="submit" { "Accept and join" }
                    }
                }
                Viewer::SignedOut => {
                    p { "Sign in with this address to accept, or create an account with it." }
                    div.actions {
                        a.button.primary href={"/sign-in?next=" (escaped(&here))} { "Sign in" }
                        a.button href={"/sign-up?next=" (escaped(&here))} { "Create an account" }
                    }
                }
                Viewer::Other(email) => {
                    (notice("warning", &format!(
                        "You are signed in as {email}: only the account of {} can accept. Sign out, then sign in with that address.",
                        preview.email
                    )))
                    form method="post" action="/sign-out" {
                        button.button type="submit" { "Sign out" }
                    }
                }
            }
        },
    )
}

fn dead_page() -> Markup {
    centered(
        &Head::new("Invitation", SITE),
        "This invitation does not work any more",
        html! {
            p { "It was accepted already, taken back, or it expired after 7 days. Ask the person who invited you to send a new one." }
            a.button href="/" { "Go to the dashboard" }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preview() -> InvitationPreview {
        InvitationPreview {
            organization_name: "Acme <Shop>".to_owned(),
            inviter_name: Some("Ada".to_owned()),
            email: "grace@example.com".to_owned(),
            role: domain::OrgRole::Admin,
            expires_at: domain::Clock::now(&domain::SystemClock),
        }
    }

    #[test]
    fn signed_out_the_page_offers_sign_in_and_sign_up_that_come_back_here() {
        let html = invitation_page(&preview(), "t&k", &Viewer::SignedOut).into_string();
        assert!(html.contains("Acme &lt;Shop&gt;"), "{html}");
        assert!(
            html.contains(r#"href="/sign-in?next=%2Finvitations%2Faccept%3Ftoken%3Dt%2526k""#),
            "{html}"
        );
        assert!(html.contains(r#"href="/sign-up?next="#));
        assert!(!html.contains(r#"action="/invitations/accept""#));
    }

    #[test]
    fn only_the_invited_account_gets_the_accept_button() {
        let html = invitation_page(&preview(), "tok", &Viewer::Invited).into_string();
        assert!(html.contains(r#"name="token" value="tok""#), "{html}");
        let html = invitation_page(&preview(), "tok", &Viewer::Other("eve@example.com".into()))
            .into_string();
        assert!(!html.contains(r#"action="/invitations/accept""#));
        assert!(html.contains("You are signed in as eve@example.com"));
    }
}
