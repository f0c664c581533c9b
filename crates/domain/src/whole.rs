//! Whole numbers as JSON Schema counts them: `3` and `3.0` are the same integer (draft 2020-12,
//! which OpenAPI 3.1 uses), so a client whose JSON library writes `3.0` is not refused. Anything
//! with a fraction, or beyond `i64`, still is. For `#[serde(deserialize_with = …)]`.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, Visitor};

struct WholeVisitor;

/// 2^63: the first float past `i64::MAX` (every float below it with no fraction fits).
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

impl Visitor<'_> for WholeVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<i64, E> {
        Ok(value)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<i64, E> {
        i64::try_from(value).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<i64, E> {
        if value.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&value) {
            // Whole and within range, so the cast is exact.
            Ok(value as i64)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(value), &self))
        }
    }
}

/// An `i64`, written as a JSON integer or as a float with no fraction.
pub fn i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(WholeVisitor)
}

/// An optional `i64`: `null` or absent (with `#[serde(default)]`) is `None`.
pub fn option_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    struct OptionVisitor;

    impl<'de> Visitor<'de> for OptionVisitor {
        type Value = Option<i64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            i64(deserializer).map(Some)
        }
    }

    deserializer.deserialize_option(OptionVisitor)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Line {
        #[serde(deserialize_with = "super::i64")]
        quantity: i64,
        #[serde(default, deserialize_with = "super::option_i64")]
        stock: Option<i64>,
    }

    fn line(json: &str) -> Result<Line, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn whole_floats_are_integers_and_fractions_are_not() {
        let read = |json| line(json).map(|line| (line.quantity, line.stock));
        assert_eq!(read(r#"{"quantity": 3}"#).unwrap(), (3, None));
        assert_eq!(
            read(r#"{"quantity": 3.0, "stock": -2.0}"#).unwrap(),
            (3, Some(-2))
        );
        assert_eq!(
            read(r#"{"quantity": -9223372036854775808}"#).unwrap().0,
            i64::MIN
        );
        assert_eq!(
            read(r#"{"quantity": 1, "stock": null}"#).unwrap(),
            (1, None)
        );
        for refused in [
            r#"{"quantity": 3.5}"#,
            r#"{"quantity": 9223372036854775808}"#,
            r#"{"quantity": 9.3e18}"#,
            r#"{"quantity": "3"}"#,
            r#"{"quantity": null}"#,
            r#"{"quantity": 1, "stock": 0.5}"#,
        ] {
            assert!(line(refused).is_err(), "{refused}");
        }
    }
}
