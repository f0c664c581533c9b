//! Store settings (name, currency, support email, the Stripe webhook secret) and the storefront's
//! domains. Secrets are written, never shown: the page says only whether one is set.

use actix_web::http::{Method, StatusCode};
use actix_web::web;
use api_types::commerce::{StoreSettings, UpdateStoreRequest};
use api_types::store::{AddStoreDomainRequest, List, StoreDomainView};
use chrono::{DateTime, Utc};
use domain::DomainStatus;
use maud::{Markup, html};
use serde::Deserialize;
use web_ui::Now;
use web_ui::api::{Change, escaped};
use web_ui::components::{Field, badge, datetime, empty_state, form_errors, html_response, notice};
use web_ui::errors::see_other;
use web_ui::forms::{FormErrors, Submitted};
use web_ui::{PageError, PageResult};

use crate::shell::{Api, Browser, Memory, Section, Shell, page};

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    removed: Option<String>,
    #[serde(default)]
    verified: Option<String>,
}

/// The api's field is the form's input, but `supportEmail` is named as in the form.
fn store_input(field: &str) -> Option<String> {
    matches!(
        field,
        "name" | "currency" | "supportEmail" | "stripeWebhookSecret"
    )
    .then(|| field.to_owned())
}

pub async fn store_page(
    browser: Browser,
    api: Api,
    memory: Memory,
    query: web::Query<DoneQuery>,
    Now(now): Now,
) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let store: StoreSettings = api.get(&browser.credentials, "/v1/admin/store").await?;
    let form = Submitted(vec![
        ("name".to_owned(), store.name.clone()),
        ("currency".to_owned(), store.currency.to_string()),
        (
            "supportEmail".to_owned(),
            store.support_email.clone().unwrap_or_default(),
        ),
        (
            "accentColor".to_owned(),
            store.accent_color.clone().unwrap_or_default(),
        ),
    ]);
    let done = query.saved.as_ref().map(|_| "Settings saved.");
    Ok(html_response(
        StatusCode::OK,
        store_form(&shell, &store, &form, done, &FormErrors::default(), now),
    ))
}

pub async fn update_store(
    browser: Browser,
    api: Api,
    memory: Memory,
    form: web::Form<Vec<(String, String)>>,
    Now(now): Now,
) -> PageResult {
    let form = Submitted(form.into_inner());
    let store: StoreSettings = api.get(&browser.credentials, "/v1/admin/store").await?;
    let mut errors = FormErrors::default();
    let typed_currency = form.get("currency").trim().to_uppercase();
    let currency = if typed_currency == store.currency.as_str() {
        None
    } else {
        match typed_currency.parse() {
            Ok(currency) => Some(currency),
            Err(_) => {
                errors.add(
                    "currency",
                    "Enter a three-letter ISO 4217 code, like EUR or USD.",
                );
                None
            }
        }
    };
    let secret = form.get("stripeWebhookSecret").trim();
    let body = UpdateStoreRequest {
        name: Some(form.get("name").trim().to_owned()),
        currency,
        support_email: Some(form.get("supportEmail").trim().to_owned()),
        // Left empty, the secret stays as it is.
        stripe_webhook_secret: (!secret.is_empty()).then(|| secret.to_owned()),
        // Empty clears it: the storefront keeps the default colours.
        accent_color: Some(form.get("accentColor").trim().to_owned()),
    };
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if errors.is_empty() {
        match api
            .send::<_, StoreSettings>(
                &browser.credentials,
                Change::patch("/v1/admin/store", &body),
            )
            .await
        {
            Ok(_) => return Ok(see_other("/settings/store?saved=1")),
            Err(failure) => {
                status = failure.status_code();
                errors = FormErrors::from_failure(failure, store_input)?;
            }
        }
    }
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    // The secret is never shown back, not even as typed.
    let kept = Submitted(
        form.0
            .into_iter()
            .filter(|(name, _)| name != "stripeWebhookSecret")
            .collect(),
    );
    Ok(html_response(
        status,
        store_form(&shell, &store, &kept, None, &errors, now),
    ))
}

