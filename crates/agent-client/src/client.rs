//! Talking to the api as an agent runtime.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::KeyPair;

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("key: {0}")]
    Key(&'static str),
    #[error("http: {0}")]
    Http(String),
    #[error("the api answered {status}: {body}")]
    Api { status: u16, body: Value },
    #[error("not registered yet")]
    NotRegistered,
    #[error("gave up waiting for approval")]
    Timeout,
}

/// The answer to a registration.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Registration {
    pub agent_id: Uuid,
    /// `active`, or `pending` until a user approves (a host that registered itself).
    pub status: String,
    #[serde(rename = "agent_capability_grants")]
    pub grants: Vec<Value>,
    /// `user_code` and `verification_uri` when capabilities await approval.
    pub approval: Option<Value>,
}

/// One agent runtime: its host key, its agent key, the api it talks to.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AgentClient {
    /// The api's base URL (and the `aud` of every token).
    pub api: String,
    pub host: KeyPair,
    pub agent: KeyPair,
    pub agent_id: Option<Uuid>,
    /// The api's `issuer` from discovery: the `aud` of every token (the base URL until then).
    #[serde(default)]
    pub audience: Option<String>,
    /// The execute endpoint from discovery: where capabilities are executed, and the `aud` of
    /// the tokens sent there.
    #[serde(default)]
    pub execute_endpoint: Option<String>,
}

/// Where the api executes capabilities, under its base URL.
const EXECUTE_PATH: &str = "/api/auth/agent/capability/execute";

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

fn http() -> awc::Client {
    awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish()
}

async fn read<S>(
    response: Result<awc::ClientResponse<S>, awc::error::SendRequestError>,
) -> Result<(u16, Value), ClientError>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, awc::error::PayloadError>> + Unpin,
{
    let mut response = response.map_err(|e| ClientError::Http(e.to_string()))?;
    let status = response.status().as_u16();
    let body = response
        .body()
        .limit(16 * 1024 * 1024)
        .await
        .map_err(|e| ClientError::Http(e.to_string()))?;
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    };
    Ok((status, json))
}

fn success((status, body): (u16, Value)) -> Result<Value, ClientError> {
    if (200..300).contains(&status) {
        Ok(body)
    } else {
        Err(ClientError::Api { status, body })
    }
}

impl AgentClient {
    /// A runtime with new host and agent keys, for the api at `api`.
    pub fn new(api: &str) -> Result<Self, ClientError> {
        Ok(Self {
            api: api.trim_end_matches('/').to_owned(),
            host: KeyPair::generate()?,
            agent: KeyPair::generate()?,
            agent_id: None,
            audience: None,
            execute_endpoint: None,
        })
    }

    /// Reads the api's discovery document and takes its `issuer` as the audience of every token.
    pub async fn discover(&mut self) -> Result<Value, ClientError> {
        let document = success(
            read(
                http()
                    .get(format!("{}/.well-known/agent-configuration", self.api))
                    .send()
                    .await,
            )
            .await?,
        )?;
        self.audience = document["issuer"].as_str().map(str::to_owned);
        self.execute_endpoint = document["endpoints"]["execute"].as_str().map(str::to_owned);
        Ok(document)
    }

    fn claims(&self, issuer: &str, subject: Option<Uuid>, audience: &str) -> Value {
        let now = unix_now();
        let mut claims = json!({"iss": issuer, "aud": audience, "iat": now, "exp": now + 60, "jti": Uuid::now_v7().to_string()});
        if let Some(subject) = subject {
            claims["sub"] = json!(subject.to_string());
        }
        claims
    }

    /// A fresh `host+jwt` (60 s, single use).
    pub fn host_token(&self) -> Result<String, ClientError> {
        self.host.sign(
            "host+jwt",
            &self.claims(&self.host.thumbprint(), None, self.issuer()),
        )
    }

    /// The api's issuer: the `aud` of every token but those for execute.
    fn issuer(&self) -> &str {
        self.audience.as_deref().unwrap_or(&self.api)
    }

    fn execute_url(&self) -> String {
        self.execute_endpoint
            .clone()
            .unwrap_or_else(|| format!("{}{EXECUTE_PATH}", self.issuer()))
    }

    /// A fresh `agent+jwt` (60 s, single use) for the api's routes.
    pub fn agent_token(&self) -> Result<String, ClientError> {
        self.agent_token_for(self.issuer())
    }

    /// A fresh `agent+jwt` (60 s, single use) whose `aud` is `audience`.
    pub fn agent_token_for(&self, audience: &str) -> Result<String, ClientError> {
        let agent = self.agent_id.ok_or(ClientError::NotRegistered)?;
        self.agent.sign(
            "agent+jwt",
            &self.claims(&self.host.thumbprint(), Some(agent), audience),
        )
    }

