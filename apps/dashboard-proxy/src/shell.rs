//! What every signed-in page stands on: the browser's session (checked early), who the user is,
//! their stores and role, and the frame drawn around each page.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpRequest, web};
use api_types::auth::{OrganizationView, SessionResponse};
use api_types::store::List;
use domain::{OrgRole, PlatformRole};
use futures_util::future::join;
use maud::{Markup, html};
use resolve_caller::actix::raw_credentials;
use serde_json::Value;
use web_ui::components::{Head, document, icon};
use web_ui::{ApiClient, ApiFailure, Credentials, PageError};

/// The dashboard's name in titles.
pub const SITE: &str = "Commerce";

/// A request that carries a session cookie, with the browser's credentials for the api. A request
/// without one is sent to sign in before the api is asked anything.
#[derive(Debug)]
pub struct Browser {
    pub credentials: Credentials,
}

impl FromRequest for Browser {
    type Error = PageError;
    type Future = std::future::Ready<Result<Self, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let credentials = Credentials::of(req);
        std::future::ready(if credentials.session_cookie.is_some() {
            Ok(Self { credentials })
        } else {
            Err(PageError::SignInRequired)
        })
    }
}

/// The signed-in user, their stores and the active one: the frame of every store page.
#[derive(Clone, Debug)]
pub struct Shell {
    pub session: SessionResponse,
    pub stores: Vec<OrganizationView>,
    pub active: OrganizationView,
    pub role: OrgRole,
    /// `resource:action` pairs the role holds, from the api's permission statement.
    pub permitted: Vec<String>,
}

impl Shell {
    /// Loads the frame: the session and the stores together, then the permission statement (cached).
    /// No session → sign in; no store → onboarding.
    pub async fn load(
        api: &ApiClient,
        memory: &ShellMemory,
        credentials: &Credentials,
    ) -> Result<Self, PageError> {
        let frame = memory.frames.frame(api, credentials).await?;
        let (session, stores) = (frame.session.clone(), frame.stores.clone());
        let active = session
            .session
            .active_organization_id
            .and_then(|id| stores.iter().find(|store| store.id == id))
            .or_else(|| stores.first())
            .cloned()
            .ok_or_else(|| PageError::Redirect("/onboarding".to_owned()))?;
        if session.session.active_organization_id != Some(active.id) {
            // The session has no (or a stale) active store: pick it there, or the api would refuse.
            return Err(PageError::Redirect("/stores".to_owned()));
        }
        let role = active.role.unwrap_or(OrgRole::Member);
        let permitted = memory.statement.permitted(api, credentials, role).await?;
        Ok(Self {
            session,
            stores,
            active,
            role,
            permitted,
        })
    }

    /// A fixed frame for the pages' tests: Ada, owner of the one store Acme, holding `permitted`.
    #[cfg(any(test, feature = "bench"))]
    pub fn fixture(permitted: &[&str]) -> Self {
        use api_types::auth::{SessionView, UserView};
        let at = chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default();
        let user = uuid::Uuid::from_u128(1);
        let store = OrganizationView {
            id: uuid::Uuid::from_u128(2),
            name: "Acme".to_owned(),
            slug: "acme".to_owned(),
            created_at: at,
            role: Some(OrgRole::Owner),
        };
        Self {
            session: SessionResponse {
                session: SessionView {
                    id: uuid::Uuid::from_u128(3),
                    user_id: user,
                    active_organization_id: Some(store.id),
                    created_at: at,
                    expires_at: at + chrono::Duration::days(7),
                },
                user: UserView {
                    id: user,
                    email: "ada@example.com".to_owned(),
                    name: "Ada".to_owned(),
                    role: PlatformRole::OrgMember,
                    email_verified: true,
                    created_at: at,
                },
            },
            stores: vec![store.clone()],
            active: store,
            role: OrgRole::Owner,
            permitted: permitted.iter().map(|&held| held.to_owned()).collect(),
        }
    }

    /// Whether the role holds `resource:action` (to hide controls the api would refuse anyway).
    #[must_use]
    pub fn may(&self, permission: &str) -> bool {
        self.permitted.iter().any(|held| held == permission)
    }
}

/// What a worker remembers between pages: the permission statement, and each session's frame
/// for a few seconds.
#[derive(Debug, Default)]
pub struct ShellMemory {
    statement: PermissionStatement,
    frames: Frames,
}

