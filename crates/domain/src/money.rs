//! Money: an integer amount of minor units and an ISO 4217 currency. Never floats.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A three-letter ISO 4217 code, upper case (`EUR`, `USD`, `JPY`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "EUR", pattern = "^[A-Z]{3}$"))]
pub struct Currency([u8; 3]);

/// A currency code that is not three upper-case ASCII letters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidCurrency(pub String);

impl fmt::Display for InvalidCurrency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a three-letter ISO 4217 currency code",
            self.0
        )
    }
}

impl std::error::Error for InvalidCurrency {}

impl Currency {
    /// The euro: the currency of a store that has not chosen one.
    pub const EUR: Self = Self(*b"EUR");

    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point (ISO 4217's minor unit).
    #[must_use]
    pub fn minor_digits(&self) -> u32 {
        match self.as_str() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }
}

impl FromStr for Currency {
    type Err = InvalidCurrency;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.as_bytes() {
            [a, b, c] if [a, b, c].iter().all(|byte| byte.is_ascii_uppercase()) => {
                Ok(Self([*a, *b, *c]))
            }
            _ => Err(InvalidCurrency(s.to_owned())),
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = InvalidCurrency;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Currency> for String {
    fn from(currency: Currency) -> Self {
        currency.as_str().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `{"amount": 1999, "currency": "EUR"}`: 19.99 euros.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    /// Minor units (cents for EUR, yen for JPY).
    #[cfg_attr(feature = "openapi", schema(example = 1999))]
    #[serde(deserialize_with = "crate::whole::i64")]
    pub amount: i64,
    pub currency: Currency,
}

impl Money {
    #[must_use]
    pub const fn new(amount: i64, currency: Currency) -> Self {
        Self { amount, currency }
    }

    /// `self × quantity`, or `None` on overflow.
    #[must_use]
    pub fn times(self, quantity: i64) -> Option<Self> {
        self.amount
            .checked_mul(quantity)
            .map(|amount| Self::new(amount, self.currency))
    }

    /// The amount without its currency: `1999` EUR → `19.99`, `-5` → `-0.05`, `500` JPY → `500`.
    #[must_use]
    pub fn amount_text(self) -> String {
        let digits = self.currency.minor_digits();
        let sign = if self.amount < 0 { "-" } else { "" };
        let units = self.amount.unsigned_abs();
        if digits == 0 {
            return format!("{sign}{units}");
        }
        let scale = 10_u64.pow(digits);
        format!(
            "{sign}{}.{:0width$}",
            units / scale,
            units % scale,
            width = digits as usize
        )
    }

    /// `self + other` in the same currency, or `None` on overflow or a currency mismatch.
    #[must_use]
    pub fn plus(self, other: Self) -> Option<Self> {
        (self.currency == other.currency)
            .then(|| self.amount.checked_add(other.amount))
            .flatten()
            .map(|amount| Self::new(amount, self.currency))
    }
}

/// As people read it: `€19.99`, `$5.00`, `£1.20`, `¥500`, else `19.99 CHF`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let symbol = match self.currency.as_str() {
            "EUR" => "€",
            "USD" => "$",
            "GBP" => "£",
            "JPY" => "¥",
            _ => return write!(f, "{} {}", self.amount_text(), self.currency),
        };
        let text = self.amount_text();
        match text.strip_prefix('-') {
            Some(positive) => write!(f, "-{symbol}{positive}"),
            None => write!(f, "{symbol}{text}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn eur() -> Currency {
        "EUR".parse().unwrap()
    }

    #[test]
    fn currencies_are_three_upper_case_letters() {
        assert_eq!(eur().as_str(), "EUR");
        for bad in ["eur", "EU", "EURO", "E1R", "", "€UR"] {
            assert!(bad.parse::<Currency>().is_err(), "{bad}");
        }
    }

    #[test]
    fn money_is_json_of_minor_units() {
        let json = serde_json::to_value(Money::new(1999, eur())).unwrap();
        assert_eq!(json, serde_json::json!({"amount": 1999, "currency": "EUR"}));
        assert!(
            serde_json::from_value::<Money>(serde_json::json!({"amount": 1.5, "currency": "EUR"}))
                .is_err()
        );
        assert!(
            serde_json::from_value::<Money>(serde_json::json!({"amount": 1, "currency": "eur"}))
                .is_err()
        );
    }

    #[test]
    fn arithmetic_refuses_overflow_and_mixed_currencies() {
        let usd: Currency = "USD".parse().unwrap();
        assert_eq!(
            Money::new(250, eur()).times(3),
            Some(Money::new(750, eur()))
        );
        assert_eq!(Money::new(i64::MAX, eur()).times(2), None);
        assert_eq!(Money::new(1, eur()).plus(Money::new(1, usd)), None);
        assert_eq!(Money::new(i64::MAX, eur()).plus(Money::new(1, eur())), None);
    }

    proptest! {
        #[test]
        fn currency_parsing_never_panics(raw in "\\PC{0,6}") {
            let _ = raw.parse::<Currency>();
        }
    }
}
