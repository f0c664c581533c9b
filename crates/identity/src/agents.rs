//! Rank 1 of caller resolution: an agent's short-lived JWT (`typ: agent+jwt`), verified with the
//! agent's registered Ed25519 key and mapped to its organization, its approving user, and the
//! capabilities (operationIds) and scopes of its active grants.
//!
//! The algorithm comes from the stored key (always EdDSA), never from the token; `kid`, `jku`,
//! `x5u` and `jwk` headers are never looked at, so a token can never make the api fetch anything.
//! Every `jti` is remembered in the database until the token could no longer be valid, so a replay
//! is refused on every instance. Revocation of the agent, its host or a grant takes effect on the
//! next request: nothing here is cached.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, TimeZone as _, Utc};
use db::repo::agents::{self, Agent, Host};
use domain::{AgentHostId, AgentId, AgentStatus, HostStatus};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use resolve_caller::{
    AgentTokenVerifier, HostTokenVerifier, Rejection, RequestTarget, Scope, VerifiedAgent,
    VerifiedHost, VerifyError,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::Identity;

/// The clock skew tolerated between an agent and the api.
pub const MAX_SKEW: Duration = Duration::seconds(30);
/// The longest an agent token may live (`exp - iat`).
pub const MAX_TOKEN_LIFETIME: Duration = Duration::seconds(60);
const MAX_JTI_LEN: usize = 255;
/// Where an agent executes a capability. Its tokens for this endpoint name it in `aud` (the
/// protocol's audience is the location of the capability), so they are good for nothing else.
pub const EXECUTE_PATH: &str = "/api/auth/agent/capability/execute";

/// What a capability needs, and whether an agent gets it without a user's approval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapabilityPolicy {
    pub scope: Scope,
    /// Storefront reads and `createCart`: granted at registration.
    pub auto_granted: bool,
}

/// How long an agent lives (docs/DECISIONS.md, "Agents": its lifetime clocks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentLifetimes {
    /// Unused this long since its last request, an agent expires (sliding).
    pub session_ttl: Duration,
    /// Active this long since its last activation, an agent expires however busy it is.
    pub max_lifetime: Duration,
    /// This long after its creation an agent is revoked for good; `None`: never.
    pub absolute_lifetime: Option<Duration>,
}

impl Default for AgentLifetimes {
    fn default() -> Self {
        Self {
            session_ttl: Duration::hours(1),
            max_lifetime: Duration::hours(24),
            absolute_lifetime: None,
        }
    }
}

/// Where an agent stands by its clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    Live,
    /// Session TTL or max lifetime elapsed: reactivation brings it back.
    Expired,
    /// Absolute lifetime elapsed: revoked for good.
    Ended,
}

impl AgentLifetimes {
    /// When the agent's session ends if it makes no other request: the earlier of its sliding TTL
    /// and its max lifetime.
    #[must_use]
    pub fn session_ends(&self, agent: &Agent) -> DateTime<Utc> {
        let activated = agent.activated_at.unwrap_or(agent.created_at);
        let used = agent.last_used_at.unwrap_or(activated).max(activated);
        (used + self.session_ttl).min(activated + self.max_lifetime)
    }

    #[must_use]
    pub fn lifetime(&self, agent: &Agent, now: DateTime<Utc>) -> Lifetime {
        if self
            .absolute_lifetime
            .is_some_and(|lifetime| now >= agent.created_at + lifetime)
        {
            Lifetime::Ended
        } else if now >= self.session_ends(agent) {
            Lifetime::Expired
        } else {
            Lifetime::Live
        }
    }
}

/// How this deployment runs Agent Auth.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AgentSettings {
    pub lifetimes: AgentLifetimes,
    /// Hosts may register themselves (`AGENT_DYNAMIC_HOSTS`), `pending` until a user approves.
    pub dynamic_hosts: bool,
}