impl ShellMemory {
    /// Forgets the frame of the session with this cookie: the next page asks the api again (a page
    /// reached by a plain link changed what the frame shows: the address was verified).
    pub async fn forget(&self, session_cookie: &str) {
        self.frames.cache.invalidate(session_cookie).await;
    }
}

/// Middleware: any change a session makes (signing out, switching or creating a store, renaming
/// it…) forgets its frame first, so the page after it is drawn from what the api says now.
pub async fn forget_frames_on_changes(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if !req.method().is_safe() {
        let cookie = raw_credentials(req.request()).session_cookie();
        if let (Some(memory), Some(cookie)) = (req.app_data::<Memory>(), cookie) {
            memory.frames.cache.invalidate(&cookie).await;
        }
    }
    next.call(req).await
}

/// A session's user and stores, as the api answered them.
#[derive(Debug)]
struct Frame {
    session: SessionResponse,
    stores: Vec<OrganizationView>,
}

/// How long a session's frame is reused: the page's own data is always asked of the api with the
/// cookie (a signed-out or demoted user is refused at once); only the frame — the names, the
/// store list, the role that hides controls — may be this late.
pub const FRAME_TTL: Duration = Duration::from_secs(10);
const MOST_FRAMES: u64 = 10_000;

/// The frames of recent sessions, by session cookie.
#[derive(Debug)]
struct Frames {
    cache: moka::future::Cache<String, std::sync::Arc<Frame>>,
}

impl Default for Frames {
    fn default() -> Self {
        Self {
            cache: moka::future::Cache::builder()
                .max_capacity(MOST_FRAMES)
                .time_to_live(FRAME_TTL)
                .build(),
        }
    }
}

impl Frames {
    /// The session and its stores (asked together), from memory when they were asked recently.
    async fn frame(
        &self,
        api: &ApiClient,
        credentials: &Credentials,
    ) -> Result<std::sync::Arc<Frame>, PageError> {
        let cookie = credentials
            .session_cookie
            .clone()
            .ok_or(PageError::SignInRequired)?;
        if let Some(frame) = self.cache.get(&cookie).await {
            return Ok(frame);
        }
        let (session, stores) = join(
            api.get::<Option<SessionResponse>>(credentials, "/api/auth/get-session"),
            api.get::<List<OrganizationView>>(credentials, "/api/auth/organization/list"),
        )
        .await;
        let frame = std::sync::Arc::new(Frame {
            session: session?.ok_or(PageError::SignInRequired)?,
            stores: stores?.data,
        });
        self.cache
            .insert(cookie, std::sync::Arc::clone(&frame))
            .await;
        Ok(frame)
    }
}

/// The api's permission statement, read once per worker and again every ten minutes.
#[derive(Debug, Default)]
struct PermissionStatement {
    cached: RefCell<Option<(Instant, Value)>>,
}

const STATEMENT_TTL: Duration = Duration::from_secs(600);

impl PermissionStatement {
    async fn permitted(
        &self,
        api: &ApiClient,
        credentials: &Credentials,
        role: OrgRole,
    ) -> Result<Vec<String>, ApiFailure> {
        let fresh = self
            .cached
            .borrow()
            .as_ref()
            .filter(|(at, _)| at.elapsed() < STATEMENT_TTL)
            .map(|(_, statement)| statement.clone());
        let statement = match fresh {
            Some(statement) => statement,
            None => {
                let statement: Value = api.get(credentials, "/api/auth/permissions").await?;
                *self.cached.borrow_mut() = Some((Instant::now(), statement.clone()));
                statement
            }
        };
        Ok(statement["roles"][role.as_str()]
            .as_object()
            .map(|grants| {
                grants
                    .iter()
                    .flat_map(|(resource, actions)| {
                        actions
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|action| action.as_str())
                            .map(move |action| format!("{resource}:{action}"))
                    })
                    .collect()
            })
            .unwrap_or_default())
    }
}

/// The parts of the dashboard, for the navigation's current page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Home,
    Products,
    Inventory,
    Orders,
    Customers,
    Agents,
    StoreSettings,
    Domains,
    Team,
    ApiKeys,
    Audit,
    WhoAmI,
}

