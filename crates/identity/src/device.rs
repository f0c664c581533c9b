//! Device authorization for the CLI (RFC 8628): the CLI asks for a code, a signed-in user approves
//! it in the dashboard, and the CLI's poll is answered once with a session token it sends as
//! `Authorization: Bearer` (rank 3 of caller resolution).

use std::net::IpAddr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use db::DbError;
use db::repo::device_codes::{self, DeviceRequest, NewDeviceRequest};
use db::repo::users;
use domain::{DeviceCodeStatus, UserId};
use rand::Rng as _;
use serde_json::json;
use sha2::{Digest as _, Sha256};

use crate::audit::{Actor, AuditAction};
use crate::{Identity, IdentityError};

/// How long a code may be approved and polled for.
pub const DEVICE_CODE_LIFETIME: Duration = Duration::minutes(15);
/// The polling interval first asked of the client, in seconds.
pub const POLL_INTERVAL_SECONDS: i32 = 5;
/// Consonants without look-alikes (RFC 8628 §6.1): 20⁸ user codes.
const USER_CODE_ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
const USER_CODE_LEN: usize = 8;

/// The answer to `POST /api/auth/device/code`.
#[derive(Clone, Debug)]
pub struct DeviceAuthorization {
    pub device_code: String,
    /// As shown to people: `WDJB-MJHT`.
    pub user_code: String,
    pub expires_in: i64,
    pub interval: i64,
}

/// A pending request, as the approving user sees it.
#[derive(Clone, Debug)]
pub struct DeviceRequestInfo {
    pub user_code: String,
    pub client_id: String,
    pub scope: Option<String>,
    pub status: DeviceCodeStatus,
    pub expires_at: DateTime<Utc>,
    /// When the CLI asked for the code.
    pub created_at: DateTime<Utc>,
    /// The client address the code was asked from, as text.
    pub requested_from: Option<String>,
}

/// A redeemed request: a session token and its lifetime.
#[derive(Clone, Debug)]
pub struct DeviceToken {
    pub access_token: String,
    pub expires_in: i64,
}

/// The token endpoint's refusals, named as RFC 8628 and RFC 6749 name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeviceTokenError {
    #[error("the user has not yet approved this request")]
    AuthorizationPending,
    #[error("polling too often: wait the interval, now five seconds longer")]
    SlowDown,
    #[error("the device code has expired; start again")]
    ExpiredToken,
    #[error("the user denied this request")]
    AccessDenied,
    #[error("the device code is unknown, was issued to another client, or was already redeemed")]
    InvalidGrant,
    #[error("unknown client_id")]
    InvalidClient,
    #[error("grant_type must be urn:ietf:params:oauth:grant-type:device_code")]
    UnsupportedGrantType,
    #[error("the device code could not be checked; retry")]
    Unavailable,
}

impl DeviceTokenError {
    /// The RFC's error code.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AuthorizationPending => "authorization_pending",
            Self::SlowDown => "slow_down",
            Self::ExpiredToken => "expired_token",
            Self::AccessDenied => "access_denied",
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidClient => "invalid_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::Unavailable => "temporarily_unavailable",
        }
    }
}

/// The grant type of the device flow's token request.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

fn device_code_hash(device_code: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(device_code.as_bytes()))
}

pub(crate) fn new_user_code() -> String {
    let mut rng = rand::rng();
    (0..USER_CODE_LEN)
        .map(|_| char::from(USER_CODE_ALPHABET[rng.random_range(0..USER_CODE_ALPHABET.len())]))
        .collect()
}

