//! Building the app and binding it: the same path in `main` and in tests.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{App, Error, HttpResponse, HttpServer, web};
use anyhow::Context as _;
use api_http::{ApiError, AuthLinks};
use commerce::orders::StatusKeys;
use db::Database;
use resolve_caller::actix::CallerExtractor;

use std::num::NonZeroU32;

use actix_cors::Cors;
use actix_web::http::header::{self, HeaderName};
use domain::{Clock, SystemClock};
use email::{Courier, Delivery};
use identity::agents::AgentAuth;
use identity::{DomainRules, EmailPolicy, Identity, IdentityConfig, SessionKeys, host_of_url};

use crate::capabilities::Catalog;
use crate::config::LogFormat;
use crate::dns::HickoryTxt;
use crate::execute::InProcess;
use crate::outbox::{self, Outbox};
use crate::rate_limit::RateLimits;
use crate::state::AppState;
use crate::{Settings, domain_checks, expiry, origin, routes, verifiers};

/// A built, bound, not yet running server, and the state its background work shares.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Connects to `DATABASE_URL`, applies migrations and binds `HOST:PORT`.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = db::connect(&settings.database_url, settings.database_max_connections)
            .await
            .context("cannot connect to DATABASE_URL")?;
        db.migrate().await.context("cannot apply migrations")?;
        Self::build_with(settings, db, Arc::new(SystemClock)).await
    }

    /// Binds `HOST:PORT` (port 0 picks a free one) over an already migrated database, with the
    /// clock that decides expiry (tests move it).
    pub async fn build_with(
        settings: Settings,
        db: Database,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        let listener = TcpListener::bind((settings.host.as_str(), settings.port))
            .with_context(|| format!("cannot listen on {}:{}", settings.host, settings.port))?;
        let port = listener.local_addr()?.port();
        let workers = settings.workers;
        let state = app_state(settings, db, clock).await?;
        let shared = state.clone();
        let mut server = HttpServer::new(move || app(shared.clone())).listen(listener)?;
        if let Some(workers) = workers {
            server = server.workers(workers);
        }
        Ok(Self {
            port,
            server: server.run(),
            state,
        })
    }

    #[must_use]
    pub const fn port(&self) -> u16 {
        self.port
    }

    /// The state the server's handlers and background tasks share (tests run a sweep with it).
    #[must_use]
    pub const fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until the process is asked to stop (SIGINT/SIGTERM), finishing requests in flight.
    /// The background tasks (the sweep of unpaid orders, the check of store domains, the delivery
    /// of email) run as long as the server does.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let _sweeper = expiry::start(self.state.clone());
        let _domain_checks = domain_checks::start(self.state.clone());
        let _courier = outbox::start(self.state);
        self.server.await
    }
}