/// A token of an agent is accepted this long after the last recorded use before the use is
/// recorded again: one write a minute at most, well within any session TTL.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// Agent Auth for one deployment: its issuer URL (the `aud` tokens must name) and every capability
/// with its policy (from the OpenAPI document). Verifies agent tokens (rank 1) and runs the
/// registration and approval of agents.
#[derive(Clone, Debug)]
pub struct AgentAuth {
    identity: Identity,
    audience: String,
    capabilities: Arc<HashMap<String, CapabilityPolicy>>,
    settings: AgentSettings,
}

impl AgentAuth {
    #[must_use]
    pub fn new(
        identity: Identity,
        audience: String,
        capabilities: HashMap<String, CapabilityPolicy>,
        settings: AgentSettings,
    ) -> Self {
        Self {
            identity,
            audience,
            capabilities: Arc::new(capabilities),
            settings,
        }
    }

    #[must_use]
    pub const fn settings(&self) -> &AgentSettings {
        &self.settings
    }

    pub(crate) fn identity(&self) -> &Identity {
        &self.identity
    }

    pub(crate) fn policy(&self, capability: &str) -> Option<CapabilityPolicy> {
        self.capabilities.get(capability).copied()
    }

    /// Every capability with its policy, by name.
    #[must_use]
    pub fn capabilities(&self) -> &HashMap<String, CapabilityPolicy> {
        &self.capabilities
    }
}

#[derive(Debug, Deserialize)]
struct Unverified {
    sub: Option<String>,
    iss: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AgentClaims {
    #[serde(default)]
    iat: Option<i64>,
    #[serde(default)]
    exp: Option<i64>,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    jti: Option<String>,
    /// Narrows the token to these of the agent's grants.
    #[serde(default)]
    capabilities: Option<Vec<String>>,
    /// Binds the token to one request: its method,
    #[serde(default)]
    htm: Option<String>,
    /// its URL (the query and fragment are not compared),
    #[serde(default)]
    htu: Option<String>,
    /// and a hash we do not yet know how to check, so a token carrying it is refused.
    #[serde(default)]
    ath: Option<String>,
}

/// The RFC 7638 SHA-256 thumbprint of an Ed25519 public key (its JWK `x`): a host's identifier,
/// the `iss` of its agents' tokens.
#[must_use]
pub fn thumbprint(public_key_x: &str) -> String {
    use sha2::Digest as _;
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{public_key_x}"}}"#);
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(canonical.as_bytes()))
}

fn reject(failure: &'static str, message: impl Into<String>) -> VerifyError {
    Rejection::new(failure, message).into()
}

fn unavailable(error: db::DbError) -> VerifyError {
    VerifyError::Unavailable(Box::new(error))
}

fn at(seconds: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(seconds, 0).single()
}

/// The claims before any check, only to find whose key to check them with.
fn peek<T: serde::de::DeserializeOwned>(token: &str) -> Result<T, VerifyError> {
    let payload = token
        .split('.')
        .nth(1)
        .ok_or_else(|| reject("malformed", "not a JWT"))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| reject("malformed", "the JWT's claims are not base64url"))?;
    serde_json::from_slice(&bytes)
        .map_err(|_| reject("malformed", "the JWT's claims are not a JSON object"))
}

/// Refuses a host whose status is not `active`.
pub(crate) fn require_active_host(host: &Host) -> Result<(), VerifyError> {
    let failure = match host.status {
        HostStatus::Active => return Ok(()),
        HostStatus::Pending => "host_pending",
        HostStatus::Rejected => "host_rejected",
        HostStatus::Revoked => "host_revoked",
    };
    Err(reject(failure, format!("the host is {}", host.status)))
}

/// Refuses an agent whose status is not `active`.
pub(crate) fn require_active_agent(agent: &Agent) -> Result<(), VerifyError> {
    let failure = match agent.status {
        AgentStatus::Active => return Ok(()),
        AgentStatus::Pending => "agent_pending",
        AgentStatus::Expired => "agent_expired",
        AgentStatus::Revoked => "agent_revoked",
        AgentStatus::Rejected => "agent_rejected",
    };
    Err(reject(failure, format!("the agent is {}", agent.status)))
}

