//! `api`: serve the Commerce API, or print its OpenAPI document.

use anyhow::Context as _;
use api::{Application, Settings, init_tracing, openapi};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(about = "The Commerce API. Configured by environment variables: see the README.")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Print the OpenAPI document.
    Openapi,
    /// Make the (signed-up) user with this email a platform administrator.
    PromoteAdmin { email: String },
    /// Create a demo store (owner, storefront domain, API key, published catalog); prints how to
    /// reach it as JSON.
    Seed {
        /// The storefront's hostname.
        #[arg(long, default_value = "shop.demo.test")]
        host: String,
        /// How many products.
        #[arg(long, default_value_t = 100)]
        products: usize,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            let json = openapi::document_json()?;
            std::io::Write::write_all(&mut std::io::stdout(), json.as_bytes())?;
            Ok(())
        }
        Command::PromoteAdmin { email } => {
            let settings = Settings::from_process_env()?;
            let db = db::connect(&settings.database_url, 1).await?;
            db.migrate().await?;
            let state =
                api::app_state(settings, db, std::sync::Arc::new(domain::SystemClock)).await?;
            let user = state.identity.promote_platform_admin(&email).await?;
            std::io::Write::write_all(
                &mut std::io::stdout(),
                format!("{email} ({user}) is now a platform administrator\n").as_bytes(),
            )?;
            Ok(())
        }
        Command::Seed { host, products } => {
            let state = offline_state().await?;
            let seeded = api::seed::seed(&state, &host, products).await?;
            let json = serde_json::to_string_pretty(&seeded)? + "\n";
            std::io::Write::write_all(&mut std::io::stdout(), json.as_bytes())?;
            Ok(())
        }
        Command::Serve => {
            let settings = Settings::from_process_env()?;
            init_tracing(settings.log_format);
            let (host, port) = (settings.host.clone(), settings.port);
            let app = Application::build(settings).await?;
            tracing::info!(%host, port, "commerce api listening");
            app.run_until_stopped().await.context("server failed")
        }
    }
}

/// The application state over `DATABASE_URL`, migrated, for commands that do not serve.
async fn offline_state() -> anyhow::Result<api::AppState> {
    let settings = Settings::from_process_env()?;
    let db = db::connect(&settings.database_url, 2).await?;
    db.migrate().await?;
    api::app_state(settings, db, std::sync::Arc::new(domain::SystemClock)).await
}
