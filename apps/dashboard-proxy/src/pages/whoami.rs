//! "Who am I here": the signed-in user, the active store, the role and what it permits — the
//! explanation the api gives callers, for people.

use actix_web::http::StatusCode;
use maud::html;
use resolve_caller::ApiCaller;
use web_ui::PageResult;
use web_ui::components::html_response;

use crate::shell::{Api, Browser, Section, Shell, Statement, page as frame};

pub async fn page(browser: Browser, api: Api, statement: Statement) -> PageResult {
    let shell = Shell::load(&api, &statement, &browser.credentials).await?;
    let caller: ApiCaller = api.get(&browser.credentials, "/v1/whoami").await?;
    let caller_json = serde_json::to_string_pretty(&caller).unwrap_or_default();
    Ok(html_response(
        StatusCode::OK,
        &frame(
            &shell,
            Section::WhoAmI,
            "Who am I here",
            html! {
                div.page-header { h1 { "Who am I here" } }
                section.card {
                    dl.facts {
                        dt { "Signed in as" } dd { (shell.session.user.name) " · " (shell.session.user.email) }
                        dt { "Store" } dd { (shell.active.name) }
                        dt { "Role" } dd { (shell.role.as_str()) }
                        dt { "Platform role" } dd { (shell.session.user.role.as_str()) }
                    }
                }
                section.card {
                    h2 { "What this role permits" }
                    p { @for permission in &shell.permitted { code { (permission) } " " } }
                }
                section.card {
                    h2 { "What the api sees" }
                    pre.mono { (caller_json) }
                }
            },
        ),
    ))
}
