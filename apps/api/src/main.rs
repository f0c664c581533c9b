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
