//! Every rank and every failure rule of caller resolution, as one table, against in-memory verifiers.

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine as _;
use domain::{AgentHostId, AgentId, ApiKeyId, CallerKind, OrgId, SessionId, UserId};

use super::*;
use crate::verify::{Rejection, VerifiedAgent, VerifiedApiKey, VerifiedHost};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Org {
    A,
    B,
}

struct World {
    org_a: OrgId,
    org_b: OrgId,
    user: UserId,
    host: AgentHostId,
}

impl World {
    fn org(&self, org: Org) -> OrgId {
        match org {
            Org::A => self.org_a,
            Org::B => self.org_b,
        }
    }
}

type Answer<T> = Result<T, &'static str>;

/// One verifier for all four ranks, answering from fixed tables. A failure word of `"db_down"`
/// stands for an unreachable store.
struct Fake {
    agents: HashMap<String, Answer<VerifiedAgent>>,
    agent_hosts: HashMap<String, Answer<VerifiedHost>>,
    keys: HashMap<&'static str, Answer<VerifiedApiKey>>,
    sessions: HashMap<&'static str, Answer<VerifiedSession>>,
    hosts: HashMap<&'static str, Answer<OrgId>>,
}

fn answer<T: Clone>(found: Option<&Answer<T>>) -> Result<T, VerifyError> {
    match found {
        Some(Ok(value)) => Ok(value.clone()),
        Some(Err("db_down")) => Err(VerifyError::Unavailable(Box::new(io::Error::other("down")))),
        Some(Err(failure)) => Err(Rejection::new(failure, format!("credential {failure}")).into()),
        None => Err(Rejection::new("unknown", "no such credential").into()),
    }
}

#[async_trait]
impl AgentTokenVerifier for Fake {
    async fn verify_agent_token(
        &self,
        token: &str,
        _target: Option<&RequestTarget<'_>>,
    ) -> Result<VerifiedAgent, VerifyError> {
        answer(self.agents.get(token))
    }
}

#[async_trait]
impl HostTokenVerifier for Fake {
    async fn verify_host_token(
        &self,
        token: &str,
        _target: &RequestTarget<'_>,
    ) -> Result<VerifiedHost, VerifyError> {
        answer(self.agent_hosts.get(token))
    }
}

#[async_trait]
impl ApiKeyVerifier for Fake {
    async fn verify_api_key(&self, key: &str) -> Result<VerifiedApiKey, VerifyError> {
        answer(self.keys.get(key))
    }
}

#[async_trait]
impl SessionVerifier for Fake {
    async fn verify_session_cookie(&self, cookie: &str) -> Result<VerifiedSession, VerifyError> {
        answer(self.sessions.get(cookie))
    }

    async fn verify_session_token(&self, token: &str) -> Result<VerifiedSession, VerifyError> {
        answer(self.sessions.get(token))
    }
}

#[async_trait]
impl HostResolver for Fake {
    async fn organization_for_host(&self, host: &Hostname) -> Result<Option<OrgId>, VerifyError> {
        match self.hosts.get(host.as_str()) {
            None => Ok(None),
            found => answer(found).map(Some),
        }
    }
}

fn jwt(typ: &str, subject: &str) -> String {
    jwt_with("EdDSA", typ, subject)
}

