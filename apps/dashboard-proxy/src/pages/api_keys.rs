//! API keys: create one (shown this once, with a copy button), see when each was last used, revoke.

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::auth::{
    ApiKeyView, CreateApiKeyRequest, CreatedApiKey, DeleteApiKeyRequest, Success,
};
use api_types::store::List;
use chrono::Utc;
use maud::{Markup, html};
use resolve_caller::Scope;
use serde::Deserialize;
use uuid::Uuid;
use web_ui::api::Change;
use web_ui::components::{Field, badge, datetime, empty_state, form_errors, html_response, notice};
use web_ui::errors::see_other;
use web_ui::forms::{FormErrors, same_names};
use web_ui::{PageError, PageResult};

use crate::shell::{Api, Browser, Section, Shell, Statement, page};

/// The lifetimes a key can be created with, in seconds (`None`: until revoked).
const LIFETIMES: [(&str, &str, Option<i64>); 4] = [
    ("never", "Until revoked", None),
    ("30d", "30 days", Some(30 * 86_400)),
    ("90d", "90 days", Some(90 * 86_400)),
    ("365d", "1 year", Some(365 * 86_400)),
];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    revoked: Option<String>,
}

pub async fn list(
    browser: Browser,
    api: Api,
    statement: Statement,
    query: web::Query<ListQuery>,
) -> PageResult {
    let shell = Shell::load(&api, &statement, &browser.credentials).await?;
    let keys: List<ApiKeyView> = api
        .get(&browser.credentials, "/api/auth/api-key/list")
        .await?;
    let message = query
        .revoked
        .is_some()
        .then_some("The key was revoked: it no longer works.");
    Ok(html_response(
        StatusCode::OK,
        &keys_page(
            &shell,
            &keys.data,
            None,
            &NewKey::default(),
            message,
            &FormErrors::default(),
        ),
    ))
}

/// What the create form holds.
#[derive(Clone, Debug, Default)]
struct NewKey {
    name: String,
    scopes: Vec<String>,
    lifetime: String,
}

pub async fn create(
    browser: Browser,
    api: Api,
    statement: Statement,
    form: web::Form<Vec<(String, String)>>,
) -> PageResult {
    let shell = Shell::load(&api, &statement, &browser.credentials).await?;
    let pairs = form.into_inner();
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map_or_else(String::new, |(_, value)| value.clone())
    };
    let new_key = NewKey {
        name: value("name"),
        scopes: pairs
            .iter()
            .filter(|(key, _)| key == "scopes")
            .map(|(_, value)| value.clone())
            .collect(),
        lifetime: value("lifetime"),
    };
    let scopes: Vec<Scope> = Scope::ALL
        .into_iter()
        .filter(|scope| new_key.scopes.iter().any(|s| s == scope.as_str()))
        .collect();
    let mut errors = FormErrors::default();
    if scopes.is_empty() {
        errors.add("scopes", "choose at least one scope");
    }
    let expires_in = LIFETIMES
        .iter()
        .find(|(id, _, _)| *id == new_key.lifetime)
        .and_then(|(_, _, seconds)| *seconds);
    let mut created = None;
    if errors.is_empty() {
        let body = CreateApiKeyRequest {
            name: new_key.name.trim().to_owned(),
            scopes,
            expires_in,
        };
        match api
            .send::<_, CreatedApiKey>(
                &browser.credentials,
                Change::post("/api/auth/api-key/create", &body),
            )
            .await
        {
            Ok(answer) => created = Some(answer.value),
            Err(failure) => errors = FormErrors::from_failure(failure, same_names)?,
        }
    }
    // Listed after the change, so a new key is in the list it is shown above.
    let keys: List<ApiKeyView> = api
        .get(&browser.credentials, "/api/auth/api-key/list")
        .await?;
    let (status, form) = match created {
        Some(_) => (StatusCode::OK, NewKey::default()),
        None => (StatusCode::UNPROCESSABLE_ENTITY, new_key),
    };
    Ok(html_response(
        status,
        &keys_page(&shell, &keys.data, created.as_ref(), &form, None, &errors),
    ))
}

