//! Field checks shared by the store's operations: they collect every problem, then fail once.

use api_types::commerce::Address;
use db::repo::orders::ShippingAddress;
use domain::text::{self, TextRule};

use crate::CommerceError;

/// Collects field errors.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<(String, String)>);

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    /// `value` checked by `rule`, trimmed.
    pub fn text(&mut self, field: &str, value: &str, rule: TextRule) -> String {
        match rule.check(value) {
            Ok(trimmed) => trimmed.to_owned(),
            Err(problem) => {
                self.add(field, problem.to_string());
                value.trim().to_owned()
            }
        }
    }

    /// Like [`Self::text`] for an optional field: absent, or blank, is `None`.
    pub fn optional_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        rule: TextRule,
    ) -> Option<String> {
        value
            .filter(|value| !value.trim().is_empty())
            .map(|value| self.text(field, value, rule))
    }

    /// A lower-cased email address of sensible shape.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        text::email(value).unwrap_or_else(|| {
            self.add(field, "must be an email address");
            value.trim().to_lowercase()
        })
    }

    /// A postal address, every field checked and named under `prefix` (`shippingAddress.city`),
    /// in the order of the fields; the country upper-cased.
    pub fn address(&mut self, prefix: &str, address: &Address) -> ShippingAddress {
        let field = |name: &str| format!("{prefix}.{name}");
        let rule = text::ADDRESS_FIELD;
        let name = self.text(&field("name"), &address.name, rule);
        let line1 = self.text(&field("line1"), &address.line1, rule);
        let line2 = self.optional_text(&field("line2"), address.line2.as_deref(), rule);
        let city = self.text(&field("city"), &address.city, rule);
        let postal_code = self.text(&field("postalCode"), &address.postal_code, rule);
        let region = self.optional_text(&field("region"), address.region.as_deref(), rule);
        let country = text::country(&address.country).unwrap_or_else(|| {
            self.add(
                field("country"),
                "must be an ISO 3166-1 alpha-2 country code (two letters, e.g. `DE`)",
            );
            address.country.trim().to_owned()
        });
        let phone = address
            .phone
            .as_deref()
            .filter(|phone| !phone.trim().is_empty())
            .map(|phone| {
                text::phone(phone).map_or_else(
                    || {
                        self.add(
                            field("phone"),
                            format!(
                                "must be up to {} digits, spaces and `+-()`, with a digit",
                                text::PHONE_MAX
                            ),
                        );
                        phone.trim().to_owned()
                    },
                    str::to_owned,
                )
            });
        ShippingAddress {
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