fn jwt_with(alg: &str, typ: &str, subject: &str) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = format!(r#"{{"alg":"{alg}","typ":"{typ}"}}"#);
    let claims = format!(r#"{{"sub":"{subject}"}}"#);
    format!("{}.{}.c2lnbmF0dXJl", b64.encode(header), b64.encode(claims))
}

const KEY_ADMIN_A: &str = "ck_admin_a_0123456789";
const KEY_STOREFRONT_B: &str = "ck_storefront_b_0123456789";
const KEY_REVOKED: &str = "ck_revoked_0123456789";
const KEY_EXPIRED: &str = "ck_expired_0123456789";
const KEY_UNKNOWN: &str = "ck_unknown_0123456789";
const KEY_DB_DOWN: &str = "ck_db_down_0123456789";
const SESSION_ADMIN_A: &str = "session_admin_a_0123456789";
const SESSION_ADMIN_B: &str = "session_admin_b_0123456789";
const SESSION_SHOPPER: &str = "session_shopper_0123456789";
const SESSION_EXPIRED: &str = "session_expired_0123456789";
const HOST_A: &str = "shop-a.example.com";
const HOST_B: &str = "shop-b.example.com";
const HOST_DB_DOWN: &str = "down.example.com";

fn world() -> (World, Fake) {
    let world = World {
        org_a: OrgId::new(),
        org_b: OrgId::new(),
        user: UserId::new(),
        host: AgentHostId::new(),
    };
    let session = |_token: &str, org: Option<OrgId>| {
        Ok(VerifiedSession {
            session_id: SessionId::new(),
            user_id: world.user,
            active_org: org,
        })
    };
    let key = |_token: &str, org: OrgId, scope: Scope| {
        Ok(VerifiedApiKey {
            key_id: ApiKeyId::new(),
            org_id: org,
            scopes: BTreeSet::from([scope]),
        })
    };
    let fake = Fake {
        agents: HashMap::from([
            (
                jwt("agent+jwt", "good"),
                Ok(VerifiedAgent {
                    agent_id: AgentId::new(),
                    org_id: world.org_a,
                    user_id: Some(world.user),
                    scopes: BTreeSet::from([Scope::Storefront]),
                    capabilities: BTreeSet::from(["listProducts".to_owned()]),
                    constraints: std::collections::BTreeMap::new(),
                }),
            ),
            (jwt("agent+jwt", "revoked"), Err("revoked")),
            (jwt("agent+jwt", "replayed"), Err("jti_replay")),
        ]),
        agent_hosts: HashMap::from([
            (
                jwt("host+jwt", "good"),
                Ok(VerifiedHost::Registered {
                    host_id: world.host,
                    org_id: world.org_a,
                    pending: false,
                }),
            ),
            (jwt("host+jwt", "revoked"), Err("host_revoked")),
            (jwt("host+jwt", "down"), Err("db_down")),
        ]),
        keys: HashMap::from([
            (KEY_ADMIN_A, key("key-a", world.org_a, Scope::Admin)),
            (
                KEY_STOREFRONT_B,
                key("key-b", world.org_b, Scope::Storefront),
            ),
            (KEY_REVOKED, Err("revoked")),
            (KEY_EXPIRED, Err("expired")),
            (KEY_DB_DOWN, Err("db_down")),
        ]),
        sessions: HashMap::from([
            (SESSION_ADMIN_A, session("s-a", Some(world.org_a))),
            (SESSION_ADMIN_B, session("s-b", Some(world.org_b))),
            (SESSION_SHOPPER, session("s-shopper", None)),
            (SESSION_EXPIRED, Err("expired")),
        ]),
        hosts: HashMap::from([
            (HOST_A, Ok(world.org_a)),
            (HOST_B, Ok(world.org_b)),
            (HOST_DB_DOWN, Err("db_down")),
        ]),
    };
    (world, fake)
}

#[derive(Default)]
struct Request {
    authorization: Option<String>,
    api_key: Option<&'static str>,
    cookie: Option<&'static str>,
    host: Option<&'static str>,
    forwarded_host: Option<&'static str>,
    repeated: Vec<&'static str>,
}

impl Request {
    fn on(host: &'static str) -> Self {
        Self {
            host: Some(host),
            ..Self::default()
        }
    }
    fn key(mut self, key: &'static str) -> Self {
        self.api_key = Some(key);
        self
    }
    fn cookie(mut self, session: &'static str) -> Self {
        self.cookie = Some(session);
        self
    }
    fn bearer(mut self, token: &str) -> Self {
        self.authorization = Some(format!("Bearer {token}"));
        self
    }
    fn authorization(mut self, value: &str) -> Self {
        self.authorization = Some(value.to_owned());
        self
    }
    /// The header sent a second time (as the actix adapter reports it).
    fn twice(mut self, header: &'static str) -> Self {
        self.repeated.push(header);
        self
    }
    fn forwarded(mut self, host: &'static str) -> Self {
        self.forwarded_host = Some(host);
        self
    }
    fn raw(&self) -> RawCredentials<'_> {
        RawCredentials {
            authorization: self.authorization.as_deref().map(Into::into),
            api_key: self.api_key.map(Into::into),
            cookies: self
                .cookie
                .map(|value| format!("theme=dark; {}={value}", crate::SESSION_COOKIE_NAME).into())
                .into_iter()
                .collect(),
            host: self.host.map(Into::into),
            forwarded_host: self.forwarded_host.map(Into::into),
            target: None,
            repeated: self.repeated.clone(),
        }
    }
}

