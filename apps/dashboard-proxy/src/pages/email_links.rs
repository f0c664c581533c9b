//! The pages the links sent by email open: verifying an address, and choosing a new password; and
//! the forms that ask for those links. Asking answers the same whether the address has an account.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use api_types::auth::{
    EmailLinkRequest, ResetPasswordRequest, SessionResponse, Success, VerifyEmailRequest,
};
use maud::{Markup, html};
use serde::Deserialize;
use web_ui::api::Change;
use web_ui::components::{Field, Head, centered, form_errors, html_response, notice};
use web_ui::forms::{FormErrors, same_names};
use web_ui::{ApiFailure, Credentials, PageResult};

use crate::shell::{Api, Memory, SITE};

#[derive(Debug, Default, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default, rename = "newPassword")]
    new_password: String,
}

/// `GET /verify-email?token=…`: following the link verifies the address. A link used already
/// (a mail scanner may have opened it first) is told apart for a signed-in user whose address is
/// verified.
pub async fn verify(
    req: HttpRequest,
    api: Api,
    memory: Memory,
    query: web::Query<TokenQuery>,
) -> PageResult {
    if let Some(cookie) = Credentials::of(&req).session_cookie {
        memory.forget(&cookie).await;
    }
    let anonymous = Credentials::of(&req).with_session(None);
    let body = VerifyEmailRequest {
        token: query.into_inner().token,
    };
    let answer = api
        .send::<_, Success>(&anonymous, Change::post("/api/auth/verify-email", &body))
        .await;
    match answer {
        Ok(_) => Ok(html_response(StatusCode::OK, verified_page())),
        Err(failure) if failure.refusal(&[400]).is_some() => {
            let session = api
                .get::<Option<SessionResponse>>(&Credentials::of(&req), "/api/auth/get-session")
                .await
                .ok()
                .flatten();
            Ok(match session {
                Some(session) if session.user.email_verified => {
                    html_response(StatusCode::OK, verified_page())
                }
                session => html_response(
                    StatusCode::BAD_REQUEST,
                    dead_verification_form(
                        session.map(|s| s.user.email).as_deref().unwrap_or_default(),
                        &FormErrors::default(),
                    ),
                ),
            })
        }
        Err(failure) => Err(failure.into()),
    }
}

/// Asks the api to send a link to `email` (it answers the same whatever the address).
async fn ask_for_link(
    req: &HttpRequest,
    api: &Api,
    path: &str,
    email: &str,
) -> Result<(), ApiFailure> {
    let body = EmailLinkRequest {
        email: email.to_owned(),
    };
    api.send::<_, Success>(
        &Credentials::of(req).with_session(None),
        Change::post(path, &body),
    )
    .await
    .map(|_| ())
}

/// `POST /verify-email/resend`: asks for a new verification link.
pub async fn resend(req: HttpRequest, api: Api, form: web::Form<EmailForm>) -> PageResult {
    let form = form.into_inner();
    let answer = ask_for_link(&req, &api, "/api/auth/send-verification-email", &form.email).await;
    match answer {
        Ok(_) => Ok(html_response(
            StatusCode::OK,
            sent_page(
                "Check your email",
                &format!(
                    "If {} has an account that is not verified yet, a new link is on its way. \
                     It works for 24 hours.",
                    form.email
                ),
            ),
        )),
        Err(failure) => {
            let status = failure.status_code();
            let errors = FormErrors::from_failure(failure, same_names)?;
            Ok(html_response(
                status,
                dead_verification_form(&form.email, &errors),
            ))
        }
    }
}

/// `GET /forgot-password`.
pub async fn forgot_page() -> HttpResponse {
    html_response(
        StatusCode::OK,
        forgot_form(&EmailForm::default(), &FormErrors::default()),
    )
}

/// `POST /forgot-password`: asks for a reset link; the same page whether the address has an
/// account or not.
pub async fn forgot(req: HttpRequest, api: Api, form: web::Form<EmailForm>) -> PageResult {
    let form = form.into_inner();
    let answer = ask_for_link(&req, &api, "/api/auth/request-password-reset", &form.email).await;
    match answer {
        Ok(_) => Ok(html_response(
            StatusCode::OK,
            sent_page(
                "Check your email",
                &format!(
                    "If an account uses {}, we sent it a link to choose a new password. It works \
                     once, for an hour.",
                    form.email
                ),
            ),
        )),
        Err(failure) => {
            let status = failure.status_code();
            let errors = FormErrors::from_failure(failure, same_names)?;
            Ok(html_response(status, forgot_form(&form, &errors)))
        }
    }
}

/// `GET /reset-password?token=…`: the form for the new password (the token is used on submit).
pub async fn reset_page(query: web::Query<TokenQuery>) -> HttpResponse {
    let form = NewPasswordForm {
        token: query.into_inner().token,
        ..NewPasswordForm::default()
    };
    html_response(StatusCode::OK, reset_form(&form, &FormErrors::default()))
}

