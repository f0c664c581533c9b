//! `commerce-agent`: an agent runtime on the command line. Its state (the api, the host and agent
//! keys, the agent id) lives in a JSON file (`--state`, default `commerce-agent.json`).
//!
//!   commerce-agent init --api http://127.0.0.1:3005   new keys; prints the host JWK for the dashboard
//!   commerce-agent discover
//!   commerce-agent register --name shopper --capability addCartItem --capability placeOrder
//!   commerce-agent wait placeOrder                     until a user approved it
//!   commerce-agent status
//!   commerce-agent call GET /v1/products [--body '{"…": …}']

use std::path::PathBuf;
use std::time::Duration;

use agent_client::AgentClient;
use anyhow::Context as _;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(about = "An Agent Auth client of the Commerce API")]
struct Cli {
    /// Where the keys and the agent id are kept.
    #[arg(long, default_value = "commerce-agent.json")]
    state: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// New host and agent keys for the api at `--api`; prints the host's public JWK, which a user
    /// of the store connects in the dashboard (or `POST /api/auth/agent/host/create`).
    Init {
        #[arg(long)]
        api: String,
    },
    /// Print the api's discovery document.
    Discover,
    /// Connect the host with a one-time enrollment token from the dashboard.
    Enroll {
        #[arg(long)]
        token: String,
    },
    /// Register the agent under the host, asking for capabilities (operationIds).
    Register {
        #[arg(long, default_value = "commerce-agent")]
        name: String,
        #[arg(long = "capability")]
        capabilities: Vec<String>,
    },
    /// Print the agent's status and grants.
    Status,
    /// Ask for more capabilities (operationIds).
    Request {
        #[arg(long = "capability", required = true)]
        capabilities: Vec<String>,
    },
    /// Bring the agent back after it expired.
    Reactivate,
    /// Revoke the agent for good.
    Revoke,
    /// Wait (polling every 5 s, at most 15 minutes) until a capability is approved.
    Wait { capability: String },
    /// Call the api as the agent.
    Call {
        method: String,
        path: String,
        #[arg(long)]
        body: Option<String>,
    },
    /// Execute a capability through the api's execute endpoint.
    Execute {
        capability: String,
        /// A JSON object: path and query parameters by name, the rest the body.
        #[arg(long, default_value = "{}")]
        arguments: String,
    },
}

fn load(path: &PathBuf) -> anyhow::Result<AgentClient> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("no state at {}; run init", path.display()))?;
    serde_json::from_str(&text).context("unreadable state")
}

fn save(path: &PathBuf, client: &AgentClient) -> anyhow::Result<()> {
    std::fs::write(path, serde_json::to_string_pretty(client)?)
        .with_context(|| format!("cannot write {}", path.display()))
}

fn print(value: &serde_json::Value) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)? + "\n";
    std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())?;
    Ok(())
}

#[actix_rt::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Init { api } => {
            let client = AgentClient::new(&api)?;
            save(&cli.state, &client)?;
            print(
                &serde_json::json!({"hostPublicKey": client.host.jwk(), "hostThumbprint": client.host.thumbprint()}),
            )
        }
        Command::Discover => {
            let mut client = load(&cli.state)?;
            let document = client.discover().await?;
            save(&cli.state, &client)?;
            print(&document)
        }
        Command::Register { name, capabilities } => {
            let mut client = load(&cli.state)?;
            let wanted: Vec<&str> = capabilities.iter().map(String::as_str).collect();
            let registration = client.register(&name, &wanted).await?;
            save(&cli.state, &client)?;
            print(&serde_json::to_value(registration)?)
        }
        Command::Status => print(&load(&cli.state)?.status().await?),
        Command::Enroll { token } => print(&load(&cli.state)?.enroll(&token).await?),
        Command::Request { capabilities } => {
            let names: Vec<&str> = capabilities.iter().map(String::as_str).collect();
            print(&load(&cli.state)?.request_capabilities(&names).await?)
        }
        Command::Reactivate => print(&load(&cli.state)?.reactivate().await?),
        Command::Revoke => print(&load(&cli.state)?.revoke().await?),
        Command::Wait { capability } => {
            load(&cli.state)?
                .wait_for(
                    &capability,
                    Duration::from_secs(5),
                    Duration::from_secs(900),
                )
                .await?;
            print(&serde_json::json!({"approved": capability}))
        }
        Command::Call { method, path, body } => {
            let body = body
                .map(|text| serde_json::from_str(&text))
                .transpose()
                .context("--body is not JSON")?;
            let (status, answer) = load(&cli.state)?
                .call(&method, &path, body.as_ref())
                .await?;
            print(&serde_json::json!({"status": status, "body": answer}))
        }
        Command::Execute {
            capability,
            arguments,
        } => {
            let arguments: serde_json::Value =
                serde_json::from_str(&arguments).context("--arguments is not JSON")?;
            let (status, answer) = load(&cli.state)?.execute(&capability, &arguments).await?;
            print(&serde_json::json!({"status": status, "body": answer}))
        }
    }
}
