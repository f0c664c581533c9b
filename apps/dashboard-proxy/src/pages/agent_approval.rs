//! The agent approval page (`AGENT_DEVICE_AUTH_PAGE`, `/device/capabilities` by default): an agent
//! showed its user a code; the user sees which agent and host ask, in which store, for what — each
//! capability with its description and scope — and approves all or some of it, until a date and
//! within limits on its input, or denies it. The api takes a decision only from a session under
//! 5 minutes old, so an older one is sent to sign in again first and brought back here.

use std::collections::BTreeMap;
use web_ui::Now;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use api_types::agent::{ApprovalRequestView, ApproveAgentRequest};
use api_types::auth::{OrganizationView, Success};
use api_types::store::List;
use chrono::{DateTime, Duration, Utc};
use domain::{ApprovalPurpose, ApprovalStatus};
use futures_util::future::join;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;
use web_ui::api::{Change, escaped};
use web_ui::components::{
    Field, Head, Width, badge, centered, centered_at, datetime, form_errors, html_response,
};
use web_ui::forms::{FormErrors, Submitted};
use web_ui::{ApiClient, ApiFailure, Credentials, PageResult};

use super::device::normalise;
use crate::shell::{Api, Browser, SITE};

/// How long approved grants may last, as the form offers it.
const LIFETIMES: &[(&str, &str, i64)] = &[
    ("", "Until I revoke them", 0),
    ("1h", "1 hour", 1),
    ("1d", "1 day", 24),
    ("7d", "7 days", 24 * 7),
    ("30d", "30 days", 24 * 30),
];

#[derive(Debug, Default, Deserialize)]
pub struct TargetQuery {
    #[serde(default)]
    user_code: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
}

/// Which request the page is about: the code an agent showed (device authorization), or a CIBA
/// request addressed to this user, from the Agents page.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    Code(String),
    Request(Uuid),
}

impl Target {
    /// From a query or a form: a request id when one is given, else a code.
    fn of(user_code: &str, request_id: &str) -> Option<Self> {
        if let Ok(id) = request_id.trim().parse() {
            return Some(Self::Request(id));
        }
        Some(Self::Code(normalise(user_code))).filter(|code| *code != Self::Code(String::new()))
    }

    /// The page's query for it (a normalised code is letters, digits and a dash: nothing to
    /// escape).
    fn query(&self) -> String {
        match self {
            Self::Code(code) => format!("user_code={code}"),
            Self::Request(id) => format!("request_id={id}"),
        }
    }

    /// The hidden input that carries it through the decision form.
    fn input(&self) -> (&'static str, String) {
        match self {
            Self::Code(code) => ("user_code", code.clone()),
            Self::Request(id) => ("request_id", id.to_string()),
        }
    }

    /// A decision about it.
    fn decision(&self, choice: ApproveAgentRequest) -> ApproveAgentRequest {
        match self {
            Self::Code(code) => ApproveAgentRequest {
                user_code: Some(code.clone()),
                ..choice
            },
            Self::Request(id) => ApproveAgentRequest {
                request_id: Some(*id),
                ..choice
            },
        }
    }

    /// What the entry form shows again when the request cannot be found.
    fn typed(&self) -> &str {
        match self {
            Self::Code(code) => code,
            Self::Request(_) => "",
        }
    }
}

/// One capability the agent asks for, as the api describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Asked {
    name: String,
    description: String,
    /// `storefront` or `admin`.
    scope: String,
    /// The numeric fields of its input, which an approval can cap: `(field, what it is)`.
    limitable: Vec<(String, String)>,
}

