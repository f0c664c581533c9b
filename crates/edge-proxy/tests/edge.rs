//! The forwarding core against an echoing upstream: header hygiene, streaming, timeouts, failures.

use std::time::Duration;

use edge_proxy::{EdgeRole, EdgeServer, EdgeSettings};
use test_support::{EchoUpstream, TestResponse};

fn spawn_edge(upstream_url: &str, policy: EdgeRole, timeout: Duration) -> String {
    let bind = |settings: &EdgeSettings| EdgeServer::bind(settings, policy, &["/api", "/v1"], None);
    test_support::spawn_edge(bind, upstream_url, timeout)
}

fn client() -> awc::Client {
    awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish()
}

#[actix_web::test]
async fn hop_by_hop_and_forged_forwarding_headers_never_cross() {
    let upstream = EchoUpstream::spawn();
    let edge = spawn_edge(
        &upstream.address,
        EdgeRole::Storefront,
        Duration::from_secs(5),
    );
    let request = client()
        .get(format!("{edge}/v1/products?limit=2"))
        .insert_header(("host", "Shop.Acme.Test:8080"))
        .insert_header(("te", "trailers"))
        .insert_header(("proxy-authorization", "Basic c2VjcmV0"))
        .insert_header(("x-forwarded-for", "6.6.6.6"))
        .insert_header(("x-forwarded-host", "evil.test"))
        .insert_header(("forwarded", "for=6.6.6.6;host=evil.test"))
        .insert_header(("x-api-key", "ck_stopped_at_the_edge_0"))
        .insert_header(("cookie", "commerce_session=abc; theme=dark"));
    let response = TestResponse::send(request, None).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("x-upstream"), Some("kept"));
    assert_eq!(response.header("proxy-authenticate"), None);
    assert!(response.header("x-request-id").is_some());

    let seen = response.json();
    let headers = &seen["headers"];
    assert_eq!(seen["path"], "/v1/products?limit=2");
    for hop in ["te", "proxy-authorization", "forwarded"] {
        assert!(headers.get(hop).is_none(), "{hop} crossed: {headers}");
    }
    assert_eq!(headers["host"][0], "Shop.Acme.Test:8080");
    assert_eq!(
        headers["x-forwarded-host"],
        serde_json::json!(["Shop.Acme.Test:8080"])
    );
    assert_eq!(headers["x-forwarded-for"], serde_json::json!(["127.0.0.1"]));
    assert_eq!(headers["x-forwarded-proto"][0], "http");
    assert!(
        headers.get("x-api-key").is_none(),
        "a storefront never forwards an API key: {headers}"
    );
    assert_eq!(headers["cookie"][0], "commerce_session=abc; theme=dark");
    assert!(
        headers["x-request-id"].is_array(),
        "the edge passes its request id on"
    );
}

/// HTTP clients manage `Connection` themselves, so this one is written by hand.
#[actix_web::test]
async fn headers_named_by_connection_never_cross() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let upstream = EchoUpstream::spawn();
    let edge = spawn_edge(
        &upstream.address,
        EdgeRole::Storefront,
        Duration::from_secs(5),
    );
    let mut stream = tokio::net::TcpStream::connect(edge.trim_start_matches("http://"))
        .await
        .unwrap();
    stream
        .write_all(
            b"GET /v1/products HTTP/1.1\r\nHost: shop.acme.test\r\n\
              Connection: close, x-hop-custom\r\nX-Hop-Custom: must not cross\r\n\
              Keep-Alive: timeout=5\r\nX-End-To-End: kept\r\n\r\n",
        )
        .await
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let answer = answer.to_ascii_lowercase();
    assert!(answer.contains("x-end-to-end"), "{answer}");
    assert!(!answer.contains("x-hop-custom"), "{answer}");
    assert!(!answer.contains("timeout=5"), "{answer}");
}

#[actix_web::test]
async fn the_dashboard_addresses_the_api_by_its_own_name() {
    let upstream = EchoUpstream::spawn();
    let edge = spawn_edge(
        &upstream.address,
        EdgeRole::Dashboard,
        Duration::from_secs(5),
    );
    let request = client()
        .get(format!("{edge}/api/auth/get-session"))
        .insert_header(("host", "dashboard.example.com"))
        .insert_header(("x-api-key", "ck_passes_through_0000"));
    let seen = TestResponse::send(request, None).await.json();
    let upstream_host = upstream.address.trim_start_matches("http://");
    assert_eq!(seen["headers"]["host"][0], upstream_host);
    assert_eq!(seen["headers"]["x-api-key"][0], "ck_passes_through_0000");
    assert_eq!(
        seen["headers"]["x-forwarded-host"][0],
        "dashboard.example.com"
    );
}

#[actix_web::test]
async fn bodies_stream_through_unchanged() {
    let upstream = EchoUpstream::spawn();
    let edge = spawn_edge(
        &upstream.address,
        EdgeRole::Storefront,
        Duration::from_secs(5),
    );
    let body = "x".repeat(3 * 1024 * 1024);
    let request = client()
        .post(format!("{edge}/v1/orders"))
        .insert_header(("host", "shop.acme.test"))
        .insert_header(("content-type", "application/json"));
    let seen = TestResponse::send(request, Some(&body)).await.json();
    assert_eq!(seen["method"], "POST");
    assert_eq!(seen["bodyLength"], body.len());
}

#[actix_web::test]
async fn an_unreachable_api_is_a_502_envelope() {
    let upstream = test_support::unreachable_url();
    let edge = spawn_edge(&upstream, EdgeRole::Storefront, Duration::from_secs(5));
    let request = client()
        .get(format!("{edge}/v1/whoami"))
        .insert_header(("host", "shop.acme.test"));
    let response = TestResponse::send(request, None).await;
    response.assert_error(502, "BAD_GATEWAY");
    assert!(
        !String::from_utf8_lossy(&response.body).contains(&upstream),
        "the edge hides its upstream"
    );
}

#[actix_web::test]
async fn a_slow_api_is_a_504_envelope() {
    let upstream = EchoUpstream::spawn();
    let edge = spawn_edge(
        &upstream.address,
        EdgeRole::Dashboard,
        Duration::from_millis(300),
    );
    let response = TestResponse::send(client().get(format!("{edge}/v1/slow")), None).await;
    response.assert_error(504, "GATEWAY_TIMEOUT");
}

#[actix_web::test]
async fn a_host_that_can_never_be_a_store_stops_at_the_edge() {
    let upstream = EchoUpstream::spawn();
    let edge = spawn_edge(
        &upstream.address,
        EdgeRole::Storefront,
        Duration::from_secs(5),
    );
    for host in ["bad_host.test", "shop.acme.test:99999", "-x-.test"] {
        let request = client()
            .get(format!("{edge}/v1/products"))
            .insert_header(("host", host));
        TestResponse::send(request, None)
            .await
            .assert_error(404, "NOT_FOUND");
    }
}

#[actix_web::test]
async fn other_paths_are_not_forwarded_and_the_edge_has_its_own_health() {
    let upstream = EchoUpstream::spawn();
    let edge = spawn_edge(
        &upstream.address,
        EdgeRole::Dashboard,
        Duration::from_secs(5),
    );
    let response = TestResponse::send(client().get(format!("{edge}/admin")), None).await;
    response.assert_error(404, "NOT_FOUND");
    let response = TestResponse::send(client().get(format!("{edge}/v1x")), None).await;
    response.assert_error(404, "NOT_FOUND");
    let health = TestResponse::send(client().get(format!("{edge}/healthz")), None).await;
    assert_eq!(health.status, 200);
}