/// Whose key signed a token, and the id its token ids are remembered under.
#[derive(Clone, Copy, Debug)]
struct Signer<'a> {
    public_key_x: &'a str,
    replay_id: Uuid,
}

impl<'a> Signer<'a> {
    fn host(host: &'a Host) -> Self {
        Self {
            public_key_x: &host.key.public_key_x,
            replay_id: host.id.as_uuid(),
        }
    }

    fn agent(agent: &'a Agent) -> Self {
        Self {
            public_key_x: &agent.key.public_key_x,
            replay_id: agent.id.as_uuid(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct PublicJwk {
    kty: String,
    crv: String,
    x: String,
}

#[derive(Debug, Deserialize)]
struct HostTokenClaims {
    /// Empty when the token has none.
    #[serde(default)]
    iss: String,
    #[serde(default)]
    host_public_key: Option<PublicJwk>,
}

/// A `host+jwt`'s type, header and issuer (and the key a new host sends), before any check of its
/// signature: only to find whose key to check it with.
fn host_token_claims(token: &str) -> Result<HostTokenClaims, VerifyError> {
    let header = jsonwebtoken::decode_header(token)
        .map_err(|_| reject("malformed", "unreadable JWT header"))?;
    if !header
        .typ
        .as_deref()
        .is_some_and(|typ| typ.eq_ignore_ascii_case("host+jwt"))
    {
        return Err(reject("invalid_token", "a host token's typ is host+jwt"));
    }
    check_header(token)?;
    let claims: HostTokenClaims = peek(token)?;
    if claims.iss.is_empty() {
        return Err(reject("missing_claim", "`iss` is required"));
    }
    Ok(claims)
}

/// The header of a host or agent token: EdDSA, whatever else it says.
fn check_header(token: &str) -> Result<(), VerifyError> {
    let header = jsonwebtoken::decode_header(token)
        .map_err(|_| reject("malformed", "unreadable JWT header"))?;
    if header.alg != Algorithm::EdDSA {
        return Err(reject(
            "bad_algorithm",
            "agent and host tokens are signed with EdDSA (Ed25519) only",
        ));
    }
    Ok(())
}

/// A `host+jwt` is verified like an agent's token, with the host's own key. A host we do not know
/// passes only where hosts may register themselves, with the key its token carries.
#[async_trait]
impl HostTokenVerifier for AgentAuth {
    async fn verify_host_token(
        &self,
        token: &str,
        _target: &RequestTarget<'_>,
    ) -> Result<VerifiedHost, VerifyError> {
        let claims = host_token_claims(token)?;
        let known = agents::find_host_by_thumbprint(self.identity.db(), &claims.iss)
            .await
            .map_err(unavailable)?;
        let Some(host) = known else {
            if !self.settings().dynamic_hosts {
                return Err(reject("unknown", "no host has this key"));
            }
            let host_id = AgentHostId::new();
            let public_key_x = self.verify_new_host_token(token, host_id).await?;
            return Ok(VerifiedHost::Unregistered {
                host_id,
                public_key_x,
            });
        };
        let pending = host.status == HostStatus::Pending;
        if !pending {
            require_active_host(&host)?;
        }
        self.verified_claims(
            token,
            Signer::host(&host),
            &host.key.thumbprint,
            None,
            &self.audience,
        )
        .await?;
        Ok(VerifiedHost::Registered {
            host_id: host.id,
            org_id: host.org_id,
            pending,
        })
    }
}

impl AgentAuth {
    /// Verifies an agent token on behalf of `org`'s resource server (introspection): a token of
    /// another organization is rejected before anything is written, so its `jti` stays unused and
    /// its agent's clocks untouched.
    pub async fn verify_agent_token_of(
        &self,
        org: domain::OrgId,
        token: &str,
    ) -> Result<VerifiedAgent, VerifyError> {
        self.verify_agent(token, None, Some(org)).await
    }

    async fn verify_agent(
        &self,
        token: &str,
        target: Option<&RequestTarget<'_>>,
        expected_org: Option<domain::OrgId>,
    ) -> Result<VerifiedAgent, VerifyError> {
        check_header(token)?;
        let unverified: Unverified = peek(token)?;
        let agent_id = unverified
            .sub
            .as_deref()
            .and_then(|sub| sub.parse::<AgentId>().ok())
            .ok_or_else(|| reject("unknown", "`sub` names no agent"))?;
        let db = self.identity.db();
        let agent = agents::find_agent(db, agent_id)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| reject("unknown", "no such agent"))?;
        if expected_org.is_some_and(|org| org != agent.org_id) {
            return Err(reject("unknown", "no such agent"));
        }
        let host = agents::find_host(db, agent.org_id, agent.host_id)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| reject("unknown", "the agent's host does not exist"))?;
        if unverified.iss.as_deref() != Some(host.key.thumbprint.as_str()) {
            return Err(reject(
                "invalid_issuer",
                "`iss` is not the thumbprint of the agent's host",
            ));
        }
        require_active_host(&host)?;
        require_active_agent(&agent)?;
        let audience = self.audience_for(target);
        let claims = self
            .verified_claims(
                token,
                Signer::agent(&agent),
                &host.key.thumbprint,
                Some(agent.id),
                &audience,
            )
            .await?;
        if let Some(target) = target {
            self.check_binding(&claims, target)?;
        }
        self.keep_clocks(&agent).await?;

        let granted = agents::active_capabilities(db, agent.org_id, agent.id, self.identity.now())
            .await
            .map_err(unavailable)?;
        let mut capabilities = BTreeSet::new();
        let mut constraints = BTreeMap::new();
        for (capability, limits) in granted {
            let narrowed_away = claims
                .capabilities
                .as_ref()
                .is_some_and(|narrowed| !narrowed.contains(&capability));
            if narrowed_away {
                continue;
            }
            if let Some(limits) = limits {
                // Stored by `decide` only after validation; unreadable text means a broken row, and
                // failing closed (no capability) is the only safe reading of it.
                let Ok(limits) = serde_json::from_str(&limits) else {
                    continue;
                };
                constraints.insert(capability.clone(), limits);
            }
            capabilities.insert(capability);
        }
        let scopes = capabilities
            .iter()
            .filter_map(|capability| self.policy(capability).map(|policy| policy.scope))
            .collect();
        Ok(VerifiedAgent {
            agent_id: agent.id,
            org_id: agent.org_id,
            user_id: agent.user_id,
            scopes,
            capabilities,
            constraints,
        })
    }
}

#[async_trait]
impl AgentTokenVerifier for AgentAuth {
    async fn verify_agent_token(
        &self,
        token: &str,
        target: Option<&RequestTarget<'_>>,
    ) -> Result<VerifiedAgent, VerifyError> {
        self.verify_agent(token, target, None).await
    }
}

impl AgentAuth {
    /// An agent that passed every check but its clocks: expired (or revoked at its absolute
    /// lifetime) now, or its use recorded.
    async fn keep_clocks(&self, agent: &Agent) -> Result<(), VerifyError> {
        let db = self.identity.db();
        let now = self.identity.now();
        let (to, failure, message) = match self.settings.lifetimes.lifetime(agent, now) {
            Lifetime::Live => {
                if agent
                    .last_used_at
                    .is_none_or(|used| now - used >= TOUCH_EVERY)
                {
                    agents::touch_agent(db, agent.org_id, agent.id, now)
                        .await
                        .map_err(unavailable)?;
                }
                return Ok(());
            }
            Lifetime::Expired => (
                AgentStatus::Expired,
                "agent_expired",
                "the agent's session has expired: its host may reactivate it",
            ),
            Lifetime::Ended => (
                AgentStatus::Revoked,
                "absolute_lifetime_exceeded",
                "the agent has reached its absolute lifetime: register a new one",
            ),
        };
        agents::move_agent_status(db, agent.org_id, agent.id, AgentStatus::Active, to, now)
            .await
            .map_err(unavailable)?;
        Err(reject(failure, message))
    }

    /// A `host+jwt` of a host we do not know yet, signed by the key it carries in
    /// `host_public_key` (dynamic registration): verified with that key, whose thumbprint must be
    /// the `iss`. Answers the key's `x`; `id` is the host to be, whose token ids are remembered.
    pub(crate) async fn verify_new_host_token(
        &self,
        token: &str,
        id: AgentHostId,
    ) -> Result<String, VerifyError> {
        let claims = host_token_claims(token)?;
        let key = claims
            .host_public_key
            .filter(|key| key.kty == "OKP" && key.crv == "Ed25519")
            .ok_or_else(|| {
                reject(
                    "unknown",
                    "no host has this key; a new host sends its Ed25519 key in `host_public_key`",
                )
            })?;
        if thumbprint(&key.x) != claims.iss {
            return Err(reject(
                "invalid_issuer",
                "`iss` is not the thumbprint of `host_public_key`",
            ));
        }
        let signer = Signer {
            public_key_x: &key.x,
            replay_id: id.as_uuid(),
        };
        self.verified_claims(token, signer, &claims.iss, None, &self.audience)
            .await?;
        Ok(key.x)
    }

    /// The `aud` a token must carry for `target`: the execute URL for an execution, else the
    /// api's issuer URL.
    fn audience_for(&self, target: Option<&RequestTarget<'_>>) -> String {
        let issuer = self.audience.trim_end_matches('/');
        match target {
            Some(target) if target.path == EXECUTE_PATH => format!("{issuer}{EXECUTE_PATH}"),
            _ => self.audience.clone(),
        }
    }

    /// A token bound to a request (`htm`, `htu`) is valid for that request only.
    fn check_binding(
        &self,
        claims: &AgentClaims,
        target: &RequestTarget<'_>,
    ) -> Result<(), VerifyError> {
        if claims.ath.is_some() {
            return Err(reject(
                "unsupported_binding",
                "`ath` cannot be checked by this api; leave it out",
            ));
        }
        if let Some(method) = &claims.htm
            && *method != target.method
        {
            return Err(reject(
                "request_mismatch",
                format!("`htm` is {method}, the request is {}", target.method),
            ));
        }
        if let Some(url) = &claims.htu {
            let without_query = url.split(['?', '#']).next().unwrap_or_default();
            let expected = format!("{}{}", self.audience.trim_end_matches('/'), target.path);
            if without_query != expected {
                return Err(reject(
                    "request_mismatch",
                    format!("`htu` must be {expected}"),
                ));
            }
        }
        Ok(())
    }

    /// Checks a token signed by `signer` (an agent, or a host) and issued by `issuer`: signature
    /// with its key, `audience`, time by the api's clock, and the one use of its `jti`.
    async fn verified_claims(
        &self,
        token: &str,
        signer: Signer<'_>,
        issuer: &str,
        subject: Option<AgentId>,
        audience: &str,
    ) -> Result<AgentClaims, VerifyError> {
        let key = DecodingKey::from_ed_components(signer.public_key_x)
            .map_err(|_| reject("unknown", "the stored key is unusable"))?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        // Time is checked below with the api's own clock and skew.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud"]);
        validation.set_audience(&[audience]);
        validation.set_issuer(&[issuer]);
        if let Some(subject) = subject {
            validation.sub = Some(subject.to_string());
            validation.required_spec_claims.insert("sub".to_owned());
        }
        let claims = jsonwebtoken::decode::<AgentClaims>(token, &key, &validation)
            .map_err(|error| match error.kind() {
                ErrorKind::InvalidSignature => {
                    reject("bad_signature", "the signature is not the key holder's")
                }
                ErrorKind::InvalidAudience => {
                    reject("invalid_audience", format!("`aud` must be {audience}"))
                }
                ErrorKind::InvalidIssuer => {
                    reject("invalid_issuer", "`iss` is not the expected host")
                }
                ErrorKind::MissingRequiredClaim(claim) => {
                    reject("missing_claim", format!("`{claim}` is required"))
                }
                _ => reject("malformed", "the JWT does not verify"),
            })?
            .claims;

        let now = self.identity.now();
        let (Some(iat), Some(exp)) = (claims.iat, claims.exp) else {
            return Err(reject("missing_claim", "`iat` and `exp` are required"));
        };
        let (Some(issued), Some(expires)) = (at(iat), at(exp)) else {
            return Err(reject("malformed", "`iat` or `exp` is out of range"));
        };
        if expires <= now - MAX_SKEW {
            return Err(reject("expired", "the token has expired"));
        }
        if issued > now + MAX_SKEW {
            return Err(reject("iat_in_future", "`iat` is in the future"));
        }
        if expires - issued > MAX_TOKEN_LIFETIME {
            return Err(reject(
                "lifetime_too_long",
                "agent and host tokens live at most 60 seconds",
            ));
        }
        if claims
            .nbf
            .and_then(at)
            .is_some_and(|nbf| nbf > now + MAX_SKEW)
        {
            return Err(reject("not_yet_valid", "`nbf` is in the future"));
        }
        let jti = claims
            .jti
            .clone()
            .filter(|jti| !jti.is_empty() && jti.len() <= MAX_JTI_LEN)
            .ok_or_else(|| reject("missing_claim", "`jti` is required (1 to 255 characters)"))?;
        if !agents::remember_jti(
            self.identity.db(),
            signer.replay_id,
            &jti,
            expires + MAX_SKEW,
            now,
        )
        .await
        .map_err(unavailable)?
        {
            return Err(reject("jti_replay", "this token was already used"));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(
        created: DateTime<Utc>,
        activated: DateTime<Utc>,
        used: Option<DateTime<Utc>>,
    ) -> Agent {
        Agent {
            id: AgentId::new(),
            org_id: domain::OrgId::new(),
            host_id: AgentHostId::new(),
            key: agents::IdentityKey {
                thumbprint: String::new(),
                public_key_x: String::new(),
            },
            name: String::new(),
            status: AgentStatus::Active,
            mode: domain::AgentMode::Delegated,
            user_id: None,
            created_at: created,
            activated_at: Some(activated),
            last_used_at: used,
        }
    }

    #[test]
    fn clocks_expire_idle_and_long_lived_agents_and_end_old_ones() {
        let lifetimes = AgentLifetimes {
            absolute_lifetime: Some(Duration::days(7)),
            ..AgentLifetimes::default()
        };
        let start = domain::Clock::now(&domain::SystemClock);
        let hours = |n| start + Duration::hours(n);
        // Idle: an hour after its last use.
        let idle = agent(start, start, Some(hours(2)));
        assert_eq!(
            lifetimes.lifetime(&idle, hours(2) + Duration::minutes(59)),
            Lifetime::Live
        );
        assert_eq!(lifetimes.lifetime(&idle, hours(3)), Lifetime::Expired);
        // Busy: still 24 hours after its activation at most.
        let busy = agent(start, start, Some(hours(24) - Duration::minutes(1)));
        assert_eq!(lifetimes.session_ends(&busy), hours(24));
        assert_eq!(lifetimes.lifetime(&busy, hours(24)), Lifetime::Expired);
        // Reactivated clocks start over; the absolute one does not.
        let reactivated = agent(start, hours(24 * 7 - 1), None);
        assert_eq!(
            lifetimes.lifetime(&reactivated, hours(24 * 7 - 1)),
            Lifetime::Live
        );
        assert_eq!(
            lifetimes.lifetime(&reactivated, hours(24 * 7)),
            Lifetime::Ended
        );
    }

    /// RFC 8037 appendix A.3's key and thumbprint.
    #[test]
    fn thumbprints_follow_rfc_7638() {
        assert_eq!(
            thumbprint("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }
}
