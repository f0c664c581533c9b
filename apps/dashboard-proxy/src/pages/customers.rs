//! Customers: the store's list (shoppers who ordered or signed up, and those added by hand), one
//! customer's details to correct, and their orders.

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::commerce::{CreateCustomerRequest, Customer, UpdateCustomerRequest};
use api_types::store::{Page, PageQuery};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;
use web_ui::Now;
use web_ui::api::Change;
use web_ui::components::{
    Field, datetime, empty_state, form_errors, form_token_input, html_response, notice, pager,
};
use web_ui::errors::see_other;
use web_ui::forms::{FormErrors, Submitted, same_names};
use web_ui::safety::form_token;
use web_ui::{PageError, PageResult};

use crate::shell::{Api, Browser, Memory, Section, Shell, page};

const PAGE_SIZE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    cursor: Option<String>,
}

async fn customers(
    api: &Api,
    browser: &Browser,
    cursor: Option<String>,
) -> Result<Page<Customer>, PageError> {
    let query = PageQuery {
        limit: Some(PAGE_SIZE),
        cursor,
    };
    Ok(api
        .get_with(&browser.credentials, "/v1/admin/customers", &query)
        .await?)
}

pub async fn list(
    browser: Browser,
    api: Api,
    memory: Memory,
    query: web::Query<ListQuery>,
    Now(now): Now,
) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let cursor = query.into_inner().cursor;
    let page = customers(&api, &browser, cursor.clone()).await?;
    let form = Submitted(vec![("formToken".to_owned(), form_token())]);
    Ok(html_response(
        StatusCode::OK,
        list_page(
            &shell,
            &page,
            cursor.as_deref(),
            &form,
            &FormErrors::default(),
            now,
        ),
    ))
}

pub async fn create(
    browser: Browser,
    api: Api,
    memory: Memory,
    form: web::Form<Vec<(String, String)>>,
    Now(now): Now,
) -> PageResult {
    let form = Submitted(form.into_inner());
    let name = form.get("name").trim();
    let body = CreateCustomerRequest {
        email: form.get("email").trim().to_owned(),
        name: (!name.is_empty()).then(|| name.to_owned()),
    };
    let sent = api
        .send::<_, Customer>(
            &browser.credentials,
            Change::post("/v1/admin/customers", &body).once(form.get("formToken")),
        )
        .await;
    let failure = match sent {
        Ok(answer) => {
            return Ok(see_other(&format!(
                "/customers/{}?created=1",
                answer.value.id
            )));
        }
        Err(failure) => failure,
    };
    let status = failure.status_code();
    let errors = FormErrors::from_failure(failure, same_names)?;
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let page = customers(&api, &browser, None).await?;
    Ok(html_response(
        status,
        list_page(&shell, &page, None, &form, &errors, now),
    ))
}

