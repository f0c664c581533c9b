//! "Who am I here": the signed-in user, the active store, the role and what it permits — the
//! explanation the api gives callers, for people.

use actix_web::http::StatusCode;
use api_types::Whoami;
use maud::html;
use web_ui::PageResult;
use web_ui::components::html_response;

use crate::shell::{Api, Browser, Memory, Section, Shell, page as frame};

pub async fn page(browser: Browser, api: Api, memory: Memory) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let caller: Whoami = api.get(&browser.credentials, "/v1/whoami").await?;
    let caller_json = serde_json::to_string_pretty(&caller).unwrap_or_default();
    Ok(html_response(
        StatusCode::OK,
        frame(
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

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::time::Duration;

    use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
    use api_types::store::List;
    use serde_json::{Value, json};
    use web_ui::{ApiClient, Credentials};

    use super::*;
    use crate::shell::ShellMemory;

    /// A stand-in api on a loopback port that answers `answers[path]` as JSON, else 404.
    fn api(answers: Vec<(&'static str, Value)>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let answers = Arc::new(answers);
        let server = HttpServer::new(move || {
            let answers = Arc::clone(&answers);
            App::new().default_service(web::to(move |req: HttpRequest| {
                let answer = answers
                    .iter()
                    .find(|(path, _)| *path == req.path())
                    .map(|(_, answer)| answer.clone());
                async move {
                    match answer {
                        Some(answer) => HttpResponse::Ok().json(answer),
                        None => HttpResponse::NotFound().finish(),
                    }
                }
            }))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        actix_web::rt::spawn(server);
        address
    }

    #[actix_web::test]
    async fn the_page_says_who_acts_where_with_which_permissions() {
        let mut shell = Shell::fixture(&[]);
        shell.session.user.name = "<b>Ada</b>".into();
        let address = api(vec![
            ("/api/auth/get-session", json!(shell.session)),
            (
                "/api/auth/organization/list",
                json!(List {
                    data: shell.stores.clone()
                }),
            ),
            (
                "/api/auth/permissions",
                json!({"roles": {"owner": {"order": ["read", "refund"]}, "member": {"apiKey": ["create"]}}}),
            ),
            (
                "/v1/whoami",
                json!({"kind": "session", "organizationId": shell.active.id, "scopes": ["admin"],
                       "userId": shell.session.user.id, "principalId": "<session-1>"}),
            ),
        ]);
        let browser = Browser {
            credentials: Credentials {
                session_cookie: Some("session".into()),
                ..Credentials::default()
            },
        };
        let api = web::Data::new(ApiClient::new(&address, Duration::from_secs(5), None));
        let memory = web::Data::new(ShellMemory::default());
        let response = page(browser, api, memory).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        let html = String::from_utf8(body.to_vec()).unwrap();
        assert!(
            html.contains("<dd>&lt;b&gt;Ada&lt;/b&gt; · ada@example.com</dd>"),
            "{html}"
        );
        assert!(html.contains("<dd>Acme</dd>") && html.contains("<dd>owner</dd>"));
        assert!(html.contains("<dd>org_member</dd>"));
        assert!(
            html.contains("<code>order:read</code> <code>order:refund</code>"),
            "{html}"
        );
        assert!(
            !html.contains("apiKey:create"),
            "another role's permissions: {html}"
        );
        assert!(
            html.contains("&quot;principalId&quot;: &quot;&lt;session-1&gt;&quot;"),
            "{html}"
        );
    }
}
