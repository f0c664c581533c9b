//! Sign-up, sign-in and sign-out: the api sets (or clears) the session cookie, and the edge hands
//! it to the browser as it came.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use api_types::auth::{
    OrganizationView, SessionResponse, SetActiveOrganizationRequest, SignInRequest, SignUpAnswer,
    SignUpRequest, Success,
};
use api_types::store::List;
use maud::{Markup, html};
use serde::Deserialize;
use web_ui::api::{Answer, Change, escaped};
use web_ui::components::{Field, Head, centered, form_errors, html_response};
use web_ui::errors::see_other;
use web_ui::forms::{FormErrors, same_names};
use web_ui::safety::safe_next;
use web_ui::{ApiClient, ApiFailure, Credentials, PageResult};

use crate::shell::{Api, SITE};

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

pub async fn sign_in_page(query: web::Query<NextQuery>) -> HttpResponse {
    let form = AccountForm {
        next: query.into_inner().next,
        ..AccountForm::default()
    };
    html_response(StatusCode::OK, sign_in_form(&form, &FormErrors::default()))
}

pub async fn sign_in(req: HttpRequest, api: Api, form: web::Form<AccountForm>) -> PageResult {
    let form = form.into_inner();
    let body = SignInRequest {
        email: form.email.clone(),
        password: form.password.clone(),
    };
    let answer = api
        .send::<_, SessionResponse>(
            &Credentials::of(&req).with_session(None),
            Change::post("/api/auth/sign-in/email", &body),
        )
        .await;
    match answer {
        Ok(answer) => {
            enter_the_only_store(
                &api,
                &Credentials::of(&req).with_session(answer.session_cookie()),
            )
            .await?;
            Ok(signed_in(&answer, &safe_next(form.next.as_deref())))
        }
        Err(failure) => {
            let status = failure.status_code();
            let errors = FormErrors::from_sign_in_failure(failure)?;
            Ok(html_response(status, sign_in_form(&form, &errors)))
        }
    }
}

pub async fn sign_up_page(query: web::Query<NextQuery>) -> HttpResponse {
    let form = AccountForm {
        next: query.into_inner().next,
        ..AccountForm::default()
    };
    html_response(StatusCode::OK, sign_up_form(&form, &FormErrors::default()))
}

pub async fn sign_up(req: HttpRequest, api: Api, form: web::Form<AccountForm>) -> PageResult {
    let form = form.into_inner();
    let body = SignUpRequest {
        email: form.email.clone(),
        password: form.password.clone(),
        name: form.name.clone(),
    };
    let answer = api
        .send::<_, SignUpAnswer>(
            &Credentials::of(&req).with_session(None),
            Change::post("/api/auth/sign-up/email", &body),
        )
        .await;
    match answer {
        Ok(Answer {
            value: SignUpAnswer::VerificationPending(pending),
            ..
        }) => Ok(html_response(
            StatusCode::ACCEPTED,
            check_your_email_page(&pending.user.email),
        )),
        // A new account has no store yet: onboarding, unless it came to do something else.
        Ok(answer) => Ok(signed_in(
            &answer,
            &form
                .next
                .as_deref()
                .map_or_else(|| "/onboarding".to_owned(), |next| safe_next(Some(next))),
        )),
        Err(failure) => {
            let status = failure.status_code();
            let errors = FormErrors::from_failure(failure, same_names)?;
            Ok(html_response(status, sign_up_form(&form, &errors)))
        }
    }
}

pub async fn sign_out(req: HttpRequest, api: Api) -> PageResult {
    let answer = api
        .send::<(), Success>(
            &Credentials::of(&req),
            Change::bare(actix_web::http::Method::POST, "/api/auth/sign-out"),
        )
        .await?;
    let mut response = see_other("/sign-in");
    answer.pass_cookies(&mut response);
    Ok(response)
}

/// A new session acts in no store: with exactly one, it is the one (with several, `/stores` asks).
async fn enter_the_only_store(api: &ApiClient, session: &Credentials) -> Result<(), ApiFailure> {
    let stores: List<OrganizationView> = api.get(session, "/api/auth/organization/list").await?;
    if let [store] = stores.data.as_slice() {
        let body = SetActiveOrganizationRequest {
            organization_id: Some(store.id),
        };
        api.send::<_, Option<OrganizationView>>(
            session,
            Change::post("/api/auth/organization/set-active", &body),
        )
        .await?;
    }
    Ok(())
}

