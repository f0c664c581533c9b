//! Password hashing: argon2id with the crate's recommended parameters, bounded input, work done off
//! the async workers.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};

use crate::IdentityError;

pub const MIN_PASSWORD_CHARS: usize = domain::text::PASSWORD_MIN;
/// Long passphrases are welcome; anything longer is refused before any hashing.
pub const MAX_PASSWORD_CHARS: usize = domain::text::PASSWORD_MAX;

/// Checks a new password's length: no trimming, no truncation.
pub(crate) fn check_new(password: &str) -> Result<(), IdentityError> {
    let chars = password.chars().take(MAX_PASSWORD_CHARS + 1).count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(IdentityError::invalid(
            "password",
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(IdentityError::invalid(
            "password",
            format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// The argon2id PHC string of `password`.
pub(crate) async fn hash(password: String) -> Result<String, IdentityError> {
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

/// Whether `password` matches `phc` (constant-time in the comparison; the same work either way).
pub(crate) async fn verify(password: String, phc: String) -> Result<bool, IdentityError> {
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
        let phc = hash("correct horse battery".to_owned()).await.unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(
            verify("correct horse battery".to_owned(), phc.clone())
                .await
                .unwrap()
        );
        assert!(
            !verify("correct horse battery ".to_owned(), phc)
                .await
                .unwrap()
        );
    }

    #[test]
    fn lengths_are_bounded_without_trimming() {
        assert!(check_new("1234567").is_err());
        assert!(check_new("12345678").is_ok());
        assert!(check_new(&"é".repeat(MAX_PASSWORD_CHARS)).is_ok());
        assert!(check_new(&"x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
        assert!(check_new(&"x".repeat(1024 * 1024)).is_err());
        assert!(check_new("       a").is_ok(), "spaces count");
    }
}
