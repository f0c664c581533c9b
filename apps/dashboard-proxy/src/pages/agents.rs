//! Agents: the CIBA requests waiting for this user, the store's agents with their grants, the
//! hosts they run under, and one-time enrollment tokens that connect a new host. Every revocation
//! takes effect at the agent's next call; the api decides who may revoke what.

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::agent::{
    AgentChangedView, AgentIdRequest, AgentStatusView, CreateEnrollmentRequest, EnrollmentView,
    GrantView, HostView, PendingApprovalView, RevokeGrantRequest, RevokeHostRequest,
    RevokedHostView,
};
use api_types::auth::Success;
use chrono::{DateTime, Utc};
use domain::{GrantStatus, HostStatus};
use futures_util::future::try_join3;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;
use web_ui::Now;
use web_ui::api::Change;
use web_ui::components::{Field, badge, datetime, empty_state, form_errors, html_response, notice};
use web_ui::errors::see_other;
use web_ui::forms::{FormErrors, Submitted};
use web_ui::{ApiFailure, PageError, PageResult};

use crate::shell::{Api, Browser, Memory, Section, Shell, page};

/// Where the approval page is (`AGENT_DEVICE_AUTH_PAGE`): a CIBA request is reviewed there too.
#[derive(Clone, Debug)]
pub struct ApprovalPage(pub String);

/// What the page lists, read together.
#[derive(Debug)]
struct Listed {
    pending: Vec<PendingApprovalView>,
    agents: Vec<AgentStatusView>,
    hosts: Vec<HostView>,
}

impl Listed {
    async fn load(api: &Api, browser: &Browser) -> Result<Self, ApiFailure> {
        let credentials = &browser.credentials;
        let (pending, agents, hosts) = try_join3(
            api.get::<Vec<PendingApprovalView>>(credentials, "/api/auth/agent/ciba/pending"),
            api.get::<Vec<AgentStatusView>>(credentials, "/api/auth/agent/list"),
            api.get::<Vec<HostView>>(credentials, "/api/auth/agent/hosts"),
        )
        .await?;
        Ok(Self {
            pending,
            agents,
            hosts,
        })
    }