impl Asked {
    fn from_description(described: &Value) -> Option<Self> {
        let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
        let limitable = described["input"]["body"]["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, schema)| matches!(schema["type"].as_str(), Some("integer" | "number")))
            .map(|(field, schema)| (field.clone(), text(&schema["description"])))
            .collect();
        Some(Self {
            name: described["name"].as_str()?.to_owned(),
            description: first_sentence(&text(&described["description"])).replace('`', ""),
            scope: text(&described["scope"]),
            limitable,
        })
    }
}

/// A description's first sentence: what it does, without the protocol's fine print.
fn first_sentence(text: &str) -> &str {
    text.find(". ").map_or(text, |end| &text[..=end])
}

/// The input holding the cap on `field` of `capability`.
fn limit_input(capability: &str, field: &str) -> String {
    format!("limit.{capability}.{field}")
}

/// A request under its code, with the store it is for and what it asks.
#[derive(Clone, Debug)]
struct Request {
    target: Target,
    view: ApprovalRequestView,
    store: String,
    asked: Vec<Asked>,
}

impl Request {
    async fn load(
        api: &ApiClient,
        credentials: &Credentials,
        target: &Target,
    ) -> Result<Self, ApiFailure> {
        let path = format!("/api/auth/agent/approval?{}", target.query());
        let (view, stores) = join(
            api.get::<ApprovalRequestView>(credentials, &path),
            api.get::<List<OrganizationView>>(credentials, "/api/auth/organization/list"),
        )
        .await;
        let view = view?;
        let store = stores?
            .data
            .into_iter()
            .find(|store| store.id == view.organization_id)
            .map_or_else(|| view.organization_id.to_string(), |store| store.name);
        let asked = view
            .capabilities
            .iter()
            .filter_map(Asked::from_description)
            .collect();
        Ok(Self {
            target: target.clone(),
            view,
            store,
            asked,
        })
    }

    fn open(&self) -> bool {
        self.view.status == ApprovalStatus::Pending
    }
}

pub async fn page(
    req: HttpRequest,
    browser: Browser,
    api: Api,
    query: web::Query<TargetQuery>,
    Now(now): Now,
) -> PageResult {
    let here = req.path();
    let Some(target) = Target::of(
        query.user_code.as_deref().unwrap_or_default(),
        query.request_id.as_deref().unwrap_or_default(),
    ) else {
        return Ok(html_response(
            StatusCode::OK,
            enter_code(here, "", &FormErrors::default()),
        ));
    };
    match Request::load(&api, &browser.credentials, &target).await {
        Ok(request) => {
            let chosen = everything_asked(&request);
            Ok(html_response(
                StatusCode::OK,
                review(here, &request, &chosen, &FormErrors::default(), now),
            ))
        }
        Err(failure) => not_a_code(here, &target, failure),
    }
}

/// The form as it first shows: every capability ticked, no limits, no end.
fn everything_asked(request: &Request) -> Submitted {
    Submitted(
        request
            .asked
            .iter()
            .map(|asked| ("grant".to_owned(), asked.name.clone()))
            .collect(),
    )
}

pub async fn decide(
    req: HttpRequest,
    browser: Browser,
    api: Api,
    form: web::Form<Vec<(String, String)>>,
    Now(now): Now,
) -> PageResult {
    let here = req.path();
    let form = Submitted(form.into_inner());
    let Some(target) = Target::of(form.get("user_code"), form.get("request_id")) else {
        let errors = FormErrors::field("user_code", "Enter the code your agent shows.");
        return Ok(html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            enter_code(here, "", &errors),
        ));
    };
    let request = match Request::load(&api, &browser.credentials, &target).await {
        Ok(request) => request,
        Err(failure) => return not_a_code(here, &target, failure),
    };
    let approve = match form.get("decision") {
        "approve" => true,
        "deny" => false,
        _ => {
            let errors = FormErrors::form("Choose approve or deny.");
            return Ok(html_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                review(here, &request, &form, &errors, now),
            ));
        }
    };
    let body = if approve {
        match chosen(
            &form,
            &request.asked,
            domain::Clock::now(&domain::SystemClock),
        ) {
            Ok(choice) => target.decision(choice),
            Err(errors) => {
                return Ok(html_response(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    review(here, &request, &form, &errors, now),
                ));
            }
        }
    } else {
        target.decision(ApproveAgentRequest::default())
    };
    let path = if approve {
        "/api/auth/agent/approve"
    } else {
        "/api/auth/agent/deny"
    };
    match api
        .send::<_, Success>(&browser.credentials, Change::post(path, &body))
        .await
    {
        Ok(_) => Ok(html_response(
            StatusCode::OK,
            decided(&request, approve.then_some(&body), now),
        )),
        Err(failure) => refused(here, request, &form, failure, now),
    }
}

