//! `/v1/admin/store/*` and `/v1/admin/audit-events`.

use chrono::{DateTime, Utc};
use domain::{DomainProof, DomainStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::shapes;
use uuid::Uuid;

/// `POST /v1/admin/store/domains`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddStoreDomainRequest {
    /// A DNS name, in any case (stored lower-case); no port, no trailing dot.
    #[schema(schema_with = shapes::hostname)]
    pub hostname: String,
}

/// `/v1/admin/store/domains/{hostname}`
#[derive(Clone, Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct HostnamePath {
    /// The hostname, in any case.
    #[param(schema_with = shapes::hostname)]
    pub hostname: String,
}

/// A storefront hostname of the organization. It serves the storefront only while `verified`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoreDomainView {
    pub hostname: String,
    pub status: DomainStatus,
    /// `dns`: proven by the TXT record below; `platform`: a name under the platform's store
    /// domain, verified at once.
    pub proof: DomainProof,
    /// The TXT record to publish (and keep) for a hostname proven by DNS.
    pub verification: Option<VerificationRecord>,
    pub verified_at: Option<DateTime<Utc>>,
    /// When its proof was last looked up.
    pub checked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A DNS TXT record that proves a hostname is the store's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerificationRecord {
    /// Always `TXT`.
    #[schema(example = "TXT")]
    pub record_type: String,
    #[schema(example = "_commerce-verification.shop.example.com")]
    pub name: String,
    #[schema(example = "commerce-verification=4f9c0d1e2b3a")]
    pub value: String,
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEventView {
    pub id: Uuid,
    #[schema(example = "api_key_created")]
    pub action: String,
    pub actor_kind: String,
    pub actor_user_id: Option<Uuid>,
    pub principal_id: Option<String>,
    pub subject: Option<String>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub ip_address: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// `GET /v1/admin/audit-events?limit&cursor`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1 to 100 (default 50).
    #[serde(default)]
    #[param(minimum = 1, maximum = 100)]
    #[schema(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    #[serde(default)]
    #[param(schema_with = shapes::cursor)]
    #[schema(schema_with = shapes::cursor)]
    pub cursor: Option<String>,
}

/// A page of a list, and the cursor of the next one (`null` at the end).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A plain list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct List<T> {
    pub data: Vec<T>,
}
