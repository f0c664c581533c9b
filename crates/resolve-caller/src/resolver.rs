//! The ranked resolution of SPEC §3.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use crate::caller::{ApiCaller, CallerKind};
use crate::credentials::{
    BadBearer, Bearer, RawCredentials, classify_authorization, is_opaque_token,
};
use crate::verify::{
    AgentTokenVerifier, ApiKeyVerifier, HostResolver, SessionVerifier, VerifiedSession, VerifyError,
};
use crate::{Hostname, RequestTarget, Scope};

/// The credential that decided a request's fate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Credential {
    AgentToken,
    /// An `Authorization` header that is neither an agent JWT nor a session token.
    BearerToken,
    ApiKey,
    SessionToken,
    SessionCookie,
    Host,
    /// Nothing at all: no credential and no `Host`.
    None,
}

impl Credential {
    /// The envelope's `code` for a 401 caused by this credential.
    #[must_use]
    pub const fn error_code(self) -> &'static str {
        match self {
            Self::AgentToken => "INVALID_AGENT_TOKEN",
            Self::BearerToken => "INVALID_TOKEN",
            Self::ApiKey => "INVALID_API_KEY",
            Self::SessionToken | Self::SessionCookie => "INVALID_SESSION",
            Self::Host => "UNKNOWN_HOST",
            Self::None => "UNAUTHORIZED",
        }
    }

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AgentToken => "agent_token",
            Self::BearerToken => "bearer_token",
            Self::ApiKey => "api_key",
            Self::SessionToken => "session_token",
            Self::SessionCookie => "session_cookie",
            Self::Host => "host",
            Self::None => "none",
        }
    }
}

impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 401: which credential failed, a machine word for why, and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{credential} refused ({failure}): {message}")]
pub struct AuthFailure {
    pub credential: Credential,
    pub failure: &'static str,
    pub message: String,
}

/// Why no caller could be resolved.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// 401: the deciding credential is missing or invalid.
    #[error(transparent)]
    Unauthenticated(AuthFailure),
    /// 503: a verifier could not answer. Never turned into a 401 or a lower rank.
    #[error("could not verify the {credential} credential")]
    Unavailable {
        credential: Credential,
        #[source]
        source: Box<dyn StdError + Send + Sync>,
    },
}

impl ResolveError {
    fn refused(credential: Credential, failure: &'static str, message: impl Into<String>) -> Self {
        Self::Unauthenticated(AuthFailure {
            credential,
            failure,
            message: message.into(),
        })
    }

    fn from_verifier(credential: Credential, error: VerifyError) -> Self {
        match error {
            VerifyError::Rejected(rejection) => {
                Self::refused(credential, rejection.failure, rejection.message)
            }
            VerifyError::Unavailable(source) => Self::Unavailable { credential, source },
        }
    }
}

/// Resolves callers by rank, asking the verifiers it was built with.
#[derive(Clone)]
pub struct CallerResolver {
    agents: Arc<dyn AgentTokenVerifier>,
    api_keys: Arc<dyn ApiKeyVerifier>,
    sessions: Arc<dyn SessionVerifier>,
    hosts: Arc<dyn HostResolver>,
    trust_proxy: bool,
}

impl fmt::Debug for CallerResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallerResolver")
            .field("trust_proxy", &self.trust_proxy)
            .finish_non_exhaustive()
    }
}

impl CallerResolver {
    /// A resolver that ignores `X-Forwarded-Host` (see [`Self::trusting_proxy`]).
    pub fn new(
        agents: Arc<dyn AgentTokenVerifier>,
        api_keys: Arc<dyn ApiKeyVerifier>,
        sessions: Arc<dyn SessionVerifier>,
        hosts: Arc<dyn HostResolver>,
    ) -> Self {
        Self {
            agents,
            api_keys,
            sessions,
            hosts,
            trust_proxy: false,
        }
    }

    /// Read the storefront host from `X-Forwarded-Host` (`TRUST_PROXY=true`): only behind a proxy that
    /// sets it itself, or any client could pick its tenant.
    #[must_use]
    pub const fn trusting_proxy(mut self, trust_proxy: bool) -> Self {
        self.trust_proxy = trust_proxy;
        self
    }

    #[must_use]
    pub const fn trusts_proxy(&self) -> bool {
        self.trust_proxy
    }

    /// The caller of one request: the highest-ranked credential present decides.
    pub async fn resolve(&self, raw: &RawCredentials<'_>) -> Result<ApiCaller, ResolveError> {
        let bearer = raw.authorization.as_deref().map(classify_authorization);

        // Rank 1: an agent JWT (or anything that claims to be a JWT).
        match bearer {
            Some(Ok(Bearer::AgentJwt(token))) => return self.agent(token, raw).await,
            Some(Err(BadBearer::Jwt(why))) => {
                return Err(ResolveError::refused(
                    Credential::BearerToken,
                    "invalid_token",
                    why,
                ));
            }
            _ => {}
        }

        // Rank 2: an API key.
        if let Some(key) = raw.api_key.as_deref() {
            return self.api_key(key).await;
        }

        // Rank 3: a session, from a bearer token (the CLI) before the cookie (the browser).
        match bearer {
            Some(Ok(Bearer::SessionToken(token))) => {
                let session = self.sessions.verify_session_token(token).await;
                return self.session(Credential::SessionToken, session, raw).await;
            }
            Some(Err(BadBearer::Opaque(why))) => {
                return Err(ResolveError::refused(
                    Credential::BearerToken,
                    "malformed",
                    why,
                ));
            }
            _ => {}
        }
        if let Some(cookie) = raw.session_cookie() {
            let session = self.sessions.verify_session_cookie(&cookie).await;
            return self.session(Credential::SessionCookie, session, raw).await;
        }

        // Rank 4: the storefront the request was addressed to.
        let (host, org_id) = self
            .storefront(raw, "no credentials were sent, and ")
            .await?;
        Ok(ApiCaller::new(
            CallerKind::Host,
            org_id,
            [Scope::Storefront],
            None,
            host.to_string(),
        ))
    }

