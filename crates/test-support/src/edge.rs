//! An edge (dashboard or storefront proxy) started for one test.

use std::time::Duration;

use edge_proxy::{EdgeServer, EdgeSettings};

/// Starts the edge that `bind` builds on a loopback port, forwarding to `upstream_url`; answers its
/// base URL.
pub fn spawn_edge(
    bind: impl FnOnce(&EdgeSettings) -> std::io::Result<EdgeServer>,
    upstream_url: &str,
    upstream_timeout: Duration,
) -> String {
    let settings = EdgeSettings {
        host: "127.0.0.1".to_owned(),
        port: 0,
        upstream_url: upstream_url.to_owned(),
        upstream_timeout,
        workers: Some(1),
        frontend_url: crate::DASHBOARD_ORIGIN.to_owned(),
        agent_approval_page: "/device/capabilities".to_owned(),
    };
    let edge = bind(&settings).expect("the edge binds a loopback port");
    let address = format!("http://127.0.0.1:{}", edge.port());
    actix_web::rt::spawn(edge.run_until_stopped());
    address
}

/// A URL on which nothing listens: for "the api is down".
#[must_use]
pub fn unreachable_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().expect("a bound port").port();
    format!("http://127.0.0.1:{port}")
}
