//! Field checks shared by the store's operations: they collect every problem, then fail once.

use api_types::commerce::Address;

use crate::CommerceError;

/// The longest text of an address field, in characters.
const ADDRESS_MAX: usize = 200;

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

    /// One line of text (no line breaks or other control characters), trimmed, of `1..=max`
    /// characters.
    pub fn line(&mut self, field: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        let chars = trimmed.chars().count();
        if chars == 0 || chars > max || trimmed.chars().any(char::is_control) {
            self.add(field, format!("must be 1 to {max} characters on one line"));
        }
        trimmed.to_owned()
    }

    /// Like [`Self::line`] for an optional field: absent, or blank after trimming, is `None`.
    pub fn optional_line(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        value
            .filter(|value| !value.trim().is_empty())
            .map(|value| self.line(field, value, max))
    }

    /// A postal address, every field checked and named under `prefix` (`shippingAddress.city`),
    /// in the order of the fields; the country upper-cased.
    pub fn address(&mut self, prefix: &str, address: &Address) -> Address {
        let field = |name: &str| format!("{prefix}.{name}");
        let name = self.line(&field("name"), &address.name, ADDRESS_MAX);
        let line1 = self.line(&field("line1"), &address.line1, ADDRESS_MAX);
        let line2 = self.optional_line(&field("line2"), address.line2.as_deref(), ADDRESS_MAX);
        let city = self.line(&field("city"), &address.city, ADDRESS_MAX);
        let postal_code = self.line(&field("postalCode"), &address.postal_code, ADDRESS_MAX);
        let region = self.optional_line(&field("region"), address.region.as_deref(), ADDRESS_MAX);
        let country = address.country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            self.add(
                field("country"),
                "must be an ISO 3166-1 alpha-2 country code (two letters, e.g. `DE`)",
            );
        }
        let phone = address
            .phone
            .as_deref()
            .filter(|phone| !phone.trim().is_empty())
            .map(|phone| {
                let phone = phone.trim();
                let allowed =
                    |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')');
                if phone.chars().count() > ADDRESS_MAX
                    || !phone.chars().all(allowed)
                    || !phone.chars().any(|c| c.is_ascii_digit())
                {
                    self.add(
                        field("phone"),
                        format!(
                            "must be up to {ADDRESS_MAX} digits, spaces and `+-()`, with a digit"
                        ),
                    );
                }
                phone.to_owned()
            });
        Address {
            name,
            line1,
            line2,
            city,
            postal_code,
            region,
            country,
            phone,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> Address {
        Address {
            name: " Ada ".into(),
            line1: "1 Main St".into(),
            line2: Some(String::new()),
            city: "Paris".into(),
            postal_code: "75001".into(),
            region: None,
            country: " fr ".into(),
            phone: Some(" ".into()),
        }
    }

    #[test]
    fn an_address_is_trimmed_and_its_country_upper_cased() {
        let mut problems = Problems::default();
        let checked = problems.address("shippingAddress", &address());
        assert!(problems.finish().is_ok());
        assert_eq!(checked.name, "Ada");
        assert_eq!(checked.country, "FR");
        assert_eq!((checked.line2, checked.phone), (None, None));
    }

    #[test]
    fn each_bad_field_is_named_under_the_prefix() {
        let mut problems = Problems::default();
        let bad = Address {
            city: "\u{7}".into(),
            country: "FRA".into(),
            phone: Some("12a".into()),
            ..address()
        };
        problems.address("shippingAddress", &bad);
        let Err(CommerceError::Invalid(fields)) = problems.finish() else {
            panic!("refused");
        };
        let names: Vec<&str> = fields.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "shippingAddress.city",
                "shippingAddress.country",
                "shippingAddress.phone"
            ]
        );
    }
}
