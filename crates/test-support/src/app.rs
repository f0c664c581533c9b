//! The api, started for one test on a loopback port over its own database.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use api::{Application, Settings};
use db::repo::{organizations, store_domains};
use domain::{FixedClock, OrgId};
use resolve_caller::Hostname;
use serde_json::Value;

use crate::{TestDb, TestSmtp};

/// The dashboard's origin under the default settings (`FRONTEND_URL`): cookie-authenticated changes
/// must come from it.
pub const DASHBOARD_ORIGIN: &str = "http://localhost:3000";

/// A running api, the database behind it, the clock it decides expiry by, and the mail server it
/// sends email to.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub database: Arc<TestDb>,
    /// Where this api (and every instance beside it) delivers email, unless a test set another.
    pub mail: Arc<TestSmtp>,
    pub clock: FixedClock,
    pub client: awc::Client,
    /// The api's public URL: the `aud` agent tokens name.
    pub issuer: String,
    /// The state this instance's handlers share: for running its background work on demand
    /// (`api::sweep_expired_orders(&app.state)`).
    pub state: api::AppState,
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
        let database = Arc::new(TestDb::new().await);
        let mail = Arc::new(TestSmtp::start().await);
        Self::start(
            database,
            mail,
            FixedClock::at(domain::Clock::now(&domain::SystemClock)),
            configure,
        )
        .await
    }

    /// A second instance over the same database and clock (another replica, or the same
    /// deployment restarted with other settings).
    pub async fn spawn_beside(&self, configure: impl FnOnce(&mut Settings)) -> Self {
        Self::start(
            Arc::clone(&self.database),
            Arc::clone(&self.mail),
            self.clock.clone(),
            configure,
        )
        .await
    }

    async fn start(
        database: Arc<TestDb>,
        mail: Arc<TestSmtp>,
        clock: FixedClock,
        configure: impl FnOnce(&mut Settings),
    ) -> Self {
        let mut settings = Settings::from_env(|name| match name {
            "PORT" => Some("0".to_owned()),
            "WORKERS" => Some("1".to_owned()),
            // One secret for every instance of a test, as replicas of a deployment share theirs.
            "AUTH_SECRET" => Some("test-secret-shared-by-every-instance-0123456789".to_owned()),
            // No name server unless a test starts one (`TestDns`): lookups go to a closed local
            // port and fail (a 503 after the resolver's timeout), never to the machine's network.
            "DNS_RESOLVER" => Some("127.0.0.1:9".to_owned()),
            // The check of store domains runs when a test runs it.
            "DOMAIN_CHECK_INTERVAL_SECONDS" => Some("0".to_owned()),
            "SMTP_URL" => Some(mail.url()),
            _ => None,
        })
        .expect("default settings are valid");
        configure(&mut settings);
        settings.database_url.clone_from(&database.url);
        let issuer = settings.api_public_url.clone();
        let app = Application::build_with(settings, database.db.clone(), Arc::new(clock.clone()))
            .await
            .expect("the api binds a loopback port");
        let port = app.port();
        let state = app.state().clone();
        actix_web::rt::spawn(app.run_until_stopped());
        Self {
            address: format!("http://127.0.0.1:{port}"),
            port,
            database,
            mail,
            clock,
            issuer,
            state,
            client: awc::Client::builder()
                .timeout(Duration::from_secs(30))
                .finish(),
        }
    }

    /// "Now" by the api's clock.
    #[must_use]
    pub fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use domain::Clock as _;
        self.clock.now()
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
        organizations::create(&self.database.db.conn, name, &slug, self.clock_now())
            .await
            .expect("organization created")
            .id
    }

    /// Registers a storefront hostname for `org`, verified (as a name the platform gave), straight
    /// in the database.
    pub async fn add_storefront(&self, org: OrgId, host: &str) {
        let host = Hostname::parse(host).expect("a valid hostname");
        let claim = store_domains::Claim::Verified(domain::DomainProof::Platform);
        store_domains::register(&self.database.db.conn, org, &host, claim, self.clock_now())
            .await
            .expect("storefront registered");
    }
}

fn is_invitation(mail: &crate::ReceivedMail) -> bool {
    mail.subject.contains(" invited you to ")
}

/// A user signed up through the api, with the value of their session cookie.
#[derive(Clone, Debug)]
pub struct TestUser {
    pub email: String,
    pub password: String,
    pub user_id: String,
    pub cookie: String,
}

impl TestApp {
    /// `method path` with the user's session cookie, from the dashboard's origin.
    #[must_use]
    pub fn as_user(
        &self,
        method: actix_web::http::Method,
        path: &str,
        user: &TestUser,
    ) -> awc::ClientRequest {
        use crate::CallerRequest as _;
        self.request(method, path)
            .with_session_cookie(&user.cookie)
            .insert_header(("origin", DASHBOARD_ORIGIN))
    }

    /// Signs a new user up (password `correct horse battery`) and answers them signed in.
    pub async fn sign_up(&self, email: &str) -> TestUser {
        let password = "correct horse battery";
        let body = serde_json::json!({"email": email, "password": password, "name": "Test User"});
        let response = TestResponse::send_json(self.post("/api/auth/sign-up/email"), &body).await;
        assert_eq!(
            response.status,
            200,
            "sign-up of {email}: {}",
            response.json()
        );
        TestUser {
            email: email.to_owned(),
            password: password.to_owned(),
            user_id: response.json()["user"]["id"]
                .as_str()
                .expect("a user id")
                .to_owned(),
            cookie: response
                .session_cookie()
                .expect("sign-up sets the session cookie"),
        }
    }

