//! Request builders for each kind of caller.

use resolve_caller::{API_KEY_HEADER, SESSION_COOKIE_NAME};

/// Credentials on an outgoing test request, one method per kind of caller.
pub trait CallerRequest: Sized {
    /// A storefront request: the `Host` it is addressed to.
    fn on_host(self, host: &str) -> Self;
    /// An integration: `x-api-key`.
    fn with_api_key(self, key: &str) -> Self;
    /// A browser session: the session cookie.
    fn with_session_cookie(self, cookie_value: &str) -> Self;
    /// `Authorization: Bearer …` (an agent JWT or a device-flow session token).
    fn with_bearer(self, token: &str) -> Self;
}

impl CallerRequest for awc::ClientRequest {
    fn on_host(self, host: &str) -> Self {
        self.insert_header(("host", host))
    }

    fn with_api_key(self, key: &str) -> Self {
        self.insert_header((API_KEY_HEADER, key))
    }

    fn with_session_cookie(self, cookie_value: &str) -> Self {
        self.insert_header(("cookie", format!("{SESSION_COOKIE_NAME}={cookie_value}")))
    }

    fn with_bearer(self, token: &str) -> Self {
        self.insert_header(("authorization", format!("Bearer {token}")))
    }
}
