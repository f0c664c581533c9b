//! One database per test — a SQLite file, or a new PostgreSQL database when `TEST_DATABASE_URL` is
//! set — so tests never share state and can all run at once.
//!
//! Dev-only, and kept apart from `test-support` so that the repositories' tests build the
//! repositories alone: this crate must never depend on the api, the edges or the domain crates.

#![expect(
    clippy::expect_used,
    reason = "a test that cannot get its database fails at once, with a message"
)]

use std::thread;

use sea_orm::{ConnectionTrait as _, Database as SeaDatabase};
use tempfile::TempDir;

/// A database that exists for one test and is removed after it.
#[derive(Debug)]
pub struct TestDb {
    pub db: db::Database,
    pub url: String,
    _cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    /// The SQLite file lives in this folder, removed on drop.
    Sqlite {
        _folder: TempDir,
    },
    Postgres {
        _database: DropDatabase,
    },
}

impl TestDb {
    /// A fresh database with every migration applied.
    pub async fn new() -> Self {
        let test_db = Self::empty().await;
        test_db
            .db
            .migrate()
            .await
            .expect("migrations apply to a fresh database");
        test_db
    }

    /// A fresh, empty database (no migrations): for the migrations' own tests.
    pub async fn empty() -> Self {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if url.starts_with("postgres") => Self::postgres(&url).await,
            _ => Self::sqlite().await,
        }
    }

    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder for the test database");
        let url = format!("sqlite://{}/test.sqlite", dir.path().display());
        let db = db::connect(&url, 5).await.expect("SQLite opens");
        Self {
            db,
            url,
            _cleanup: Cleanup::Sqlite { _folder: dir },
        }
    }

    /// Creates a new database on the server `TEST_DATABASE_URL` points at, named after that
    /// database (so one CI run can drop all of its own by prefix) and a UUID.
    async fn postgres(admin_url: &str) -> Self {
        let (server, base_name) = admin_url
            .rsplit_once('/')
            .expect("TEST_DATABASE_URL looks like postgres://user@host:port/database");
        let base_name = base_name.split('?').next().unwrap_or(base_name);
        let prefix: String = base_name.chars().take(24).collect();
        let name = format!("{prefix}_{}", uuid::Uuid::now_v7().simple());
        let admin = SeaDatabase::connect(admin_url)
            .await
            .expect("TEST_DATABASE_URL is reachable");
        admin
            .execute_unprepared(&format!(r#"CREATE DATABASE "{name}""#))
            .await
            .expect("the test database can be created");
        let _ = admin.close().await;
        let url = format!("{server}/{name}");
        let db = db::connect(&url, 5).await.expect("the test database opens");
        Self {
            db,
            url,
            _cleanup: Cleanup::Postgres {
                _database: DropDatabase {
                    admin_url: admin_url.to_owned(),
                    name,
                },
            },
        }
    }
}

/// Drops a PostgreSQL test database when the test ends, even if it failed.
#[derive(Debug)]
struct DropDatabase {
    admin_url: String,
    name: String,
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let sql = format!(r#"DROP DATABASE IF EXISTS "{}" WITH (FORCE)"#, self.name);
        // Drop cannot await, and the test's runtime may be shutting down: use a runtime of our own.
        let dropped = thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let admin = SeaDatabase::connect(&admin_url).await.ok()?;
                let outcome = admin.execute_unprepared(&sql).await.ok();
                let _ = admin.close().await;
                outcome
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("warning: could not drop test database {}", self.name);
        }
    }
}