    /// The signed-in user behind a session credential, for user-level endpoints (`/api/auth/*`)
    /// that need no tenant: a bearer session token, else the cookie. An agent token is not a user's
    /// session, and a request without a session credential is 401.
    pub async fn resolve_session(
        &self,
        raw: &RawCredentials<'_>,
    ) -> Result<VerifiedSession, ResolveError> {
        match raw.authorization.as_deref().map(classify_authorization) {
            Some(Ok(Bearer::SessionToken(token))) => self
                .sessions
                .verify_session_token(token)
                .await
                .map_err(|e| ResolveError::from_verifier(Credential::SessionToken, e)),
            Some(Ok(Bearer::AgentJwt(_)) | Err(BadBearer::Jwt(_))) => Err(ResolveError::refused(
                Credential::BearerToken,
                "not_a_session",
                "this endpoint needs a signed-in user's session, not an agent token",
            )),
            Some(Err(BadBearer::Opaque(why))) => Err(ResolveError::refused(
                Credential::BearerToken,
                "malformed",
                why,
            )),
            None => match raw.session_cookie() {
                Some(cookie) => self
                    .sessions
                    .verify_session_cookie(&cookie)
                    .await
                    .map_err(|e| ResolveError::from_verifier(Credential::SessionCookie, e)),
                None => Err(ResolveError::refused(
                    Credential::None,
                    "missing_session",
                    "sign in first: this endpoint needs a session cookie or session token",
                )),
            },
        }
    }

    async fn agent(
        &self,
        token: &str,
        raw: &RawCredentials<'_>,
    ) -> Result<ApiCaller, ResolveError> {
        // A request of unknown target matches no binding: a bound token fails closed.
        let unknown = RequestTarget::default();
        let target = raw.target.as_ref().unwrap_or(&unknown);
        let agent = self
            .agents
            .verify_agent_token(token, Some(target))
            .await
            .map_err(|e| ResolveError::from_verifier(Credential::AgentToken, e))?;
        Ok(ApiCaller::new(
            CallerKind::Agent,
            agent.org_id,
            agent.scopes,
            agent.user_id,
            agent.agent_id,
        )
        .with_capabilities(agent.capabilities, agent.constraints))
    }

    async fn api_key(&self, key: &str) -> Result<ApiCaller, ResolveError> {
        if !is_opaque_token(key) {
            return Err(ResolveError::refused(
                Credential::ApiKey,
                "malformed",
                "the x-api-key header does not hold an API key",
            ));
        }
        let key = self
            .api_keys
            .verify_api_key(key)
            .await
            .map_err(|e| ResolveError::from_verifier(Credential::ApiKey, e))?;
        Ok(ApiCaller::new(
            CallerKind::ApiKey,
            key.org_id,
            key.scopes,
            None,
            key.key_id,
        ))
    }

    async fn session(
        &self,
        credential: Credential,
        verified: Result<VerifiedSession, VerifyError>,
        raw: &RawCredentials<'_>,
    ) -> Result<ApiCaller, ResolveError> {
        let session = verified.map_err(|e| ResolveError::from_verifier(credential, e))?;
        if let Some(org_id) = session.active_org {
            return Ok(ApiCaller::new(
                CallerKind::Session,
                org_id,
                [Scope::Admin, Scope::Storefront],
                Some(session.user_id),
                session.session_id,
            ));
        }
        // A shopper's account: the store is the one the request was addressed to.
        let (_, org_id) = self
            .storefront(raw, "the session has no active organization, and ")
            .await?;
        Ok(ApiCaller::new(
            CallerKind::Session,
            org_id,
            [Scope::Storefront],
            Some(session.user_id),
            session.session_id,
        ))
    }

    async fn storefront(
        &self,
        raw: &RawCredentials<'_>,
        context: &str,
    ) -> Result<(Hostname, domain::OrgId), ResolveError> {
        let Some(raw_host) = raw.effective_host(self.trust_proxy) else {
            return Err(ResolveError::refused(
                Credential::None,
                "missing_credentials",
                format!("{context}the request has no Host header"),
            ));
        };
        let host = Hostname::parse(raw_host).map_err(|e| {
            ResolveError::refused(Credential::Host, "invalid_host", format!("{context}{e}"))
        })?;
        let org_id = self
            .hosts
            .organization_for_host(&host)
            .await
            .map_err(|e| ResolveError::from_verifier(Credential::Host, e))?
            .ok_or_else(|| {
                ResolveError::refused(
                    Credential::Host,
                    "unknown_host",
                    format!("{context}`{host}` is not a registered storefront"),
                )
            })?;
        Ok((host, org_id))
    }
}

#[cfg(test)]
mod tests;
