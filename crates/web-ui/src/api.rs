//! The api, as the pages call it: over HTTP, with the browser's own credentials, answering the
//! `api-types` wire types or the api's error envelope.

use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpMessage as _, HttpRequest};
use api_http::{REQUEST_ID_HEADER, RequestId};
use api_types::ErrorBody;
use awc::error::SendRequestError;
use resolve_caller::actix::raw_credentials;
use resolve_caller::{SECURE_SESSION_COOKIE_NAME, SESSION_COOKIE_NAME};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Answers larger than this are not read (a page never needs more).
const ANSWER_LIMIT: usize = 8 * 1024 * 1024;
/// How often, and how long apart, a change still running under its key is asked again.
const IN_PROGRESS_WAITS: u32 = 10;
const IN_PROGRESS_PAUSE: Duration = Duration::from_millis(200);

/// What the api is asked with on the browser's behalf: its session cookie and nothing it did not
/// send.
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    pub session_cookie: Option<String>,
    pub user_agent: Option<String>,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
    /// The storefront's host, sent as the api call's `Host` (a storefront's pages only: the api
    /// finds the store by it).
    pub host: Option<String>,
    /// This site's origin as the browser addressed it (`https://shop.example.com`): the `Origin` of
    /// a change, when the client has no fixed one. The edge has checked the browser's own first.
    pub origin: Option<String>,
}

impl Credentials {
    /// The browser's session cookie (read as the api reads it), user agent, address and request id.
    #[must_use]
    pub fn of(req: &HttpRequest) -> Self {
        // Read first: the connection info is cached in the request's extensions, which must not
        // be borrowed meanwhile (the request id below borrows them).
        let origin = {
            let connection = req.connection_info();
            format!("{}://{}", connection.scheme(), connection.host()).to_ascii_lowercase()
        };
        Self {
            session_cookie: raw_credentials(req).session_cookie(),
            user_agent: req
                .headers()
                .get(header::USER_AGENT)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned),
            client_ip: req.peer_addr().map(|addr| addr.ip().to_string()),
            request_id: req
                .extensions()
                .get::<RequestId>()
                .map(|RequestId(id)| id.clone()),
            host: None,
            origin: Some(origin),
        }
    }

    /// The same browser on the storefront `host` (as the browser sent it): the api resolves the
    /// store from it.
    #[must_use]
    pub fn on_host(mut self, host: &str) -> Self {
        self.host = Some(host.to_owned());
        self
    }

    /// The same browser with another session (the one sign-in just opened).
    #[must_use]
    pub fn with_session(mut self, cookie: Option<String>) -> Self {
        self.session_cookie = cookie;
        self
    }
}

/// Why the api gave no usable answer.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ApiFailure {
    /// The api answered with its error envelope.
    #[error("the api refused: {} {}", .0.status, .0.code)]
    Refused(ErrorBody),
    /// The api could not be reached.
    #[error("the api is unreachable")]
    Unreachable,
    /// The api did not answer in time.
    #[error("the api did not answer in time")]
    Timeout,
    /// The api answered something that is not what it documents.
    #[error("the api's answer could not be read: {0}")]
    Unreadable(String),
}

impl ApiFailure {
    /// The status the api answered, if it answered.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Refused(body) => Some(body.status),
            _ => None,
        }
    }

    /// The status to answer the browser with: the api's, or 502 when it gave none.
    #[must_use]
    pub fn status_code(&self) -> StatusCode {
        self.status()
            .and_then(|status| StatusCode::from_u16(status).ok())
            .unwrap_or(StatusCode::BAD_GATEWAY)
    }

    /// The envelope, when the api refused with one of `statuses`.
    #[must_use]
    pub fn refusal(&self, statuses: &[u16]) -> Option<&ErrorBody> {
        match self {
            Self::Refused(body) if statuses.contains(&body.status) => Some(body),
            _ => None,
        }
    }
}

