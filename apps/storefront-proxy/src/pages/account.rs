//! A shopper's account on this store's own host: sign up, sign in, sign out, and "my orders" —
//! only theirs, and only of this store (the api decides both from the session and the `Host`).

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpResponse, web};
use api_types::auth::{
    EmailLinkRequest, SessionResponse, SignInRequest, SignUpAnswer, SignUpRequest, Success,
};
use api_types::commerce::Order;
use api_types::store::{Page, PageQuery};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use web_ui::Now;
use web_ui::api::{Answer, Change};
use web_ui::components::{Field, badge, datetime, empty_state, form_errors, html_response};
use web_ui::errors::see_other;
use web_ui::forms::{FormErrors, same_names};
use web_ui::safety::safe_next;
use web_ui::{PageResult, format};

use crate::shop::{Api, PageInfo, Shop, shop_page};

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
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

/// Which form a refusal belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    SignIn,
    SignUp,
}

pub async fn page(shop: Shop, api: Api, query: web::Query<NextQuery>, Now(now): Now) -> PageResult {
    let session = match shop.credentials.session_cookie {
        Some(_) => {
            api.get::<Option<SessionResponse>>(&shop.credentials, "/api/auth/get-session")
                .await?
        }
        None => None,
    };
    let Some(session) = session else {
        let form = AccountForm {
            next: query.into_inner().next,
            ..AccountForm::default()
        };
        return Ok(html_response(
            StatusCode::OK,
            signed_out_page(&shop, &form, None),
        ));
    };
    let orders: Page<Order> = api
        .get_with(
            &shop.credentials,
            "/v1/customer/orders",
            &PageQuery {
                limit: Some(50),
                cursor: None,
            },
        )
        .await?;
    Ok(html_response(
        StatusCode::OK,
        orders_page(&shop, &session, &orders, now),
    ))
}

pub async fn sign_in(shop: Shop, api: Api, form: web::Form<AccountForm>) -> PageResult {
    let form = form.into_inner();
    let body = SignInRequest {
        email: form.email.trim().to_owned(),
        password: form.password.clone(),
    };
    let credentials = shop.credentials.clone().with_session(None);
    match api
        .send::<_, SessionResponse>(&credentials, Change::post("/api/auth/sign-in/email", &body))
        .await
    {
        Ok(answer) => Ok(signed_in(&answer, &form)),
        Err(failure) => {
            let status = failure.status_code();
            let errors = FormErrors::from_sign_in_failure(failure)?;
            Ok(html_response(
                status,
                signed_out_page(&shop, &form, Some((Form::SignIn, &errors))),
            ))
        }
    }
}

pub async fn sign_up(shop: Shop, api: Api, form: web::Form<AccountForm>) -> PageResult {
    let form = form.into_inner();
    let body = SignUpRequest {
        email: form.email.trim().to_owned(),
        password: form.password.clone(),
        name: form.name.trim().to_owned(),
    };
    let credentials = shop.credentials.clone().with_session(None);
    match api
        .send::<_, SignUpAnswer>(&credentials, Change::post("/api/auth/sign-up/email", &body))
        .await
    {
        Ok(Answer {
            value: SignUpAnswer::VerificationPending(pending),
            ..
        }) => Ok(html_response(
            StatusCode::ACCEPTED,
            check_your_email_page(
                &shop,
                &format!(
                    "We sent a link to {}. Follow it to verify your address, then sign in.",
                    pending.user.email
                ),
            ),
        )),
        Ok(answer) => Ok(signed_in(&answer, &form)),
        Err(failure) => {
            let status = failure.status_code();
            let errors = FormErrors::from_failure(failure, same_names)?;
            Ok(html_response(
                status,
                signed_out_page(&shop, &form, Some((Form::SignUp, &errors))),
            ))
        }
    }
}

/// `GET /account/forgot-password`.
pub async fn forgot_page(shop: Shop) -> HttpResponse {
    html_response(
        StatusCode::OK,
        forgot_form(&shop, "", &FormErrors::default()),
    )
}