const HOME_ICON: &str = "M10 2 2 9h2v9h5v-5h2v5h5V9h2z";
const PRODUCTS_ICON: &str = "M3 5l7-3 7 3v10l-7 3-7-3zm7 1L5 4.2v.1L10 6.4l5-2.1z";
const ORDERS_ICON: &str = "M3 3h2l.4 2H17l-1.5 7H6.6l.3 1.5H16V15H6L4.3 5H3zm4 13.5a1.5 1.5 0 1 0 3 0 1.5 1.5 0 0 0-3 0zm6 0a1.5 1.5 0 1 0 3 0 1.5 1.5 0 0 0-3 0z";
const AGENT_ICON: &str = "M9 2h2v2h3a3 3 0 0 1 3 3v6a3 3 0 0 1-3 3H6a3 3 0 0 1-3-3V7a3 3 0 0 1 3-3h3zM7.5 8a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zM7 18h6v1H7z";
const INVENTORY_ICON: &str = "M2 4h16v3H2zm1 4h14v9H3zm4 2v2h6v-2z";
const CUSTOMERS_ICON: &str = "M7 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm7 0a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM1 17a6 6 0 0 1 12 0zm12.5 0a7 7 0 0 0-2-4.9A5 5 0 0 1 19 17z";
const STORE_ICON: &str = "M3 3h14l1 5a3 3 0 0 1-5 2 3 3 0 0 1-6 0 3 3 0 0 1-5-2zm1 9h12v5H4z";
const GLOBE_ICON: &str = "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm5.9 7h-3a12 12 0 0 0-1.2-4.8A6 6 0 0 1 15.9 9zM10 4.1c.9 1.2 1.6 3 1.9 4.9H8.1c.3-1.9 1-3.7 1.9-4.9zM4.1 11h3a12 12 0 0 0 1.2 4.8A6 6 0 0 1 4.1 11zm3-2h-3a6 6 0 0 1 4.2-4.8A12 12 0 0 0 7.1 9zm2.9 6.9c-.9-1.2-1.6-3-1.9-4.9h3.8c-.3 1.9-1 3.7-1.9 4.9zm1.7-.1a12 12 0 0 0 1.2-4.8h3a6 6 0 0 1-4.2 4.8z";
const TEAM_ICON: &str = "M10 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm-6 8a6 6 0 0 1 12 0z";
const AUDIT_ICON: &str = "M5 2h8l4 4v12H5zm2 6h8v1.5H7zm0 3h8v1.5H7zm0 3h5v1.5H7z";
const SHIELD_ICON: &str = "M10 1 3 4v5c0 4.4 3 8.4 7 10 4-1.6 7-5.6 7-10V4z";
const KEY_ICON: &str = "M12.5 2a5.5 5.5 0 0 0-5.2 7.3L2 14.6V18h3.4l.6-.6V16h1.5v-1.5H9l1.2-1.2A5.5 5.5 0 1 0 12.5 2zm1.5 5a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3z";
const PERSON_ICON: &str = "M10 10a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 8a7 7 0 0 1 14 0z";

