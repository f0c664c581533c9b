//! The storefront, tested as shoppers and attackers use it: a real headless Chromium on two
//! stores' hosts (`*.test`, mapped to the local edge) in front of a real api and database (SQLite,
//! or PostgreSQL with `TEST_DATABASE_URL`), and hand-made requests for what a browser never sends.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod checkout;
mod proxy;
mod shop;

use std::time::Duration;

use actix_web::http::Method;
use serde_json::Value;
use test_support::{Browser, TestApp, TestStore};

/// The deployment-wide checkout secret of these tests' payment webhooks.
pub const CHECKOUT_SECRET: &str = "checkout-secret-for-storefront-tests";

/// An api, the storefront edge in front of it, two stores and a browser.
#[derive(Debug)]
pub struct Storefront {
    pub api: TestApp,
    pub port: u16,
    pub acme: TestStore,
    pub globex: TestStore,
    pub browser: Browser,
}

impl Storefront {
    pub async fn start(test: &str) -> Self {
        let api = TestApp::spawn_with(|settings| {
            settings.checkout_api_secret = Some(api::Secret::new(CHECKOUT_SECRET));
        })
        .await;
        let edge = test_support::spawn_edge(
            storefront_proxy::bind,
            &api.address,
            Duration::from_secs(10),
        );
        let port = edge.rsplit(':').next().unwrap().parse().unwrap();
        let acme = api.store("acme").await;
        let globex = api.store("globex").await;
        let browser = Browser::start(test, 1280).await;
        Self {
            api,
            port,
            acme,
            globex,
            browser,
        }
    }

    /// `path` on `store`'s own host, through the edge.
    pub fn url(&self, store: &TestStore, path: &str) -> String {
        format!("http://{}:{}{path}", store.host, self.port)
    }

    /// A hand-made request for `path` on `host` (the test process does not resolve `*.test`:
    /// it connects to the edge and names the host), redirects not followed.
    pub fn request(&self, method: Method, host: &str, path: &str) -> awc::ClientRequest {
        awc::Client::builder()
            .disable_redirects()
            .finish()
            .request(method, format!("http://127.0.0.1:{}{path}", self.port))
            .insert_header(("host", format!("{host}:{}", self.port)))
    }

    /// A form post from the store's own pages (the `Origin` its browser would send).
    pub fn form_post(&self, store: &TestStore, path: &str) -> awc::ClientRequest {
        self.request(Method::POST, &store.host, path)
            .insert_header(("origin", format!("http://{}:{}", store.host, self.port)))
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
    }

    pub async fn visit(&self, store: &TestStore, path: &str, label: &str) {
        self.browser.visit(&self.url(store, path), label).await;
    }

    /// A published product of `store` with one variant of `price` cents and `stock` units.
    pub async fn product(&self, store: &TestStore, sku: &str, price: i64, stock: i64) -> Value {
        self.api.product(store, sku, price, stock).await
    }

    pub async fn close(self) {
        self.browser.close().await;
    }
}