/// A successful answer and the cookies the api set with it (sign-in, sign-out, store switch).
#[derive(Debug)]
pub struct Answer<T> {
    pub value: T,
    pub set_cookies: Vec<HeaderValue>,
}

impl<T> Answer<T> {
    /// The session cookie's new value, when the api set one (empty when it cleared it).
    #[must_use]
    pub fn session_cookie(&self) -> Option<String> {
        self.set_cookies
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| actix_web::cookie::Cookie::parse(value.to_owned()).ok())
            .find(|cookie| {
                cookie.name() == SECURE_SESSION_COOKIE_NAME || cookie.name() == SESSION_COOKIE_NAME
            })
            .map(|cookie| cookie.value().to_owned())
    }

    /// Hands the cookies the api set (a session begun or ended) to the browser with `response`.
    pub fn pass_cookies(&self, response: &mut actix_web::HttpResponse) {
        for cookie in &self.set_cookies {
            response
                .headers_mut()
                .append(header::SET_COOKIE, cookie.clone());
        }
    }
}

/// A change sent to the api: its JSON body and, for a create, the form's one-time token as its
/// `Idempotency-Key`.
#[derive(Debug)]
pub struct Change<'a, B> {
    pub method: Method,
    pub path: &'a str,
    pub body: Option<&'a B>,
    pub idempotency_key: Option<&'a str>,
}

impl<'a, B> Change<'a, B> {
    #[must_use]
    pub const fn post(path: &'a str, body: &'a B) -> Self {
        Self {
            method: Method::POST,
            path,
            body: Some(body),
            idempotency_key: None,
        }
    }

    #[must_use]
    pub const fn patch(path: &'a str, body: &'a B) -> Self {
        Self {
            method: Method::PATCH,
            path,
            body: Some(body),
            idempotency_key: None,
        }
    }

    /// A change without a body (sign-out, archive).
    #[must_use]
    pub const fn bare(method: Method, path: &'a str) -> Self {
        Self {
            method,
            path,
            body: None,
            idempotency_key: None,
        }
    }

    /// Makes a repeated submission of the same form the same change. A form posted without its
    /// token (made by hand) is sent as a change of its own.
    #[must_use]
    pub const fn once(mut self, key: &'a str) -> Self {
        self.idempotency_key = if key.is_empty() { None } else { Some(key) };
        self
    }
}

/// An HTTP client of the api. One per worker (the client is not `Send`).
pub struct ApiClient {
    client: awc::Client,
    base_url: String,
    /// The origin the edge's cookie-authenticated changes carry: one the api trusts
    /// (`FRONTEND_URL`), sent only after the edge checked the browser's own origin.
    origin: Option<String>,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient")
            .field("base_url", &self.base_url)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl ApiClient {
    #[must_use]
    pub fn new(base_url: &str, timeout: Duration, origin: Option<String>) -> Self {
        Self {
            client: awc::Client::builder()
                .timeout(timeout)
                .disable_redirects()
                .finish(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            origin,
        }
    }

    /// `GET path` (with its query), answered as `T`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        credentials: &Credentials,
        path: &str,
    ) -> Result<T, ApiFailure> {
        let request = self.request(credentials, Method::GET, path);
        Ok(Self::read(request.send().await).await?.value)
    }

    /// `GET path?query`, the query serialised from a wire type.
    pub async fn get_with<T: DeserializeOwned, Q: Serialize>(
        &self,
        credentials: &Credentials,
        path: &str,
        query: &Q,
    ) -> Result<T, ApiFailure> {
        let query = serde_urlencoded::to_string(query)
            .map_err(|error| ApiFailure::Unreadable(error.to_string()))?;
        let path = if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        };
        self.get(credentials, &path).await
    }

