//! Extractors of this app: the signed-in user of `/api/auth/*`, and who is asking (for the audit
//! log and rate limits).

use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use api_http::ApiError;
use domain::{OrgId, SessionId, UserId};
use futures_util::future::LocalBoxFuture;
use identity::Actor;
use resolve_caller::actix::{CallerExtractor, client_ip, raw_credentials};
use resolve_caller::{ApiCaller, Credential, ResolveError};

use crate::state::AppState;

/// The user behind the request's session (cookie or bearer session token), whatever the host: the
/// caller of user-level endpoints, which need no tenant.
#[derive(Clone, Debug)]
pub struct SignedInUser {
    pub session_id: SessionId,
    pub user_id: UserId,
    /// Present only while the user is still a member of it.
    pub active_org: Option<OrgId>,
    pub client: ClientInfo,
}

impl SignedInUser {
    /// The organization named in the request, else the session's active one.
    pub fn organization(&self, named: Option<uuid::Uuid>) -> Result<OrgId, ApiError> {
        named
            .map(OrgId::from_uuid)
            .or(self.active_org)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "NO_ACTIVE_ORGANIZATION",
                    "name an organizationId or set an active organization first",
                )
            })
    }

    #[must_use]
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user_id),
            kind: "session",
            principal_id: Some(self.session_id.to_string()),
            ip_address: self.client.ip.map(|ip| ip.to_string()),
        }
    }
}

impl SignedInUser {
    /// The session behind the request, if any. Endpoints that answer "signed out" rather than 401
    /// (get-session, sign-out) call this directly.
    pub async fn resolve(req: &HttpRequest) -> Result<Self, ResolveError> {
        let Some(extractor) = req.app_data::<web::Data<CallerExtractor>>() else {
            return Err(unavailable("caller resolution is not configured"));
        };
        let session = extractor
            .resolver()
            .resolve_session(&raw_credentials(req))
            .await?;
        Ok(Self {
            session_id: session.session_id,
            user_id: session.user_id,
            active_org: session.active_org,
            client: ClientInfo::of(req),
        })
    }
}

fn unavailable(why: &'static str) -> ResolveError {
    ResolveError::Unavailable {
        credential: Credential::None,
        source: why.into(),
    }
}

impl FromRequest for SignedInUser {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            Self::resolve(&req)
                .await
                .map_err(|error| api_http::resolve_error_handler(error, &req))
        })
    }
}

/// Where a request comes from.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl ClientInfo {
    #[must_use]
    pub fn of(req: &HttpRequest) -> Self {
        let trust_proxy = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|state| state.settings.trust_proxy);
        Self {
            ip: client_ip(req, trust_proxy),
            user_agent: req
                .headers()
                .get(actix_web::http::header::USER_AGENT)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned),
        }
    }

    #[must_use]
    pub fn anonymous_actor(&self) -> Actor {
        Actor::anonymous(self.ip.map(|ip| ip.to_string()))
    }

    /// The audit actor for a resolved caller.
    #[must_use]
    pub fn actor_for(&self, caller: &ApiCaller) -> Actor {
        Actor {
            user_id: caller.user_id(),
            kind: caller.kind().as_str(),
            principal_id: Some(caller.principal().to_string()),
            ip_address: self.ip.map(|ip| ip.to_string()),
        }
    }
}

impl FromRequest for ClientInfo {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(Self::of(req)))
    }
}

fn caller_extractor(req: &HttpRequest) -> Result<&CallerExtractor, ApiError> {
    req.app_data::<web::Data<CallerExtractor>>()
        .map(|extractor| extractor.get_ref())
        .ok_or_else(|| ApiError::internal("caller resolution is not configured"))
}

fn links(req: &HttpRequest) -> api_http::AuthLinks {
    req.app_data::<web::Data<AppState>>().map_or_else(
        || api_http::AuthLinks::under(""),
        |state| state.links.clone(),
    )
}

/// The caller of the request, resolved where a handler decides for itself whether to need one.
pub async fn resolve_caller(req: &HttpRequest) -> Result<ApiCaller, ApiError> {
    caller_extractor(req)?
        .resolver()
        .resolve(&raw_credentials(req))
        .await
        .map_err(|error| ApiError::from_resolve(error, &links(req)))
}

/// The store whose storefront domain the request was sent to (its `Host`), whatever credentials it
/// also carries; `None` on any other host.
pub async fn storefront_of(req: &HttpRequest) -> Result<Option<OrgId>, ApiError> {
    let mut raw = raw_credentials(req);
    raw.authorization = None;
    raw.api_key = None;
    raw.cookies.clear();
    match caller_extractor(req)?.resolver().resolve(&raw).await {
        Ok(caller) if caller.kind() == resolve_caller::CallerKind::Host => {
            Ok(Some(caller.org_id()))
        }
        Ok(_) | Err(ResolveError::Unauthenticated(_)) => Ok(None),
        Err(error) => Err(ApiError::from_resolve(error, &links(req))),
    }
}
