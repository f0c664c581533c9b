//! Stores: create the first (or another) one, choose the active one.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use api_types::auth::{CreateOrganizationRequest, OrganizationView, SetActiveOrganizationRequest};
use api_types::store::List;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;
use web_ui::api::Change;
use web_ui::components::{Field, Head, centered, form_errors, html_response};
use web_ui::errors::see_other;
use web_ui::forms::{FormErrors, same_names};
use web_ui::{PageError, PageResult};

use crate::shell::{Api, Browser, SITE};

#[derive(Debug, Default, Deserialize)]
pub struct StoreForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
}

pub async fn onboarding_page(_browser: Browser) -> HttpResponse {
    html_response(
        StatusCode::OK,
        onboarding_form(&StoreForm::default(), &FormErrors::default()),
    )
}

pub async fn create(browser: Browser, api: Api, form: web::Form<StoreForm>) -> PageResult {
    let form = form.into_inner();
    let slug = if form.slug.trim().is_empty() {
        slug_of(&form.name)
    } else {
        form.slug.trim().to_owned()
    };
    let body = CreateOrganizationRequest {
        name: form.name.trim().to_owned(),
        slug,
    };
    match api
        .send::<_, OrganizationView>(
            &browser.credentials,
            Change::post("/api/auth/organization/create", &body),
        )
        .await
    {
        Ok(_) => Ok(see_other("/")),
        Err(failure) => {
            let status = failure.status_code();
            let errors = FormErrors::from_failure(failure, same_names)?;
            Ok(html_response(status, onboarding_form(&form, &errors)))
        }
    }
}

pub async fn choose_page(browser: Browser, api: Api) -> PageResult {
    let stores: List<OrganizationView> = api
        .get(&browser.credentials, "/api/auth/organization/list")
        .await?;
    if stores.data.is_empty() {
        return Err(PageError::Redirect("/onboarding".to_owned()));
    }
    Ok(html_response(StatusCode::OK, choose(&stores.data)))
}

#[derive(Debug, Deserialize)]
pub struct SwitchForm {
    #[serde(rename = "organizationId")]
    organization_id: Uuid,
}

pub async fn switch(browser: Browser, api: Api, form: web::Form<SwitchForm>) -> PageResult {
    let body = SetActiveOrganizationRequest {
        organization_id: Some(form.organization_id),
    };
    api.send::<_, Option<OrganizationView>>(
        &browser.credentials,
        Change::post("/api/auth/organization/set-active", &body),
    )
    .await?;
    Ok(see_other("/"))
}

/// `Acme Outdoor & Co.` → `acme-outdoor-co`.
fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').chars().take(64).collect()
}

fn onboarding_form(form: &StoreForm, errors: &FormErrors) -> Markup {
    centered(
        &Head::new("Create your store", SITE),
        "Create your store",
        html! {
            p.muted { "A store has its products, orders, customers and team. You can create more later." }
            (form_errors(errors))
            form.stack method="post" action="/onboarding" {
                (Field::text("Store name", "name", &form.name).required().render(errors))
                (Field::text("Short name", "slug", &form.slug)
                    .hint("Lower-case letters, digits and dashes; made from the name when left empty.")
                    .render(errors))
                button.primary type="submit" { "Create store" }
            }
        },
    )
}

fn choose(stores: &[OrganizationView]) -> Markup {
    centered(
        &Head::new("Choose a store", SITE),
        "Choose a store",
        html! {
            ul.stack role="list" {
                @for store in stores {
                    li.inline {
                        form method="post" action="/stores/switch" {
                            input type="hidden" name="organizationId" value=(store.id);
                            button.primary type="submit" { "Open " (store.name) }
                        }
                        @if let Some(role) = store.role { span.muted { "as " (role.as_str()) } }
                    }
                }
            }
            p { a href="/onboarding" { "Create another store" } }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_names() {
        assert_eq!(slug_of("Acme Outdoor & Co."), "acme-outdoor-co");
        assert_eq!(slug_of("  Été 2026 "), "t-2026");
        assert_eq!(slug_of("***"), "");
    }

    #[test]
    fn a_refused_store_keeps_what_was_typed() {
        let form = StoreForm {
            name: "<b>Acme</b>".to_owned(),
            slug: "acme".to_owned(),
        };
        let errors = FormErrors::field("slug", "is taken");
        let html = onboarding_form(&form, &errors).into_string();
        assert!(
            html.contains(r#"name="name" value="&lt;b&gt;Acme&lt;/b&gt;""#),
            "{html}"
        );
        assert!(html.contains(r#"for="field-slug""#) && html.contains(r#"id="field-slug""#));
        assert!(
            html.contains(r#"name="slug" value="acme""#) && html.contains(r#"aria-invalid="true""#)
        );
        assert!(html.contains("is taken"));
    }

    #[test]
    fn each_store_is_offered_with_the_role_held_there() {
        let store = |n, name: &str, role| OrganizationView {
            id: Uuid::from_u128(n),
            name: name.to_owned(),
            slug: format!("store-{n}"),
            created_at: domain::Clock::now(&domain::SystemClock),
            role,
        };
        let html = choose(&[
            store(1, "<i>Acme</i>", Some(domain::OrgRole::Admin)),
            store(2, "Bazaar", None),
        ])
        .into_string();
        assert_eq!(
            html.matches(r#"action="/stores/switch""#).count(),
            2,
            "{html}"
        );
        assert!(html.contains("Open &lt;i&gt;Acme&lt;/i&gt;"), "{html}");
        assert!(html.contains(r#"value="00000000-0000-0000-0000-000000000002""#));
        // Only the store with a role says which.
        assert_eq!(
            html.matches(r#"<span class="muted">as "#).count(),
            1,
            "{html}"
        );
        assert!(html.contains(r#"<span class="muted">as admin</span>"#));
    }
}
