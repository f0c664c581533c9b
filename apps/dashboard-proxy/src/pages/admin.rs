//! Platform administration, for platform administrators only (the api refuses anyone else, and
//! that refusal is the page): find a user, change their platform role, sign them out everywhere.
//! It stands apart from any store, so it needs none.

use actix_web::http::StatusCode;
use actix_web::web;
use api_types::auth::{
    ListUsersQuery, RevokeSessionsRequest, RevokeSessionsResponse, SetRoleRequest, Success,
    UserSummary,
};
use api_types::store::Page;
use chrono::{DateTime, Utc};
use domain::PlatformRole;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;
use web_ui::Now;
use web_ui::api::{Change, escaped};
use web_ui::components::{
    Head, Width, centered_at, datetime, empty_state, html_response, notice, pager,
};
use web_ui::errors::see_other;
use web_ui::{PageError, PageResult};

use crate::shell::{Api, Browser, SITE};

const PAGE_SIZE: u32 = 25;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    done: Option<String>,
    /// How many sessions were just ended.
    #[serde(default)]
    ended: Option<u64>,
}

pub async fn users(
    browser: Browser,
    api: Api,
    query: web::Query<ListQuery>,
    Now(now): Now,
) -> PageResult {
    let query = query.into_inner();
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let users: Page<UserSummary> = api
        .get_with(
            &browser.credentials,
            "/api/auth/admin/list-users",
            &ListUsersQuery {
                q: q.map(str::to_owned),
                limit: Some(PAGE_SIZE),
                cursor: query.cursor.clone(),
            },
        )
        .await?;
    let done = match (query.done.as_deref(), query.ended) {
        (Some("role"), _) => {
            Some("Platform role changed: it applies from their next request.".to_owned())
        }
        (Some("sessions"), Some(ended)) => {
            Some(format!("Signed out everywhere: {ended} session(s) ended."))
        }
        _ => None,
    };
    Ok(html_response(
        StatusCode::OK,
        users_page(&users, q, query.cursor.is_some(), done.as_deref(), now),
    ))
}

fn list_url(q: Option<&str>, cursor: Option<&str>) -> String {
    let pairs: Vec<(&str, &str)> = [q.map(|q| ("q", q)), cursor.map(|c| ("cursor", c))]
        .into_iter()
        .flatten()
        .collect();
    match serde_urlencoded::to_string(pairs).unwrap_or_default() {
        query if query.is_empty() => "/admin".to_owned(),
        query => format!("/admin?{query}"),
    }
}

