//! The api, started for one test on a loopback port over its own database.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use api::{Application, Settings};
use db::repo::{organizations, store_domains};
use domain::OrgId;
use resolve_caller::Hostname;
use serde_json::Value;

use crate::TestDb;

/// A running api and the database behind it.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub database: TestDb,
    pub client: awc::Client,
}

impl std::fmt::Debug for TestApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestApp")
            .field("address", &self.address)
            .field("database", &self.database)
            .finish_non_exhaustive()
    }
}

impl TestApp {
    /// The api with default settings.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// The api with settings adjusted by `configure` (the database and port are the test's own).
    pub async fn spawn_with(configure: impl FnOnce(&mut Settings)) -> Self {
        let database = TestDb::new().await;
        let mut settings = Settings::from_env(|name| match name {
            "PORT" => Some("0".to_owned()),
            "WORKERS" => Some("1".to_owned()),
            _ => None,
        })
        .expect("default settings are valid");
        configure(&mut settings);
        settings.database_url.clone_from(&database.url);
        let app = Application::build_with(settings, database.db.clone())
            .expect("the api binds a loopback port");
        let port = app.port();
        actix_web::rt::spawn(app.run_until_stopped());
        Self {
            address: format!("http://127.0.0.1:{port}"),
            port,
            database,
            client: awc::Client::builder()
                .timeout(Duration::from_secs(30))
                .finish(),
        }
    }

    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    #[must_use]
    pub fn get(&self, path: &str) -> awc::ClientRequest {
        self.client.get(self.url(path))
    }

    #[must_use]
    pub fn post(&self, path: &str) -> awc::ClientRequest {
        self.client.post(self.url(path))
    }

    #[must_use]
    pub fn request(&self, method: actix_web::http::Method, path: &str) -> awc::ClientRequest {
        self.client.request(method, self.url(path))
    }

    /// A new organization, straight in the database.
    pub async fn create_org(&self, name: &str) -> OrgId {
        let slug = format!(
            "{}-{}",
            name.to_lowercase().replace(' ', "-"),
            uuid::Uuid::now_v7().simple()
        );
        organizations::create(&self.database.db.conn, name, &slug, chrono::Utc::now())
            .await
            .expect("organization created")
            .id
    }

    /// Registers a storefront hostname for `org`, straight in the database.
    pub async fn add_storefront(&self, org: OrgId, host: &str) {
        let host = Hostname::parse(host).expect("a valid hostname");
        store_domains::register(&self.database.db.conn, org, &host, chrono::Utc::now())
            .await
            .expect("storefront registered");
    }
}

/// A response read whole, for assertions.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    /// Sends `request` (with an optional body) and reads the whole answer.
    pub async fn send(request: awc::ClientRequest, body: Option<&str>) -> Self {
        let sent = match body {
            Some(body) => request.send_body(body.to_owned()).await,
            None => request.send().await,
        };
        let mut response = sent.expect("the api answers");
        let body = response
            .body()
            .limit(16 * 1024 * 1024)
            .await
            .expect("the body is readable")
            .to_vec();
        Self {
            status: response.status(),
            headers: response.headers().clone(),
            body,
        }
    }

    /// The body as JSON; panics with the body when it is not JSON.
    #[must_use]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| {
            panic!(
                "not JSON ({}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the SPEC §4 envelope with this status and code, and returns the body.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) -> Value {
        let body = self.json();
        assert_eq!(self.status.as_u16(), status, "status of {body}");
        assert_eq!(body["status"], status, "envelope status of {body}");
        assert_eq!(body["code"], code, "code of {body}");
        assert!(body["error"].is_string(), "error text of {body}");
        if status == 401 {
            assert!(
                body["details"]["signInUrl"].is_string(),
                "signInUrl in {body}"
            );
            assert!(
                body["details"]["signUpUrl"].is_string(),
                "signUpUrl in {body}"
            );
        }
        body
    }
}
