//! Agents for tests: a host and an agent with real Ed25519 keys, stored as registration will store
//! them, and tokens signed the way an agent signs them.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use db::repo::agents::{self, GrantDecision, NewAgent, NewHost};
use domain::{AgentHostId, AgentId, AgentStatus, GrantStatus, HostStatus, OrgId, UserId};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::signature::{Ed25519KeyPair, KeyPair as _};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::TestApp;

/// An Ed25519 key pair: the signing key and the public `x` of its JWK.
pub struct TestKey {
    pub encoding: EncodingKey,
    pub x: String,
}

impl std::fmt::Debug for TestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestKey")
            .field("x", &self.x)
            .finish_non_exhaustive()
    }
}

impl TestKey {
    pub fn generate() -> Self {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).expect("an Ed25519 key");
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("a readable key");
        Self {
            encoding: EncodingKey::from_ed_der(pkcs8.as_ref()),
            x: URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
        }
    }
}

/// An active agent of an organization under an active host.
#[derive(Debug)]
pub struct TestAgent {
    pub id: Uuid,
    pub org: OrgId,
    pub host_id: Uuid,
    pub host_thumbprint: String,
    pub key: TestKey,
    /// The `aud` the api expects: its public URL.
    pub audience: String,
}

impl TestApp {
    /// An active host and agent in `org`, approved by `user`, holding `capabilities`.
    pub async fn agent(
        &self,
        org: OrgId,
        user: Option<UserId>,
        capabilities: &[&str],
    ) -> TestAgent {
        let db = &self.database.db.conn;
        let now = self.clock_now();
        let host_key = TestKey::generate();
        let host_thumbprint = identity::agents::thumbprint(&host_key.x);
        let host = agents::create_host(
            db,
            org,
            NewHost {
                id: AgentHostId::new(),
                thumbprint: &host_thumbprint,
                public_key_x: &host_key.x,
                name: "test host",
                status: HostStatus::Active,
                user_id: user,
                default_capabilities: &[],
            },
            now,
        )
        .await
        .expect("host stored");
        let key = TestKey::generate();
        let agent = agents::create_agent(
            db,
            org,
            NewAgent {
                id: AgentId::new(),
                host_id: host.id,
                thumbprint: &identity::agents::thumbprint(&key.x),
                public_key_x: &key.x,
                name: "test agent",
                status: AgentStatus::Active,
                user_id: user,
            },
            now,
        )
        .await
        .expect("agent stored");
        for capability in capabilities {
            let decision = GrantDecision {
                capability,
                status: GrantStatus::Active,
                granted_by: user,
                expires_at: None,
                constraints: None,
            };
            agents::set_grant(db, org, agent.id, decision, now)
                .await
                .expect("grant stored");
        }
        TestAgent {
            id: agent.id.as_uuid(),
            org,
            host_id: host.id.as_uuid(),
            host_thumbprint,
            key,
            audience: self.issuer.clone(),
        }
    }
}

impl TestApp {
    /// Puts `constraints` (a JSON object, as an approval stores them) on the agent's grant of
    /// `capability`.
    pub async fn constrain(&self, agent: &TestAgent, capability: &str, constraints: Value) {
        let constraints = constraints.to_string();
        let decision = GrantDecision {
            capability,
            status: GrantStatus::Active,
            granted_by: None,
            expires_at: None,
            constraints: Some(&constraints),
        };
        agents::set_grant(
            &self.database.db.conn,
            agent.org,
            AgentId::from_uuid(agent.id),
            decision,
            self.clock_now(),
        )
        .await
        .expect("grant stored");
    }
}

impl TestAgent {
    /// The claims of a fresh, valid token issued `now` (unix seconds).
    #[must_use]
    pub fn claims(&self, now: i64) -> Value {
        json!({
            "iss": self.host_thumbprint,
            "sub": self.id.to_string(),
            "aud": self.audience,
            "iat": now,
            "exp": now + 60,
            "jti": Uuid::now_v7().to_string(),
        })
    }

    /// A valid token issued `now`.
    #[must_use]
    pub fn token(&self, now: i64) -> String {
        self.sign(&self.claims(now))
    }

    /// A valid token issued `now` for the execute endpoint (its `aud` is that endpoint's URL).
    #[must_use]
    pub fn execute_token(&self, now: i64) -> String {
        let mut claims = self.claims(now);
        claims["aud"] = json!(format!(
            "{}{}",
            self.audience,
            identity::agents::EXECUTE_PATH
        ));
        self.sign(&claims)
    }

    /// `claims` signed with the agent's key and an `agent+jwt` EdDSA header.
    #[must_use]
    pub fn sign(&self, claims: &Value) -> String {
        sign_with(&agent_header(), claims, &self.key.encoding)
    }
}

/// The header of an agent token.
#[must_use]
pub fn agent_header() -> Header {
    let mut header = Header::new(Algorithm::EdDSA);
    header.typ = Some("agent+jwt".to_owned());
    header
}

/// `claims` under `header`, signed with `key`.
#[must_use]
pub fn sign_with(header: &Header, claims: &Value, key: &EncodingKey) -> String {
    jsonwebtoken::encode(header, claims, key).expect("a signed token")
}