    /// Follows the last verification link sent to the user (waiting for it to arrive).
    pub async fn verify_email(&self, user: &TestUser) {
        let mail = self.mail.last_for(&user.email.to_lowercase()).await;
        assert_eq!(mail.subject, "Verify your email address", "{mail:?}");
        let body = serde_json::json!({"token": mail.token()});
        let response = TestResponse::send_json(self.post("/api/auth/verify-email"), &body).await;
        assert_eq!(response.status, 200, "verification: {}", response.json());
    }

    /// A new user who verified their address.
    pub async fn sign_up_verified(&self, email: &str) -> TestUser {
        let user = self.sign_up(email).await;
        self.verify_email(&user).await;
        user
    }

    /// The inviter invites `email` with `role` to the organization they act in; once invited,
    /// the invitation's email has arrived.
    pub async fn invite(&self, inviter: &TestUser, email: &str, role: &str) -> TestResponse {
        let recipient = email.trim().to_lowercase();
        let before = self.invitations_to(&recipient).len();
        let request = self.as_user(
            actix_web::http::Method::POST,
            "/api/auth/organization/invite-member",
            inviter,
        );
        let response =
            TestResponse::send_json(request, &serde_json::json!({"email": email, "role": role}))
                .await;
        if response.status == 200 {
            self.mail
                .wait_for_matching(&recipient, before + 1, is_invitation)
                .await;
        }
        response
    }

    /// The invitations sent to `recipient` so far, oldest first.
    #[must_use]
    pub fn invitations_to(&self, recipient: &str) -> Vec<crate::ReceivedMail> {
        self.mail
            .received_by(recipient)
            .into_iter()
            .filter(is_invitation)
            .collect()
    }

    /// The user accepts the last invitation sent to their address.
    pub async fn accept_invitation(&self, user: &TestUser) -> TestResponse {
        let mail = self
            .invitations_to(&user.email.to_lowercase())
            .pop()
            .expect("an invitation was sent");
        let request = self.as_user(
            actix_web::http::Method::POST,
            "/api/auth/organization/accept-invitation",
            user,
        );
        TestResponse::send_json(request, &serde_json::json!({"token": mail.token()})).await
    }

    /// `member` joins the organization the inviter acts in, with `role`: invited, then accepted
    /// from the link sent to them.
    pub async fn add_member(&self, inviter: &TestUser, member: &TestUser, role: &str) {
        let invited = self.invite(inviter, &member.email, role).await;
        assert_eq!(invited.status, 200, "invitation: {}", invited.json());
        let accepted = self.accept_invitation(member).await;
        assert_eq!(accepted.status, 200, "acceptance: {}", accepted.json());
    }

    /// A merchant: a new user who created an organization (active in their session).
    pub async fn merchant(&self, email: &str, slug: &str) -> (TestUser, OrgId) {
        let user = self.sign_up(email).await;
        let request = self.as_user(
            actix_web::http::Method::POST,
            "/api/auth/organization/create",
            &user,
        );
        let response =
            TestResponse::send_json(request, &serde_json::json!({"name": slug, "slug": slug}))
                .await;
        assert_eq!(
            response.status,
            200,
            "organization {slug}: {}",
            response.json()
        );
        let org = response.json()["id"]
            .as_str()
            .expect("an org id")
            .parse()
            .expect("a UUID");
        (user, org)
    }

    /// An API key of the user's active organization with these scopes.
    pub async fn api_key(&self, user: &TestUser, scopes: &[&str]) -> String {
        let request = self.as_user(
            actix_web::http::Method::POST,
            "/api/auth/api-key/create",
            user,
        );
        let body = serde_json::json!({"name": "test key", "scopes": scopes});
        let response = TestResponse::send_json(request, &body).await;
        assert_eq!(response.status, 200, "api key: {}", response.json());
        response.json()["key"].as_str().expect("the key").to_owned()
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

    /// Sends `body` as JSON.
    pub async fn send_json(
        request: awc::ClientRequest,
        body: impl std::borrow::Borrow<Value>,
    ) -> Self {
        let request = request.insert_header(("content-type", "application/json"));
        Self::send(request, Some(&body.borrow().to_string())).await
    }

    /// The value the response sets the session cookie to (empty when it clears it).
    #[must_use]
    pub fn session_cookie(&self) -> Option<String> {
        self.set_cookie().map(|cookie| cookie.value().to_owned())
    }

    /// The session cookie the response sets, with its attributes.
    #[must_use]
    pub fn set_cookie(&self) -> Option<actix_web::cookie::Cookie<'static>> {
        self.headers
            .get_all(actix_web::http::header::SET_COOKIE)
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| actix_web::cookie::Cookie::parse(value.to_owned()).ok())
            .find(|cookie| cookie.name() == resolve_caller::SESSION_COOKIE_NAME)
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

    /// Asserts the error envelope with this status and code, and returns the body.
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
