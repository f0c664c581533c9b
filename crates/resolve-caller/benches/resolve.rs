//! What resolution itself costs, with verifiers that answer from memory (as a warm cache does):
//! classifying credentials, ranking, normalising the host and building the `ApiCaller`.
//! `cargo bench -p resolve-caller`; figures in docs/PERFORMANCE.md.

#![expect(
    clippy::panic,
    reason = "a benchmark that cannot start its runtime has nothing to measure"
)]

use std::collections::{BTreeSet, HashMap};
use std::hint::black_box;
use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use domain::{AgentId, ApiKeyId, OrgId, SessionId, UserId};
use resolve_caller::{
    AgentTokenVerifier, ApiKeyVerifier, CallerResolver, HostResolver, HostTokenVerifier, Hostname,
    RawCredentials, Rejection, RequestTarget, Scope, SessionVerifier, VerifiedAgent,
    VerifiedApiKey, VerifiedHost, VerifiedSession, Verifiers, VerifyError,
};

struct Memory {
    org: OrgId,
    user: UserId,
    hosts: HashMap<String, OrgId>,
}

fn unknown() -> VerifyError {
    Rejection::new("unknown", "unknown").into()
}

#[async_trait]
impl AgentTokenVerifier for Memory {
    async fn verify_agent_token(
        &self,
        token: &str,
        _target: Option<&RequestTarget<'_>>,
    ) -> Result<VerifiedAgent, VerifyError> {
        (!token.is_empty())
            .then(|| VerifiedAgent {
                agent_id: AgentId::new(),
                org_id: self.org,
                user_id: Some(self.user),
                scopes: BTreeSet::from([Scope::Storefront]),
                capabilities: BTreeSet::from(["listProducts".to_owned(), "getProduct".to_owned()]),
                constraints: std::collections::BTreeMap::new(),
            })
            .ok_or_else(unknown)
    }
}

#[async_trait]
impl ApiKeyVerifier for Memory {
    async fn verify_api_key(&self, key: &str) -> Result<VerifiedApiKey, VerifyError> {
        (!key.is_empty())
            .then(|| VerifiedApiKey {
                key_id: ApiKeyId::new(),
                org_id: self.org,
                scopes: BTreeSet::from([Scope::Admin]),
            })
            .ok_or_else(unknown)
    }
}

#[async_trait]
impl SessionVerifier for Memory {
    async fn verify_session_cookie(&self, cookie: &str) -> Result<VerifiedSession, VerifyError> {
        self.verify_session_token(cookie).await
    }

    async fn verify_session_token(&self, token: &str) -> Result<VerifiedSession, VerifyError> {
        (!token.is_empty())
            .then(|| VerifiedSession {
                session_id: SessionId::new(),
                user_id: self.user,
                active_org: Some(self.org),
            })
            .ok_or_else(unknown)
    }
}

#[async_trait]
impl HostTokenVerifier for Memory {
    async fn verify_host_token(
        &self,
        _token: &str,
        _target: &RequestTarget<'_>,
    ) -> Result<VerifiedHost, VerifyError> {
        Err(unknown())
    }
}

#[async_trait]
impl HostResolver for Memory {
    async fn organization_for_host(&self, host: &Hostname) -> Result<Option<OrgId>, VerifyError> {
        Ok(self.hosts.get(host.as_str()).copied())
    }
}

fn agent_jwt() -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.{}",
        b64.encode(r#"{"alg":"EdDSA","typ":"agent+jwt"}"#),
        b64.encode(r#"{"iss":"host","sub":"agent","aud":"https://api.example.com","exp":1,"iat":0,"jti":"j"}"#),
        b64.encode([7u8; 64]),
    )
}

fn bench(c: &mut Criterion) {
    let org = OrgId::new();
    let memory = Arc::new(Memory {
        org,
        user: UserId::new(),
        hosts: HashMap::from([("shop.acme.test".to_owned(), org)]),
    });
    let resolver = CallerResolver::new(Verifiers::all(memory));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    let jwt = format!("Bearer {}", agent_jwt());

    let requests = [
        (
            "host",
            RawCredentials {
                host: Some("Shop.Acme.Test:443".into()),
                ..RawCredentials::default()
            },
        ),
        (
            "api_key",
            RawCredentials {
                api_key: Some("ck_live_0123456789abcdefghijklmnop".into()),
                host: Some("api.example.com".into()),
                ..RawCredentials::default()
            },
        ),
        (
            "session_cookie",
            RawCredentials {
                cookies: vec![
                    "theme=dark; commerce_session=c2Vzc2lvbi10b2tlbi0wMTIzNDU2Nzg5.sig".into(),
                ],
                host: Some("dash.example.com".into()),
                ..RawCredentials::default()
            },
        ),
        (
            "agent_jwt",
            RawCredentials {
                authorization: Some(jwt.as_str().into()),
                host: Some("api.example.com".into()),
                ..RawCredentials::default()
            },
        ),
    ];
    let mut group = c.benchmark_group("resolve");
    for (name, raw) in &requests {
        group.bench_function(*name, |b| {
            b.to_async(&runtime)
                .iter(|| async { black_box(resolver.resolve(black_box(raw)).await.is_ok()) });
        });
    }
    group.finish();

    c.bench_function("hostname_parse", |b| {
        b.iter(|| Hostname::parse(black_box("Shop.Acme.Test.:8443")).is_ok());
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
