//! actix-web glue: read a request's credentials, and hand handlers an [`ApiCaller`].
//!
//! The api and both proxies read credentials through [`raw_credentials`], so what counts as a
//! credential is decided in one place.

use std::fmt;
use std::sync::Arc;

use actix_web::http::header::{AUTHORIZATION, COOKIE, HOST, HeaderMap, HeaderName};
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use futures_util::future::LocalBoxFuture;

use crate::{
    API_KEY_HEADER, ApiCaller, CallerResolver, RawCredentials, RequestTarget, ResolveError,
    VerifiedHost,
};

/// The header a trusted proxy names the original host in.
pub const FORWARDED_HOST_HEADER: &str = "x-forwarded-host";

/// The credential headers a request may send once only (lower case, as actix names headers).
const SINGLE_CREDENTIAL_HEADERS: [&str; 3] = ["authorization", API_KEY_HEADER, "host"];

/// The credential-bearing headers of an actix request. `Host` falls back to the URI's authority
/// (HTTP/2's `:authority`).
#[must_use]
pub fn raw_credentials(req: &HttpRequest) -> RawCredentials<'_> {
    let headers = req.headers();
    let api_key = HeaderName::from_static(API_KEY_HEADER);
    RawCredentials {
        authorization: header_text(headers, &AUTHORIZATION),
        api_key: header_text(headers, &api_key),
        cookies: headers
            .get_all(COOKIE)
            .map(|value| String::from_utf8_lossy(value.as_bytes()))
            .collect(),
        host: header_text(headers, &HOST).or_else(|| {
            req.uri()
                .authority()
                .map(|authority| authority.as_str().into())
        }),
        forwarded_host: header_text(headers, &HeaderName::from_static(FORWARDED_HOST_HEADER)),
        target: Some(RequestTarget {
            method: req.method().as_str().into(),
            path: req.uri().path().into(),
        }),
        repeated: SINGLE_CREDENTIAL_HEADERS
            .into_iter()
            .filter(|&name| headers.get_all(name).nth(1).is_some())
            .collect(),
    }
}

/// The client's address: the last `X-Forwarded-For` hop when the proxy in front is trusted (it
/// appended what it saw), else the connection's peer.
#[must_use]
pub fn client_ip(req: &HttpRequest, trust_proxy: bool) -> Option<std::net::IpAddr> {
    let forwarded = trust_proxy
        .then(|| req.headers().get("x-forwarded-for"))
        .flatten()
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(|last| last.trim().parse().ok());
    forwarded.or_else(|| req.peer_addr().map(|addr| addr.ip()))
}

fn header_text<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<std::borrow::Cow<'a, str>> {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()))
}

type ErrorHandler = dyn Fn(ResolveError, &HttpRequest) -> actix_web::Error + Send + Sync;

/// App data that lets handlers take an [`ApiCaller`] argument: the resolver, and how a failure is
/// turned into a response (the app's own error envelope).
#[derive(Clone)]
pub struct CallerExtractor {
    resolver: CallerResolver,
    on_error: Arc<ErrorHandler>,
}

impl fmt::Debug for CallerExtractor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallerExtractor")
            .field("resolver", &self.resolver)
            .finish_non_exhaustive()
    }
}

impl CallerExtractor {
    pub fn new(
        resolver: CallerResolver,
        on_error: impl Fn(ResolveError, &HttpRequest) -> actix_web::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            resolver,
            on_error: Arc::new(on_error),
        }
    }

    #[must_use]
    pub const fn resolver(&self) -> &CallerResolver {
        &self.resolver
    }
}

/// Resolves the caller once per request (later extractions reuse it). A request without a valid
/// caller never reaches the handler.
impl FromRequest for ApiCaller {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if let Some(caller) = req.extensions().get::<Self>().cloned() {
                return Ok(caller);
            }
            let extractor = configured(&req)?;
            match extractor.resolver.resolve(&raw_credentials(&req)).await {
                Ok(caller) => {
                    record_caller(&tracing::Span::current(), &caller);
                    req.extensions_mut().insert(caller.clone());
                    Ok(caller)
                }
                Err(error) => Err((extractor.on_error)(error, &req)),
            }
        })
    }
}

/// Writes who called on the request's span, which declares these fields empty
/// (`api_http::request_id`), so that every log line of a request names its tenant and caller.
fn record_caller(span: &tracing::Span, caller: &ApiCaller) {
    span.record("organization_id", tracing::field::display(caller.org_id()));
    span.record("caller_kind", caller.kind().as_str());
    span.record("principal", tracing::field::display(caller.principal()));
}

/// A host endpoint's caller: its `host+jwt`, verified. A request without one never reaches the
/// handler (401).
impl FromRequest for VerifiedHost {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { resolve_host(&req, &*configured(&req)?).await })
    }
}

/// On an endpoint that users and hosts both call: the host when the request presents a host's
/// token (refused if that token is invalid), else `None` and the user's way through decides.
#[derive(Clone, Debug)]
pub struct PresentedHost(pub Option<VerifiedHost>);

impl FromRequest for PresentedHost {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if !CallerResolver::presents_host_token(&raw_credentials(&req)) {
                return Ok(Self(None));
            }
            resolve_host(&req, &*configured(&req)?)
                .await
                .map(|host| Self(Some(host)))
        })
    }
}

async fn resolve_host(
    req: &HttpRequest,
    extractor: &CallerExtractor,
) -> Result<VerifiedHost, actix_web::Error> {
    extractor
        .resolver
        .resolve_host(&raw_credentials(req))
        .await
        .map_err(|error| (extractor.on_error)(error, req))
}

fn configured(req: &HttpRequest) -> Result<web::Data<CallerExtractor>, actix_web::Error> {
    req.app_data::<web::Data<CallerExtractor>>()
        .cloned()
        .ok_or_else(|| {
            actix_web::error::ErrorInternalServerError(
                "caller resolution is not configured for this app",
            )
        })
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::Mutex;

    use domain::{OrgId, Scope};
    use tracing::field::Empty;

    use super::*;
    use crate::{Hostname, Principal};

    /// Log output kept in memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_caller_is_written_on_the_request_span() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let org = OrgId::new();
        let caller = ApiCaller::new(
            Principal::Host(Hostname::parse("shop.example.com").unwrap()),
            org,
            [Scope::Storefront],
            None,
        );
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!(
                "request",
                organization_id = Empty,
                caller_kind = Empty,
                principal = Empty,
            );
            record_caller(&span, &caller);
            span.in_scope(|| tracing::info!("request finished"));
        });
        let logged = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(
            logged.contains(&format!("organization_id={org}")),
            "{logged}"
        );
        assert!(logged.contains("caller_kind=\"host\""), "{logged}");
        assert!(logged.contains("principal=shop.example.com"), "{logged}");
    }
}
