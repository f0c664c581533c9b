//! Building and binding an edge server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use api_http::ApiError;

use crate::{EdgeRole, EdgeSettings, Forwarder, forward};

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

/// The pages an edge serves itself, registered after its forwarded prefixes (which win).
pub type Pages = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;

impl EdgeServer {
    /// Binds an edge that forwards every path under `prefixes` (e.g. `/api`, `/v1`) to the api,
    /// serves `pages` for anything else (or a 404 envelope without pages). `/healthz` is the edge's
    /// own.
    pub fn bind(
        settings: &EdgeSettings,
        role: EdgeRole,
        prefixes: &'static [&'static str],
        pages: Option<Pages>,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind((settings.host.as_str(), settings.port))?;
        let port = listener.local_addr()?.port();
        let (upstream, timeout) = (settings.upstream_url.clone(), settings.upstream_timeout);
        let mut server = HttpServer::new(move || {
            let mut app = App::new()
                .app_data(web::Data::new(Forwarder::new(&upstream, timeout, role)))
                // Bodies are streamed to the api, which enforces its own limits.
                .app_data(web::PayloadConfig::new(usize::MAX))
                .route("/healthz", web::get().to(healthz));
            for prefix in prefixes {
                for path in [(*prefix).to_owned(), format!("{prefix}/{{tail:.*}}")] {
                    app = app.service(
                        web::resource(path)
                            .wrap(from_fn(api_http::envelope_for_bare_errors))
                            .to(forward),
                    );
                }
            }
            let app = match &pages {
                Some(pages) => app.configure(|cfg| pages(cfg)),
                None => app.default_service(web::to(not_found)),
            };
            app.wrap(from_fn(api_http::catch_panics))
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
