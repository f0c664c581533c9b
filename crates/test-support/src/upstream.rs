//! A stand-in upstream for the edges' own tests: it answers what it received.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Map, Value, json};

/// An HTTP server on a loopback port that echoes each request as JSON — `{method, path, headers,
/// bodyLength}` — with a hop-by-hop header and an end-to-end one on its answer. `/v1/slow`
/// answers after three seconds.
#[derive(Debug)]
pub struct EchoUpstream {
    pub address: String,
}

impl EchoUpstream {
    pub fn spawn() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let port = listener.local_addr().expect("a bound port").port();
        let server = HttpServer::new(|| {
            App::new()
                .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
                .route("/v1/slow", web::to(slow))
                .default_service(web::to(echo))
        })
        .workers(1)
        .listen(listener)
        .expect("the echo server listens")
        .run();
        actix_web::rt::spawn(server);
        Self {
            address: format!("http://127.0.0.1:{port}"),
        }
    }
}

async fn echo(req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let mut headers = Map::new();
    for (name, value) in req.headers() {
        let values = headers
            .entry(name.as_str().to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(values) = values {
            values.push(Value::String(
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            ));
        }
    }
    HttpResponse::Ok()
        .insert_header(("x-upstream", "kept"))
        .insert_header(("proxy-authenticate", "Basic realm=\"hop\""))
        .json(json!({
            "method": req.method().as_str(),
            "path": req.uri().path_and_query().map(|pq| pq.as_str()),
            "headers": headers,
            "bodyLength": body.len(),
        }))
}

async fn slow() -> HttpResponse {
    actix_web::rt::time::sleep(Duration::from_secs(3)).await;
    HttpResponse::Ok().finish()
}