    /// Sends a change and answers the api's answer with the cookies it set. A change made once
    /// (`Change::once`) whose first sending is still running (a double click) is asked again
    /// shortly: the api then replays the first answer, so both clicks see the same outcome.
    pub async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        credentials: &Credentials,
        change: Change<'_, B>,
    ) -> Result<Answer<T>, ApiFailure> {
        let mut waits = IN_PROGRESS_WAITS;
        loop {
            match self.send_once(credentials, &change).await {
                Err(ApiFailure::Refused(body))
                    if body.code == "IDEMPOTENCY_IN_PROGRESS" && waits > 0 =>
                {
                    waits -= 1;
                    actix_web::rt::time::sleep(IN_PROGRESS_PAUSE).await;
                }
                answer => return answer,
            }
        }
    }

    async fn send_once<B: Serialize, T: DeserializeOwned>(
        &self,
        credentials: &Credentials,
        change: &Change<'_, B>,
    ) -> Result<Answer<T>, ApiFailure> {
        let mut request = self.request(credentials, change.method.clone(), change.path);
        if let Some(origin) = self.origin.as_ref().or(credentials.origin.as_ref()) {
            request = request.insert_header((header::ORIGIN, origin.as_str()));
        }
        if let Some(key) = change.idempotency_key {
            request = request.insert_header(("idempotency-key", key));
        }
        let sent = match change.body {
            Some(body) => request.send_json(body).await,
            None => request.send().await,
        };
        Self::read(sent).await
    }

    fn request(&self, credentials: &Credentials, method: Method, path: &str) -> awc::ClientRequest {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base_url))
            .insert_header((header::ACCEPT, "application/json"));
        // Under the prefixed name, which the api takes whether its own cookies are `Secure` or not
        // (a browser would refuse to hold it over plain http; this is the edge speaking).
        if let Some(cookie) = &credentials.session_cookie {
            request = request.insert_header((
                header::COOKIE,
                format!("{SECURE_SESSION_COOKIE_NAME}={cookie}"),
            ));
        }
        if let Some(agent) = &credentials.user_agent {
            request = request.insert_header((header::USER_AGENT, agent.as_str()));
        }
        if let Some(ip) = &credentials.client_ip {
            request = request.insert_header(("x-forwarded-for", ip.as_str()));
        }
        if let Some(id) = &credentials.request_id {
            request = request.insert_header((REQUEST_ID_HEADER, id.as_str()));
        }
        if let Some(host) = &credentials.host {
            request = request.insert_header((header::HOST, host.as_str()));
        }
        request
    }

    async fn read<T: DeserializeOwned, S>(
        sent: Result<awc::ClientResponse<S>, SendRequestError>,
    ) -> Result<Answer<T>, ApiFailure>
    where
        S: futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>>
            + Unpin,
    {
        let mut response = sent.map_err(|error| {
            tracing::warn!(%error, "api call failed");
            match error {
                SendRequestError::Timeout => ApiFailure::Timeout,
                _ => ApiFailure::Unreachable,
            }
        })?;
        let status = response.status();
        let set_cookies = response
            .headers()
            .get_all(header::SET_COOKIE)
            .cloned()
            .collect();
        let body = response
            .body()
            .limit(ANSWER_LIMIT)
            .await
            .map_err(|error| ApiFailure::Unreadable(error.to_string()))?;
        if !status.is_success() {
            return Err(match serde_json::from_slice::<ErrorBody>(&body) {
                Ok(envelope) => ApiFailure::Refused(envelope),
                Err(_)
                    if status == StatusCode::BAD_GATEWAY
                        || status == StatusCode::GATEWAY_TIMEOUT =>
                {
                    ApiFailure::Unreachable
                }
                Err(_) => ApiFailure::Unreadable(format!("{status} without an envelope")),
            });
        }
        // A 204 (or an empty 200) is JSON `null`.
        let json = if body.is_empty() {
            b"null".as_slice()
        } else {
            &body
        };
        let value = serde_json::from_slice(json)
            .map_err(|error| ApiFailure::Unreadable(error.to_string()))?;
        Ok(Answer { value, set_cookies })
    }
}

/// Everything but RFC 3986's unreserved characters (letters, digits, `-._~`) is escaped.
const RESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `text` escaped for a path segment or a query value of an api or page URL.
#[must_use]
pub fn escaped(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, RESERVED).to_string()
}