fn check_your_email_page(email: &str) -> Markup {
    centered(
        &Head::new("Check your email", SITE),
        "Check your email",
        html! {
            p { "We sent a link to " strong { (email) } ". Follow it to verify your address, then sign in." }
            form.stack method="post" action="/verify-email/resend" {
                input type="hidden" name="email" value=(email);
                button.button type="submit" { "Send the link again" }
            }
            p.muted { a href="/sign-in" { "Sign in" } }
        },
    )
}

/// `303 next`, with the cookie the api set.
fn signed_in<T>(answer: &Answer<T>, next: &str) -> HttpResponse {
    let mut response = see_other(next);
    answer.pass_cookies(&mut response);
    response
}

fn next_input(form: &AccountForm) -> Markup {
    html! {
        @if let Some(next) = &form.next {
            input type="hidden" name="next" value=(safe_next(Some(next)));
        }
    }
}

fn with_next(path: &str, form: &AccountForm) -> String {
    form.next.as_deref().map_or_else(
        || path.to_owned(),
        |next| format!("{path}?next={}", escaped(&safe_next(Some(next)))),
    )
}

#[must_use]
pub fn sign_in_form(form: &AccountForm, errors: &FormErrors) -> Markup {
    centered(
        &Head::new("Sign in", SITE),
        "Sign in",
        html! {
            (form_errors(errors))
            form.stack method="post" action="/sign-in" {
                (next_input(form))
                (Field::text("Email", "email", &form.email).kind("email").required().autocomplete("email").render(errors))
                (Field::text("Password", "password", "").kind("password").required().autocomplete("current-password").render(errors))
                button.primary type="submit" { "Sign in" }
            }
            p.muted { a href="/forgot-password" { "Forgot your password?" } }
            p.muted { "New here? " a href=(with_next("/sign-up", form)) { "Create an account" } }
        },
    )
}

#[must_use]
pub fn sign_up_form(form: &AccountForm, errors: &FormErrors) -> Markup {
    centered(
        &Head::new("Create your account", SITE),
        "Create your account",
        html! {
            (form_errors(errors))
            form.stack method="post" action="/sign-up" {
                (next_input(form))
                (Field::text("Your name", "name", &form.name).required().autocomplete("name").render(errors))
                (Field::text("Email", "email", &form.email).kind("email").required().autocomplete("email").render(errors))
                (Field::text("Password", "password", "").kind("password").required().autocomplete("new-password")
                    .hint("At least 8 characters.").render(errors))
                button.primary type="submit" { "Create account" }
            }
            p.muted { "Already have an account? " a href=(with_next("/sign-in", form)) { "Sign in" } }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_in_form_keeps_email_and_next_but_never_the_password() {
        let form = AccountForm {
            email: "ada@example.com".to_owned(),
            password: "secret-password".to_owned(),
            next: Some("/device?user_code=ABCD-EFGH".to_owned()),
            ..AccountForm::default()
        };
        let html = sign_in_form(
            &form,
            &FormErrors::form("The email or the password is not right."),
        )
        .into_string();
        assert!(html.contains(r#"value="ada@example.com""#));
        assert!(!html.contains("secret-password"));
        assert!(
            html.contains(r#"name="next" value="/device?user_code=ABCD-EFGH""#),
            "{html}"
        );
        assert!(html.contains("not right"));
    }

    #[test]
    fn an_off_site_next_is_never_rendered() {
        let form = AccountForm {
            next: Some("https://evil.test".to_owned()),
            ..AccountForm::default()
        };
        let html = sign_up_form(&form, &FormErrors::default()).into_string();
        assert!(!html.contains("evil.test"), "{html}");
    }

    #[test]
    fn a_refused_sign_up_keeps_name_and_email_but_never_the_password() {
        let form = AccountForm {
            name: "<b>Ada</b>".to_owned(),
            email: "ada@example.com".to_owned(),
            password: "short".to_owned(),
            next: Some("/agents".to_owned()),
        };
        let errors = FormErrors::field("password", "must be at least 8 characters");
        let html = sign_up_form(&form, &errors).into_string();
        assert!(
            html.contains(r#"name="name" value="&lt;b&gt;Ada&lt;/b&gt;""#),
            "{html}"
        );
        assert!(html.contains(r#"name="email" value="ada@example.com""#));
        assert!(html.contains(r#"name="password" value="""#) && !html.contains("short\""));
        assert!(
            html.contains(r#"for="field-password""#) && html.contains(r#"id="field-password""#)
        );
        assert!(
            html.contains(r#"aria-invalid="true""#)
                && html.contains("must be at least 8 characters")
        );
        assert!(html.contains(r#"href="/sign-in?next=%2Fagents""#), "{html}");
    }
}
