//! Ed25519 keys as the protocol wants them: a JWK for the api, a thumbprint for `iss`, signatures
//! for `host+jwt` and `agent+jwt`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::signature::{Ed25519KeyPair, KeyPair as _};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::ClientError;

/// An Ed25519 key pair, kept as PKCS#8 (base64url) so it can be saved and loaded.
#[derive(Clone, Serialize, Deserialize)]
pub struct KeyPair {
    pkcs8: String,
    /// The public key, base64url: the JWK's `x`.
    pub x: String,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("x", &self.x)
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    /// A new key from the operating system's random source.
    pub fn generate() -> Result<Self, ClientError> {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng)
            .map_err(|_| ClientError::Key("cannot generate a key"))?;
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
            .map_err(|_| ClientError::Key("unreadable key"))?;
        Ok(Self {
            pkcs8: URL_SAFE_NO_PAD.encode(pkcs8.as_ref()),
            x: URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
        })
    }

    /// The public JWK.
    #[must_use]
    pub fn jwk(&self) -> Value {
        json!({"kty": "OKP", "crv": "Ed25519", "x": self.x})
    }

    /// The RFC 7638 SHA-256 thumbprint of the public JWK.
    #[must_use]
    pub fn thumbprint(&self) -> String {
        let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, self.x);
        URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
    }

    /// `claims` signed as a JWT of type `typ` (`host+jwt`, `agent+jwt`).
    pub fn sign(&self, typ: &str, claims: &Value) -> Result<String, ClientError> {
        let pkcs8 = URL_SAFE_NO_PAD
            .decode(&self.pkcs8)
            .map_err(|_| ClientError::Key("unreadable key"))?;
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = Some(typ.to_owned());
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_der(&pkcs8))
            .map_err(|_| ClientError::Key("cannot sign"))
    }
}