/// What the api refused, shown where the user can act on it.
fn refused(
    here: &str,
    mut request: Request,
    form: &Submitted,
    failure: ApiFailure,
    now: DateTime<Utc>,
) -> PageResult {
    let status = failure.status_code();
    if let Some(body) = failure.refusal(&[403]) {
        if body.reason() == Some("fresh_session_required") {
            request.view.sign_in_again = true;
            return Ok(html_response(
                status,
                review(here, &request, form, &FormErrors::default(), now),
            ));
        }
        let message = body.message.clone().unwrap_or_else(|| body.error.clone());
        return Ok(html_response(
            status,
            review(here, &request, form, &FormErrors::form(message), now),
        ));
    }
    if failure.refusal(&[409]).is_some() {
        let errors = FormErrors::field(
            "user_code",
            "This request was decided already, or it expired. Ask the agent to start again.",
        );
        return Ok(html_response(
            status,
            enter_code(here, request.target.typed(), &errors),
        ));
    }
    if failure.refusal(&[404]).is_some() {
        return not_a_code(here, &request.target, failure);
    }
    let errors = FormErrors::from_failure(failure, |_| None)?;
    Ok(html_response(
        status,
        review(here, &request, form, &errors, now),
    ))
}

/// The decision the form describes: the capabilities ticked, the caps typed for them and the
/// lifetime chosen — or what is wrong with it, on the inputs concerned.
fn chosen(
    form: &Submitted,
    asked: &[Asked],
    now: DateTime<Utc>,
) -> Result<ApproveAgentRequest, FormErrors> {
    let ticked: Vec<&Asked> = asked
        .iter()
        .filter(|asked| form.all("grant").any(|name| name == asked.name))
        .collect();
    let mut errors = FormErrors::default();
    if ticked.is_empty() {
        errors.form = Some("Tick at least one capability to approve, or deny the request.".into());
    }
    let mut constraints = BTreeMap::new();
    for asked in &ticked {
        let mut fields = Map::new();
        for (field, _) in &asked.limitable {
            let input = limit_input(&asked.name, field);
            let typed = form.get(&input).trim();
            if typed.is_empty() {
                continue;
            }
            match typed.parse::<u64>() {
                Ok(max) => {
                    fields.insert(field.clone(), json!({ "max": max }));
                }
                Err(_) => errors.add(
                    &input,
                    "Enter a whole number, or leave it empty for no limit.",
                ),
            }
        }
        if !fields.is_empty() {
            constraints.insert(asked.name.clone(), Value::Object(fields));
        }
    }
    let expires_at = match LIFETIMES
        .iter()
        .find(|(value, _, _)| *value == form.get("expires"))
    {
        Some((_, _, 0)) => None,
        Some((_, _, hours)) => Some(now + Duration::hours(*hours)),
        None => {
            errors.add("expires", "Choose how long the approval lasts.");
            None
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ApproveAgentRequest {
        capabilities: Some(ticked.iter().map(|asked| asked.name.clone()).collect()),
        constraints,
        expires_at,
        ..ApproveAgentRequest::default()
    })
}

/// An unknown or malformed code is the entry form again, with the reason.
fn not_a_code(here: &str, target: &Target, failure: ApiFailure) -> PageResult {
    match failure.refusal(&[400, 404]) {
        Some(_) => Ok(html_response(
            StatusCode::NOT_FOUND,
            enter_code(
                here,
                target.typed(),
                &FormErrors::field(
                    "user_code",
                    "No request waits for this code in your stores. Check it against what the agent shows; codes expire after 15 minutes.",
                ),
            ),
        )),
        None => Err(failure.into()),
    }
}

fn enter_code(here: &str, code: &str, errors: &FormErrors) -> Markup {
    centered(
        &Head::new("Approve an agent", SITE),
        "Approve an agent",
        html! {
            p.muted { "Enter the code your AI agent shows you." }
            (form_errors(errors))
            form.stack method="get" action=(here) {
                (Field::text("Code", "user_code", code).required().hint("Like WDJB-MJHT.").autocomplete("off").render(errors))
                button.primary type="submit" { "Continue" }
            }
        },
    )
}

fn review(
    here: &str,
    request: &Request,
    form: &Submitted,
    errors: &FormErrors,
    now: DateTime<Utc>,
) -> Markup {
    let view = &request.view;
    centered_at(
        Width::Wide,
        &Head::new("Approve an agent", SITE),
        "Approve this agent?",
        html! {
            p { "An AI agent asks to act for you. Approve only an agent you started yourself, and only what it needs." }
            dl.facts {
                dt { "Agent" } dd { strong { (view.agent_name) } }
                dt { "Host" } dd { (view.host_name) }
                dt { "Store" } dd { strong { (request.store) } }
                dt { "Asks for" } dd { @if view.purpose == ApprovalPurpose::Registration { "Its first capabilities" } @else { "More capabilities" } }
                @if let Some(message) = &view.binding_message {
                    dt { "Its message" } dd { q { (message) } " — check that your agent shows the same." }
                }
                dt { "Asked" } dd {
                    (datetime(view.created_at, now))
                    @if let Some(from) = &view.requested_from { " from " code { (from) } }
                }
                dt { "Expires" } dd { (datetime(view.expires_at, now)) }
                dt { "Status" } dd { (badge(view.status.as_str())) }
            }
            @if !request.open() {
                p.notice.info { "This request is no longer waiting for a decision." }
            } @else if view.sign_in_again {
                (sign_in_again(here, &request.target))
            } @else {
                (decision_form(here, request, form, errors))
            }
        },
    )
}

/// The api takes a decision only from a recent sign-in: sign in again, and come back here.
fn sign_in_again(here: &str, target: &Target) -> Markup {
    let back = format!("{here}?{}", target.query());
    let sign_in = format!("/sign-in?next={}", escaped(&back));
    html! {
        div.notice.warning role="alert" {
            "For your safety, approving an agent needs a sign-in from the last 5 minutes. Sign in again and you will come back here."
        }
        div.actions { a.button.primary href=(sign_in) { "Sign in again" } }
    }
}

fn decision_form(here: &str, request: &Request, form: &Submitted, errors: &FormErrors) -> Markup {
    let ticked = |name: &str| form.all("grant").any(|ticked| ticked == name);
    html! {
        (form_errors(errors))
        form.stack method="post" action=(here) {
            @let (name, value) = request.target.input();
            input type="hidden" name=(name) value=(value);
            fieldset {
                legend { "What it may do" }
                div.stack {
                    @for asked in &request.asked {
                        div.capability {
                            label.check {
                                input type="checkbox" name="grant" value=(asked.name) checked[ticked(&asked.name)];
                                span {
                                    strong { code { (asked.name) } } " " (badge(&asked.scope))
                                    br;
                                    span.muted { (asked.description) }
                                }
                            }
                            @for (field, about) in &asked.limitable {
                                @let input = limit_input(&asked.name, field);
                                @let label = format!("Largest {field} allowed");
                                @let hint = if about.is_empty() { "Empty: no limit.".to_owned() } else { format!("{about} Empty: no limit.") };
                                (Field::text(&label, &input, form.get(&input)).kind("number").hint(&hint).render(errors))
                            }
                        }
                    }
                }
            }
            (lifetime_select(form.get("expires"), errors))
            div.actions {
                button.primary type="submit" name="decision" value="approve" { "Approve the ticked capabilities" }
                button.danger type="submit" name="decision" value="deny" { "Deny" }
            }
        }
    }
}

fn lifetime_select(chosen: &str, errors: &FormErrors) -> Markup {
    let message = errors.of("expires");
    html! {
        div.field.invalid[message.is_some()] {
            label for="field-expires" { "Approval lasts" }
            select #field-expires name="expires" {
                @for (value, label, _) in LIFETIMES {
                    option value=(value) selected[*value == chosen] { (label) }
                }
            }
            @if let Some(message) = message { p.field-error { (message) } }
        }
    }
}

