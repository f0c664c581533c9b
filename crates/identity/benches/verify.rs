//! What resolving a session or an API key costs once it is cached (the common case), against the
//! same lookup from the database (a cold cache), on a SQLite file; and what an agent's JWT costs,
//! which is never cached (key lookups, Ed25519, the replay store, the grants).
//! `cargo bench -p identity`; figures in docs/PERFORMANCE.md.

#![expect(
    clippy::panic,
    clippy::expect_used,
    reason = "a benchmark whose set-up fails has nothing to measure"
)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use std::collections::HashMap;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use db::repo::agents::{self, NewAgent, NewHost};
use domain::{
    AgentHostId, AgentId, AgentStatus, GrantStatus, HostStatus, OrgId, SystemClock, UserId,
};
use identity::agents::{AgentAuth, AgentSettings, CapabilityPolicy};
use identity::{Actor, Identity, IdentityConfig, NewApiKeyRequest, SessionKeys, SignUp};
use resolve_caller::{AgentTokenVerifier as _, ApiKeyVerifier as _, Scope, SessionVerifier as _};
use test_support::{TestAgent, TestDb, TestKey};

struct Fixture {
    _database: TestDb,
    warm: Identity,
    cold: Identity,
    session_token: String,
    api_key: String,
    agents: AgentAuth,
    agent: TestAgent,
}

/// An active host and agent of `org` acting for `user`, holding `listProducts`.
async fn agent(database: &TestDb, org: OrgId, user: UserId) -> TestAgent {
    let db = &database.db.conn;
    let now = domain::Clock::now(&domain::SystemClock);
    let host_key = TestKey::generate();
    let host_thumbprint = identity::agents::thumbprint(&host_key.x);
    let new_host = NewHost {
        id: AgentHostId::new(),
        thumbprint: &host_thumbprint,
        public_key_x: &host_key.x,
        name: "bench host",
        status: HostStatus::Active,
        user_id: Some(user),
        default_capabilities: &[],
    };
    let host = agents::create_host(db, org, new_host, now)
        .await
        .expect("host");
    let key = TestKey::generate();
    let agent_thumbprint = identity::agents::thumbprint(&key.x);
    let new_agent = NewAgent {
        id: AgentId::new(),
        host_id: host.id,
        thumbprint: &agent_thumbprint,
        public_key_x: &key.x,
        name: "bench agent",
        status: AgentStatus::Active,
        user_id: Some(user),
    };
    let agent = agents::create_agent(db, org, new_agent, now)
        .await
        .expect("agent");
    let grant = agents::GrantDecision {
        capability: "listProducts",
        status: GrantStatus::Active,
        granted_by: Some(user),
        expires_at: None,
        constraints: None,
    };
    agents::set_grant(db, org, agent.id, grant, now)
        .await
        .expect("grant");
    TestAgent {
        id: agent.id.as_uuid(),
        org,
        host_id: host.id.as_uuid(),
        host_thumbprint: host.key.thumbprint,
        key,
        audience: AUDIENCE.to_owned(),
    }
}

const AUDIENCE: &str = "http://bench.test";

async fn identity(database: &TestDb, cache_ttl: Duration) -> Identity {
    let keys = SessionKeys::new("bench-secret-0123456789-0123456789").expect("keys");
    let config = IdentityConfig {
        cache_ttl,
        ..IdentityConfig::default()
    };
    Identity::new(
        database.db.conn.clone(),
        keys,
        Arc::new(SystemClock),
        config,
    )
    .await
    .expect("identity")
}

async fn fixture() -> Fixture {
    let database = TestDb::new().await;
    let warm = identity(&database, Duration::from_secs(3600)).await;
    let cold = identity(&database, Duration::ZERO).await;
    let actor = Actor::anonymous(None);
    let signed_in = warm
        .sign_up(
            SignUp {
                email: "bench@x.test".to_owned(),
                password: "correct horse battery".to_owned(),
                name: "Bench".to_owned(),
            },
            &actor,
            None,
        )
        .await
        .expect("sign-up");
    let identity::SignedUp::SignedIn(signed_in) = signed_in else {
        panic!("sign-in does not wait for verification by default");
    };
    let org = warm
        .create_organization(
            signed_in.user.id,
            signed_in.session.id,
            "Bench",
            "bench",
            &actor,
        )
        .await
        .expect("organization");
    let key = warm
        .create_api_key(
            org.id,
            signed_in.user.id,
            NewApiKeyRequest {
                name: "bench".to_owned(),
                scopes: vec![Scope::Admin],
                expires_in: None,
            },
            &actor,
        )
        .await
        .expect("api key");
    let agent = agent(&database, org.id, signed_in.user.id).await;
    let policy = CapabilityPolicy {
        scope: Scope::Storefront,
        auto_granted: true,
    };
    let agents = AgentAuth::new(
        warm.clone(),
        AUDIENCE.to_owned(),
        HashMap::from([("listProducts".to_owned(), policy)]),
        AgentSettings::default(),
    );
    Fixture {
        _database: database,
        warm,
        cold,
        session_token: signed_in.token,
        api_key: key.key,
        agents,
        agent,
    }
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    let f = runtime.block_on(fixture());
    let mut group = c.benchmark_group("verify");
    for (name, identity) in [("cached", &f.warm), ("database", &f.cold)] {
        group.bench_function(format!("session_{name}"), |b| {
            b.to_async(&runtime).iter(|| async {
                black_box(
                    identity
                        .verify_session_token(&f.session_token)
                        .await
                        .is_ok(),
                )
            });
        });
        group.bench_function(format!("api_key_{name}"), |b| {
            b.to_async(&runtime)
                .iter(|| async { black_box(identity.verify_api_key(&f.api_key).await.is_ok()) });
        });
    }
    // A fresh token each time (its `jti` is spent), signed outside the measurement.
    let agents = &f.agents;
    group.bench_function("agent_jwt_database", |b| {
        b.to_async(&runtime).iter_batched(
            || {
                f.agent
                    .token(domain::Clock::now(&domain::SystemClock).timestamp())
            },
            |token| async move { black_box(agents.verify_agent_token(&token, None).await.is_ok()) },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