fn users_page(
    users: &Page<UserSummary>,
    q: Option<&str>,
    paged: bool,
    done: Option<&str>,
    now: DateTime<Utc>,
) -> Markup {
    centered_at(
        Width::Full,
        &Head::new("Platform administration", SITE),
        "Platform administration",
        html! {
            p.muted { "Every user of the platform. " a href="/" { "Back to the dashboard" } }
            @if let Some(done) = done { (notice("success", done)) }
            form.inline method="get" action="/admin" role="search" {
                label.visually-hidden for="user-search" { "Search users" }
                input #user-search type="search" name="q" value=[q] placeholder="Email or name";
                button type="submit" { "Search" }
            }
            @if users.data.is_empty() {
                (empty_state("No users match", "Try part of an email or a name.", Some(("/admin", "Show everyone"))))
            } @else {
                div.table-wrap {
                    table {
                        thead { tr { th { "User" } th { "Platform role" } th.num { "Sessions" } th { "Joined" } th { span.visually-hidden { "Actions" } } } }
                        tbody {
                            @for user in &users.data {
                                tr {
                                    td { strong { (user.name) } br; span.muted { (user.email) } }
                                    td {
                                        form.inline method="post" action="/admin/role" {
                                            input type="hidden" name="userId" value=(user.id);
                                            label.visually-hidden for={"platform-role-" (user.id)} { "Platform role of " (user.email) }
                                            select #{"platform-role-" (user.id)} name="role" {
                                                @for role in PlatformRole::ALL {
                                                    option value=(role.as_str()) selected[*role == user.platform_role] { (role.as_str().replace('_', " ")) }
                                                }
                                            }
                                            button type="submit" { "Change" }
                                        }
                                    }
                                    td.num { (user.active_sessions) }
                                    td { (datetime(user.created_at, now)) }
                                    td {
                                        form method="post" action="/admin/sessions"
                                            data-confirm="Sign this user out on every device?" {
                                            input type="hidden" name="userId" value=(user.id);
                                            button.danger type="submit" aria-label={"Sign out " (user.email) " everywhere"} { "Sign out everywhere" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                (pager(
                    paged.then(|| list_url(q, None)).as_deref(),
                    users.next_cursor.as_deref().map(|cursor| list_url(q, Some(cursor))).as_deref(),
                ))
            }
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(rename = "userId")]
    user_id: String,
    role: String,
}

pub async fn set_role(browser: Browser, api: Api, form: web::Form<RoleForm>) -> PageResult {
    let body = SetRoleRequest {
        user_id: user_id(&form.user_id)?,
        role: form.role.parse().map_err(|_| PageError::NotFound)?,
    };
    api.send::<_, Success>(
        &browser.credentials,
        Change::post("/api/auth/admin/set-role", &body),
    )
    .await?;
    Ok(see_other("/admin?done=role"))
}

#[derive(Debug, Deserialize)]
pub struct UserForm {
    #[serde(rename = "userId")]
    user_id: String,
}

pub async fn revoke_sessions(browser: Browser, api: Api, form: web::Form<UserForm>) -> PageResult {
    let body = RevokeSessionsRequest {
        user_id: user_id(&form.user_id)?,
    };
    let ended = api
        .send::<_, RevokeSessionsResponse>(
            &browser.credentials,
            Change::post("/api/auth/admin/revoke-sessions", &body),
        )
        .await?;
    Ok(see_other(&format!(
        "/admin?done=sessions&ended={}",
        escaped(&ended.value.revoked.to_string())
    )))
}

fn user_id(raw: &str) -> Result<Uuid, PageError> {
    raw.parse().map_err(|_| PageError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(n: u128, name: &str, platform_role: PlatformRole) -> UserSummary {
        UserSummary {
            id: Uuid::from_u128(n),
            email: format!("user{n}@example.com"),
            name: name.into(),
            platform_role,
            created_at: domain::Clock::now(&domain::SystemClock),
            active_sessions: 3,
        }
    }

    #[test]
    fn one_row_per_user_with_a_role_select_and_a_sign_out_button() {
        let now = domain::Clock::now(&domain::SystemClock);
        let users = Page {
            data: vec![
                user(1, "<b>Eve</b>", PlatformRole::PlatformAdmin),
                user(2, "Bob", PlatformRole::OrgMember),
            ],
            next_cursor: None,
        };
        let html = users_page(&users, None, false, None, now).into_string();
        let rows = &html[html.find("<tbody>").unwrap()..];
        assert_eq!(rows.matches("<tr>").count(), 2, "{html}");
        assert_eq!(html.matches(r#"action="/admin/role""#).count(), 2, "{html}");
        assert_eq!(html.matches(r#"action="/admin/sessions""#).count(), 2);
        for user in &users.data {
            let id = user.id;
            assert!(html.contains(&format!(r#"for="platform-role-{id}""#)));
            assert!(html.contains(&format!(r#"<select id="platform-role-{id}" name="role">"#)));
            assert!(html.contains(&format!(
                r#"aria-label="Sign out {} everywhere""#,
                user.email
            )));
        }
        let eve = &html[..html.find("user2@example.com").unwrap()];
        assert!(eve.contains(r#"value="platform_admin" selected"#), "{html}");
        assert!(html.contains("&lt;b&gt;Eve&lt;/b&gt;") && !html.contains("<b>Eve"));
    }

    #[test]
    fn a_search_is_kept_in_the_box_and_in_the_pages() {
        let now = domain::Clock::now(&domain::SystemClock);
        let none = Page {
            data: Vec::new(),
            next_cursor: None,
        };
        let html = users_page(&none, Some("<eve>"), false, None, now).into_string();
        assert!(
            html.contains(r#"value="&lt;eve&gt;""#) && html.contains("No users match"),
            "{html}"
        );
        let one = Page {
            data: vec![user(1, "Eve", PlatformRole::OrgMember)],
            next_cursor: Some("c2".into()),
        };
        let html = users_page(
            &one,
            Some("eve smith"),
            true,
            Some("Platform role changed."),
            now,
        )
        .into_string();
        assert!(
            html.contains(r#"href="/admin?q=eve+smith&amp;cursor=c2""#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="/admin?q=eve+smith""#)
                && html.contains("Platform role changed.")
        );
    }
}
