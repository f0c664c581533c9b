//! The rules every page keeps: a change comes from the site's own pages, a `next` never leaves the
//! site, a form is submitted once, and the browser is told not to frame, sniff or leak the pages.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest};
use rand::RngCore as _;

use crate::PageError;

/// Content Security Policy of every page: no inline script, nothing from elsewhere, never framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'; object-src 'none'";

/// Middleware: a request that changes something (any method but GET, HEAD, OPTIONS) must come
/// from a page of this site: its `Origin` (else its `Referer`) is the origin the browser addressed,
/// or `public_origin`. Anything else is a 403 page, before a handler runs.
pub async fn require_same_origin(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if !req.method().is_safe() && !is_same_origin(req.request()) {
        tracing::warn!(origin = ?origin_of(req.request()), "cross-site form post refused");
        return Ok(req
            .error_response(PageError::CrossSite)
            .map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// The public origins the edge answers as, besides the one each request was addressed to.
#[derive(Clone, Debug, Default)]
pub struct PublicOrigins(pub Vec<String>);

fn is_same_origin(req: &HttpRequest) -> bool {
    let Some(origin) = origin_of(req) else {
        return false;
    };
    let connection = req.connection_info();
    let addressed = format!("{}://{}", connection.scheme(), connection.host()).to_ascii_lowercase();
    origin == addressed
        || req
            .app_data::<PublicOrigins>()
            .is_some_and(|public| public.0.iter().any(|o| o.eq_ignore_ascii_case(&origin)))
}

/// `scheme://host[:port]` of the `Origin` header, else of the `Referer`; lower case.
fn origin_of(req: &HttpRequest) -> Option<String> {
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .filter(|value| !value.is_empty() && *value != "null")
    };
    if let Some(origin) = header(header::ORIGIN) {
        return Some(origin.trim_end_matches('/').to_ascii_lowercase());
    }
    let referer = header(header::REFERER)?;
    let (scheme, rest) = referer.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{authority}").to_ascii_lowercase())
}

/// Where to go after signing in: `next` when it is a path of this site, else `/`. A path that a
/// browser would read as another host (`//evil.test`, `/\evil.test`), a URL with a scheme, or one
/// with control characters never passes.
#[must_use]
pub fn safe_next(next: Option<&str>) -> String {
    let Some(next) = next.map(str::trim) else {
        return "/".to_owned();
    };
    let same_site = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && !next
            .get(..4)
            .is_some_and(|start| start.eq_ignore_ascii_case("/%2f"))
        && !next
            .get(..4)
            .is_some_and(|start| start.eq_ignore_ascii_case("/%5c"));
    if same_site {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

/// A one-time form token: 128 random bits as hex. Rendered into a form that creates something, it
/// becomes that change's `Idempotency-Key`, so a double click or a reload makes it once.
#[must_use]
pub fn form_token() -> String {
    let mut bytes = [0_u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Middleware: security headers on every HTML answer.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut response = next.call(req).await?;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if is_html {
        let headers = response.headers_mut();
        for (name, value) in [
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::REFERRER_POLICY, "same-origin"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-store"),
            (
                HeaderName::from_static("permissions-policy"),
                "camera=(), microphone=(), geolocation=()",
            ),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn next_stays_on_the_site() {
        for good in ["/", "/products?q=tee", "/device?user_code=ABCD-EFGH"] {
            assert_eq!(safe_next(Some(good)), good);
        }
        for bad in [
            "https://evil.test",
            "//evil.test",
            "/\\evil.test",
            "\\\\evil.test",
            "javascript:alert(1)",
            "/%2F%2Fevil.test",
            "/%5cevil.test",
            "evil.test",
            "/a\nb",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn form_tokens_are_fresh() {
        let token = form_token();
        assert_eq!(token.len(), 32);
        assert_ne!(token, form_token());
    }

    #[test]
    fn origins_are_compared_with_the_addressed_host() {
        let own = TestRequest::post()
            .insert_header((header::HOST, "localhost:3000"))
            .insert_header((header::ORIGIN, "http://localhost:3000"))
            .to_http_request();
        assert!(is_same_origin(&own));
        let referer = TestRequest::post()
            .insert_header((header::HOST, "localhost:3000"))
            .insert_header((header::REFERER, "http://localhost:3000/products/new"))
            .to_http_request();
        assert!(is_same_origin(&referer));
        for origin in [
            "http://evil.test",
            "null",
            "http://localhost:3001",
            "https://localhost:3000",
        ] {
            let cross = TestRequest::post()
                .insert_header((header::HOST, "localhost:3000"))
                .insert_header((header::ORIGIN, origin))
                .to_http_request();
            assert!(!is_same_origin(&cross), "{origin}");
        }
        let bare = TestRequest::post()
            .insert_header((header::HOST, "localhost:3000"))
            .to_http_request();
        assert!(
            !is_same_origin(&bare),
            "a post with neither header is refused"
        );
    }
}
