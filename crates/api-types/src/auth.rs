//! `/api/auth/*`: accounts, sessions, organizations, members, platform roles, API keys.

use chrono::{DateTime, Utc};
use domain::{DeviceCodeStatus, OrgRole, PlatformRole, Scope};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::shapes;
use uuid::Uuid;

/// `POST /api/auth/sign-up/email`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignUpRequest {
    #[schema(schema_with = shapes::email)]
    pub email: String,
    /// 8 to 128 characters, taken as typed (no trimming).
    #[schema(schema_with = shapes::new_password)]
    pub password: String,
    #[schema(schema_with = shapes::person_name)]
    pub name: String,
}

/// `POST /api/auth/sign-in/email`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
}

/// A user, as the user themselves and their organizations see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    /// The platform role: `platform_admin` or `org_member`.
    pub role: PlatformRole,
    /// Whether the user followed a verification link sent to `email`.
    pub email_verified: bool,
    pub created_at: DateTime<Utc>,
}

/// The answer to a sign-up when sign-in waits for a verified address
/// (`REQUIRE_EMAIL_VERIFICATION`): the account exists, no session was opened, and the link that
/// verifies it is on its way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerificationPending {
    pub user: UserView,
}

/// Either answer of a sign-up, as a client reads it: a session (200), or an account waiting for
/// its address to be verified (202). Tried in this order: only the first has a `session`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SignUpAnswer {
    SignedIn(SessionResponse),
    VerificationPending(VerificationPending),
}

/// `POST /api/auth/send-verification-email`, `POST /api/auth/request-password-reset`: the address
/// to send a link to.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailLinkRequest {
    pub email: String,
}

/// `POST /api/auth/verify-email`: the token of the link.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyEmailRequest {
    pub token: String,
}

/// `POST /api/auth/reset-password`: the token of the link, and the new password.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResetPasswordRequest {
    pub token: String,
    /// 8 to 128 characters, taken as typed (no trimming).
    #[schema(schema_with = shapes::new_password)]
    pub new_password: String,
}

/// A session (never its token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub id: Uuid,
    pub user_id: Uuid,
    /// The organization the session acts in; `null` for a shopper or before one is chosen.
    pub active_organization_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The answer of sign-up, sign-in and get-session. The session cookie is set alongside.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    pub session: SessionView,
    pub user: UserView,
}

/// `{"success": true}`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Success {
    pub success: bool,
}

impl Success {
    #[must_use]
    pub const fn yes() -> Self {
        Self { success: true }
    }
}

/// `POST /api/auth/organization/create`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrganizationRequest {
    #[schema(schema_with = shapes::store_name)]
    pub name: String,
    /// 2 to 64 lower-case letters, digits or `-`; unique on the platform.
    #[schema(schema_with = shapes::slug)]
    pub slug: String,
}

/// An organization, with the caller's role in it where that is known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationView {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<OrgRole>,
}

/// `POST /api/auth/organization/set-active` (`null` clears it).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetActiveOrganizationRequest {
    pub organization_id: Option<Uuid>,
}

/// `POST /api/auth/organization/invite-member` (and `add-member`, which invites the same way): an
/// address and the role it is invited to. The organization is the session's active one unless
/// named.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InviteMemberRequest {
    #[schema(schema_with = shapes::email)]
    pub email: String,
    pub role: OrgRole,
    #[serde(default)]
    pub organization_id: Option<Uuid>,
}

/// An invitation to join an organization (never its token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitationView {
    pub id: Uuid,
    pub organization_id: Uuid,
    /// Only the account with this address can accept it.
    pub email: String,
    pub role: OrgRole,
    pub status: domain::InvitationStatus,
    pub invited_by: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// What the holder of an invitation's link sees before accepting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitationPreview {
    pub organization_name: String,
    /// The inviter's name, while their account exists.
    pub inviter_name: Option<String>,
    pub email: String,
    pub role: OrgRole,
    pub expires_at: DateTime<Utc>,
}

/// `GET /api/auth/organization/get-invitation`
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct InvitationTokenQuery {
    /// The token of the invitation's link.
    pub token: String,
}

/// `POST /api/auth/organization/accept-invitation`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcceptInvitationRequest {
    pub token: String,
}

/// `POST /api/auth/organization/cancel-invitation`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CancelInvitationRequest {
    pub invitation_id: Uuid,
    #[serde(default)]
    pub organization_id: Option<Uuid>,
}

/// `POST /api/auth/organization/remove-member`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemoveMemberRequest {
    pub user_id: Uuid,
    #[serde(default)]
    pub organization_id: Option<Uuid>,
}