#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    #[serde(rename = "keyId")]
    key_id: String,
}

pub async fn revoke(browser: Browser, api: Api, form: web::Form<RevokeForm>) -> PageResult {
    let key_id: Uuid = form.key_id.parse().map_err(|_| PageError::NotFound)?;
    api.send::<_, Success>(
        &browser.credentials,
        Change::post("/api/auth/api-key/delete", &DeleteApiKeyRequest { key_id }),
    )
    .await?;
    Ok(see_other("/settings/api-keys?revoked=1"))
}

fn keys_page(
    shell: &Shell,
    keys: &[ApiKeyView],
    created: Option<&CreatedApiKey>,
    form: &NewKey,
    message: Option<&str>,
    errors: &FormErrors,
) -> Markup {
    let now = Utc::now();
    page(
        shell,
        Section::ApiKeys,
        "API keys",
        html! {
            div.page-header { h1 { "API keys" } }
            p.muted { "A key acts for " strong { (shell.active.name) } " with the scopes you give it. Send it as the "
                code { "x-api-key" } " header." }
            @if let Some(message) = message { (notice("success", message)) }
            @if let Some(created) = created {
                section.card #new-key {
                    h2 { "Your new key “" (created.api_key.name) "”" }
                    (notice("warning", "Copy it now: it is shown only this once, and only its hash is kept."))
                    div.secret {
                        code #new-key-value { (created.key) }
                        button type="button" data-copy="#new-key-value" { "Copy" }
                    }
                }
            }
            @if shell.may("apiKey:create") {
                section.card {
                    h2 { "Create a key" }
                    (form_errors(errors))
                    form.stack method="post" action="/settings/api-keys" {
                        (Field::text("Name", "name", &form.name).required().hint("Where it will be used, e.g. “Warehouse sync”.").render(errors))
                        fieldset {
                            legend { "Scopes" }
                            @for scope in Scope::ALL {
                                label.check {
                                    input type="checkbox" name="scopes" value=(scope.as_str())
                                        checked[form.scopes.iter().any(|s| s == scope.as_str())];
                                    span {
                                        strong { (scope.as_str()) } " — "
                                        @if scope == Scope::Admin { "manage the store: products, orders, customers, settings" }
                                        @else { "what a shopper can do: catalog, carts, orders" }
                                    }
                                }
                            }
                            @if let Some(message) = errors.of("scopes") { p.field-error { (message) } }
                        }
                        div.field {
                            label for="field-lifetime" { "Expires" }
                            select #field-lifetime name="lifetime" {
                                @for (id, label, _) in LIFETIMES {
                                    option value=(id) selected[form.lifetime == id] { (label) }
                                }
                            }
                        }
                        div { button.primary type="submit" { "Create key" } }
                    }
                }
            }
            h2 { "Keys" }
            @if keys.is_empty() {
                (empty_state("No keys yet", "Create a key to call the api from a script or another system.", None))
            } @else {
                div.table-wrap {
                    table {
                        thead { tr { th { "Name" } th { "Key" } th { "Scopes" } th { "Last used" } th { "Status" } th { span.visually-hidden { "Actions" } } } }
                        tbody {
                            @for key in keys {
                                tr {
                                    td { (key.name) }
                                    td.mono { (key.prefix) "…" }
                                    td { (key.scopes.join(", ")) }
                                    td { @if let Some(used) = key.last_used_at { (datetime(used, now)) } @else { span.muted { "never" } } }
                                    td {
                                        @if key.revoked_at.is_some() { (badge("revoked")) }
                                        @else if key.expires_at.is_some_and(|at| at <= now) { (badge("expired")) }
                                        @else { (badge("active")) }
                                    }
                                    td {
                                        @if key.revoked_at.is_none() && shell.may("apiKey:revoke") {
                                            form method="post" action="/settings/api-keys/revoke"
                                                data-confirm="Revoke this key? Anything using it stops working." {
                                                input type="hidden" name="keyId" value=(key.id);
                                                button.danger type="submit" aria-label={"Revoke " (key.name)} { "Revoke" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