    /// Registers the agent under the host (which a user of the store must have connected), asking
    /// for `capabilities`.
    pub async fn register(
        &mut self,
        name: &str,
        capabilities: &[&str],
    ) -> Result<Registration, ClientError> {
        let body =
            json!({"name": name, "public_key": self.agent.jwk(), "capabilities": capabilities});
        let request = http()
            .post(format!("{}/api/auth/agent/register", self.api))
            .insert_header(("authorization", format!("Bearer {}", self.host_token()?)));
        let registration: Registration =
            serde_json::from_value(success(read(request.send_json(&body).await).await?)?)
                .map_err(|e| ClientError::Http(e.to_string()))?;
        self.agent_id = Some(registration.agent_id);
        Ok(registration)
    }

    /// The agent's status and grants, asked by its host (so it answers while the agent is still
    /// pending, as the protocol polls it).
    pub async fn status(&self) -> Result<Value, ClientError> {
        let agent = self.agent_id.ok_or(ClientError::NotRegistered)?;
        let request = http()
            .get(format!(
                "{}/api/auth/agent/status?agent_id={agent}",
                self.api
            ))
            .insert_header(("authorization", format!("Bearer {}", self.host_token()?)));
        success(read(request.send().await).await?)
    }

    /// Polls the status every `interval` until `capability` is active, for at most `timeout`.
    pub async fn wait_for(
        &self,
        capability: &str,
        interval: Duration,
        timeout: Duration,
    ) -> Result<(), ClientError> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let status = self.status().await?;
            let active = status["agent_capability_grants"]
                .as_array()
                .is_some_and(|grants| {
                    grants
                        .iter()
                        .any(|g| g["capability"] == capability && g["status"] == "active")
                });
            if active {
                return Ok(());
            }
            if std::time::Instant::now() >= deadline {
                return Err(ClientError::Timeout);
            }
            actix_rt::time::sleep(interval).await;
        }
    }

    /// One call of the api as the agent: `(status, body)`.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), ClientError> {
        let method = awc::http::Method::from_bytes(method.as_bytes())
            .map_err(|e| ClientError::Http(e.to_string()))?;
        let request = http()
            .request(method, format!("{}{path}", self.api))
            .insert_header(("authorization", format!("Bearer {}", self.agent_token()?)));
        match body {
            Some(body) => read(request.send_json(body).await).await,
            None => read(request.send().await).await,
        }
    }

    /// Executes `capability` with `arguments` (its path and query parameters by name, the rest its
    /// body) through the api's execute endpoint: `(status, body)`, the body `{data}` on success.
    pub async fn execute(
        &self,
        capability: &str,
        arguments: &Value,
    ) -> Result<(u16, Value), ClientError> {
        let endpoint = self.execute_url();
        // Sent to this client's api (the issuer may name the public address in front of it).
        let url = format!("{}{EXECUTE_PATH}", self.api);
        let request = http().post(url).insert_header((
            "authorization",
            format!("Bearer {}", self.agent_token_for(&endpoint)?),
        ));
        let body = json!({"capability": capability, "arguments": arguments});
        read(request.send_json(&body).await).await
    }

    /// Connects the host with a one-time enrollment token a user created in the dashboard.
    pub async fn enroll(&self, enrollment_token: &str) -> Result<Value, ClientError> {
        let body = json!({"enrollment_token": enrollment_token, "public_key": self.host.jwk()});
        let request = http().post(format!("{}/api/auth/agent/host/enroll", self.api));
        success(read(request.send_json(&body).await).await?)
    }

    /// Asks for more capabilities: the answer names what is pending and how it is approved.
    pub async fn request_capabilities(&self, capabilities: &[&str]) -> Result<Value, ClientError> {
        let body = json!({ "capabilities": capabilities });
        self.call("POST", "/api/auth/agent/request-capability", Some(&body))
            .await
            .and_then(success)
    }

    /// A host call (its `host+jwt`) about this agent.
    async fn as_host(&self, path: &str, body: &Value) -> Result<Value, ClientError> {
        let request = http()
            .post(format!("{}{path}", self.api))
            .insert_header(("authorization", format!("Bearer {}", self.host_token()?)));
        success(read(request.send_json(body).await).await?)
    }

    /// Brings the agent back after it expired (by its host): its grants are its host's defaults
    /// again.
    pub async fn reactivate(&self) -> Result<Value, ClientError> {
        let agent = self.agent_id.ok_or(ClientError::NotRegistered)?;
        self.as_host("/api/auth/agent/reactivate", &json!({ "agent_id": agent }))
            .await
    }

    /// Revokes the agent for good (by its host).
    pub async fn revoke(&self) -> Result<Value, ClientError> {
        let agent = self.agent_id.ok_or(ClientError::NotRegistered)?;
        self.as_host("/api/auth/agent/revoke", &json!({ "agent_id": agent }))
            .await
    }
}
