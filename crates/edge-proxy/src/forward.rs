//! Forwarding one request to the api and its answer back.

use std::time::Duration;

use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::{HttpMessage as _, HttpRequest, HttpResponse, ResponseError as _, web};
use api_http::{ApiError, REQUEST_ID_HEADER, RequestId};
use awc::error::SendRequestError;
use resolve_caller::Hostname;

/// Which edge this is: what the api sees of the browser's request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeRole {
    /// Storefronts: the api resolves the tenant from the `Host` the shopper asked for. API keys
    /// are not forwarded: a storefront is for shoppers, and a key a merchant embedded in a shop's
    /// page would be anyone's (review L9).
    Storefront,
    /// The dashboard: the api is addressed by its own name; callers are resolved from the cookie.
    Dashboard,
}

/// What a storefront never forwards.
const STOREFRONT_STRIPPED: [HeaderName; 1] = [HeaderName::from_static("x-api-key")];

/// Headers that describe one connection, not the message: never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP: [HeaderName; 8] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

/// What a client may not tell the api about itself: the edge sets these from what it saw.
const FORWARDED: [HeaderName; 4] = [
    HeaderName::from_static("x-forwarded-for"),
    HeaderName::from_static("x-forwarded-host"),
    HeaderName::from_static("x-forwarded-proto"),
    header::FORWARDED,
];

/// An HTTP client bound to the api. One per worker (the client is not `Send`).
pub struct Forwarder {
    client: awc::Client,
    upstream_url: String,
    role: EdgeRole,
}

impl std::fmt::Debug for Forwarder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forwarder")
            .field("upstream_url", &self.upstream_url)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl Forwarder {
    #[must_use]
    pub fn new(upstream_url: &str, timeout: Duration, role: EdgeRole) -> Self {
        Self {
            client: awc::Client::builder()
                .timeout(timeout)
                .disable_redirects()
                .finish(),
            upstream_url: upstream_url.trim_end_matches('/').to_owned(),
            role,
        }
    }
}

/// Forwards the request, streaming its body, and streams the api's answer back.
pub async fn forward(
    req: HttpRequest,
    body: web::Payload,
    forwarder: web::Data<Forwarder>,
) -> HttpResponse {
    match try_forward(&req, body, &forwarder).await {
        Ok(response) => response,
        Err(error) => error.error_response(),
    }
}

async fn try_forward(
    req: &HttpRequest,
    body: web::Payload,
    forwarder: &Forwarder,
) -> Result<HttpResponse, ApiError> {
    let original_host = resolve_caller::actix::raw_credentials(req)
        .host
        .map(|host| host.into_owned());
    if forwarder.role == EdgeRole::Storefront {
        // The same normalisation the api applies: a host it could never resolve stops here.
        let valid = original_host.as_deref().map(Hostname::parse);
        if !matches!(valid, Some(Ok(_))) {
            return Err(ApiError::not_found("storefront"));
        }
    }

    let path = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
    let mut upstream = forwarder
        .client
        .request(
            req.method().clone(),
            format!("{}{path}", forwarder.upstream_url),
        )
        .no_decompress();
    for (name, value) in end_to_end_headers(req.headers()) {
        if name == header::HOST && forwarder.role == EdgeRole::Dashboard {
            continue;
        }
        if forwarder.role == EdgeRole::Storefront && STOREFRONT_STRIPPED.contains(name) {
            continue;
        }
        upstream = upstream.append_header((name.clone(), value.clone()));
    }
    upstream = set_forwarded_headers(upstream, req, original_host.as_deref());

    let has_body = req.headers().contains_key(header::CONTENT_LENGTH)
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    let sent = if has_body {
        upstream.send_stream(body).await
    } else {
        upstream.send().await
    };
    let response = sent.map_err(upstream_error)?;

    let mut answer = HttpResponse::build(response.status());
    for (name, value) in end_to_end_headers(response.headers()) {
        // The body is re-framed on this connection.
        if name != header::CONTENT_LENGTH {
            answer.append_header((name.clone(), value.clone()));
        }
    }
    Ok(answer.streaming(response))
}

/// Every header but the hop-by-hop ones, those the `Connection` header names, and the
/// `X-Forwarded-*` a client may have forged.
fn end_to_end_headers(headers: &HeaderMap) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
    let named_by_connection: Vec<String> = headers
        .get_all(header::CONNECTION)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .collect();
    headers.iter().filter(move |(name, _)| {
        !HOP_BY_HOP.contains(name)
            && !FORWARDED.contains(name)
            && !named_by_connection
                .iter()
                .any(|listed| listed == name.as_str())
    })
}

fn set_forwarded_headers(
    mut upstream: awc::ClientRequest,
    req: &HttpRequest,
    original_host: Option<&str>,
) -> awc::ClientRequest {
    let connection = req.connection_info();
    if let Some(peer) = req.peer_addr() {
        upstream = upstream.insert_header(("x-forwarded-for", peer.ip().to_string()));
    }
    upstream = upstream.insert_header(("x-forwarded-proto", connection.scheme().to_owned()));
    if let Some(host) = original_host {
        upstream = upstream.insert_header(("x-forwarded-host", host.to_owned()));
    }
    // One id from the edge to the api's logs.
    if let Some(RequestId(id)) = req.extensions().get::<RequestId>() {
        upstream = upstream.insert_header((REQUEST_ID_HEADER, id.clone()));
    }
    upstream
}

fn upstream_error(error: SendRequestError) -> ApiError {
    tracing::warn!(%error, "upstream api call failed");
    match error {
        SendRequestError::Timeout => ApiError::gateway_timeout(),
        _ => ApiError::bad_gateway(),
    }
}
