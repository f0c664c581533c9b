//! The ranked resolution of a request's credentials (README, "How callers authenticate").

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use crate::caller::{ApiCaller, Principal};
use crate::credentials::{
    BadBearer, Bearer, RawCredentials, classify_authorization, is_opaque_token,
};
use crate::verify::{
    AgentTokenVerifier, ApiKeyVerifier, HostResolver, HostTokenVerifier, SessionVerifier,
    VerifiedHost, VerifiedSession, VerifyError,
};
use crate::{Hostname, RequestTarget, Scope};

/// The credential that decided a request's fate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Credential {
    AgentToken,
    /// An agent host's `host+jwt`, on the host endpoints of Agent Auth.
    HostToken,
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
            Self::HostToken => "INVALID_HOST_TOKEN",
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
            Self::HostToken => "host_token",
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
    /// 400: a credential header came more than once; which of its values counts would be a guess.
    #[error("the `{header}` header was sent more than once")]
    RepeatedHeader { header: &'static str },
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

/// What resolution asks, one verifier per kind of credential.
#[derive(Clone)]
pub struct Verifiers {
    pub agents: Arc<dyn AgentTokenVerifier>,
    pub agent_hosts: Arc<dyn HostTokenVerifier>,
    pub api_keys: Arc<dyn ApiKeyVerifier>,
    pub sessions: Arc<dyn SessionVerifier>,
    pub storefronts: Arc<dyn HostResolver>,
}

impl Verifiers {
    /// One value answering every question (an in-memory fake in tests and benchmarks).
    pub fn all<V>(verifier: Arc<V>) -> Self
    where
        V: AgentTokenVerifier
            + HostTokenVerifier
            + ApiKeyVerifier
            + SessionVerifier
            + HostResolver
            + 'static,
    {
        Self {
            agents: verifier.clone(),
            agent_hosts: verifier.clone(),
            api_keys: verifier.clone(),
            sessions: verifier.clone(),
            storefronts: verifier,
        }
    }
}

impl fmt::Debug for Verifiers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifiers").finish_non_exhaustive()
    }
}

/// Resolves callers by rank, asking the verifiers it was built with.
#[derive(Clone)]
pub struct CallerResolver {
    verifiers: Verifiers,
    trust_proxy: bool,
    plain_session_cookie: bool,
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
    #[must_use]
    pub const fn new(verifiers: Verifiers) -> Self {
        Self {
            verifiers,
            trust_proxy: false,
            plain_session_cookie: true,
        }
    }