fn list_page(
    shell: &Shell,
    customers: &Page<Customer>,
    cursor: Option<&str>,
    form: &Submitted,
    errors: &FormErrors,
    now: DateTime<Utc>,
) -> Markup {
    let next = customers.next_cursor.as_deref().map(|next| {
        format!(
            "/customers?{}",
            serde_urlencoded::to_string([("cursor", next)]).unwrap_or_default()
        )
    });
    page(
        shell,
        Section::Customers,
        "Customers",
        html! {
            div.page-header { h1 { "Customers" } }
            @if customers.data.is_empty() {
                (empty_state("No customers yet", "Shoppers who order or sign up on your storefront appear here; you can add one by hand below.", None))
            } @else {
                div.table-wrap {
                    table {
                        thead { tr { th { "Email" } th { "Name" } th { "Account" } th { "Since" } } }
                        tbody {
                            @for customer in &customers.data {
                                tr {
                                    td { a href={"/customers/" (customer.id)} { (customer.email) } }
                                    td { (customer.name.as_deref().unwrap_or("—")) }
                                    td { @if customer.user_id.is_some() { "signed up" } @else { span.muted { "guest" } } }
                                    td { (datetime(customer.created_at, now)) }
                                }
                            }
                        }
                    }
                }
                (pager(cursor.map(|_| "/customers"), next.as_deref()))
            }
            @if shell.may("customer:create") {
                section.card {
                    h2 { "Add a customer" }
                    (form_errors(errors))
                    form.stack method="post" action="/customers" {
                        (form_token_input(form.get("formToken")))
                        div.row {
                            (Field::text("Email", "email", form.get("email")).kind("email").required().render(errors))
                            (Field::text("Name", "name", form.get("name")).render(errors))
                        }
                        div { button.primary type="submit" { "Add customer" } }
                    }
                }
            }
        },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

fn customer_id(raw: &str) -> Result<Uuid, PageError> {
    raw.parse().map_err(|_| PageError::NotFound)
}

pub async fn detail(
    browser: Browser,
    api: Api,
    memory: Memory,
    id: web::Path<String>,
    query: web::Query<DetailQuery>,
    Now(now): Now,
) -> PageResult {
    let id = customer_id(&id)?;
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let customer: Customer = api
        .get(&browser.credentials, &format!("/v1/admin/customers/{id}"))
        .await?;
    let form = Submitted(vec![
        ("email".to_owned(), customer.email.clone()),
        ("name".to_owned(), customer.name.clone().unwrap_or_default()),
    ]);
    let done = if query.created.is_some() {
        Some("Customer added.")
    } else {
        query.saved.as_ref().map(|_| "Saved.")
    };
    Ok(html_response(
        StatusCode::OK,
        detail_page(&shell, &customer, &form, done, &FormErrors::default(), now),
    ))
}

pub async fn update(
    browser: Browser,
    api: Api,
    memory: Memory,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
    Now(now): Now,
) -> PageResult {
    let id = customer_id(&id)?;
    let form = Submitted(form.into_inner());
    let body = UpdateCustomerRequest {
        email: Some(form.get("email").trim().to_owned()),
        name: Some(form.get("name").trim().to_owned()),
    };
    let path = format!("/v1/admin/customers/{id}");
    let failure = match api
        .send::<_, Customer>(&browser.credentials, Change::patch(&path, &body))
        .await
    {
        Ok(_) => return Ok(see_other(&format!("/customers/{id}?saved=1"))),
        Err(failure) => failure,
    };
    let status = failure.status_code();
    let errors = FormErrors::from_failure(failure, same_names)?;
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let customer: Customer = api.get(&browser.credentials, &path).await?;
    Ok(html_response(
        status,
        detail_page(&shell, &customer, &form, None, &errors, now),
    ))
}

fn detail_page(
    shell: &Shell,
    customer: &Customer,
    form: &Submitted,
    done: Option<&str>,
    errors: &FormErrors,
    now: DateTime<Utc>,
) -> Markup {
    page(
        shell,
        Section::Customers,
        &customer.email,
        html! {
            nav.breadcrumb aria-label="Breadcrumb" { a href="/customers" { "Customers" } " / " (customer.email) }
            div.page-header {
                h1 { (customer.name.as_deref().unwrap_or(&customer.email)) }
                a.button href={"/orders?customer=" (customer.id)} { "Their orders" }
            }
            @if let Some(done) = done { (notice("success", done)) }
            div.columns {
                section.card {
                    h2 { "Details" }
                    @if shell.may("customer:update") {
                        (form_errors(errors))
                        form.stack method="post" action={"/customers/" (customer.id)} {
                            (Field::text("Email", "email", form.get("email")).kind("email").required().render(errors))
                            (Field::text("Name", "name", form.get("name")).render(errors))
                            div { button.primary type="submit" { "Save" } }
                        }
                    } @else {
                        dl.facts { dt { "Email" } dd { (customer.email) } dt { "Name" } dd { (customer.name.as_deref().unwrap_or("—")) } }
                    }
                }
                section.card {
                    h2 { "Account" }
                    dl.facts {
                        dt { "Signed up" } dd { @if customer.user_id.is_some() { "yes" } @else { "no — a guest" } }
                        dt { "Customer since" } dd { (datetime(customer.created_at, now)) }
                        dt { "Updated" } dd { (datetime(customer.updated_at, now)) }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(name: Option<&str>, signed_up: bool) -> Customer {
        Customer {
            id: Uuid::from_u128(7),
            email: "bo@example.com".into(),
            name: name.map(str::to_owned),
            user_id: signed_up.then(|| Uuid::from_u128(8)),
            created_at: domain::Clock::now(&domain::SystemClock),
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
    fn the_list_shows_each_customer_and_offers_adding_one_when_permitted() {
        let now = domain::Clock::now(&domain::SystemClock);
        let customers = Page {
            data: vec![customer(Some("<b>Bo</b>"), false)],
            next_cursor: None,
        };
        let none = FormErrors::default();
        let shell = Shell::fixture(&["customer:read", "customer:create"]);
        let html = list_page(&shell, &customers, None, &form(&[]), &none, now).into_string();
        assert!(
            html.contains("&lt;b&gt;Bo&lt;/b&gt;") && !html.contains("<b>Bo"),
            "{html}"
        );
        assert!(html.contains(r#"href="/customers/00000000-0000-0000-0000-000000000007""#));
        assert!(html.contains("guest") && html.contains("Add a customer"));
        let reader = Shell::fixture(&["customer:read"]);
        let html = list_page(&reader, &customers, None, &form(&[]), &none, now).into_string();
        assert!(!html.contains("Add a customer") && !html.contains(r#"action="/customers""#));
    }

    #[test]
    fn a_refused_customer_keeps_what_was_typed() {
        let now = domain::Clock::now(&domain::SystemClock);
        let empty = Page {
            data: Vec::new(),
            next_cursor: None,
        };
        let typed = form(&[
            ("formToken", "token-1"),
            ("email", "bo@"),
            ("name", "<i>Bo</i>"),
        ]);
        let errors = FormErrors::field("email", "must be an email address");
        let shell = Shell::fixture(&["customer:create"]);
        let html = list_page(&shell, &empty, None, &typed, &errors, now).into_string();
        assert!(html.contains(r#"name="email" value="bo@""#), "{html}");
        assert!(html.contains(r#"for="field-email""#) && html.contains(r#"id="field-email""#));
        assert!(
            html.contains(r#"aria-invalid="true""#) && html.contains("must be an email address")
        );
        assert!(
            html.contains(r#"value="&lt;i&gt;Bo&lt;/i&gt;""#)
                && html.contains(r#"value="token-1""#)
        );
        assert!(html.contains("No customers yet"));
    }

    #[test]
    fn the_details_are_a_form_only_for_whoever_may_update_them() {
        let now = domain::Clock::now(&domain::SystemClock);
        let customer = customer(Some("<b>Bo</b>"), true);
        let values = form(&[("email", "bo@example.com"), ("name", "<b>Bo</b>")]);
        let none = FormErrors::default();
        let editor = Shell::fixture(&["customer:update"]);
        let html =
            detail_page(&editor, &customer, &values, Some("Saved."), &none, now).into_string();
        assert!(html.contains(r#"action="/customers/00000000-0000-0000-0000-000000000007""#));
        assert!(
            html.contains("<h1>&lt;b&gt;Bo&lt;/b&gt;</h1>") && html.contains("Saved."),
            "{html}"
        );
        assert!(html.contains(r#"href="/orders?customer=00000000-0000-0000-0000-000000000007""#));
        let reader = Shell::fixture(&["customer:read"]);
        let html = detail_page(&reader, &customer, &values, None, &none, now).into_string();
        assert!(html.contains("<dd>bo@example.com</dd>"), "{html}");
        assert!(!html.contains(r#"action="/customers/00000000-0000-0000-0000-000000000007""#));
    }
}
