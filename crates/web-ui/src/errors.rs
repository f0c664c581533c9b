//! A page that cannot be shown: the api's refusal or absence, rendered for a person (or, for a
//! client that asked for JSON, as the envelope).
//!
//! Handlers return [`PageError`]; the [`render_page_errors`] middleware turns it into the page,
//! because only it knows the request: a 401 becomes a redirect to sign-in that comes back here.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, HttpResponse, ResponseError};
use maud::html;

use crate::ApiFailure;
use crate::api::escaped;
use crate::components::{Head, centered, html_response};

/// What a page handler answers.
pub type PageResult = Result<HttpResponse, PageError>;

/// Why a page is not shown.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// No session: sign in first, then come back.
    #[error("sign-in required")]
    SignInRequired,
    #[error(transparent)]
    Api(#[from] ApiFailure),
    #[error("not found")]
    NotFound,
    /// A form posted from another site.
    #[error("a change from another site was refused")]
    CrossSite,
    /// The page to show is another one (a store must be created or chosen first).
    #[error("see {0}")]
    Redirect(String),
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::SignInRequired => StatusCode::UNAUTHORIZED,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::CrossSite => StatusCode::FORBIDDEN,
            Self::Redirect(_) => StatusCode::SEE_OTHER,
            Self::Api(ApiFailure::Refused(body)) => {
                StatusCode::from_u16(body.status).unwrap_or(StatusCode::BAD_GATEWAY)
            }
            Self::Api(ApiFailure::Timeout) => StatusCode::GATEWAY_TIMEOUT,
            Self::Api(ApiFailure::Unreachable | ApiFailure::Unreadable(_)) => {
                StatusCode::BAD_GATEWAY
            }
        }
    }

    /// Without the request (the middleware renders the real page): the bare status.
    fn error_response(&self) -> HttpResponse<BoxBody> {
        HttpResponse::new(self.status_code())
    }
}

/// The site's name on error pages; set per edge as app data.
#[derive(Clone, Copy, Debug)]
pub struct SiteName(pub &'static str);

/// Where this site signs people in (`/sign-in` unless registered otherwise: a storefront's is
/// `/account`).
#[derive(Clone, Copy, Debug)]
pub struct SignInPage(pub &'static str);

/// Middleware: renders a [`PageError`] for the request that met it.
pub async fn render_page_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let response = next.call(req).await?;
    let page = response
        .response()
        .error()
        .and_then(|error| error.as_error::<PageError>())
        .map(|page_error| render(page_error, response.request()));
    Ok(match page {
        Some(page) => response.into_response(page).map_into_right_body(),
        None => response.map_into_left_body(),
    })
}

/// The answer for `error` to `req`.
#[must_use]
pub fn render(error: &PageError, req: &HttpRequest) -> HttpResponse {
    let status = error.status_code();
    if let PageError::Redirect(location) = error {
        return see_other(location);
    }
    if matches!(error, PageError::SignInRequired) || status == StatusCode::UNAUTHORIZED {
        return sign_in_redirect(req);
    }
    if wants_json(req) {
        return json_envelope(error, status);
    }
    let site = req.app_data::<SiteName>().map_or("Commerce", |site| site.0);
    let retry = req.uri().to_string();
    let (heading, message, links): (&str, String, Vec<(&str, String)>) = match error {
        PageError::CrossSite => (
            "This form came from another site",
            "For your safety, changes are accepted only from this site's own pages. Open the page \
             again and submit it from there."
                .to_owned(),
            vec![("Go to the home page", "/".to_owned())],
        ),
        PageError::NotFound => not_found(),
        PageError::Api(ApiFailure::Refused(body)) if body.status == 404 => not_found(),
        PageError::Api(ApiFailure::Refused(body)) if body.status == 403 => (
            "You don't have permission to do this",
            reason_of(body),
            vec![
                ("See your role and what it permits", "/whoami".to_owned()),
                ("Go to the home page", "/".to_owned()),
            ],
        ),
        PageError::Api(ApiFailure::Refused(body)) => (
            "Something went wrong",
            format!("{} ({})", reason_of(body), body.code),
            vec![
                ("Try again", retry),
                ("Go to the home page", "/".to_owned()),
            ],
        ),
        PageError::Api(ApiFailure::Unreachable | ApiFailure::Unreadable(_)) => (
            "The store's server is not answering",
            "Nothing was lost. Please try again in a moment.".to_owned(),
            vec![("Try again", retry)],
        ),
        PageError::Api(ApiFailure::Timeout) => (
            "The store's server is taking too long",
            "Your last change may or may not have been made: check before you repeat it."
                .to_owned(),
            vec![("Try again", retry)],
        ),
        PageError::SignInRequired | PageError::Redirect(_) => not_found(),
    };
    let page = centered(
        &Head::new(heading, site),
        heading,
        html! {
            p.lead { (message) }
            p.status-code { "Error " (status.as_u16()) }
            div.actions {
                @for (label, href) in &links { a.button href=(href) { (label) } }
            }
        },
    );
    html_response(status, page)
}

fn not_found() -> (&'static str, String, Vec<(&'static str, String)>) {
    (
        "Page not found",
        "There is nothing here, or it belongs to another store.".to_owned(),
        vec![("Go to the home page", "/".to_owned())],
    )
}

