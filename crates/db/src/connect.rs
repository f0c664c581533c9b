//! Opening the database: the embedded SQLite file with durable settings, or PostgreSQL.

use std::path::Path;
use std::str::FromStr as _;
use std::time::Duration;

use migrations::{Migrator, MigratorTrait as _};
use sea_orm::{ConnectOptions, DatabaseConnection, DbErr, SqlxSqliteConnector};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// Which engine is behind the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// A pooled connection and the engine behind it.
#[derive(Clone, Debug)]
pub struct Database {
    pub conn: DatabaseConnection,
    pub backend: Backend,
}

impl Database {
    /// Brings the schema up to date.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.conn, None).await
    }

    /// Answers when the database can serve a query.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.ping().await
    }
}

/// How long a writer waits for SQLite's single write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects to `url` (`sqlite://…` or `postgres://…`). A SQLite file and its folder are created if
/// missing. SQLite runs in WAL mode with `synchronous=FULL`, so an answered commit survives a power
/// loss, and with a busy timeout, so concurrent writers queue instead of failing.
pub async fn connect(url: &str, max_connections: u32) -> Result<Database, DbErr> {
    if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| DbErr::Custom(format!("invalid SQLite URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(SQLITE_BUSY_TIMEOUT)
            .foreign_keys(true);
        if let Some(parent) = Path::new(options.get_filename())
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", parent.display())))?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .connect_with(options)
            .await
            .map_err(|e| DbErr::Custom(format!("cannot open SQLite database: {e}")))?;
        return Ok(Database {
            conn: SqlxSqliteConnector::from_sqlx_sqlite_pool(pool),
            backend: Backend::Sqlite,
        });
    }
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let mut options = ConnectOptions::new(url);
        options
            .max_connections(max_connections)
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(5))
            .sqlx_logging(false);
        return Ok(Database {
            conn: sea_orm::Database::connect(options).await?,
            backend: Backend::Postgres,
        });
    }
    Err(DbErr::Custom(
        "DATABASE_URL must start with sqlite: or postgres:".to_owned(),
    ))
}
