//! The dashboard, tested as people and attackers use it: a real headless Chromium on the pages of
//! a real edge in front of a real api and database (SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`), and hand-made requests for what a browser would never send.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod admin;
mod agent_approval;
mod agents;
mod api_keys;
mod bulk;
mod device;
mod email_links;
mod invitations;
mod orders;
mod products;
mod proxy;
mod safety;
mod settings;
mod stock_and_customers;
mod stores;

use std::time::Duration;

use test_support::{Browser, TestApp};

/// An api, the dashboard in front of it, and a browser.
#[derive(Debug)]
pub struct Dashboard {
    pub api: TestApp,
    pub edge: String,
    pub browser: Browser,
}

impl Dashboard {
    pub async fn start(test: &str) -> Self {
        Self::start_with(test, |_| {}).await
    }

    /// With the api's settings adjusted by `configure`.
    pub async fn start_with(test: &str, configure: impl FnOnce(&mut api::Settings)) -> Self {
        let api = TestApp::spawn_with(configure).await;
        let edge = proxy::spawn_edge(&api.address);
        let browser = Browser::start(test, 1280).await;
        Self { api, edge, browser }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.edge)
    }

    pub async fn visit(&self, path: &str, label: &str) {
        self.browser.visit(&self.url(path), label).await;
    }

    /// Opens a link sent by email (it names the dashboard's configured origin) on this edge.
    pub async fn follow(&self, link: &str, label: &str) {
        let path = link.strip_prefix("http://localhost:3000").unwrap();
        self.visit(path, label).await;
    }

    /// The session cookie the browser holds now (to send what a browser would never send).
    pub async fn session_cookie(&self) -> String {
        self.browser
            .client
            .get_named_cookie(resolve_caller::SESSION_COOKIE_NAME)
            .await
            .unwrap()
            .value()
            .to_owned()
    }

    /// A form post to `path` as this site's own page would make it, with `cookie`; redirects are
    /// not followed.
    pub fn form_post(&self, path: &str, cookie: &str) -> awc::ClientRequest {
        use test_support::CallerRequest as _;
        awc::Client::builder()
            .disable_redirects()
            .finish()
            .post(self.url(path))
            .with_session_cookie(cookie)
            .insert_header(("origin", self.edge.as_str()))
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
    }

    /// Signs a new user up in the browser.
    pub async fn sign_up(&self, email: &str) {
        self.visit("/sign-up", "sign-up").await;
        self.browser.fill("#field-name", "Ada Lovelace").await;
        self.browser.fill("#field-email", email).await;
        self.browser
            .fill("#field-password", "correct horse battery")
            .await;
        self.browser.click("button[type=submit]").await;
    }

    /// Signs up and creates a store named `store`: the browser is on the store's home page.
    pub async fn merchant(&self, email: &str, store: &str) {
        self.sign_up(email).await;
        self.browser.wait_for_text("Create your store").await;
        self.browser.screenshot("onboarding").await;
        self.browser.fill("#field-name", store).await;
        self.browser.click("button[type=submit]").await;
        self.browser.wait_for_text("Top products").await;
    }

    /// Signs in the browser with the test password.
    pub async fn sign_in(&self, email: &str) {
        self.browser.fill("#field-email", email).await;
        self.browser
            .fill("#field-password", "correct horse battery")
            .await;
        self.browser.screenshot("sign-in").await;
        self.browser.click("button[type=submit]").await;
    }

    pub async fn close(self) {
        self.browser.close().await;
    }
}

/// Polls `check` for up to 5 s.
pub async fn eventually(mut check: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..50 {
        if check().await {
            return true;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    false
}