    /// Whether the unprefixed session cookie counts (see
    /// [`RawCredentials::session_cookie_where`]): not where cookies are `Secure`.
    #[must_use]
    pub const fn accepting_plain_session_cookie(mut self, accepted: bool) -> Self {
        self.plain_session_cookie = accepted;
        self
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
        refuse_repeated(raw)?;
        let bearer = raw.authorization.as_deref().map(classify_authorization);

        // Rank 1: an agent JWT (or anything that claims to be a JWT).
        match bearer {
            Some(Ok(Bearer::AgentJwt(token))) => return self.agent(token, raw).await,
            Some(Ok(Bearer::HostJwt(_))) => {
                return Err(ResolveError::refused(
                    Credential::BearerToken,
                    "invalid_token",
                    "a host+jwt is taken by the host endpoints of /api/auth/agent only: act with an agent+jwt",
                ));
            }
            Some(Err(BadBearer::Algorithm(claimed))) => return Err(bad_algorithm(claimed)),
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
                let session = self.verifiers.sessions.verify_session_token(token).await;
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
        if let Some(cookie) = raw.session_cookie_where(self.plain_session_cookie) {
            let session = self.verifiers.sessions.verify_session_cookie(&cookie).await;
            return self.session(Credential::SessionCookie, session, raw).await;
        }

        // Rank 4: the storefront the request was addressed to.
        let (host, org_id) = self
            .storefront(raw, "no credentials were sent, and ")
            .await?;
        Ok(ApiCaller::new(
            Principal::Host(host),
            org_id,
            [Scope::Storefront],
            None,
        ))
    }

    /// The signed-in user behind a session credential, for user-level endpoints (`/api/auth/*`)
    /// that need no tenant: a bearer session token, else the cookie. An agent token is not a user's
    /// session, and a request without a session credential is 401.
    pub async fn resolve_session(
        &self,
        raw: &RawCredentials<'_>,
    ) -> Result<VerifiedSession, ResolveError> {
        refuse_repeated(raw)?;
        match raw.authorization.as_deref().map(classify_authorization) {
            Some(Ok(Bearer::SessionToken(token))) => self
                .verifiers
                .sessions
                .verify_session_token(token)
                .await
                .map_err(|e| ResolveError::from_verifier(Credential::SessionToken, e)),
            Some(
                Ok(Bearer::AgentJwt(_) | Bearer::HostJwt(_))
                | Err(BadBearer::Jwt(_) | BadBearer::Algorithm(_)),
            ) => Err(ResolveError::refused(
                Credential::BearerToken,
                "not_a_session",
                "this endpoint needs a signed-in user's session, not an agent's or a host's token",
            )),
            Some(Err(BadBearer::Opaque(why))) => Err(ResolveError::refused(
                Credential::BearerToken,
                "malformed",
                why,
            )),
            None => match raw.session_cookie_where(self.plain_session_cookie) {
                Some(cookie) => self
                    .verifiers
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

    /// The agent host behind a `host+jwt`, for the host endpoints of Agent Auth; a request without
    /// one is 401.
    pub async fn resolve_host(
        &self,
        raw: &RawCredentials<'_>,
    ) -> Result<VerifiedHost, ResolveError> {
        refuse_repeated(raw)?;
        match raw.authorization.as_deref().map(classify_authorization) {
            Some(Ok(Bearer::HostJwt(token))) => {
                let unknown = RequestTarget::default();
                self.verifiers
                    .agent_hosts
                    .verify_host_token(token, raw.target.as_ref().unwrap_or(&unknown))
                    .await
                    .map_err(|e| ResolveError::from_verifier(Credential::HostToken, e))
            }
            Some(Err(BadBearer::Algorithm(claimed))) => Err(bad_algorithm(claimed)),
            _ => Err(ResolveError::refused(
                Credential::HostToken,
                "missing_host_token",
                "send the host's host+jwt as a bearer token",
            )),
        }
    }

    /// Whether the request presents a host's token (valid or not), on endpoints that users and
    /// hosts both call: then the host's way through decides.
    #[must_use]
    pub fn presents_host_token(raw: &RawCredentials<'_>) -> bool {
        matches!(
            raw.authorization.as_deref().map(classify_authorization),
            Some(Ok(Bearer::HostJwt(_)) | Err(BadBearer::Algorithm(Credential::HostToken)))
        )
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
            .verifiers
            .agents
            .verify_agent_token(token, Some(target))
            .await
            .map_err(|e| ResolveError::from_verifier(Credential::AgentToken, e))?;
        Ok(ApiCaller::new(
            Principal::Agent(agent.agent_id),
            agent.org_id,
            agent.scopes,
            agent.user_id,
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
            .verifiers
            .api_keys
            .verify_api_key(key)
            .await
            .map_err(|e| ResolveError::from_verifier(Credential::ApiKey, e))?;
        Ok(ApiCaller::new(
            Principal::ApiKey(key.key_id),
            key.org_id,
            key.scopes,
            None,
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
                Principal::Session(session.session_id),
                org_id,
                [Scope::Admin, Scope::Storefront],
                Some(session.user_id),
            ));
        }
        // A shopper's account: the store is the one the request was addressed to.
        let (_, org_id) = self
            .storefront(raw, "the session has no active organization, and ")
            .await?;
        Ok(ApiCaller::new(
            Principal::Session(session.session_id),
            org_id,
            [Scope::Storefront],
            Some(session.user_id),
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
            .verifiers
            .storefronts
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

fn refuse_repeated(raw: &RawCredentials<'_>) -> Result<(), ResolveError> {
    match raw.repeated.first() {
        Some(&header) => Err(ResolveError::RepeatedHeader { header }),
        None if raw.repeats_session_cookie() => {
            Err(ResolveError::RepeatedHeader { header: "cookie" })
        }
        None => Ok(()),
    }
}

/// A token typed as an agent's or a host's that names another algorithm than EdDSA: refused for
/// that (docs/DECISIONS.md, "Agents"), before any verifier sees it.
fn bad_algorithm(claimed: Credential) -> ResolveError {
    ResolveError::refused(
        claimed,
        "bad_algorithm",
        "agent and host tokens are signed with EdDSA (Ed25519) only",
    )
}

#[cfg(test)]
mod tests;