/// `POST /account/forgot-password`: asks the api to send a reset link; the same page whether the
/// address has an account or not.
pub async fn forgot(shop: Shop, api: Api, form: web::Form<AccountForm>) -> PageResult {
    let form = form.into_inner();
    let body = EmailLinkRequest {
        email: form.email.trim().to_owned(),
    };
    let credentials = shop.credentials.clone().with_session(None);
    match api
        .send::<_, Success>(
            &credentials,
            Change::post("/api/auth/request-password-reset", &body),
        )
        .await
    {
        Ok(_) => Ok(html_response(
            StatusCode::OK,
            check_your_email_page(
                &shop,
                &format!(
                    "If an account uses {}, we sent it a link to choose a new password. It works \
                     once, for an hour.",
                    body.email
                ),
            ),
        )),
        Err(failure) => {
            let status = failure.status_code();
            let errors = FormErrors::from_failure(failure, same_names)?;
            Ok(html_response(
                status,
                forgot_form(&shop, &body.email, &errors),
            ))
        }
    }
}

fn forgot_form(shop: &Shop, email: &str, errors: &FormErrors) -> Markup {
    shop_page(
        shop,
        PageInfo::titled("Forgot your password"),
        html! {
            h1 { "Forgot your password?" }
            section.card {
                p { "Give the address of your account: we will send it a link to choose a new password." }
                (form_errors(errors))
                form.stack method="post" action="/account/forgot-password" {
                    (Field::text("Email", "email", email).kind("email").required().autocomplete("email").render(errors))
                    div { button.primary type="submit" { "Send the link" } }
                }
            }
        },
    )
}

fn check_your_email_page(shop: &Shop, message: &str) -> Markup {
    shop_page(
        shop,
        PageInfo::titled("Check your email"),
        html! {
            h1 { "Check your email" }
            section.card {
                p { (message) }
                p { a href="/account" { "Back to your account" } }
            }
        },
    )
}

fn signed_in<T>(answer: &Answer<T>, form: &AccountForm) -> HttpResponse {
    let next = form
        .next
        .as_deref()
        .map_or_else(|| "/account".to_owned(), |next| safe_next(Some(next)));
    let mut response = see_other(&next);
    answer.pass_cookies(&mut response);
    response
}

pub async fn sign_out(shop: Shop, api: Api) -> PageResult {
    let answer = api
        .send::<(), Success>(
            &shop.credentials,
            Change::bare(Method::POST, "/api/auth/sign-out"),
        )
        .await?;
    let mut response = see_other("/");
    answer.pass_cookies(&mut response);
    Ok(response)
}

fn signed_out_page(
    shop: &Shop,
    form: &AccountForm,
    refused: Option<(Form, &FormErrors)>,
) -> Markup {
    let empty = FormErrors::default();
    let errors_of = |which: Form| {
        refused
            .filter(|(form, _)| *form == which)
            .map_or(&empty, |(_, errors)| errors)
    };
    let kept = |which: Form, value: &str| {
        if refused.is_some_and(|(form, _)| form == which) {
            value.to_owned()
        } else {
            String::new()
        }
    };
    let next = form.next.as_deref().map(|next| safe_next(Some(next)));
    shop_page(
        shop,
        PageInfo::titled("Your account"),
        html! {
            h1 { "Your account" }
            p.muted { "An account on " (shop.store.name) " keeps your orders in one place." }
            div.columns {
                section.card {
                    h2 { "Sign in" }
                    (form_errors(errors_of(Form::SignIn)))
                    form.stack method="post" action="/account/sign-in" {
                        @if let Some(next) = &next { input type="hidden" name="next" value=(next); }
                        (Field::text("Email", "email", &kept(Form::SignIn, &form.email)).kind("email").required().autocomplete("email").render(errors_of(Form::SignIn)))
                        (Field::text("Password", "password", "").kind("password").required().autocomplete("current-password").render(errors_of(Form::SignIn)))
                        div { button.primary type="submit" { "Sign in" } }
                    }
                    p.muted { a href="/account/forgot-password" { "Forgot your password?" } }
                }
                section.card #sign-up {
                    h2 { "New here?" }
                    (form_errors(errors_of(Form::SignUp)))
                    form.stack method="post" action="/account/sign-up" {
                        @if let Some(next) = &next { input type="hidden" name="next" value=(next); }
                        (Field::text("Name", "name", &kept(Form::SignUp, &form.name)).required().autocomplete("name").render(errors_of(Form::SignUp)))
                        (Field::text("Email", "email", &kept(Form::SignUp, &form.email)).kind("email").required().autocomplete("email").render(errors_of(Form::SignUp)))
                        (Field::text("Password", "password", "").kind("password").required().autocomplete("new-password")
                            .hint("At least 8 characters.").render(errors_of(Form::SignUp)))
                        div { button.primary type="submit" { "Create account" } }
                    }
                }
            }
        },
    )
}

