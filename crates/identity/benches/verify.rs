//! What resolving a session or an API key costs once it is cached (the common case), against the
//! same lookup from the database (a cold cache), on a SQLite file.
//! `cargo bench -p identity`; figures in docs/PERFORMANCE.md.

#![expect(
    clippy::panic,
    clippy::expect_used,
    reason = "a benchmark whose set-up fails has nothing to measure"
)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use domain::SystemClock;
use identity::{Actor, Identity, IdentityConfig, NewApiKeyRequest, SessionKeys, SignUp};
use resolve_caller::{ApiKeyVerifier as _, Scope, SessionVerifier as _};
use test_support::TestDb;

struct Fixture {
    _database: TestDb,
    warm: Identity,
    cold: Identity,
    session_token: String,
    api_key: String,
}

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
    Fixture {
        _database: database,
        warm,
        cold,
        session_token: signed_in.token,
        api_key: key.key,
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
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
