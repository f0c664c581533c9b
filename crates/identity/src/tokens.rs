//! Session tokens, signed session cookies and API keys: high-entropy random values from the OS
//! generator, stored only as hashes.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac as _};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

use crate::IdentityError;

type HmacSha256 = Hmac<Sha256>;

/// The visible start of every API key.
pub const API_KEY_PREFIX: &str = "ck_";
/// How many characters of a key (prefix included) are stored and shown to identify it.
const API_KEY_DISPLAY_LEN: usize = 11;

/// 256 random bits, URL-safe.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Keys derived from `AUTH_SECRET`: they sign cookies and key the hash sessions are found by, so
/// rotating the secret ends every session.
#[derive(Clone)]
pub struct SessionKeys {
    keyed: HmacSha256,
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKeys([redacted])")
    }
}

/// A new session's token, in the forms it is handed out and stored in.
#[derive(Debug)]
pub(crate) struct IssuedSession {
    /// For `Authorization: Bearer` (the device flow).
    pub token: String,
    /// What the database keeps.
    pub token_hash: String,
}

impl SessionKeys {
    /// Keys from `AUTH_SECRET` (an empty secret is refused).
    pub fn new(auth_secret: &str) -> Result<Self, IdentityError> {
        if auth_secret.is_empty() {
            return Err(IdentityError::invalid("AUTH_SECRET", "must not be empty"));
        }
        let keyed = HmacSha256::new_from_slice(auth_secret.as_bytes())
            .map_err(|e| IdentityError::invalid("AUTH_SECRET", e.to_string()))?;
        Ok(Self { keyed })
    }

    fn mac(&self, purpose: &str, value: &str) -> HmacSha256 {
        let mut mac = self.keyed.clone();
        mac.update(purpose.as_bytes());
        mac.update(b":");
        mac.update(value.as_bytes());
        mac
    }

    pub(crate) fn issue(&self) -> IssuedSession {
        let token = random_token();
        IssuedSession {
            token_hash: self.token_hash(&token),
            token,
        }
    }

    /// The keyed hash a session is stored and found by.
    #[must_use]
    pub fn token_hash(&self, token: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.mac("session-token", token).finalize().into_bytes())
    }

    /// The cookie value for a token: `token.signature`.
    #[must_use]
    pub fn cookie_value(&self, token: &str) -> String {
        let signature = self.mac("session-cookie", token).finalize().into_bytes();
        format!("{token}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// The token inside a cookie value, if its signature is ours (checked in constant time).
    #[must_use]
    pub fn token_from_cookie<'a>(&self, cookie: &'a str) -> Option<&'a str> {
        let (token, signature) = cookie.rsplit_once('.')?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        self.mac("session-cookie", token)
            .verify_slice(&signature)
            .ok()
            .map(|()| token)
    }
}

/// A new API key: the key itself (shown once), its display prefix and its stored hash.
#[derive(Debug)]
pub(crate) struct IssuedApiKey {
    pub key: String,
    pub prefix: String,
    pub hash: String,
}

pub(crate) fn issue_api_key() -> IssuedApiKey {
    let key = format!("{API_KEY_PREFIX}{}", random_token());
    IssuedApiKey {
        prefix: key.chars().take(API_KEY_DISPLAY_LEN).collect(),
        hash: secret_hash(&key),
        key,
    }
}

/// SHA-256 of a random secret (an API key, an enrollment token): with 256 bits of entropy, a plain
/// hash is enough to look it up by.
pub(crate) fn secret_hash(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_verify_only_under_their_secret() {
        let keys = SessionKeys::new("a-secret-of-at-least-thirty-two-chars!").unwrap();
        let issued = keys.issue();
        let cookie = keys.cookie_value(&issued.token);
        assert_eq!(keys.token_from_cookie(&cookie), Some(issued.token.as_str()));

        let rotated = SessionKeys::new("another-secret-of-at-least-thirty-two!").unwrap();
        assert_eq!(rotated.token_from_cookie(&cookie), None);
        assert_ne!(rotated.token_hash(&issued.token), issued.token_hash);

        let mut tampered = cookie.clone();
        tampered.replace_range(0..1, if cookie.starts_with('A') { "B" } else { "A" });
        assert_eq!(keys.token_from_cookie(&tampered), None);
        assert_eq!(
            keys.token_from_cookie(&issued.token),
            None,
            "an unsigned token is no cookie"
        );
        assert_eq!(keys.token_from_cookie("a.b.c"), None);
    }

    #[test]
    fn tokens_and_keys_are_long_random_and_distinct() {
        let keys = SessionKeys::new("a-secret-of-at-least-thirty-two-chars!").unwrap();
        let (a, b) = (keys.issue(), keys.issue());
        assert_eq!(a.token.len(), 43);
        assert_ne!(a.token, b.token);
        let key = issue_api_key();
        assert!(key.key.starts_with("ck_") && key.key.len() == 46);
        assert_eq!(key.prefix, key.key[..11]);
        assert_eq!(key.hash, secret_hash(&key.key));
        assert_ne!(key.hash, secret_hash(&issue_api_key().key));
    }
}