#[derive(Debug)]
enum Expect {
    Caller {
        kind: CallerKind,
        org: Org,
        scopes: &'static [Scope],
        user: bool,
    },
    Refused {
        code: &'static str,
        failure: &'static str,
    },
    Unavailable(Credential),
    /// 400: the header came more than once.
    Repeated(&'static str),
}

const ADMIN: &[Scope] = &[Scope::Admin, Scope::Storefront];
const STOREFRONT: &[Scope] = &[Scope::Storefront];

fn caller(kind: CallerKind, org: Org, scopes: &'static [Scope], user: bool) -> Expect {
    Expect::Caller {
        kind,
        org,
        scopes,
        user,
    }
}

fn refused(code: &'static str, failure: &'static str) -> Expect {
    Expect::Refused { code, failure }
}

fn cases() -> Vec<(&'static str, Request, Expect)> {
    use CallerKind::{Agent, ApiKey, Host, Session};
    let good_agent = jwt("agent+jwt", "good");
    vec![
        // Rank 4: Host.
        (
            "a registered host is a storefront caller",
            Request::on(HOST_A),
            caller(Host, Org::A, STOREFRONT, false),
        ),
        (
            "host case and port are ignored",
            Request::on("SHOP-A.Example.COM:3005"),
            caller(Host, Org::A, STOREFRONT, false),
        ),
        (
            "a trailing dot is ignored",
            Request::on("shop-a.example.com."),
            caller(Host, Org::A, STOREFRONT, false),
        ),
        (
            "an unknown host is 401",
            Request::on("unknown.example"),
            refused("UNKNOWN_HOST", "unknown_host"),
        ),
        (
            "a malformed host is 401",
            Request::on("shop_a.example.com"),
            refused("UNKNOWN_HOST", "invalid_host"),
        ),
        (
            "no credential and no host is 401",
            Request::default(),
            refused("UNAUTHORIZED", "missing_credentials"),
        ),
        (
            "X-Forwarded-Host is ignored without TRUST_PROXY",
            Request::on(HOST_B).forwarded(HOST_A),
            caller(Host, Org::B, STOREFRONT, false),
        ),
        // Rank 3: sessions.
        (
            "a dashboard session gets admin and storefront",
            Request::on(HOST_B).cookie(SESSION_ADMIN_A),
            caller(Session, Org::A, ADMIN, true),
        ),
        (
            "a shopper session takes its store from the host",
            Request::on(HOST_B).cookie(SESSION_SHOPPER),
            caller(Session, Org::B, STOREFRONT, true),
        ),
        (
            "a shopper session on an unknown host is 401",
            Request::on("unknown.example").cookie(SESSION_SHOPPER),
            refused("UNKNOWN_HOST", "unknown_host"),
        ),
        (
            "an expired cookie never falls back to the host",
            Request::on(HOST_A).cookie(SESSION_EXPIRED),
            refused("INVALID_SESSION", "expired"),
        ),
        (
            "an unknown cookie is 401",
            Request::on(HOST_A).cookie("forged_0123456789abcdef"),
            refused("INVALID_SESSION", "unknown"),
        ),
        (
            "a bearer session token is a session",
            Request::on(HOST_B).bearer(SESSION_ADMIN_A),
            caller(Session, Org::A, ADMIN, true),
        ),
        (
            "a bearer session token beats the cookie",
            Request::on(HOST_A)
                .bearer(SESSION_ADMIN_B)
                .cookie(SESSION_ADMIN_A),
            caller(Session, Org::B, ADMIN, true),
        ),
        (
            "an invalid bearer session beside a valid cookie is 401",
            Request::on(HOST_A)
                .bearer(SESSION_EXPIRED)
                .cookie(SESSION_ADMIN_A),
            refused("INVALID_SESSION", "expired"),
        ),
        (
            "a malformed bearer beside a valid cookie is 401",
            Request::on(HOST_A).bearer("x").cookie(SESSION_ADMIN_A),
            refused("INVALID_TOKEN", "malformed"),
        ),
        (
            "another authorization scheme is 401",
            Request::on(HOST_A).authorization("Basic dXNlcjpwYXNzd29yZA=="),
            refused("INVALID_TOKEN", "malformed"),
        ),
        // Rank 2: API keys.
        (
            "an API key carries its own org, whatever the host",
            Request::on(HOST_B).key(KEY_ADMIN_A),
            caller(ApiKey, Org::A, &[Scope::Admin], false),
        ),
        (
            "a storefront-only key has storefront scope only",
            Request::on(HOST_A).key(KEY_STOREFRONT_B),
            caller(ApiKey, Org::B, STOREFRONT, false),
        ),
        (
            "a valid key beats a cookie of another org",
            Request::on(HOST_B).key(KEY_ADMIN_A).cookie(SESSION_ADMIN_B),
            caller(ApiKey, Org::A, &[Scope::Admin], false),
        ),
        (
            "a key beats a bearer session token",
            Request::on(HOST_B).key(KEY_ADMIN_A).bearer(SESSION_ADMIN_B),
            caller(ApiKey, Org::A, &[Scope::Admin], false),
        ),
        (
            "an invalid key beside a valid cookie is 401",
            Request::on(HOST_A).key(KEY_UNKNOWN).cookie(SESSION_ADMIN_A),
            refused("INVALID_API_KEY", "unknown"),
        ),
        (
            "a revoked key is 401",
            Request::on(HOST_A).key(KEY_REVOKED),
            refused("INVALID_API_KEY", "revoked"),
        ),
        (
            "an expired key is 401",
            Request::on(HOST_A).key(KEY_EXPIRED),
            refused("INVALID_API_KEY", "expired"),
        ),
        (
            "an empty key header is 401, not a storefront",
            Request::on(HOST_A).key(""),
            refused("INVALID_API_KEY", "malformed"),
        ),
        (
            "a key with odd characters is 401",
            Request::on(HOST_A).key("ck admin a 0123456789"),
            refused("INVALID_API_KEY", "malformed"),
        ),
        // Rank 1: agents.
        (
            "an agent JWT resolves the agent",
            Request::on(HOST_B).bearer(&good_agent),
            caller(Agent, Org::A, STOREFRONT, true),
        ),
        (
            "an agent JWT beats a key of another org",
            Request::on(HOST_B)
                .bearer(&good_agent)
                .key(KEY_STOREFRONT_B),
            caller(Agent, Org::A, STOREFRONT, true),
        ),
        (
            "a revoked agent beside a valid key is 401",
            Request::on(HOST_A)
                .bearer(&jwt("agent+jwt", "revoked"))
                .key(KEY_ADMIN_A),
            refused("INVALID_AGENT_TOKEN", "revoked"),
        ),
        (
            "a replayed agent token is 401",
            Request::on(HOST_A).bearer(&jwt("agent+jwt", "replayed")),
            refused("INVALID_AGENT_TOKEN", "jti_replay"),
        ),
        (
            "a JWT of another typ beside a valid key is 401",
            Request::on(HOST_A)
                .bearer(&jwt("JWT", "good"))
                .key(KEY_ADMIN_A),
            refused("INVALID_TOKEN", "invalid_token"),
        ),
        (
            "a host+jwt is not an agent token",
            Request::on(HOST_A).bearer(&jwt("host+jwt", "good")),
            refused("INVALID_TOKEN", "invalid_token"),
        ),
        (
            "an agent token of alg none beside a valid key is bad_algorithm",
            Request::on(HOST_A)
                .bearer(&jwt_with("none", "agent+jwt", "good"))
                .key(KEY_ADMIN_A),
            refused("INVALID_AGENT_TOKEN", "bad_algorithm"),
        ),
        (
            "an agent token naming its curve as alg is bad_algorithm",
            Request::on(HOST_A).bearer(&jwt_with("Ed25519", "agent+jwt", "good")),
            refused("INVALID_AGENT_TOKEN", "bad_algorithm"),
        ),
        // A credential header sent twice is a 400, whatever its values.
        (
            "two API keys are a 400",
            Request::on(HOST_A).key(KEY_ADMIN_A).twice("x-api-key"),
            Expect::Repeated("x-api-key"),
        ),
        (
            "two Authorization headers are a 400, even beside a valid key",
            Request::on(HOST_A)
                .bearer(&good_agent)
                .key(KEY_ADMIN_A)
                .twice("authorization"),
            Expect::Repeated("authorization"),
        ),
        (
            "two Host headers are a 400",
            Request::on(HOST_A).twice("host"),
            Expect::Repeated("host"),
        ),
        // A store that cannot answer is a 503, never a 401 or a fall-back.
        (
            "an unreachable key store is unavailable",
            Request::on(HOST_A).key(KEY_DB_DOWN),
            Expect::Unavailable(Credential::ApiKey),
        ),
        (
            "an unreachable domain store is unavailable",
            Request::on(HOST_DB_DOWN),
            Expect::Unavailable(Credential::Host),
        ),
    ]
}

#[tokio::test]
async fn every_rank_and_failure_rule() {
    let (world, fake) = world();
    let fake = Arc::new(fake);
    let resolver = CallerResolver::new(Verifiers::all(fake));
    for (name, request, expected) in cases() {
        let outcome = resolver.resolve(&request.raw()).await;
        match (&expected, outcome) {
            (
                Expect::Caller {
                    kind,
                    org,
                    scopes,
                    user,
                },
                Ok(caller),
            ) => {
                assert_eq!(caller.kind(), *kind, "{name}");
                assert_eq!(caller.org_id(), world.org(*org), "{name}");
                assert_eq!(
                    caller.scopes().iter().copied().collect::<Vec<_>>(),
                    *scopes,
                    "{name}"
                );
                assert_eq!(caller.user_id().is_some(), *user, "{name}");
                assert_eq!(caller.principal().kind(), *kind, "{name}");
                assert_eq!(
                    caller.capabilities().is_some(),
                    *kind == CallerKind::Agent,
                    "{name}"
                );
            }
            (Expect::Refused { code, failure }, Err(ResolveError::Unauthenticated(refusal))) => {
                assert_eq!(refusal.credential.error_code(), *code, "{name}: {refusal}");
                assert_eq!(refusal.failure, *failure, "{name}: {refusal}");
                assert!(!refusal.message.is_empty(), "{name}");
            }
            (
                Expect::Unavailable(credential),
                Err(ResolveError::Unavailable {
                    credential: got, ..
                }),
            ) => {
                assert_eq!(got, *credential, "{name}");
            }
            (Expect::Repeated(header), Err(ResolveError::RepeatedHeader { header: got })) => {
                assert_eq!(got, *header, "{name}");
            }
            (expected, outcome) => panic!("{name}: expected {expected:?}, got {outcome:?}"),
        }
    }
}

#[tokio::test]
async fn forwarded_host_decides_when_the_proxy_is_trusted() {
    let (world, fake) = world();
    let fake = Arc::new(fake);
    let resolver = CallerResolver::new(Verifiers::all(fake)).trusting_proxy(true);
    let request = Request::on("api.internal:3005").forwarded("Shop-A.example.com");
    let caller = resolver.resolve(&request.raw()).await.unwrap();
    assert_eq!(caller.kind(), CallerKind::Host);
    assert_eq!(caller.org_id(), world.org_a);
    assert_eq!(
        caller.principal(),
        &Principal::Host(Hostname::parse(HOST_A).unwrap())
    );
}

#[tokio::test]
async fn agents_carry_their_granted_capabilities() {
    let (_, fake) = world();
    let fake = Arc::new(fake);
    let resolver = CallerResolver::new(Verifiers::all(fake));
    let caller = resolver
        .resolve(&Request::on(HOST_A).bearer(&jwt("agent+jwt", "good")).raw())
        .await
        .unwrap();
    assert_eq!(
        caller.capabilities(),
        Some(&BTreeSet::from(["listProducts".to_owned()]))
    );
    assert!(
        caller
            .require_operation(Scope::Storefront, "listProducts")
            .is_ok()
    );
    assert!(
        caller
            .require_operation(Scope::Storefront, "placeOrder")
            .is_err()
    );
}

#[tokio::test]
async fn user_endpoints_take_a_session_and_nothing_else() {
    let (world, fake) = world();
    let fake = Arc::new(fake);
    let resolver = CallerResolver::new(Verifiers::all(fake));
    let by_cookie = resolver
        .resolve_session(&Request::on("unknown.example").cookie(SESSION_SHOPPER).raw())
        .await
        .unwrap();
    assert_eq!(
        (by_cookie.user_id, by_cookie.active_org),
        (world.user, None)
    );
    let by_bearer = resolver
        .resolve_session(
            &Request::on(HOST_A)
                .bearer(SESSION_ADMIN_B)
                .cookie(SESSION_ADMIN_A)
                .raw(),
        )
        .await
        .unwrap();
    assert_eq!(by_bearer.active_org, Some(world.org_b));

    for (name, request, code, failure) in [
        (
            "nothing",
            Request::on(HOST_A),
            "UNAUTHORIZED",
            "missing_session",
        ),
        (
            "a key is no session",
            Request::on(HOST_A).key(KEY_ADMIN_A),
            "UNAUTHORIZED",
            "missing_session",
        ),
        (
            "an agent is no session",
            Request::on(HOST_A).bearer(&jwt("agent+jwt", "good")),
            "INVALID_TOKEN",
            "not_a_session",
        ),
        (
            "an expired cookie",
            Request::on(HOST_A).cookie(SESSION_EXPIRED),
            "INVALID_SESSION",
            "expired",
        ),
        (
            "a malformed bearer",
            Request::on(HOST_A).bearer("x"),
            "INVALID_TOKEN",
            "malformed",
        ),
    ] {
        match resolver.resolve_session(&request.raw()).await {
            Err(ResolveError::Unauthenticated(failure_seen)) => {
                assert_eq!(failure_seen.credential.error_code(), code, "{name}");
                assert_eq!(failure_seen.failure, failure, "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    let twice = Request::on(HOST_A)
        .cookie(SESSION_ADMIN_A)
        .twice("authorization");
    assert!(matches!(
        resolver.resolve_session(&twice.raw()).await,
        Err(ResolveError::RepeatedHeader {
            header: "authorization"
        })
    ));
}

#[tokio::test]
async fn host_endpoints_take_a_host_token_and_nothing_else() {
    let (world, fake) = world();
    let resolver = CallerResolver::new(Verifiers::all(Arc::new(fake)));
    let good = jwt("host+jwt", "good");
    assert_eq!(
        resolver
            .resolve_host(&Request::on(HOST_A).bearer(&good).raw())
            .await
            .unwrap(),
        VerifiedHost::Registered {
            host_id: world.host,
            org_id: world.org_a,
            pending: false,
        }
    );
    // The scheme in any case, as for every other bearer token.
    let lower = Request::on(HOST_A).authorization(&format!("bearer {good}"));
    assert!(resolver.resolve_host(&lower.raw()).await.is_ok());
    for (name, request, failure) in [
        ("nothing", Request::on(HOST_A), "missing_host_token"),
        (
            "an agent token",
            Request::on(HOST_A).bearer(&jwt("agent+jwt", "good")),
            "missing_host_token",
        ),
        (
            "an API key",
            Request::on(HOST_A).key(KEY_ADMIN_A),
            "missing_host_token",
        ),
        (
            "a session cookie",
            Request::on(HOST_A).cookie(SESSION_ADMIN_A),
            "missing_host_token",
        ),
        (
            "a revoked host",
            Request::on(HOST_A).bearer(&jwt("host+jwt", "revoked")),
            "host_revoked",
        ),
        (
            "an unknown host",
            Request::on(HOST_A).bearer(&jwt("host+jwt", "stranger")),
            "unknown",
        ),
        (
            "alg none",
            Request::on(HOST_A).bearer(&jwt_with("none", "host+jwt", "good")),
            "bad_algorithm",
        ),
    ] {
        match resolver.resolve_host(&request.raw()).await {
            Err(ResolveError::Unauthenticated(refusal)) => {
                assert_eq!(refusal.credential, Credential::HostToken, "{name}");
                assert_eq!(refusal.credential.error_code(), "INVALID_HOST_TOKEN");
                assert_eq!(refusal.failure, failure, "{name}: {refusal}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    let down = Request::on(HOST_A).bearer(&jwt("host+jwt", "down"));
    assert!(matches!(
        resolver.resolve_host(&down.raw()).await,
        Err(ResolveError::Unavailable {
            credential: Credential::HostToken,
            ..
        })
    ));
    let twice = Request::on(HOST_A).bearer(&good).twice("authorization");
    assert!(matches!(
        resolver.resolve_host(&twice.raw()).await,
        Err(ResolveError::RepeatedHeader { .. })
    ));
}

#[test]
fn only_a_host_token_is_presented_as_one() {
    for (request, presented) in [
        (Request::on(HOST_A).bearer(&jwt("host+jwt", "x")), true),
        (
            Request::on(HOST_A).bearer(&jwt_with("HS256", "host+jwt", "x")),
            true,
        ),
        (Request::on(HOST_A).bearer(&jwt("agent+jwt", "x")), false),
        (Request::on(HOST_A).cookie(SESSION_ADMIN_A), false),
        (Request::on(HOST_A).bearer(SESSION_ADMIN_A), false),
    ] {
        assert_eq!(
            CallerResolver::presents_host_token(&request.raw()),
            presented,
            "{:?}",
            request.authorization
        );
    }
}
