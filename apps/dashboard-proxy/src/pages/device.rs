//! The CLI's device page (RFC 8628): enter the code shown in the terminal, or arrive with
//! `?user_code=`; see which client asks, for which store, until when; approve or deny.

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::auth::{DeviceDecisionRequest, DeviceRequestView, Success};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use web_ui::Now;
use web_ui::api::{Change, escaped};
use web_ui::components::{Field, Head, badge, centered, datetime, form_errors, html_response};
use web_ui::forms::FormErrors;
use web_ui::{ApiFailure, PageResult};

use crate::shell::{Api, Browser, Memory, SITE, Shell};

#[derive(Debug, Default, Deserialize)]
pub struct CodeQuery {
    #[serde(default)]
    user_code: Option<String>,
}

/// `WDJB-MJHT` however it was typed: upper case, the dash where it belongs, spaces ignored.
pub(super) fn normalise(code: &str) -> String {
    let letters: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if letters.len() == 8 {
        format!("{}-{}", &letters[..4], &letters[4..])
    } else {
        letters
    }
}

pub async fn page(
    browser: Browser,
    api: Api,
    memory: Memory,
    query: web::Query<CodeQuery>,
    Now(now): Now,
) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let Some(code) = query
        .user_code
        .as_deref()
        .map(normalise)
        .filter(|c| !c.is_empty())
    else {
        return Ok(html_response(
            StatusCode::OK,
            enter_code("", &FormErrors::default()),
        ));
    };
    let path = format!("/api/auth/device?user_code={}", escaped(&code));
    match api
        .get::<DeviceRequestView>(&browser.credentials, &path)
        .await
    {
        Ok(request) => Ok(html_response(StatusCode::OK, review(&shell, &request, now))),
        Err(failure) => not_a_code(&code, failure),
    }
}

/// An unknown or malformed code is the entry form again, with the reason.
fn not_a_code(code: &str, failure: ApiFailure) -> PageResult {
    match failure.refusal(&[400, 404, 409, 410]) {
        Some(_) => Ok(html_response(
            StatusCode::NOT_FOUND,
            enter_code(
                code,
                &FormErrors::field(
                    "user_code",
                    "No request waits for this code. Check it against your terminal; codes expire after a few minutes.",
                ),
            ),
        )),
        None => Err(failure.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    user_code: String,
    #[serde(default)]
    decision: String,
}

pub async fn decide(browser: Browser, api: Api, form: web::Form<DecisionForm>) -> PageResult {
    let code = normalise(&form.user_code);
    let path = match form.decision.as_str() {
        "approve" => "/api/auth/device/approve",
        "deny" => "/api/auth/device/deny",
        _ => {
            return Ok(html_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                enter_code(&code, &FormErrors::form("Choose approve or deny.")),
            ));
        }
    };
    let body = DeviceDecisionRequest {
        user_code: code.clone(),
    };
    match api
        .send::<_, Success>(&browser.credentials, Change::post(path, &body))
        .await
    {
        Ok(_) => Ok(html_response(
            StatusCode::OK,
            decided(form.decision == "approve"),
        )),
        Err(failure) => not_a_code(&code, failure),
    }
}

fn enter_code(code: &str, errors: &FormErrors) -> Markup {
    centered(
        &Head::new("Connect a device", SITE),
        "Connect a device",
        html! {
            p.muted { "Enter the code your terminal or app shows." }
            (form_errors(errors))
            form.stack method="get" action="/device" {
                (Field::text("Code", "user_code", code).required().hint("Like WDJB-MJHT.").autocomplete("off").render(errors))
                button.primary type="submit" { "Continue" }
            }
        },
    )
}

fn review(shell: &Shell, request: &DeviceRequestView, now: DateTime<Utc>) -> Markup {
    let pending = request.status == domain::DeviceCodeStatus::Pending;
    centered(
        &Head::new("Approve a device", SITE),
        "Approve a device?",
        html! {
            div.code-box aria-label="The code" { (request.user_code) }
            p { "Check that this is the code your device shows. Approve only a request you started yourself." }
            dl.facts {
                dt { "Client" } dd { code { (request.client_id) } }
                dt { "Store" } dd { strong { (shell.active.name) } " (as " (shell.role.as_str()) ")" }
                dt { "Access" } dd { "It will act as " (shell.session.user.email) " in this store, as you can." }
                @if let Some(scope) = &request.scope { dt { "Scope asked" } dd { (scope) } }
                dt { "Asked" } dd {
                    (datetime(request.created_at, now))
                    @if let Some(from) = &request.requested_from { " from " code { (from) } }
                }
                dt { "Status" } dd { (badge(request.status.as_str())) }
                dt { "Expires" } dd { (datetime(request.expires_at, now)) }
            }
            @if pending {
                form.actions method="post" action="/device" {
                    input type="hidden" name="user_code" value=(request.user_code);
                    button.primary type="submit" name="decision" value="approve" { "Approve" }
                    button.danger type="submit" name="decision" value="deny" { "Deny" }
                }
                p.hint { "To use another store, switch stores in the dashboard first." }
            } @else {
                p.notice.info { "This request is no longer waiting for a decision." }
            }
        },
    )
}

fn decided(approved: bool) -> Markup {
    let heading = if approved {
        "Device approved"
    } else {
        "Request denied"
    };
    centered(
        &Head::new(heading, SITE),
        heading,
        html! {
            @if approved {
                p.lead { "You can return to your device: it is signed in." }
            } @else {
                p.lead { "Nothing was granted. You can return to your device." }
            }
            a.button href="/" { "Go to the dashboard" }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_however_they_were_typed() {
        assert_eq!(normalise("wdjb mjht"), "WDJB-MJHT");
        assert_eq!(normalise("WDJB-MJHT"), "WDJB-MJHT");
        assert_eq!(normalise("abc"), "ABC");
    }
}
