//! API keys: create one (shown this once, with a copy button), see when each was last used, revoke.

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::auth::{
    ApiKeyView, CreateApiKeyRequest, CreatedApiKey, DeleteApiKeyRequest, Success,
};
use api_types::store::List;
use chrono::{DateTime, Utc};
use domain::Scope;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;
use web_ui::Now;
use web_ui::api::Change;
use web_ui::components::{Field, badge, datetime, empty_state, form_errors, html_response, notice};
use web_ui::errors::see_other;
use web_ui::forms::{FormErrors, same_names};
use web_ui::{PageError, PageResult};

use crate::shell::{Api, Browser, Memory, Section, Shell, page};

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
    memory: Memory,
    query: web::Query<ListQuery>,
    Now(now): Now,
) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let keys: List<ApiKeyView> = api
        .get(&browser.credentials, "/api/auth/api-key/list")
        .await?;
    let message = query
        .revoked
        .is_some()
        .then_some("The key was revoked: it no longer works.");
    Ok(html_response(
        StatusCode::OK,
        keys_page(
            &shell,
            &keys.data,
            None,
            &NewKey::default(),
            message,
            &FormErrors::default(),
            now,
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
    memory: Memory,
    form: web::Form<Vec<(String, String)>>,
    Now(now): Now,
) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
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
        .iter()
        .copied()
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
        keys_page(
            &shell,
            &keys.data,
            created.as_ref(),
            &form,
            None,
            &errors,
            now,
        ),
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
    now: DateTime<Utc>,
) -> Markup {
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
                                        @if *scope == Scope::Admin { "manage the store: products, orders, customers, settings" }
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

#[cfg(test)]
mod tests {
    use api_types::auth::ApiKeyMetadata;
    use chrono::Duration;

    use super::*;

    const OWNER: &[&str] = &["apiKey:list", "apiKey:create", "apiKey:revoke"];

    fn key(n: u128, name: &str) -> ApiKeyView {
        ApiKeyView {
            id: Uuid::from_u128(n),
            name: name.into(),
            prefix: format!("ck_{n}abc"),
            organization_id: Uuid::from_u128(2),
            scopes: vec!["admin".into(), "storefront".into()],
            metadata: ApiKeyMetadata {
                organization_id: Uuid::from_u128(2),
                scopes: vec!["admin".into()],
            },
            created_at: domain::Clock::now(&domain::SystemClock),
            expires_at: None,
            revoked_at: None,
            last_used_at: None,
        }
    }

    fn render(
        shell: &Shell,
        keys: &[ApiKeyView],
        created: Option<&CreatedApiKey>,
        now: DateTime<Utc>,
    ) -> String {
        let none = FormErrors::default();
        keys_page(shell, keys, created, &NewKey::default(), None, &none, now).into_string()
    }

    #[test]
    fn a_new_key_is_shown_once_with_a_copy_button() {
        let now = domain::Clock::now(&domain::SystemClock);
        let created = CreatedApiKey {
            key: "ck_1abc_the_whole_secret".into(),
            api_key: key(1, "<b>Warehouse</b>"),
        };
        let html = render(
            &Shell::fixture(OWNER),
            std::slice::from_ref(&created.api_key),
            Some(&created),
            now,
        );
        assert!(
            html.contains(r#"<code id="new-key-value">ck_1abc_the_whole_secret</code>"#),
            "{html}"
        );
        assert!(html.contains(r##"data-copy="#new-key-value""##));
        assert!(html.contains("&lt;b&gt;Warehouse&lt;/b&gt;") && !html.contains("<b>Warehouse"));
        let listed = render(&Shell::fixture(OWNER), &[created.api_key], None, now);
        assert!(
            !listed.contains("the_whole_secret") && listed.contains("ck_1abc…"),
            "{listed}"
        );
    }

    #[test]
    fn only_a_live_key_can_be_revoked_and_only_when_permitted() {
        let now = domain::Clock::now(&domain::SystemClock);
        let mut revoked = key(2, "old");
        revoked.revoked_at = Some(domain::Clock::now(&domain::SystemClock));
        let mut expired = key(3, "gone");
        expired.expires_at = Some(domain::Clock::now(&domain::SystemClock) - Duration::days(1));
        let keys = [key(1, "live"), revoked, expired];
        let html = render(&Shell::fixture(OWNER), &keys, None, now);
        assert!(html.contains(r#"aria-label="Revoke live""#), "{html}");
        assert!(!html.contains(r#"aria-label="Revoke old""#));
        assert!(html.contains(">revoked</span>") && html.contains(">expired</span>"));
        assert!(html.contains("admin, storefront") && html.contains(">never</span>"));
        let member = render(&Shell::fixture(&["apiKey:list"]), &keys, None, now);
        assert!(!member.contains("/settings/api-keys/revoke") && !member.contains("Create a key"));
    }

    #[test]
    fn a_refused_key_keeps_its_name_scopes_and_lifetime() {
        let now = domain::Clock::now(&domain::SystemClock);
        let form = NewKey {
            name: "<i>sync</i>".into(),
            scopes: vec!["storefront".into()],
            lifetime: "90d".into(),
        };
        let errors = FormErrors::field("name", "must not be empty");
        let html =
            keys_page(&Shell::fixture(OWNER), &[], None, &form, None, &errors, now).into_string();
        assert!(
            html.contains(r#"name="name" value="&lt;i&gt;sync&lt;/i&gt;""#),
            "{html}"
        );
        assert!(html.contains(r#"aria-invalid="true""#) && html.contains("must not be empty"));
        assert!(
            html.contains(r#"value="storefront" checked"#)
                && !html.contains(r#"value="admin" checked"#)
        );
        assert!(html.contains(r#"<option value="90d" selected>"#));
        assert!(
            html.contains(r#"for="field-lifetime""#) && html.contains(r#"id="field-lifetime""#)
        );
    }
}