fn decided(
    request: &Request,
    approved: Option<&ApproveAgentRequest>,
    now: DateTime<Utc>,
) -> Markup {
    let heading = if approved.is_some() {
        "Agent approved"
    } else {
        "Request denied"
    };
    centered(
        &Head::new(heading, SITE),
        heading,
        html! {
            @if let Some(approved) = approved {
                p.lead { "You can return to your agent: " strong { (request.view.agent_name) } " may now do this in " strong { (request.store) } "." }
                ul {
                    @for name in approved.capabilities.iter().flatten() {
                        li {
                            code { (name) }
                            @if let Some(limits) = approved.constraints.get(name).and_then(Value::as_object) {
                                @for (field, rule) in limits {
                                    " — " (field) " at most " (rule["max"])
                                }
                            }
                        }
                    }
                }
                p.muted {
                    @match approved.expires_at {
                        Some(at) => { "Until " (datetime(at, now)) ". " }
                        None => { "Until you revoke it. " }
                    }
                    "You can revoke it at any time on the Agents page."
                }
            } @else {
                p.lead { "Nothing was granted. You can return to your agent." }
            }
            a.button href="/" { "Go to the dashboard" }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn described(name: &str, body: Value) -> Value {
        json!({
            "name": name, "description": "Add a published variant to a cart. Scope `storefront`.",
            "scope": "storefront", "approval": "user", "input": {"parameters": [], "body": body},
        })
    }

    fn request() -> Request {
        let add = described(
            "addCartItem",
            json!({"type": "object", "properties": {
                "variantId": {"type": "string", "format": "uuid"},
                "quantity": {"type": "integer", "description": "1 to 1000."},
            }}),
        );
        let place = described(
            "placeOrder",
            json!({"type": "object", "properties": {"cartId": {"type": "string"}}}),
        );
        let now = domain::Clock::now(&domain::SystemClock);
        let view = ApprovalRequestView {
            request_id: Uuid::nil(),
            organization_id: Uuid::nil(),
            agent_id: Uuid::nil(),
            agent_name: "shopping <agent>".into(),
            host_id: Uuid::nil(),
            host_name: "laptop".into(),
            status: ApprovalStatus::Pending,
            purpose: ApprovalPurpose::Registration,
            capabilities: vec![add.clone(), place.clone()],
            binding_message: Some("order 42".into()),
            created_at: now,
            expires_at: now + Duration::minutes(15),
            requested_from: Some("203.0.113.9".into()),
            sign_in_again: false,
        };
        Request {
            target: Target::Code("WDJB-MJHT".into()),
            asked: [add, place]
                .iter()
                .filter_map(Asked::from_description)
                .collect(),
            store: "Acme".into(),
            view,
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
    fn only_numeric_input_fields_can_be_limited() {
        let request = request();
        assert_eq!(
            request.asked[0].limitable,
            [("quantity".to_owned(), "1 to 1000.".to_owned())]
        );
        assert!(request.asked[1].limitable.is_empty());
        assert_eq!(
            request.asked[0].description,
            "Add a published variant to a cart."
        );
    }

    #[test]
    fn a_partial_approval_with_a_limit_and_an_end() {
        let now = domain::Clock::now(&domain::SystemClock);
        let choice = chosen(
            &form(&[
                ("grant", "addCartItem"),
                ("limit.addCartItem.quantity", " 5 "),
                ("limit.placeOrder.x", "9"),
                ("expires", "7d"),
            ]),
            &request().asked,
            now,
        )
        .unwrap();
        assert_eq!(choice.capabilities, Some(vec!["addCartItem".to_owned()]));
        assert_eq!(
            choice.constraints,
            BTreeMap::from([("addCartItem".to_owned(), json!({"quantity": {"max": 5}}))])
        );
        assert_eq!(choice.expires_at, Some(now + Duration::days(7)));
    }

    #[test]
    fn what_cannot_be_sent_is_said_on_its_input() {
        let asked = request().asked;
        let errors = chosen(
            &form(&[("expires", "")]),
            &asked,
            domain::Clock::now(&domain::SystemClock),
        )
        .unwrap_err();
        assert!(errors.form.unwrap().contains("at least one"));
        let errors = chosen(
            &form(&[
                ("grant", "addCartItem"),
                ("limit.addCartItem.quantity", "-1"),
                ("expires", "forever"),
            ]),
            &asked,
            domain::Clock::now(&domain::SystemClock),
        )
        .unwrap_err();
        assert!(errors.of("limit.addCartItem.quantity").is_some());
        assert!(errors.of("expires").is_some());
        // A capability that was not asked for is never sent.
        let choice = chosen(
            &form(&[("grant", "adminRefundOrder"), ("grant", "placeOrder")]),
            &asked,
            domain::Clock::now(&domain::SystemClock),
        )
        .unwrap();
        assert_eq!(choice.capabilities, Some(vec!["placeOrder".to_owned()]));
    }

    #[test]
    fn the_review_shows_who_asks_and_keeps_the_form() {
        let now = domain::Clock::now(&domain::SystemClock);
        let request = request();
        let html = review(
            "/device/capabilities",
            &request,
            &form(&[("grant", "placeOrder"), ("limit.addCartItem.quantity", "7")]),
            &FormErrors::default(),
            now,
        )
        .into_string();
        assert!(html.contains("shopping &lt;agent&gt;"), "escaped: {html}");
        assert!(html.contains("laptop") && html.contains("Acme") && html.contains("order 42"));
        assert!(
            html.contains("from <code>203.0.113.9</code>"),
            "the asking address: {html}"
        );
        assert!(html.contains(r#"value="placeOrder" checked"#), "{html}");
        assert!(!html.contains(r#"value="addCartItem" checked"#), "{html}");
        assert!(
            html.contains(r#"name="limit.addCartItem.quantity" value="7""#),
            "{html}"
        );
        assert!(html.contains(r#"name="user_code" value="WDJB-MJHT""#));
    }

    #[test]
    fn an_old_sign_in_is_offered_a_new_one_that_comes_back() {
        let now = domain::Clock::now(&domain::SystemClock);
        let mut request = request();
        request.view.sign_in_again = true;
        let html = review(
            "/device/capabilities",
            &request,
            &everything_asked(&request),
            &FormErrors::default(),
            now,
        )
        .into_string();
        assert!(!html.contains(r#"value="approve""#), "{html}");
        assert!(
            html.contains("/sign-in?next=%2Fdevice%2Fcapabilities%3Fuser_code%3DWDJB-MJHT"),
            "{html}"
        );
    }

    #[test]
    fn the_decision_says_what_was_granted() {
        let now = domain::Clock::now(&domain::SystemClock);
        let request = request();
        let approved = ApproveAgentRequest {
            capabilities: Some(vec!["addCartItem".into()]),
            constraints: BTreeMap::from([(
                "addCartItem".to_owned(),
                json!({"quantity": {"max": 5}}),
            )]),
            ..ApproveAgentRequest::default()
        };
        let html = decided(&request, Some(&approved), now).into_string();
        assert!(
            html.contains("quantity at most 5") && html.contains("Until you revoke it"),
            "{html}"
        );
        assert!(
            decided(&request, None, now)
                .into_string()
                .contains("Nothing was granted")
        );
    }
}