/// `POST /api/auth/organization/update-member-role`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateMemberRoleRequest {
    pub user_id: Uuid,
    pub role: OrgRole,
    #[serde(default)]
    pub organization_id: Option<Uuid>,
}

/// `GET /api/auth/organization/list-members?organizationId=…`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct OrganizationQuery {
    #[serde(default)]
    pub organization_id: Option<Uuid>,
}

/// A member of an organization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: OrgRole,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/auth/admin/set-role` (platform administrators only).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetRoleRequest {
    pub user_id: Uuid,
    pub role: PlatformRole,
}

/// `POST /api/auth/admin/revoke-sessions` (platform administrators only).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevokeSessionsRequest {
    pub user_id: Uuid,
}

/// How many sessions were ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RevokeSessionsResponse {
    pub revoked: u64,
}

/// `GET /api/auth/admin/list-users?q&limit&cursor` (platform administrators only).
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListUsersQuery {
    /// Part of the email or name, case-insensitive (trimmed; empty means everyone).
    #[serde(default)]
    #[param(schema_with = shapes::search)]
    #[schema(schema_with = shapes::search_or_null, required = false)]
    pub q: Option<String>,
    /// 1 to 100 (default 20).
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

/// A user, as platform administrators list them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    /// `platform_admin` or `org_member`.
    pub platform_role: PlatformRole,
    pub created_at: DateTime<Utc>,
    /// Sessions not yet expired (signed in on that many browsers or devices).
    pub active_sessions: u64,
}

/// `POST /api/auth/api-key/create`: for the session's active organization.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateApiKeyRequest {
    #[schema(schema_with = shapes::api_key_name)]
    pub name: String,
    #[schema(min_items = 1)]
    pub scopes: Vec<Scope>,
    /// Seconds until the key expires (60 s to 10 years); absent for a key that lives until revoked.
    #[serde(default, deserialize_with = "domain::whole::option_i64")]
    #[schema(schema_with = shapes::key_lifetime_or_null, required = false)]
    pub expires_in: Option<i64>,
}

/// The server-set facts of a key: which organization it acts for, with which scopes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyMetadata {
    pub organization_id: Uuid,
    pub scopes: Vec<String>,
}

/// An API key (never the key itself, except once at creation as `CreatedApiKey.key`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyView {
    pub id: Uuid,
    pub name: String,
    /// The key's first characters, to recognise it.
    #[schema(example = "ck_Zx3Yq9Ab")]
    pub prefix: String,
    pub organization_id: Uuid,
    pub scopes: Vec<String>,
    pub metadata: ApiKeyMetadata,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A new key: `key` is shown this once; only its hash is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    pub key: String,
    #[serde(flatten)]
    pub api_key: ApiKeyView,
}

/// `POST /api/auth/api-key/delete`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeleteApiKeyRequest {
    pub key_id: Uuid,
}

/// `POST /api/auth/device/code` (JSON or form-encoded), RFC 8628 §3.1.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DeviceCodeRequest {
    #[schema(example = "commerce-cli")]
    pub client_id: String,
    #[serde(default)]
    pub scope: Option<String>,
}

/// RFC 8628 §3.2.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceCodeResponse {
    pub device_code: String,
    /// What the user types on the dashboard's device page: `WDJB-MJHT`.
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: String,
    pub expires_in: i64,
    /// Seconds to wait between polls.
    pub interval: i64,
}

/// `POST /api/auth/device/token` (JSON or form-encoded), RFC 8628 §3.4.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DeviceTokenRequest {
    #[schema(example = "urn:ietf:params:oauth:grant-type:device_code")]
    pub grant_type: String,
    pub device_code: String,
    pub client_id: String,
}

/// RFC 8628 §3.5: a session token, sent as `Authorization: Bearer`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceTokenResponse {
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    pub expires_in: i64,
}

/// A device request, as the approving user sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceRequestView {
    pub user_code: String,
    pub client_id: String,
    pub scope: Option<String>,
    pub status: DeviceCodeStatus,
    pub expires_at: DateTime<Utc>,
    /// When the CLI asked for the code.
    pub created_at: DateTime<Utc>,
    /// The client address the code was asked from (an IP address as text; behind a trusted proxy,
    /// the forwarded client's), `null` for requests made before it was recorded.
    #[schema(example = "203.0.113.7")]
    pub requested_from: Option<String>,
}

/// `GET /api/auth/device?user_code=…`
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeviceQuery {
    pub user_code: String,
}

/// `POST /api/auth/device/approve` and `/deny`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceDecisionRequest {
    #[schema(example = "WDJB-MJHT")]
    pub user_code: String,
}
