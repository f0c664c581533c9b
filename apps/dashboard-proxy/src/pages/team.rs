//! Team: the store's members and their roles, and the invitations waiting for an answer; owners
//! and admins invite an address (the person joins when they accept from the email), revoke an
//! invitation, change a role or remove a member. The api decides what each role may do to whom
//! (an admin cannot make an owner, the last owner stays).

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::auth::{
    CancelInvitationRequest, InvitationView, InviteMemberRequest, MemberView, RemoveMemberRequest,
    Success, UpdateMemberRoleRequest,
};
use api_types::store::List;
use chrono::{DateTime, Utc};
use domain::OrgRole;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;
use web_ui::Now;
use web_ui::api::Change;
use web_ui::components::{Field, datetime, form_errors, html_response, notice};
use web_ui::errors::see_other;
use web_ui::forms::FormErrors;
use web_ui::{ApiFailure, PageError, PageResult};

use crate::shell::{Api, Browser, Memory, Section, Shell, page};

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

/// The store's members and its pending invitations, asked together.
async fn team(api: &Api, browser: &Browser) -> Result<Team, PageError> {
    let (members, invitations) = futures_util::future::join(
        api.get::<List<MemberView>>(&browser.credentials, "/api/auth/organization/list-members"),
        api.get::<List<InvitationView>>(
            &browser.credentials,
            "/api/auth/organization/list-invitations",
        ),
    )
    .await;
    Ok(Team {
        members: members?.data,
        invitations: invitations?.data,
    })
}

struct Team {
    members: Vec<MemberView>,
    invitations: Vec<InvitationView>,
}

pub async fn list(
    browser: Browser,
    api: Api,
    memory: Memory,
    query: web::Query<DoneQuery>,
    Now(now): Now,
) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let team = team(&api, &browser).await?;
    let done = match query.done.as_deref() {
        Some("invited") => Some("Invitation sent: they join when they accept it from the email."),
        Some("revoked") => Some("Invitation revoked: its link no longer works."),
        Some("role") => Some("Role changed: it applies from their next request."),
        Some("removed") => Some("Member removed: they no longer reach this store."),
        _ => None,
    };
    let view = View {
        shell: &shell,
        team: &team,
        done,
        add: &NewMember::default(),
        errors: &FormErrors::default(),
    };
    Ok(html_response(StatusCode::OK, team_page(&view, now)))
}