    fn host_name(&self, id: Uuid) -> &str {
        self.hosts
            .iter()
            .find(|host| host.id == id)
            .map_or("—", |host| host.name.as_str())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn list(
    browser: Browser,
    api: Api,
    memory: Memory,
    approval_page: web::Data<ApprovalPage>,
    query: web::Query<DoneQuery>,
    Now(now): Now,
) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let listed = Listed::load(&api, &browser).await?;
    let done = match query.done.as_deref() {
        Some("grant") => Some("The capability was revoked: the agent can no longer use it."),
        Some("agent") => Some("The agent was revoked: its tokens no longer work."),
        Some("host") => Some("The host was revoked, with every agent under it."),
        _ => None,
    };
    let view = View {
        shell: &shell,
        listed: &listed,
        approval_page: &approval_page.0,
        done,
        enrollment: None,
        form: &Submitted::default(),
        errors: &FormErrors::default(),
    };
    Ok(html_response(StatusCode::OK, agents_page(&view, now)))
}

pub async fn create_enrollment(
    browser: Browser,
    api: Api,
    memory: Memory,
    approval_page: web::Data<ApprovalPage>,
    form: web::Form<Vec<(String, String)>>,
    Now(now): Now,
) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let form = Submitted(form.into_inner());
    let body = CreateEnrollmentRequest {
        name: form.get("name").trim().to_owned(),
        default_capabilities: form
            .get("defaultCapabilities")
            .split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    // Not sent once per form token: the api does not replay a secret. A double submit makes a
    // second token, unused, that expires on its own.
    let created = api
        .send::<_, EnrollmentView>(
            &browser.credentials,
            Change::post("/api/auth/agent/host/enrollment", &body),
        )
        .await;
    let (status, enrollment, errors) = match created {
        Ok(answer) => (StatusCode::OK, Some(answer.value), FormErrors::default()),
        Err(failure) => {
            let status = failure.status_code();
            let errors = match failure.refusal(&[403]) {
                Some(body) => {
                    FormErrors::form(body.message.clone().unwrap_or_else(|| body.error.clone()))
                }
                None => FormErrors::from_failure(failure, |field| match field {
                    "name" | "defaultCapabilities" => Some(field.to_owned()),
                    _ => None,
                })?,
            };
            (status, None, errors)
        }
    };
    let listed = Listed::load(&api, &browser).await?;
    let kept = if enrollment.is_some() {
        Submitted::default()
    } else {
        form
    };
    let view = View {
        shell: &shell,
        listed: &listed,
        approval_page: &approval_page.0,
        done: None,
        enrollment: enrollment.as_ref(),
        form: &kept,
        errors: &errors,
    };
    Ok(html_response(status, agents_page(&view, now)))
}

#[derive(Debug, Deserialize)]
pub struct GrantForm {
    #[serde(rename = "agentId")]
    agent_id: String,
    capability: String,
}

pub async fn revoke_grant(browser: Browser, api: Api, form: web::Form<GrantForm>) -> PageResult {
    let body = RevokeGrantRequest {
        agent_id: id_of(&form.agent_id)?,
        capability: form.capability.clone(),
    };
    api.send::<_, Success>(
        &browser.credentials,
        Change::post("/api/auth/agent/grant/revoke", &body),
    )
    .await?;
    Ok(see_other("/agents?done=grant"))
}

#[derive(Debug, Deserialize)]
pub struct AgentForm {
    #[serde(rename = "agentId")]
    agent_id: String,
}

pub async fn revoke_agent(browser: Browser, api: Api, form: web::Form<AgentForm>) -> PageResult {
    let body = AgentIdRequest {
        agent_id: id_of(&form.agent_id)?,
    };
    api.send::<_, AgentChangedView>(
        &browser.credentials,
        Change::post("/api/auth/agent/revoke", &body),
    )
    .await?;
    Ok(see_other("/agents?done=agent"))
}

#[derive(Debug, Deserialize)]
pub struct HostForm {
    #[serde(rename = "hostId")]
    host_id: String,
}

pub async fn revoke_host(browser: Browser, api: Api, form: web::Form<HostForm>) -> PageResult {
    let body = RevokeHostRequest {
        host_id: id_of(&form.host_id)?,
    };
    api.send::<_, RevokedHostView>(
        &browser.credentials,
        Change::post("/api/auth/agent/host/revoke", &body),
    )
    .await?;
    Ok(see_other("/agents?done=host"))
}

fn id_of(raw: &str) -> Result<Uuid, PageError> {
    raw.parse().map_err(|_| PageError::NotFound)
}

/// Everything the page shows.
struct View<'a> {
    shell: &'a Shell,
    listed: &'a Listed,
    approval_page: &'a str,
    done: Option<&'a str>,
    /// A token just created: shown this once.
    enrollment: Option<&'a EnrollmentView>,
    form: &'a Submitted,
    errors: &'a FormErrors,
}

fn agents_page(view: &View<'_>, now: DateTime<Utc>) -> Markup {
    let listed = view.listed;
    page(
        view.shell,
        Section::Agents,
        "Agents",
        html! {
            div.page-header { h1 { "Agents" } }
            p.muted { "AI agents act for a person of " strong { (view.shell.active.name) } " with the capabilities that person approved. Revoke anything at any time: it stops at the agent's next call." }
            @if let Some(done) = view.done { (notice("success", done)) }
            @if !listed.pending.is_empty() {
                section.card #waiting {
                    h2 { "Waiting for your decision" }
                    (pending_table(&listed.pending, view.approval_page, now))
                }
            }
            h2 { "Agents" }
            @if listed.agents.is_empty() {
                (empty_state("No agents yet", "An agent appears here once its host registers it; you approve what it may do.", None))
            } @else {
                @for agent in &listed.agents { (agent_card(agent, listed.host_name(agent.host_id), now)) }
            }
            h2 { "Hosts" }
            @if listed.hosts.is_empty() {
                (empty_state("No hosts connected", "A host is the runtime your agents run in. Connect one with an enrollment token below.", None))
            } @else {
                (hosts_table(&listed.hosts, now))
            }
            (enrollment_card(view, now))
        },
    )
}

