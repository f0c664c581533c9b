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
use db::Database;
use resolve_caller::actix::CallerExtractor;

use crate::config::LogFormat;
use crate::state::AppState;
use crate::{Settings, routes, verifiers};

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
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
        Self::build_with(settings, db)
    }

    /// Binds `HOST:PORT` (port 0 picks a free one) over an already migrated database.
    pub fn build_with(settings: Settings, db: Database) -> anyhow::Result<Self> {
        let listener = TcpListener::bind((settings.host.as_str(), settings.port))
            .with_context(|| format!("cannot listen on {}:{}", settings.host, settings.port))?;
        let port = listener.local_addr()?.port();
        let workers = settings.workers;
        let state = AppState {
            settings: Arc::new(settings),
            db,
        };
        let mut server = HttpServer::new(move || app(state.clone())).listen(listener)?;
        if let Some(workers) = workers {
            server = server.workers(workers);
        }
        Ok(Self {
            port,
            server: server.run(),
        })
    }

    #[must_use]
    pub const fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is asked to stop (SIGINT/SIGTERM), finishing requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
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
    let resolver = verifiers::caller_resolver(&state.db, settings.trust_proxy);
    App::new()
        .app_data(web::Data::new(state))
        .app_data(web::Data::new(AuthLinks::under(&settings.frontend_url)))
        .app_data(web::Data::new(CallerExtractor::new(
            resolver,
            api_http::resolve_error_handler,
        )))
        .app_data(api_http::json_config(settings.json_body_limit))
        .app_data(api_http::payload_config(settings.json_body_limit))
        .app_data(api_http::path_config())
        .app_data(api_http::query_config())
        .configure(routes::configure)
        .default_service(web::to(route_not_found))
        .wrap(from_fn(api_http::envelope_for_bare_errors))
        .wrap(from_fn(api_http::catch_panics))
        .wrap(from_fn(api_http::request_id))
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