/// `wdjb mjht`, `WDJB-MJHT` → `WDJBMJHT`.
#[must_use]
pub fn normalise_user_code(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `WDJBMJHT` → `WDJB-MJHT`.
#[must_use]
pub fn display(user_code: &str) -> String {
    let (head, tail) = user_code.split_at(user_code.len().min(4));
    format!("{head}-{tail}")
}

impl Identity {
    /// Starts a request for an allowed `client_id`, asked from `requested_from` (the client
    /// address, kept to be shown to the approving user).
    pub async fn start_device_authorization(
        &self,
        client_id: &str,
        scope: Option<&str>,
        requested_from: Option<IpAddr>,
    ) -> Result<DeviceAuthorization, DeviceTokenError> {
        if !self
            .config()
            .device_client_ids
            .iter()
            .any(|allowed| allowed == client_id)
        {
            return Err(DeviceTokenError::InvalidClient);
        }
        let now = self.now();
        let mut bytes = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        let device_code = URL_SAFE_NO_PAD.encode(bytes);
        let scope = scope.map(|scope| scope.chars().take(255).collect::<String>());
        let requested_from = requested_from.map(|ip| ip.to_string());
        for _ in 0..5 {
            let user_code = new_user_code();
            let created = device_codes::create(
                self.db(),
                NewDeviceRequest {
                    code_hash: &device_code_hash(&device_code),
                    user_code: &user_code,
                    client_id,
                    scope: scope.as_deref(),
                    interval_seconds: POLL_INTERVAL_SECONDS,
                    expires_at: now + DEVICE_CODE_LIFETIME,
                    requested_from: requested_from.as_deref(),
                },
                now,
            )
            .await;
            match created {
                Ok(_) => {
                    return Ok(DeviceAuthorization {
                        device_code,
                        user_code: display(&user_code),
                        expires_in: DEVICE_CODE_LIFETIME.num_seconds(),
                        interval: i64::from(POLL_INTERVAL_SECONDS),
                    });
                }
                Err(DbError::Conflict(_)) => {}
                Err(_) => return Err(DeviceTokenError::Unavailable),
            }
        }
        Err(DeviceTokenError::Unavailable)
    }

    /// One poll of the token endpoint. An approved request is redeemed once, atomically, for a new
    /// session of the approving user.
    pub async fn poll_device_token(
        &self,
        grant_type: &str,
        client_id: &str,
        device_code: &str,
    ) -> Result<DeviceToken, DeviceTokenError> {
        if grant_type != DEVICE_CODE_GRANT {
            return Err(DeviceTokenError::UnsupportedGrantType);
        }
        let now = self.now();
        let request = device_codes::find_by_code_hash(self.db(), &device_code_hash(device_code))
            .await
            .map_err(|_| DeviceTokenError::Unavailable)?
            .filter(|request| request.client_id == client_id)
            .ok_or(DeviceTokenError::InvalidGrant)?;
        match request.status {
            DeviceCodeStatus::Redeemed => return Err(DeviceTokenError::InvalidGrant),
            DeviceCodeStatus::Denied => return Err(DeviceTokenError::AccessDenied),
            _ if request.expires_at <= now => return Err(DeviceTokenError::ExpiredToken),
            DeviceCodeStatus::Approved => return self.redeem(&request).await,
            DeviceCodeStatus::Pending => {}
            DeviceCodeStatus::Expired => return Err(DeviceTokenError::ExpiredToken),
        }
        let too_early = request.last_polled_at.is_some_and(|last| {
            now - last < Duration::seconds(i64::from(request.interval_seconds))
        });
        device_codes::record_poll(self.db(), request.id, now, if too_early { 5 } else { 0 })
            .await
            .map_err(|_| DeviceTokenError::Unavailable)?;
        Err(if too_early {
            DeviceTokenError::SlowDown
        } else {
            DeviceTokenError::AuthorizationPending
        })
    }

    async fn redeem(&self, request: &DeviceRequest) -> Result<DeviceToken, DeviceTokenError> {
        let user_id = request.user_id.ok_or(DeviceTokenError::InvalidGrant)?;
        if !device_codes::redeem(self.db(), request.id)
            .await
            .map_err(|_| DeviceTokenError::Unavailable)?
        {
            return Err(DeviceTokenError::InvalidGrant);
        }
        let user = users::get(self.db(), user_id)
            .await
            .map_err(|_| DeviceTokenError::InvalidGrant)?;
        let signed_in = self
            .open_session(
                self.db(),
                user,
                request.active_org,
                None,
                Some(&format!("device flow: {}", request.client_id)),
                domain::SignInMethod::DeviceCode,
            )
            .await
            .map_err(|_| DeviceTokenError::Unavailable)?;
        Ok(DeviceToken {
            access_token: signed_in.token,
            expires_in: (signed_in.session.expires_at - self.now()).num_seconds(),
        })
    }

    /// The request a user typed the code of, for the dashboard's approval page.
    pub async fn device_request(
        &self,
        user_code: &str,
    ) -> Result<DeviceRequestInfo, IdentityError> {
        let request = device_codes::find_by_user_code(self.db(), &normalise_user_code(user_code))
            .await?
            .ok_or(IdentityError::NotFound("device request"))?;
        Ok(DeviceRequestInfo {
            user_code: display(&request.user_code),
            client_id: request.client_id,
            scope: request.scope,
            status: if request.status == DeviceCodeStatus::Pending
                && request.expires_at <= self.now()
            {
                DeviceCodeStatus::Expired
            } else {
                request.status
            },
            expires_at: request.expires_at,
            created_at: request.created_at,
            requested_from: request.requested_from,
        })
    }

    /// Approves (as `user`, whose session acts in `active_org`: the CLI's session will too) or
    /// denies the request with this user code. Only a pending, unexpired request can be decided.
    pub async fn decide_device_request(
        &self,
        user: UserId,
        active_org: Option<domain::OrgId>,
        user_code: &str,
        approve: bool,
        actor: &Actor,
    ) -> Result<(), IdentityError> {
        let request = device_codes::find_by_user_code(self.db(), &normalise_user_code(user_code))
            .await?
            .ok_or(IdentityError::NotFound("device request"))?;
        if !device_codes::decide(self.db(), request.id, user, active_org, approve, self.now())
            .await?
        {
            return Err(IdentityError::conflict(
                "DEVICE_REQUEST_CLOSED",
                "this code was already approved, denied or has expired",
            ));
        }
        self.record(
            self.db(),
            None,
            actor,
            if approve {
                AuditAction::DeviceApproved
            } else {
                AuditAction::DeviceDenied
            },
            Some(request.id.to_string()),
            json!({ "clientId": request.client_id }),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_use_the_unambiguous_alphabet_and_normalise() {
        let code = new_user_code();
        assert_eq!(code.len(), 8);
        assert!(code.bytes().all(|b| USER_CODE_ALPHABET.contains(&b)));
        assert_eq!(normalise_user_code(&display(&code).to_lowercase()), code);
        assert_eq!(normalise_user_code(" wdjb-mjht "), "WDJBMJHT");
    }
}