fn store_form(
    shell: &Shell,
    store: &StoreSettings,
    form: &Submitted,
    done: Option<&str>,
    errors: &FormErrors,
    now: DateTime<Utc>,
) -> Markup {
    let editable = shell.may("store:update");
    page(
        shell,
        Section::StoreSettings,
        "Store settings",
        html! {
            div.page-header { h1 { "Store settings" } }
            @if let Some(done) = done { (notice("success", done)) }
            section.card {
                (form_errors(errors))
                @if editable {
                    form.stack method="post" action="/settings/store" {
                        (Field::text("Store name", "name", form.get("name")).required().render(errors))
                        div.row {
                            (Field::text("Currency", "currency", form.get("currency")).required()
                                .hint("Every price is in it; it can change only while the store has no products.").render(errors))
                            (Field::text("Support email", "supportEmail", form.get("supportEmail")).kind("email")
                                .hint("Shown to shoppers who need help.").render(errors))
                        }
                        (Field::text("Storefront accent colour", "accentColor", form.get("accentColor")).autocomplete("off")
                            .hint("Like #aa3300, for buttons and links on your storefront; empty keeps the default.").render(errors))
                        (Field::text("Stripe webhook signing secret", "stripeWebhookSecret", "").kind("password").autocomplete("off")
                            .hint(if store.stripe_webhook_secret_set { "Set. Type a new whsec_… secret to replace it; leave empty to keep it." }
                                  else { "Not set. Paste the whsec_… secret of your Stripe endpoint." }).render(errors))
                        div { button.primary type="submit" { "Save" } }
                    }
                } @else {
                    dl.facts {
                        dt { "Store name" } dd { (store.name) }
                        dt { "Currency" } dd { (store.currency) }
                        dt { "Support email" } dd { (store.support_email.as_deref().unwrap_or("—")) }
                    }
                }
                p.hint { "Last changed " (datetime(store.updated_at, now)) "." }
            }
        },
    )
}

pub async fn domains_page(
    browser: Browser,
    api: Api,
    memory: Memory,
    query: web::Query<DoneQuery>,
    Now(now): Now,
) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let domains: List<StoreDomainView> = api
        .get(&browser.credentials, "/v1/admin/store/domains")
        .await?;
    let done = if query.saved.is_some() {
        Some("Domain added. Until it is verified, shoppers cannot reach your storefront there.")
    } else if query.verified.is_some() {
        Some("Domain verified: shoppers can reach your storefront there.")
    } else {
        query
            .removed
            .as_ref()
            .map(|_| "Domain removed: it no longer serves your storefront.")
    };
    let none = FormErrors::default();
    Ok(html_response(
        StatusCode::OK,
        domains_list(&shell, &domains.data, "", done, &none, &none, now),
    ))
}

#[derive(Debug, Deserialize)]
pub struct DomainForm {
    #[serde(default)]
    hostname: String,
}

pub async fn add_domain(
    browser: Browser,
    api: Api,
    memory: Memory,
    form: web::Form<DomainForm>,
    Now(now): Now,
) -> PageResult {
    let body = AddStoreDomainRequest {
        hostname: form.hostname.trim().to_owned(),
    };
    let failure = match api
        .send::<_, StoreDomainView>(
            &browser.credentials,
            Change::post("/v1/admin/store/domains", &body),
        )
        .await
    {
        Ok(_) => return Ok(see_other("/settings/domains?saved=1")),
        Err(failure) => failure,
    };
    let status = failure.status_code();
    let errors = FormErrors::from_failure(failure, |field| {
        (field == "hostname").then(|| field.to_owned())
    })?;
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let domains: List<StoreDomainView> = api
        .get(&browser.credentials, "/v1/admin/store/domains")
        .await?;
    Ok(html_response(
        status,
        domains_list(
            &shell,
            &domains.data,
            &form.hostname,
            None,
            &errors,
            &FormErrors::default(),
            now,
        ),
    ))
}

/// Looks up a pending domain's TXT record now; a record not (yet) there is explained on the list.
pub async fn verify_domain(
    browser: Browser,
    api: Api,
    memory: Memory,
    form: web::Form<DomainForm>,
    Now(now): Now,
) -> PageResult {
    let hostname = form.hostname.trim();
    if hostname.is_empty() {
        return Err(PageError::NotFound);
    }
    let path = format!("/v1/admin/store/domains/{}/verify", escaped(hostname));
    let failure = match api
        .send::<(), StoreDomainView>(&browser.credentials, Change::bare(Method::POST, &path))
        .await
    {
        Ok(_) => return Ok(see_other("/settings/domains?verified=1")),
        Err(failure) => failure,
    };
    let status = failure.status_code();
    let check = FormErrors::from_failure(failure, |_| None)?;
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let domains: List<StoreDomainView> = api
        .get(&browser.credentials, "/v1/admin/store/domains")
        .await?;
    let none = FormErrors::default();
    Ok(html_response(
        status,
        domains_list(&shell, &domains.data, "", None, &none, &check, now),
    ))
}

