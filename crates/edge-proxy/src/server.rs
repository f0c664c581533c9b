//! Building and binding an edge server.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use api_http::ApiError;

use crate::{EdgeSettings, Forwarder, HostPolicy, forward};

/// A bound, not yet running edge.
pub struct EdgeServer {
    port: u16,
    server: Server,
}

impl std::fmt::Debug for EdgeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EdgeServer")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl EdgeServer {
    /// Binds an edge that forwards every path under `prefixes` (e.g. `/api`, `/v1`) to the api and
    /// answers a 404 envelope for anything else. `/healthz` is the edge's own.
    pub fn bind(
        settings: &EdgeSettings,
        host_policy: HostPolicy,
        prefixes: &'static [&'static str],
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind((settings.host.as_str(), settings.port))?;
        let port = listener.local_addr()?.port();
        let (upstream, timeout) = (settings.upstream_url.clone(), settings.upstream_timeout);
        let mut server = HttpServer::new(move || {
            let mut app = App::new()
                .app_data(web::Data::new(Forwarder::new(
                    &upstream,
                    timeout,
                    host_policy,
                )))
                // Bodies are streamed to the api, which enforces its own limits.
                .app_data(web::PayloadConfig::new(usize::MAX))
                .route("/healthz", web::get().to(healthz));
            for prefix in prefixes {
                app = app
                    .route(prefix, web::to(forward))
                    .route(&format!("{prefix}/{{tail:.*}}"), web::to(forward));
            }
            app.default_service(web::to(not_found))
                .wrap(from_fn(api_http::envelope_for_bare_errors))
                .wrap(from_fn(api_http::catch_panics))
                .wrap(from_fn(api_http::request_id))
        })
        .listen(listener)?;
        if let Some(workers) = settings.workers {
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

    /// Serves until the process is asked to stop.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::from_status(
        actix_web::http::StatusCode::NOT_FOUND,
    ))
}

/// Logs through `tracing`; `LOG_FORMAT=json` for one JSON object per line, `RUST_LOG` filters.
pub fn init_tracing(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}