fn orders_page(
    shop: &Shop,
    session: &SessionResponse,
    orders: &Page<Order>,
    now: DateTime<Utc>,
) -> Markup {
    shop_page(
        shop,
        PageInfo::titled("Your orders"),
        html! {
            div.page-header {
                h1 { "Hello, " (session.user.name) }
                form method="post" action="/account/sign-out" { button type="submit" { "Sign out" } }
            }
            h2 { "Your orders" }
            @if orders.data.is_empty() {
                (empty_state("No orders yet", "Orders you place in this store while signed in show here.", Some(("/", "Start shopping"))))
            } @else {
                div.table-wrap {
                    table {
                        thead { tr { th { "Order" } th { "Placed" } th { "Status" } th.num { "Total" } } }
                        tbody {
                            @for order in &orders.data {
                                tr {
                                    td { a href={"/orders/" (order.id)} { "#" (order.id.simple().to_string()[..8].to_uppercase()) } }
                                    td { (datetime(order.created_at, now)) }
                                    td { (badge(order.status.as_str())) }
                                    td.num { (format::money(order.total)) }
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
    use api_types::auth::{SessionView, UserView};
    use domain::{Currency, Money, OrderStatus, PlatformRole};
    use uuid::Uuid;

    use super::*;
    use crate::shop::fixture as shop;

    fn typed() -> AccountForm {
        AccountForm {
            name: "Ada <b>".into(),
            email: "ada@example.com".into(),
            password: "correct horse battery".into(),
            next: Some("/checkout".into()),
        }
    }

    /// The sign-in form's half of the page, and the sign-up form's.
    fn halves(html: &str) -> (&str, &str) {
        html.split_once(r#"id="sign-up""#).expect("a sign-up form")
    }

    #[test]
    fn signed_out_offers_both_forms_and_keeps_nothing_unrefused() {
        let html = signed_out_page(&shop(), &typed(), None).into_string();
        let (sign_in, sign_up) = halves(&html);
        assert!(
            sign_in.contains(r#"action="/account/sign-in""#)
                && sign_in.contains("Sign in</button>")
        );
        assert!(
            sign_up.contains(r#"action="/account/sign-up""#)
                && sign_up.contains("Create account</button>")
        );
        assert_eq!(
            html.matches(r#"<input type="hidden" name="next" value="/checkout">"#)
                .count(),
            2,
            "{html}"
        );
        assert!(
            !html.contains("ada@example.com") && !html.contains("Ada &lt;b&gt;"),
            "{html}"
        );
        assert!(!html.contains("correct horse battery"), "{html}");
    }

    #[test]
    fn a_refused_sign_in_keeps_the_email_on_that_form_only() {
        let errors = FormErrors::form("The email or the password is not right.");
        let html = signed_out_page(&shop(), &typed(), Some((Form::SignIn, &errors))).into_string();
        let (sign_in, sign_up) = halves(&html);
        assert!(
            sign_in.contains("The email or the password is not right."),
            "{html}"
        );
        assert!(sign_in.contains(r#"value="ada@example.com""#), "{html}");
        assert!(
            !sign_up.contains("ada@example.com") && !sign_up.contains("Ada &lt;b&gt;"),
            "{html}"
        );
        assert!(!html.contains("correct horse battery"), "{html}");
    }

    #[test]
    fn a_refused_sign_up_keeps_the_name_and_email_on_that_form_only() {
        let errors = FormErrors::field("email", "is already taken");
        let html = signed_out_page(&shop(), &typed(), Some((Form::SignUp, &errors))).into_string();
        let (sign_in, sign_up) = halves(&html);
        assert!(
            sign_up.contains(
                r#"value="ada@example.com" required autocomplete="email" aria-invalid="true""#
            ) && sign_up.contains("is already taken"),
            "{html}"
        );
        assert!(
            sign_up.contains(r#"name="name" value="Ada &lt;b&gt;""#),
            "{html}"
        );
        assert!(
            !sign_in.contains("ada@example.com") && !sign_in.contains("aria-invalid"),
            "{html}"
        );
        assert!(!html.contains("correct horse battery"), "{html}");
    }

    fn session() -> SessionResponse {
        let user = Uuid::from_u128(7);
        SessionResponse {
            session: SessionView {
                id: Uuid::from_u128(8),
                user_id: user,
                active_organization_id: None,
                created_at: domain::Clock::now(&domain::SystemClock),
                expires_at: domain::Clock::now(&domain::SystemClock),
            },
            user: UserView {
                id: user,
                email: "ada@example.com".into(),
                name: "Ada <b>".into(),
                role: PlatformRole::OrgMember,
                email_verified: true,
                created_at: domain::Clock::now(&domain::SystemClock),
            },
        }
    }

    fn order(id: u128, cents: i64) -> Order {
        let eur: Currency = "EUR".parse().unwrap();
        Order {
            id: Uuid::from_u128(id),
            status: OrderStatus::Paid,
            email: "ada@example.com".into(),
            customer_id: Some(Uuid::from_u128(7)),
            items: vec![],
            total: Money::new(cents, eur),
            paid: Money::new(cents, eur),
            refunded: Money::new(0, eur),
            shipping_address: None,
            status_key: None,
            created_at: domain::Clock::now(&domain::SystemClock),
            updated_at: domain::Clock::now(&domain::SystemClock),
        }
    }

    #[test]
    fn signed_in_lists_the_given_orders_with_their_links() {
        let now = domain::Clock::now(&domain::SystemClock);
        let orders = Page {
            data: vec![order(0xa1, 2500), order(0xb2, 999)],
            next_cursor: None,
        };
        let html = orders_page(&shop(), &session(), &orders, now).into_string();
        assert!(html.contains("Hello, Ada &lt;b&gt;"), "{html}");
        assert!(html.contains(r#"action="/account/sign-out""#), "{html}");
        for order in &orders.data {
            assert!(
                html.contains(&format!(r#"href="/orders/{}""#, order.id)),
                "{html}"
            );
        }
        assert_eq!(html.matches(r#"href="/orders/"#).count(), 2, "{html}");
        assert!(html.contains("€25.00") && html.contains("€9.99"), "{html}");
        assert!(
            !html.contains("No orders yet") && !html.contains(r#"action="/account/sign-in""#),
            "{html}"
        );
    }

    #[test]
    fn signed_in_without_orders_says_so() {
        let now = domain::Clock::now(&domain::SystemClock);
        let orders = Page {
            data: vec![],
            next_cursor: None,
        };
        let html = orders_page(&shop(), &session(), &orders, now).into_string();
        assert!(
            html.contains("No orders yet") && html.contains(r#"href="/">Start shopping</a>"#),
            "{html}"
        );
        assert!(!html.contains(r#"href="/orders/"#), "{html}");
    }
}