pub async fn remove_domain(browser: Browser, api: Api, form: web::Form<DomainForm>) -> PageResult {
    let hostname = form.hostname.trim();
    if hostname.is_empty() {
        return Err(PageError::NotFound);
    }
    let path = format!("/v1/admin/store/domains/{}", escaped(hostname));
    api.send::<(), ()>(&browser.credentials, Change::bare(Method::DELETE, &path))
        .await?;
    Ok(see_other("/settings/domains?removed=1"))
}

fn domains_list(
    shell: &Shell,
    domains: &[StoreDomainView],
    typed: &str,
    done: Option<&str>,
    errors: &FormErrors,
    check: &FormErrors,
    now: DateTime<Utc>,
) -> Markup {
    let may_add = shell.may("storeDomain:create");
    let may_remove = shell.may("storeDomain:delete");
    let may_verify = shell.may("storeDomain:verify");
    page(
        shell,
        Section::Domains,
        "Domains",
        html! {
            div.page-header { h1 { "Domains" } }
            p.muted { "Your storefront answers on each verified hostname. Point its DNS at the storefront edge, and prove it is yours with the TXT record shown." }
            @if let Some(done) = done { (notice("success", done)) }
            @if let Some(problem) = &check.form { (notice("error", problem)) }
            @if domains.is_empty() {
                (empty_state("No domain yet", "Add the hostname shoppers will type, like shop.example.com.", None))
            } @else {
                div.table-wrap {
                    table {
                        thead { tr { th { "Hostname" } th { "Status" } th { "Added" } th { span.visually-hidden { "Actions" } } } }
                        tbody {
                            @for domain in domains {
                                tr {
                                    td.mono {
                                        (domain.hostname)
                                        @if let (DomainStatus::Pending, Some(record)) = (domain.status, &domain.verification) {
                                            dl.txt-record {
                                                dt { "TXT name" } dd.mono { (record.name) }
                                                dt { "TXT value" } dd.mono { (record.value) }
                                            }
                                        }
                                    }
                                    td { (badge(domain.status.as_str())) }
                                    td { (datetime(domain.created_at, now)) }
                                    td.actions {
                                        @if may_verify && domain.status == DomainStatus::Pending {
                                            form method="post" action="/settings/domains/verify" {
                                                input type="hidden" name="hostname" value=(domain.hostname);
                                                button type="submit" aria-label={"Check " (domain.hostname) " now"} { "Check now" }
                                            }
                                        }
                                        @if may_remove {
                                            form method="post" action="/settings/domains/remove"
                                                data-confirm="Remove this domain? The storefront stops answering on it at once." {
                                                input type="hidden" name="hostname" value=(domain.hostname);
                                                button.danger type="submit" aria-label={"Remove " (domain.hostname)} { "Remove" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if may_add {
                section.card {
                    h2 { "Add a domain" }
                    (form_errors(errors))
                    form.stack method="post" action="/settings/domains" {
                        (Field::text("Hostname", "hostname", typed).required().autocomplete("off")
                            .hint("Without https:// or a path, like shop.example.com.").render(errors))
                        div { button.primary type="submit" { "Add domain" } }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(secret_set: bool) -> StoreSettings {
        StoreSettings {
            name: "<b>Acme</b>".into(),
            currency: "EUR".parse().unwrap(),
            support_email: Some("help@acme.test".into()),
            accent_color: None,
            stripe_webhook_secret_set: secret_set,
            updated_at: domain::Clock::now(&domain::SystemClock),
        }
    }

    fn form(pairs: &[(&str, &str)]) -> Submitted {
        Submitted(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn the_stripe_secret_is_never_shown_only_whether_it_is_set() {
        let now = domain::Clock::now(&domain::SystemClock);
        let shell = Shell::fixture(&["store:update"]);
        let typed = form(&[("name", "Acme"), ("stripeWebhookSecret", "whsec_typed")]);
        let none = FormErrors::default();
        let html = store_form(&shell, &store(true), &typed, None, &none, now).into_string();
        assert!(!html.contains("whsec_typed"), "{html}");
        assert!(
            html.contains(r#"type="password" name="stripeWebhookSecret" value="""#),
            "{html}"
        );
        assert!(html.contains("Set. Type a new whsec_… secret"));
        let html = store_form(&shell, &store(false), &typed, None, &none, now).into_string();
        assert!(html.contains("Not set.") && !html.contains("Set. Type"));
    }

    #[test]
    fn a_refused_save_keeps_the_typed_values_and_marks_the_field() {
        let now = domain::Clock::now(&domain::SystemClock);
        let shell = Shell::fixture(&["store:update"]);
        let typed = form(&[
            ("name", "<b>Shop</b>"),
            ("currency", "EURO"),
            ("supportEmail", ""),
        ]);
        let errors = FormErrors::field("currency", "Enter a three-letter ISO 4217 code.");
        let html = store_form(&shell, &store(true), &typed, None, &errors, now).into_string();
        assert!(html.contains(r#"name="currency" value="EURO""#), "{html}");
        assert!(
            html.contains(r#"for="field-currency""#) && html.contains(r#"id="field-currency""#)
        );
        assert!(html.contains(r#"aria-invalid="true""#) && html.contains("three-letter ISO 4217"));
        assert!(html.contains(r#"value="&lt;b&gt;Shop&lt;/b&gt;""#));
    }

    #[test]
    fn without_store_update_the_settings_are_read_only() {
        let now = domain::Clock::now(&domain::SystemClock);
        let shell = Shell::fixture(&["store:read"]);
        let none = FormErrors::default();
        let html = store_form(&shell, &store(true), &form(&[]), None, &none, now).into_string();
        assert!(!html.contains(r#"action="/settings/store""#), "{html}");
        assert!(html.contains("<dd>&lt;b&gt;Acme&lt;/b&gt;</dd>") && html.contains("<dd>EUR</dd>"));
        assert!(html.contains("help@acme.test"));
    }

    #[test]
    fn domains_are_removed_and_added_only_as_the_role_permits() {
        let now = domain::Clock::now(&domain::SystemClock);
        let domains = [StoreDomainView {
            hostname: "shop.acme.test".into(),
            status: DomainStatus::Pending,
            proof: domain::DomainProof::Dns,
            verification: Some(api_types::store::VerificationRecord {
                record_type: "TXT".into(),
                name: "_commerce-verification.shop.acme.test".into(),
                value: "commerce-verification=abc".into(),
            }),
            verified_at: None,
            checked_at: None,
            created_at: domain::Clock::now(&domain::SystemClock),
        }];
        let none = FormErrors::default();
        let owner = Shell::fixture(&[
            "storeDomain:create",
            "storeDomain:delete",
            "storeDomain:verify",
        ]);
        let html = domains_list(&owner, &domains, "", None, &none, &none, now).into_string();
        assert!(
            html.contains("commerce-verification=abc") && html.contains("Check shop.acme.test now"),
            "{html}"
        );
        assert!(
            html.contains(r#"aria-label="Remove shop.acme.test""#),
            "{html}"
        );
        assert!(html.contains("Add a domain"));
        let reader = Shell::fixture(&["storeDomain:list"]);
        let html = domains_list(&reader, &domains, "", None, &none, &none, now).into_string();
        assert!(html.contains("shop.acme.test") && !html.contains("Remove shop.acme.test"));
        assert!(!html.contains("Check shop.acme.test now"));
        assert!(!html.contains("Add a domain"));
    }

    #[test]
    fn a_refused_domain_keeps_what_was_typed() {
        let now = domain::Clock::now(&domain::SystemClock);
        let shell = Shell::fixture(&["storeDomain:create"]);
        let errors = FormErrors::field("hostname", "is taken by another store");
        let none = FormErrors::default();
        let html = domains_list(&shell, &[], "<x>.test", None, &errors, &none, now).into_string();
        assert!(
            html.contains(r#"name="hostname" value="&lt;x&gt;.test""#),
            "{html}"
        );
        assert!(
            html.contains(r#"aria-invalid="true""#) && html.contains("is taken by another store")
        );
        assert!(html.contains("No domain yet"));
    }
}