#[derive(Debug, Default, Deserialize)]
pub struct NewMember {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

fn role_of(typed: &str) -> Result<OrgRole, FormErrors> {
    typed
        .parse()
        .map_err(|_| FormErrors::field("role", "Choose a role."))
}

pub async fn add(
    browser: Browser,
    api: Api,
    memory: Memory,
    form: web::Form<NewMember>,
    Now(now): Now,
) -> PageResult {
    let form = form.into_inner();
    let sent = match role_of(&form.role) {
        Ok(role) => {
            let body = InviteMemberRequest {
                email: form.email.trim().to_owned(),
                role,
                organization_id: None,
            };
            api.send::<_, InvitationView>(
                &browser.credentials,
                Change::post("/api/auth/organization/invite-member", &body),
            )
            .await
            .map(|_| ())
            .map_err(|failure| refusal(failure, "email"))
        }
        Err(errors) => Err(Ok((StatusCode::UNPROCESSABLE_ENTITY, errors))),
    };
    let (status, errors) = match sent {
        Ok(()) => return Ok(see_other("/settings/team?done=invited")),
        Err(refused) => refused?,
    };
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let team = team(&api, &browser).await?;
    let view = View {
        shell: &shell,
        team: &team,
        done: None,
        add: &form,
        errors: &errors,
    };
    Ok(html_response(status, team_page(&view, now)))
}

/// A refusal the page can show next to its form (a 403 or 404 too: "no such user", "your role may
/// not add owners"), else the failure as a page.
fn refusal(
    failure: ApiFailure,
    field: &'static str,
) -> Result<(StatusCode, FormErrors), PageError> {
    let status = failure.status_code();
    if let Some(body) = failure.refusal(&[403, 404]) {
        let message = body
            .reason()
            .map_or_else(|| body.error.clone(), str::to_owned);
        return Ok((status, FormErrors::form(message)));
    }
    let errors =
        FormErrors::from_failure(failure, |name| (name == field).then(|| name.to_owned()))?;
    Ok((status, errors))
}

#[derive(Debug, Deserialize)]
pub struct MemberForm {
    #[serde(rename = "userId")]
    user_id: String,
    #[serde(default)]
    role: String,
}

pub async fn change_role(
    browser: Browser,
    api: Api,
    memory: Memory,
    form: web::Form<MemberForm>,
    Now(now): Now,
) -> PageResult {
    let user_id: Uuid = form.user_id.parse().map_err(|_| PageError::NotFound)?;
    let refused = match role_of(&form.role) {
        Ok(role) => {
            let body = UpdateMemberRoleRequest {
                user_id,
                role,
                organization_id: None,
            };
            match api
                .send::<_, Success>(
                    &browser.credentials,
                    Change::post("/api/auth/organization/update-member-role", &body),
                )
                .await
            {
                Ok(_) => return Ok(see_other("/settings/team?done=role")),
                Err(failure) => refusal(failure, "role")?,
            }
        }
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
    };
    shown_again(&browser, &api, &memory, refused, now).await
}

pub async fn remove(
    browser: Browser,
    api: Api,
    memory: Memory,
    form: web::Form<MemberForm>,
    Now(now): Now,
) -> PageResult {
    let body = RemoveMemberRequest {
        user_id: form.user_id.parse().map_err(|_| PageError::NotFound)?,
        organization_id: None,
    };
    match api
        .send::<_, Success>(
            &browser.credentials,
            Change::post("/api/auth/organization/remove-member", &body),
        )
        .await
    {
        Ok(_) => Ok(see_other("/settings/team?done=removed")),
        Err(failure) => {
            let refused = refusal(failure, "userId")?;
            shown_again(&browser, &api, &memory, refused, now).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct InvitationForm {
    #[serde(rename = "invitationId")]
    invitation_id: String,
}

pub async fn revoke_invitation(
    browser: Browser,
    api: Api,
    memory: Memory,
    form: web::Form<InvitationForm>,
    Now(now): Now,
) -> PageResult {
    let body = CancelInvitationRequest {
        invitation_id: form
            .invitation_id
            .parse()
            .map_err(|_| PageError::NotFound)?,
        organization_id: None,
    };
    match api
        .send::<_, Success>(
            &browser.credentials,
            Change::post("/api/auth/organization/cancel-invitation", &body),
        )
        .await
    {
        Ok(_) => Ok(see_other("/settings/team?done=revoked")),
        Err(failure) => {
            let refused = refusal(failure, "invitationId")?;
            shown_again(&browser, &api, &memory, refused, now).await
        }
    }
}

/// The team page again, with the reason a change to a member was refused.
async fn shown_again(
    browser: &Browser,
    api: &Api,
    memory: &Memory,
    (status, errors): (StatusCode, FormErrors),
    now: DateTime<Utc>,
) -> PageResult {
    let shell = Shell::load(api, memory, &browser.credentials).await?;
    let team = team(api, browser).await?;
    let list_errors = FormErrors {
        form: errors
            .form
            .or_else(|| errors.fields.first().map(|(_, m)| m.clone())),
        fields: Vec::new(),
    };
    let view = View {
        shell: &shell,
        team: &team,
        done: None,
        add: &NewMember::default(),
        errors: &FormErrors::default(),
    };
    Ok(html_response(
        status,
        team_page_with(&view, &list_errors, now),
    ))
}

struct View<'a> {
    shell: &'a Shell,
    team: &'a Team,
    done: Option<&'a str>,
    add: &'a NewMember,
    /// The add form's.
    errors: &'a FormErrors,
}

fn team_page(view: &View<'_>, now: DateTime<Utc>) -> Markup {
    team_page_with(view, &FormErrors::default(), now)
}

fn team_page_with(view: &View<'_>, list_errors: &FormErrors, now: DateTime<Utc>) -> Markup {
    let shell = view.shell;
    let may_update = shell.may("member:update");
    let may_remove = shell.may("member:delete");
    let me = shell.session.user.id;
    page(
        shell,
        Section::Team,
        "Team",
        html! {
            div.page-header { h1 { "Team" } }
            p.muted { "Owners manage everything, admins everything but owners, members the catalog and orders. An API key works while the person who created it may create keys: removing them, or making them a member, stops their keys." }
            @if let Some(done) = view.done { (notice("success", done)) }
            (form_errors(list_errors))
            div.table-wrap {
                table {
                    thead { tr { th { "Name" } th { "Email" } th { "Role" } th { "Since" } th { span.visually-hidden { "Actions" } } } }
                    tbody {
                        @for member in &view.team.members {
                            tr {
                                td { (member.name) @if member.user_id == me { " " span.muted { "(you)" } } }
                                td { (member.email) }
                                td {
                                    @if may_update && member.user_id != me {
                                        form.inline method="post" action="/settings/team/role" {
                                            input type="hidden" name="userId" value=(member.user_id);
                                            label.visually-hidden for={"role-" (member.user_id)} { "Role of " (member.email) }
                                            (role_select(&format!("role-{}", member.user_id), member.role.as_str()))
                                            button type="submit" { "Change" }
                                        }
                                    } @else {
                                        (member.role.as_str())
                                    }
                                }
                                td { (datetime(member.created_at, now)) }
                                td {
                                    @if may_remove && member.user_id != me {
                                        form method="post" action="/settings/team/remove"
                                            data-confirm="Remove this member from the store? The API keys they created stop working at once." {
                                            input type="hidden" name="userId" value=(member.user_id);
                                            button.danger type="submit" aria-label={"Remove " (member.email)} { "Remove" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !view.team.invitations.is_empty() {
                section.card #invitations {
                    h2 { "Invitations waiting for an answer" }
                    div.table-wrap {
                        table {
                            thead { tr { th { "Email" } th { "Role" } th { "Sent" } th { "Expires" } th { span.visually-hidden { "Actions" } } } }
                            tbody {
                                @for invitation in &view.team.invitations {
                                    tr {
                                        td { (invitation.email) }
                                        td { (invitation.role.as_str()) }
                                        td { (datetime(invitation.created_at, now)) }
                                        td { (datetime(invitation.expires_at, now)) }
                                        td {
                                            @if shell.may("member:create") {
                                                form method="post" action="/settings/team/invitations/revoke" {
                                                    input type="hidden" name="invitationId" value=(invitation.id);
                                                    button.danger type="submit" aria-label={"Revoke the invitation of " (invitation.email)} { "Revoke" }
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
            @if shell.may("member:create") {
                section.card {
                    h2 { "Invite a member" }
                    p.muted { "We email them a link; they join with this role when they accept it, creating an account if they have none. The link works for 7 days." }
                    (form_errors(view.errors))
                    form.stack method="post" action="/settings/team" {
                        div.row {
                            (Field::text("Email", "email", &view.add.email).kind("email").required().render(view.errors))
                            div.field {
                                label for="field-role" { "Role" }
                                (role_select("field-role", if view.add.role.is_empty() { "member" } else { &view.add.role }))
                            }
                        }
                        div { button.primary type="submit" { "Send invitation" } }
                    }
                }
            }
        },
    )
}

fn role_select(id: &str, chosen: &str) -> Markup {
    html! {
        select #(id) name="role" {
            @for role in OrgRole::ALL {
                option value=(role.as_str()) selected[role.as_str() == chosen] { (role.as_str()) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANAGER: &[&str] = &[
        "member:read",
        "member:create",
        "member:update",
        "member:delete",
    ];

    fn members(shell: &Shell) -> Vec<MemberView> {
        let member = |user_id, email: &str, name: &str, role| MemberView {
            user_id,
            email: email.into(),
            name: name.into(),
            role,
            created_at: domain::Clock::now(&domain::SystemClock),
        };
        vec![
            member(
                shell.session.user.id,
                "ada@example.com",
                "Ada",
                OrgRole::Owner,
            ),
            member(
                Uuid::from_u128(9),
                "bob@example.com",
                "<b>Bob</b>",
                OrgRole::Admin,
            ),
        ]
    }

    fn render(shell: &Shell, add: &NewMember, errors: &FormErrors, now: DateTime<Utc>) -> String {
        let team = Team {
            members: members(shell),
            invitations: vec![InvitationView {
                id: Uuid::from_u128(7),
                organization_id: shell.active.id,
                email: "grace@example.com".into(),
                role: OrgRole::Admin,
                status: domain::InvitationStatus::Pending,
                invited_by: Some(shell.session.user.id),
                expires_at: now + chrono::Duration::days(7),
                created_at: now,
            }],
        };
        let view = View {
            shell,
            team: &team,
            done: None,
            add,
            errors,
        };
        team_page(&view, now).into_string()
    }

    #[test]
    fn no_role_select_or_removal_for_yourself() {
        let now = domain::Clock::now(&domain::SystemClock);
        let shell = Shell::fixture(MANAGER);
        let html = render(&shell, &NewMember::default(), &FormErrors::default(), now);
        let bob = Uuid::from_u128(9);
        assert!(html.contains(&format!(r#"for="role-{bob}""#)), "{html}");
        assert!(html.contains(&format!(r#"<select id="role-{bob}" name="role">"#)));
        assert!(!html.contains(&format!(r#"id="role-{}""#, shell.session.user.id)));
        assert!(html.contains(r#"aria-label="Remove bob@example.com""#));
        assert!(!html.contains(r#"aria-label="Remove ada@example.com""#));
        assert!(html.contains("(you)") && html.contains("&lt;b&gt;Bob&lt;/b&gt;"));
    }

    #[test]
    fn pending_invitations_are_listed_with_a_revoke_button() {
        let now = domain::Clock::now(&domain::SystemClock);
        let shell = Shell::fixture(MANAGER);
        let html = render(&shell, &NewMember::default(), &FormErrors::default(), now);
        let invitations = &html[html.find(r#"id="invitations""#).unwrap()..];
        assert!(
            invitations.contains("<td>grace@example.com</td><td>admin</td>"),
            "{html}"
        );
        assert!(invitations.contains(&format!(
            r#"name="invitationId" value="{}""#,
            Uuid::from_u128(7)
        )));
        assert!(invitations.contains(r#"aria-label="Revoke the invitation of grace@example.com""#));
    }

    #[test]
    fn a_reader_sees_roles_as_text_and_no_controls() {
        let now = domain::Clock::now(&domain::SystemClock);
        let shell = Shell::fixture(&["member:read"]);
        let html = render(&shell, &NewMember::default(), &FormErrors::default(), now);
        assert!(html.contains("<td>admin</td>"), "{html}");
        assert!(!html.contains("/settings/team/role") && !html.contains("/settings/team/remove"));
        assert!(!html.contains("Invite a member"));
        assert!(html.contains("grace@example.com") && !html.contains("/invitations/revoke"));
    }

    #[test]
    fn a_refused_invitation_keeps_the_email_and_role() {
        let now = domain::Clock::now(&domain::SystemClock);
        let shell = Shell::fixture(MANAGER);
        let add = NewMember {
            email: "nobody@example.com".into(),
            role: "admin".into(),
        };
        let errors = FormErrors::field("email", "must be an email address");
        let html = render(&shell, &add, &errors, now);
        assert!(
            html.contains(r#"name="email" value="nobody@example.com""#),
            "{html}"
        );
        assert!(
            html.contains(r#"aria-invalid="true""#) && html.contains("must be an email address")
        );
        assert!(
            html.contains(r#"<label for="field-role">"#)
                && html.contains(r#"<select id="field-role""#)
        );
        let add_form = &html[html.find(r#"id="field-role""#).unwrap()..];
        assert!(
            add_form.contains(r#"value="admin" selected"#)
                && !add_form.contains(r#"value="member" selected"#)
        );
    }
}