fn pending_table(
    pending: &[PendingApprovalView],
    approval_page: &str,
    now: DateTime<Utc>,
) -> Markup {
    html! {
        div.table-wrap {
            table {
                thead { tr { th { "Agent" } th { "Asks for" } th { "Its message" } th { "Expires" } th { span.visually-hidden { "Actions" } } } }
                tbody {
                    @for request in pending {
                        tr {
                            td { strong { (request.agent_name) } }
                            td { @for (i, name) in request.capabilities.iter().enumerate() { @if i > 0 { ", " } code { (name) } } }
                            td { @if let Some(message) = &request.binding_message { q { (message) } } @else { span.muted { "—" } } }
                            td { (datetime(request.expires_at, now)) }
                            td { a.button.primary href={(approval_page) "?request_id=" (request.request_id)} { "Review" } }
                        }
                    }
                }
            }
        }
    }
}

fn limits(grant: &GrantView) -> String {
    grant
        .constraints
        .as_ref()
        .and_then(|constraints| constraints.as_object())
        .map(|fields| {
            fields
                .iter()
                .map(|(field, rule)| match rule.get("max") {
                    Some(max) if rule.as_object().is_some_and(|rule| rule.len() == 1) => {
                        format!("{field} ≤ {max}")
                    }
                    _ => format!("{field}: {rule}"),
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

fn agent_card(agent: &AgentStatusView, host: &str, now: DateTime<Utc>) -> Markup {
    let live = !agent.status.is_final();
    html! {
        section.card.agent {
            div.page-header {
                h3 { (agent.name) " " (badge(agent.status.as_str())) }
                @if live {
                    form method="post" action="/agents/revoke" data-confirm="Revoke this agent? Its tokens stop working at once." {
                        input type="hidden" name="agentId" value=(agent.agent_id);
                        button.danger type="submit" aria-label={"Revoke agent " (agent.name)} { "Revoke agent" }
                    }
                }
            }
            dl.facts {
                dt { "Host" } dd { (host) }
                dt { "Registered" } dd { (datetime(agent.created_at, now)) }
                dt { "Last used" } dd { @if let Some(used) = agent.last_used_at { (datetime(used, now)) } @else { span.muted { "never" } } }
            }
            @if agent.agent_capability_grants.is_empty() {
                p.muted { "No capabilities." }
            } @else {
                div.table-wrap {
                    table {
                        thead { tr { th { "Capability" } th { "Status" } th { "Limits" } th { "Until" } th { span.visually-hidden { "Actions" } } } }
                        tbody {
                            @for grant in &agent.agent_capability_grants {
                                tr {
                                    td { code { (grant.capability) } }
                                    td { (badge(grant.status.as_str())) }
                                    td { (limits(grant)) }
                                    td { @if let Some(at) = grant.expires_at { (datetime(at, now)) } @else { span.muted { "until revoked" } } }
                                    td {
                                        @if grant.status == GrantStatus::Active && live {
                                            form method="post" action="/agents/grants/revoke" {
                                                input type="hidden" name="agentId" value=(agent.agent_id);
                                                input type="hidden" name="capability" value=(grant.capability);
                                                button.danger type="submit" aria-label={"Revoke " (grant.capability) " from " (agent.name)} { "Revoke" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn hosts_table(hosts: &[HostView], now: DateTime<Utc>) -> Markup {
    html! {
        div.table-wrap {
            table {
                thead { tr { th { "Host" } th { "Status" } th { "Key" } th { "Its agents get" } th { "Connected" } th { span.visually-hidden { "Actions" } } } }
                tbody {
                    @for host in hosts {
                        tr {
                            td { (host.name) }
                            td { (badge(host.status.as_str())) }
                            td.mono title=(host.thumbprint) { (host.thumbprint.chars().take(10).collect::<String>()) "…" }
                            td { @if host.default_capabilities.is_empty() { span.muted { "only what you approve" } } @else { (host.default_capabilities.join(", ")) } }
                            td { (datetime(host.created_at, now)) }
                            td {
                                @if !matches!(host.status, HostStatus::Revoked | HostStatus::Rejected) {
                                    form method="post" action="/agents/hosts/revoke" data-confirm="Revoke this host and every agent under it?" {
                                        input type="hidden" name="hostId" value=(host.id);
                                        button.danger type="submit" aria-label={"Revoke host " (host.name)} { "Revoke" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn enrollment_card(view: &View<'_>, now: DateTime<Utc>) -> Markup {
    let (form, errors) = (view.form, view.errors);
    html! {
        section.card #enroll {
            h2 { "Connect a host" }
            @if let Some(enrollment) = view.enrollment {
                (notice("warning", "Give this token to the runtime now: it is shown only this once, and works once."))
                div.secret {
                    code #enrollment-token { (enrollment.enrollment_token) }
                    button type="button" data-copy="#enrollment-token" { "Copy" }
                }
                p.hint { "The runtime redeems it at " code { (enrollment.enroll_url) } " with its public key, before " (datetime(enrollment.expires_at, now)) "." }
            }
            p.muted { "An enrollment token lets an agent runtime connect itself as a host of this store." }
            (form_errors(errors))
            form.stack method="post" action="/agents/enrollments" {
                (Field::text("Host name", "name", form.get("name")).required().hint("Where it runs, e.g. “Support assistant”.").render(errors))
                (Field::text("Capabilities its agents get without asking", "defaultCapabilities", form.get("defaultCapabilities"))
                    .hint("Optional, separated by commas, e.g. listProducts, getProduct. Anything else is asked for and approved.").render(errors))
                div { button.primary type="submit" { "Create enrollment token" } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn limits_read_as_people_write_them() {
        let grant = |constraints| GrantView {
            capability: "addCartItem".into(),
            status: GrantStatus::Active,
            constraints,
            expires_at: None,
            granted_by: None,
        };
        assert_eq!(
            limits(&grant(Some(json!({"quantity": {"max": 5}})))),
            "quantity ≤ 5"
        );
        assert_eq!(
            limits(&grant(Some(json!({"currency": {"in": ["EUR"]}})))),
            r#"currency: {"in":["EUR"]}"#
        );
        assert_eq!(limits(&grant(None)), "");
    }

    #[test]
    fn a_waiting_request_is_reviewed_on_the_approval_page() {
        let now = domain::Clock::now(&domain::SystemClock);
        let request = PendingApprovalView {
            request_id: Uuid::nil(),
            organization_id: Uuid::nil(),
            agent_id: Uuid::nil(),
            agent_name: "<b>bot</b>".into(),
            capabilities: vec!["adminGetStats".into()],
            purpose: domain::ApprovalPurpose::CapabilityRequest,
            binding_message: Some("weekly report".into()),
            created_at: domain::Clock::now(&domain::SystemClock),
            expires_at: domain::Clock::now(&domain::SystemClock),
        };
        let html = pending_table(&[request], "/device/capabilities", now).into_string();
        assert!(
            html.contains(&format!(
                r#"href="/device/capabilities?request_id={}""#,
                Uuid::nil()
            )),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;bot&lt;/b&gt;") && html.contains("weekly report"));
    }
}