/// A store page: the sidebar (store switcher, navigation, who is signed in) around `body`.
#[must_use]
pub fn page(shell: &Shell, section: Section, title: &str, body: Markup) -> Markup {
    let link = |href: &str, label: &str, here: Section, icon_path: &'static str| {
        html! {
            a href=(href) aria-current=[(section == here).then_some("page")] {
                (icon(icon_path)) (label)
            }
        }
    };
    let user = &shell.session.user;
    document(
        &Head::new(title, SITE),
        "",
        html! {
            div.app {
                header.sidebar {
                    a.brand href="/" { span.brand-mark aria-hidden="true" {} (SITE) }
                    form.switcher method="post" action="/stores/switch" {
                        label for="store-switcher" { "Store" }
                        div.inline {
                            select #store-switcher name="organizationId" {
                                @for store in &shell.stores {
                                    option value=(store.id) selected[store.id == shell.active.id] { (store.name) }
                                }
                            }
                            button.button type="submit" { "Switch" }
                        }
                        a href="/onboarding" { "+ New store" }
                    }
                    nav.nav aria-label="Dashboard" {
                        (link("/", "Home", Section::Home, HOME_ICON))
                        (link("/products", "Products", Section::Products, PRODUCTS_ICON))
                        @if shell.may("inventory:read") {
                            (link("/inventory", "Inventory", Section::Inventory, INVENTORY_ICON))
                        }
                        @if shell.may("order:read") {
                            (link("/orders", "Orders", Section::Orders, ORDERS_ICON))
                        }
                        @if shell.may("customer:read") {
                            (link("/customers", "Customers", Section::Customers, CUSTOMERS_ICON))
                        }
                        (link("/agents", "Agents", Section::Agents, AGENT_ICON))
                        span.section { "Settings" }
                        (link("/settings/store", "Store", Section::StoreSettings, STORE_ICON))
                        @if shell.may("storeDomain:list") {
                            (link("/settings/domains", "Domains", Section::Domains, GLOBE_ICON))
                        }
                        @if shell.may("member:read") {
                            (link("/settings/team", "Team", Section::Team, TEAM_ICON))
                        }
                        @if shell.may("apiKey:list") {
                            (link("/settings/api-keys", "API keys", Section::ApiKeys, KEY_ICON))
                        }
                        @if shell.may("auditLog:read") {
                            (link("/audit", "Audit log", Section::Audit, AUDIT_ICON))
                        }
                        (link("/whoami", "Who am I here", Section::WhoAmI, PERSON_ICON))
                        @if user.role == PlatformRole::PlatformAdmin {
                            a href="/admin" { (icon(SHIELD_ICON)) "Platform admin" }
                        }
                    }
                    div.me {
                        div { strong { (user.name) } }
                        div { (user.email) " · " (shell.role.as_str()) }
                        form method="post" action="/sign-out" {
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                main #main.content {
                    @if !user.email_verified {
                        form.notice.warning.verify-banner method="post" action="/verify-email/resend" {
                            "Verify your email address: follow the link we sent to " strong { (user.email) } ". "
                            input type="hidden" name="email" value=(user.email);
                            button.link type="submit" { "Send it again" }
                        }
                    }
                    (body)
                }
            }
        },
    )
}

/// The per-worker state of the pages, registered by `pages::configure`.
pub type Api = web::Data<ApiClient>;
/// What the pages remember, per worker.
pub type Memory = web::Data<ShellMemory>;

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, HttpServer, test};
    use serde_json::json;

    use super::*;

    /// A stand-in api answering the frame's three questions, counting the session lookups.
    fn api(lookups: Arc<AtomicUsize>) -> String {
        let shell = Shell::fixture(&[]);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let server = HttpServer::new(move || {
            let (shell, lookups) = (shell.clone(), Arc::clone(&lookups));
            App::new().default_service(web::to(move |req: HttpRequest| {
                let answer = match req.path() {
                    "/api/auth/get-session" => {
                        lookups.fetch_add(1, Ordering::SeqCst);
                        json!(shell.session)
                    }
                    "/api/auth/organization/list" => json!({"data": shell.stores}),
                    _ => json!({"roles": {}}),
                };
                async move { HttpResponse::Ok().json(answer) }
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
    async fn a_frame_is_reused_until_the_session_changes_something() {
        let lookups = Arc::new(AtomicUsize::new(0));
        let client = ApiClient::new(&api(Arc::clone(&lookups)), Duration::from_secs(5), None);
        let memory = web::Data::new(ShellMemory::default());
        let ada = Credentials {
            session_cookie: Some("ada-session".into()),
            ..Credentials::default()
        };
        for _ in 0..3 {
            let shell = Shell::load(&client, &memory, &ada).await.unwrap();
            assert_eq!(shell.active.name, "Acme");
        }
        assert_eq!(
            lookups.load(Ordering::SeqCst),
            1,
            "asked once, then remembered"
        );
        let grace = Credentials {
            session_cookie: Some("grace-session".into()),
            ..Credentials::default()
        };
        Shell::load(&client, &memory, &grace).await.unwrap();
        assert_eq!(
            lookups.load(Ordering::SeqCst),
            2,
            "each session its own frame"
        );

        // A change Ada makes (a post through the pages) forgets her frame, not Grace's.
        let pages = test::init_service(
            App::new()
                .app_data(memory.clone())
                .wrap(from_fn(forget_frames_on_changes))
                .route("/stores/switch", web::post().to(HttpResponse::Ok)),
        )
        .await;
        let switch = test::TestRequest::post()
            .uri("/stores/switch")
            .insert_header(("cookie", "commerce_session=ada-session"))
            .to_request();
        test::call_service(&pages, switch).await;
        Shell::load(&client, &memory, &ada).await.unwrap();
        Shell::load(&client, &memory, &grace).await.unwrap();
        assert_eq!(lookups.load(Ordering::SeqCst), 3);
    }
}
