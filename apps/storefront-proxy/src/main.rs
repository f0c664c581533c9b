//! `storefront-proxy`: serve the edge. Configured by `HOST`, `PORT`, `API_UPSTREAM_URL`,
//! `UPSTREAM_TIMEOUT_SECS`, `WORKERS` and `LOG_FORMAT` (see the README).

use anyhow::Context as _;
use edge_proxy::{EdgeSettings, init_tracing};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = EdgeSettings::from_env(
        |name| std::env::var(name).ok(),
        storefront_proxy::DEFAULT_PORT,
    )?;
    init_tracing(std::env::var("LOG_FORMAT").is_ok_and(|format| format == "json"));
    let server = storefront_proxy::bind(&settings)
        .with_context(|| format!("cannot listen on {}:{}", settings.host, settings.port))?;
    tracing::info!(host = %settings.host, port = server.port(), upstream = %settings.upstream_url, "storefront-proxy listening");
    server.run_until_stopped().await.context("server failed")
}