/// `POST /reset-password`.
pub async fn reset(req: HttpRequest, api: Api, form: web::Form<NewPasswordForm>) -> PageResult {
    let form = form.into_inner();
    let body = ResetPasswordRequest {
        token: form.token.clone(),
        new_password: form.new_password.clone(),
    };
    let answer = api
        .send::<_, Success>(
            &Credentials::of(&req).with_session(None),
            Change::post("/api/auth/reset-password", &body),
        )
        .await;
    match answer {
        Ok(_) => Ok(html_response(StatusCode::OK, password_changed_page())),
        Err(failure) => {
            let status = failure.status_code();
            let errors = FormErrors::from_failure(failure, same_names)?;
            if errors.of("token").is_some() {
                return Ok(html_response(status, dead_reset_page()));
            }
            Ok(html_response(status, reset_form(&form, &errors)))
        }
    }
}

fn verified_page() -> Markup {
    centered(
        &Head::new("Email verified", SITE),
        "Your email address is verified",
        html! {
            (notice("success", "Thank you: your address is confirmed."))
            a.button.primary href="/" { "Continue" }
        },
    )
}

fn dead_verification_form(email: &str, errors: &FormErrors) -> Markup {
    centered(
        &Head::new("Link expired", SITE),
        "This link does not work any more",
        html! {
            p { "It was already used, or it expired after 24 hours. Ask for a new one:" }
            (form_errors(errors))
            form.stack method="post" action="/verify-email/resend" {
                (Field::text("Email", "email", email).kind("email").required().autocomplete("email").render(errors))
                button.primary type="submit" { "Send a new link" }
            }
        },
    )
}

fn sent_page(heading: &str, message: &str) -> Markup {
    centered(
        &Head::new(heading, SITE),
        heading,
        html! {
            p { (message) }
            p.muted { a href="/sign-in" { "Back to sign-in" } }
        },
    )
}

#[must_use]
fn forgot_form(form: &EmailForm, errors: &FormErrors) -> Markup {
    centered(
        &Head::new("Forgot your password", SITE),
        "Forgot your password?",
        html! {
            p { "Give the address of your account: we will send it a link to choose a new password." }
            (form_errors(errors))
            form.stack method="post" action="/forgot-password" {
                (Field::text("Email", "email", &form.email).kind("email").required().autocomplete("email").render(errors))
                button.primary type="submit" { "Send the link" }
            }
            p.muted { a href="/sign-in" { "Back to sign-in" } }
        },
    )
}

#[must_use]
fn reset_form(form: &NewPasswordForm, errors: &FormErrors) -> Markup {
    centered(
        &Head::new("Choose a new password", SITE),
        "Choose a new password",
        html! {
            p { "Every device signed in to your account will be signed out." }
            (form_errors(errors))
            form.stack method="post" action="/reset-password" {
                input type="hidden" name="token" value=(form.token);
                (Field::text("New password", "newPassword", "").kind("password").required()
                    .autocomplete("new-password").hint("At least 8 characters.").render(errors))
                button.primary type="submit" { "Change my password" }
            }
        },
    )
}

fn password_changed_page() -> Markup {
    centered(
        &Head::new("Password changed", SITE),
        "Your password is changed",
        html! {
            (notice("success", "Every device that was signed in to your account is signed out."))
            a.button.primary href="/sign-in" { "Sign in" }
        },
    )
}

fn dead_reset_page() -> Markup {
    centered(
        &Head::new("Link expired", SITE),
        "This link does not work any more",
        html! {
            p { "A link to choose a new password works once, for an hour. Ask for a new one." }
            a.button.primary href="/forgot-password" { "Ask for a new link" }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reset_form_keeps_its_token_but_never_the_password() {
        let form = NewPasswordForm {
            token: "tok\"en".to_owned(),
            new_password: "typed secret".to_owned(),
        };
        let html = reset_form(&form, &FormErrors::field("newPassword", "too short")).into_string();
        assert!(
            html.contains(r#"name="token" value="tok&quot;en""#),
            "{html}"
        );
        assert!(!html.contains("typed secret"));
        assert!(html.contains("too short"));
    }

    #[test]
    fn asking_again_keeps_the_email_typed() {
        let html = dead_verification_form("ada@example.com", &FormErrors::default()).into_string();
        assert!(html.contains(r#"value="ada@example.com""#), "{html}");
        assert!(html.contains(r#"action="/verify-email/resend""#));
        let html = forgot_form(
            &EmailForm {
                email: "ada@example.com".to_owned(),
            },
            &FormErrors::form("Too many attempts"),
        )
        .into_string();
        assert!(html.contains(r#"value="ada@example.com""#) && html.contains("Too many attempts"));
    }
}
