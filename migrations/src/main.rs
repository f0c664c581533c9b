//! `migrations`: apply, roll back or inspect the schema of the database at `DATABASE_URL`.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use migrations::{Migrator, MigratorTrait as _};
use sea_orm_migration::sea_orm::Database;

#[derive(Debug, Parser)]
#[command(about = "Apply, roll back or inspect the Commerce API's schema")]
struct Cli {
    /// `sqlite://path?mode=rwc` or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply pending migrations (all, or the next N).
    Up { steps: Option<u32> },
    /// Roll back the last N migrations (default 1).
    Down { steps: Option<u32> },
    /// Show which migrations are applied.
    Status,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let db = Database::connect(&cli.database_url)
        .await
        .context("could not connect to DATABASE_URL")?;
    match cli.command {
        Command::Up { steps } => Migrator::up(&db, steps).await?,
        Command::Down { steps } => Migrator::down(&db, Some(steps.unwrap_or(1))).await?,
        Command::Status => Migrator::status(&db).await?,
    }
    Ok(())
}
