//! Field checks shared by the store's operations: they collect every problem, then fail once.

use crate::CommerceError;

/// Collects field errors.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<(String, String)>);

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    /// A text of `min..=max` characters without control characters, trimmed.
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) -> String {
        let trimmed = value.trim();
        let chars = trimmed.chars().count();
        if chars < min || chars > max || trimmed.chars().any(|c| c.is_control() && c != '\n') {
            self.add(field, format!("must be {min} to {max} characters"));
        }
        trimmed.to_owned()
    }

    /// A lower-cased email address of sensible shape.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let email = value.trim().to_lowercase();
        let valid = email.len() <= 320
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            })
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if !valid {
            self.add(field, "must be an email address");
        }
        email
    }

    /// An integer within `min..=max`.
    pub fn range(&mut self, field: &str, value: i64, min: i64, max: i64) {
        if !(min..=max).contains(&value) {
            self.add(field, format!("must be {min} to {max}"));
        }
    }

    pub fn finish(self) -> Result<(), CommerceError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(CommerceError::Invalid(self.0))
        }
    }
}