/// The state every worker shares: settings, database, identity (with its caches), rate limits.
pub async fn app_state(
    settings: Settings,
    db: Database,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<AppState> {
    let keys = SessionKeys::new(settings.auth_secret.expose()).context("AUTH_SECRET")?;
    let order_keys =
        StatusKeys::new(settings.auth_secret.expose().as_bytes()).context("AUTH_SECRET")?;
    let config = IdentityConfig {
        platform_admin_emails: settings.platform_admin_emails.clone(),
        cache_ttl: settings.credential_cache_ttl,
        device_client_ids: settings.device_client_ids.clone(),
        store_domains: domain_rules(&settings),
        session_max_lifetime: settings.session_max_lifetime,
        email: EmailPolicy::under(&settings.frontend_url, settings.require_email_verification),
        password_hashing: settings.password_hashing,
        ..IdentityConfig::default()
    };
    let delivery = match &settings.smtp_url {
        Some(url) => Delivery::Smtp {
            url: url.expose().to_owned(),
        },
        None => Delivery::Folder(settings.email_outbox_dir.clone()),
    };
    let courier = Courier::new(&delivery, &settings.email_from).context("email delivery")?;
    let dns = Arc::new(HickoryTxt::new(settings.dns_resolver).context("the DNS resolver")?);
    let identity = Identity::new(db.conn.clone(), keys, Arc::clone(&clock), config).await?;
    let outbox = Outbox::new(courier, identity.mail_bell());
    let per_minute = NonZeroU32::new(settings.auth_rate_limit_per_minute)
        .context("AUTH_RATE_LIMIT_PER_MINUTE must be at least 1")?;
    let mut capabilities = Catalog::of_this_api().context("the OpenAPI document")?;
    if let Some(names) = &settings.agent_auto_grant {
        capabilities = capabilities
            .auto_granting(names)
            .map_err(|problem| anyhow::anyhow!("AGENT_AUTO_GRANT: {problem}"))?;
    }
    let agents = AgentAuth::new(
        identity.clone(),
        settings.api_public_url.clone(),
        capabilities.policies(),
        settings.agents,
    );
    Ok(AppState {
        agents,
        capabilities: Arc::new(capabilities),
        links: AuthLinks::under(&settings.frontend_url),
        rate_limits: Arc::new(RateLimits::new(per_minute, settings.agent_rate_limits)),
        settings: Arc::new(settings),
        db,
        identity,
        clock,
        order_keys,
        dns,
        outbox,
    })
}

/// The platform's own hosts (the api's, the dashboard's, the trusted origins') and its store
/// domain, from the settings.
fn domain_rules(settings: &Settings) -> DomainRules {
    let mut reserved: Vec<_> = std::iter::once(&settings.api_public_url)
        .chain(std::iter::once(&settings.frontend_url))
        .chain(&settings.cors_origins)
        .filter_map(|url| host_of_url(url))
        .collect();
    reserved.sort();
    reserved.dedup();
    DomainRules {
        reserved,
        platform: settings.platform_store_domain.clone(),
    }
}

/// The whole application: middleware, configuration of extractors, and every route.
fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let settings = Arc::clone(&state.settings);
    with_shared_data(App::new(), &state)
        .app_data(web::Data::new(InProcess::new(state)))
        .configure(routes::configure)
        .default_service(web::to(route_not_found))
        .wrap(from_fn(api_http::sign_in_links))
        .wrap(from_fn(origin::require_trusted_origin))
        .wrap(cors(&settings))
        .wrap(from_fn(api_http::envelope_for_bare_errors))
        .wrap(from_fn(api_http::catch_panics))
        .wrap(from_fn(api_http::request_id))
}

/// The `/v1` routes alone, for running a capability in-process ([`InProcess`]): the same data,
/// extractors and handlers as [`app`], without the layers of a request from the network.
pub(crate) fn v1_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    with_shared_data(App::new(), &state)
        .configure(routes::configure_v1)
        .default_service(web::to(route_not_found))
        .wrap(from_fn(api_http::envelope_for_bare_errors))
        .wrap(from_fn(api_http::catch_panics))
}

/// The state, the caller resolver and the extractors' error answers, shared by both apps.
fn with_shared_data<T>(app: App<T>, state: &AppState) -> App<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = Error, InitError = ()>,
{
    let settings = &state.settings;
    let resolver = verifiers::caller_resolver(&state.db, &state.identity, &state.agents, settings);
    app.app_data(web::Data::new(state.clone()))
        .app_data(web::Data::new(state.links.clone()))
        .app_data(web::Data::new(CallerExtractor::new(
            resolver,
            api_http::resolve_error_handler,
        )))
        .app_data(api_http::json_config(settings.json_body_limit))
        .app_data(api_http::payload_config(settings.json_body_limit))
        .app_data(api_http::path_config())
        .app_data(api_http::query_config())
}

/// Credentialed CORS for the trusted origins only. Requests from other origins pass without CORS
/// headers (a same-origin storefront sends an `Origin` too), so browsers keep their answers from
/// foreign pages.
fn cors(settings: &Settings) -> Cors {
    let trusted = settings.trusted_origins();
    Cors::default()
        .allowed_origin_fn(move |origin, _| {
            origin
                .to_str()
                .is_ok_and(|origin| trusted.iter().any(|t| t.eq_ignore_ascii_case(origin)))
        })
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static(resolve_caller::API_KEY_HEADER),
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static(api_http::REQUEST_ID_HEADER),
        ])
        .expose_headers([
            HeaderName::from_static(api_http::REQUEST_ID_HEADER),
            header::RETRY_AFTER,
        ])
        .supports_credentials()
        .block_on_origin_mismatch(false)
        .max_age(600)
}

async fn route_not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::from_status(StatusCode::NOT_FOUND))
}

/// Logs through `tracing`: human-readable, or one JSON object per line with `LOG_FORMAT=json`.
/// `RUST_LOG` filters (default `info`).
pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    // A second initialisation (tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