/// Why the api refused, for a person: its text, or a sentence for the words it answers with.
fn reason_of(body: &api_types::ErrorBody) -> String {
    if let Some(message) = &body.message {
        return message.clone();
    }
    match body.reason() {
        Some("platform_admin_required") => {
            "Only platform administrators can open this page.".to_owned()
        }
        Some("insufficient_role") => "Your role in this store does not allow this.".to_owned(),
        Some("insufficient_scope") => {
            "This needs access the way you signed in does not give.".to_owned()
        }
        Some("fresh_session_required") => {
            "Sign in again first: this needs a recent sign-in.".to_owned()
        }
        // A word the api added since: readable as words.
        Some(word) if !word.contains(' ') => word.replace('_', " "),
        Some(sentence) => sentence.to_owned(),
        None => body.error.clone(),
    }
}

/// `303 /sign-in?next=<this page>` ([`SignInPage`]; for a change, the page it came from is not known: home).
#[must_use]
pub fn sign_in_redirect(req: &HttpRequest) -> HttpResponse {
    let next = if req.method().is_safe() {
        req.uri()
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned())
    } else {
        "/".to_owned()
    };
    let page = req
        .app_data::<SignInPage>()
        .map_or("/sign-in", |page| page.0);
    let location = format!("{page}?next={}", escaped(&next));
    see_other(&location)
}

/// `303 See Other` to `location` (after a form post, the browser asks with GET).
#[must_use]
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

fn wants_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json") && !accept.contains("text/html"))
}

fn json_envelope(error: &PageError, status: StatusCode) -> HttpResponse {
    match error {
        PageError::Api(ApiFailure::Refused(body)) => HttpResponse::build(status).json(body),
        _ => {
            let body = api_types::ErrorBody {
                error: status.canonical_reason().unwrap_or("Error").to_owned(),
                message: None,
                code: match status {
                    StatusCode::BAD_GATEWAY => "BAD_GATEWAY",
                    StatusCode::GATEWAY_TIMEOUT => "GATEWAY_TIMEOUT",
                    StatusCode::FORBIDDEN => "CROSS_SITE_REQUEST",
                    _ => "NOT_FOUND",
                }
                .to_owned(),
                status: status.as_u16(),
                details: None,
            };
            let mut response = HttpResponse::build(status).json(body);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn signed_out_pages_come_back_after_sign_in() {
        let req = TestRequest::get().uri("/products?q=tee").to_http_request();
        let response = render(&PageError::SignInRequired, &req);
        assert_eq!(response.status(), 303);
        assert_eq!(
            response.headers().get(header::LOCATION).unwrap(),
            "/sign-in?next=%2Fproducts%3Fq%3Dtee"
        );
    }

    #[test]
    fn the_api_down_is_a_502_page_or_envelope() {
        let page = render(
            &PageError::Api(ApiFailure::Unreachable),
            &TestRequest::get().uri("/orders").to_http_request(),
        );
        assert_eq!(page.status(), 502);
        assert!(
            page.headers()
                .get(header::CONTENT_TYPE)
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let json = render(
            &PageError::Api(ApiFailure::Unreachable),
            &TestRequest::get()
                .insert_header((header::ACCEPT, "application/json"))
                .to_http_request(),
        );
        assert_eq!(json.status(), 502);
        assert!(
            json.headers()
                .get(header::CONTENT_TYPE)
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
    }
}
