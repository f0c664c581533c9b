//! Password hashing: argon2id with the crate's recommended parameters, bounded input, work done off
//! the async workers — and bounded in number: each hash takes 19 MiB and a core for tens of
//! milliseconds, so a flood of sign-ins must wait for a turn, briefly, and is then refused (503),
//! never growing the blocking pool to hundreds of threads.

use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};

use crate::IdentityError;

/// How much hashing runs at once, and how long a request waits for its turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashingLimit {
    pub concurrent: usize,
    pub wait: Duration,
}

impl Default for HashingLimit {
    /// Two hashes per core; two seconds' wait.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self {
            concurrent: 2 * cores,
            wait: Duration::from_secs(2),
        }
    }
}

/// The turns at hashing.
#[derive(Debug)]
pub(crate) struct HashingGate {
    turns: tokio::sync::Semaphore,
    wait: Duration,
}

/// Every turn at hashing was taken for the whole wait.
#[derive(Debug, thiserror::Error)]
#[error("password hashing is saturated: try again in a moment")]
struct Saturated;

impl HashingGate {
    pub(crate) fn new(limit: HashingLimit) -> Self {
        Self {
            turns: tokio::sync::Semaphore::new(limit.concurrent.max(1)),
            wait: limit.wait,
        }
    }

    async fn turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>, IdentityError> {
        tokio::time::timeout(self.wait, self.turns.acquire())
            .await
            .map_err(|_| IdentityError::Unavailable(Box::new(Saturated)))?
            .map_err(|e| IdentityError::Hashing(e.to_string()))
    }
}

pub const MIN_PASSWORD_CHARS: usize = domain::text::PASSWORD_MIN;
/// Long passphrases are welcome; anything longer is refused before any hashing.
pub const MAX_PASSWORD_CHARS: usize = domain::text::PASSWORD_MAX;

/// Checks a new password's length: no trimming, no truncation. A refusal names `field`, the
/// password's name in the request (`password`, `newPassword`).
pub(crate) fn check_new(password: &str, field: &'static str) -> Result<(), IdentityError> {
    let chars = password.chars().take(MAX_PASSWORD_CHARS + 1).count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(IdentityError::invalid(
            field,
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(IdentityError::invalid(
            field,
            format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// The argon2id PHC string of `password`, once `gate` gives a turn.
pub(crate) async fn hash(gate: &HashingGate, password: String) -> Result<String, IdentityError> {
    let _turn = gate.turn().await?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| IdentityError::Hashing(e.to_string()))
    })
    .await
    .map_err(|e| IdentityError::Hashing(e.to_string()))?
}

/// Whether `password` matches `phc` (constant-time in the comparison; the same work either way),
/// once `gate` gives a turn.
pub(crate) async fn verify(
    gate: &HashingGate,
    password: String,
    phc: String,
) -> Result<bool, IdentityError> {
    let _turn = gate.turn().await?;
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&phc).map_err(|e| IdentityError::Hashing(e.to_string()))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| IdentityError::Hashing(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let gate = HashingGate::new(HashingLimit::default());
        let phc = hash(&gate, "correct horse battery".to_owned())
            .await
            .unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(
            verify(&gate, "correct horse battery".to_owned(), phc.clone())
                .await
                .unwrap()
        );
        assert!(
            !verify(&gate, "correct horse battery ".to_owned(), phc)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn a_saturated_gate_refuses_after_its_wait_and_frees_its_turns() {
        let gate = HashingGate::new(HashingLimit {
            concurrent: 1,
            wait: Duration::from_millis(20),
        });
        let held = gate.turn().await.unwrap();
        assert!(matches!(
            hash(&gate, "correct horse battery".to_owned()).await,
            Err(IdentityError::Unavailable(_))
        ));
        drop(held);
        assert!(
            hash(&gate, "correct horse battery".to_owned())
                .await
                .is_ok()
        );
    }

    #[test]
    fn lengths_are_bounded_without_trimming() {
        assert!(check_new("1234567", "password").is_err());
        assert!(check_new("12345678", "password").is_ok());
        assert!(check_new(&"é".repeat(MAX_PASSWORD_CHARS), "password").is_ok());
        assert!(check_new(&"x".repeat(MAX_PASSWORD_CHARS + 1), "password").is_err());
        assert!(check_new(&"x".repeat(1024 * 1024), "password").is_err());
        assert!(check_new("       a", "password").is_ok(), "spaces count");
    }
}
