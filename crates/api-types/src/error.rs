//! The error envelope (README, "Errors"): every error from every route and extractor has this shape.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// `{"error": "Unauthorized", "code": "UNAUTHORIZED", "status": 401, "details": {…}}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "error": "Unauthorized",
    "code": "UNKNOWN_HOST",
    "status": 401,
    "details": {
        "reason": "no credentials were sent, and `unknown.example` is not a registered storefront",
        "credential": "host",
        "failure": "unknown_host",
        "signInUrl": "http://localhost:3000/sign-in",
        "signUpUrl": "http://localhost:3000/sign-up"
    }
}))]
pub struct ErrorBody {
    /// A short human-readable summary; on Agent Auth's endpoints (`/api/auth/agent/*`), the
    /// protocol's snake_case error word (`capability_not_granted`, `agent_exists`…) instead.
    pub error: String,
    /// On Agent Auth's endpoints only: the human-readable text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A stable machine-readable code (`UNAUTHORIZED`, `FORBIDDEN`, `NOT_FOUND`, `VALIDATION_ERROR`…).
    pub code: String,
    /// The HTTP status, repeated for clients that only see the body.
    pub status: u16,
    /// What went wrong in detail: `reason`, the offending `fields`, and on every 401 `signInUrl` and
    /// `signUpUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<Map<String, Value>>,
}

impl ErrorBody {
    /// `details.reason`: why, in a word a client can branch on (`fresh_session_required`) or a
    /// sentence for people.
    #[must_use]
    pub fn reason(&self) -> Option<&str> {
        self.details.as_ref()?.get("reason")?.as_str()
    }
}
