//! Money and dates as people read them, and money as people type it.

use chrono::{DateTime, Datelike as _, Timelike as _, Utc};
use domain::{Currency, Money};

/// Digits after the decimal point of a currency (ISO 4217's minor unit).
#[must_use]
pub fn minor_digits(currency: Currency) -> u32 {
    currency.minor_digits()
}

/// The amount without its currency: `1999` EUR → `19.99`, `-5` → `-0.05`, `500` JPY → `500`.
#[must_use]
pub fn amount(money: Money) -> String {
    money.amount_text()
}

/// Money with its currency: `€19.99`, `$5.00`, `£1.20`, `¥500`, else `19.99 CHF`.
#[must_use]
pub fn money(money: Money) -> String {
    money.to_string()
}

/// Why a typed amount cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("enter an amount, like 19.99")]
    Empty,
    #[error("enter digits, with at most {0} after the decimal point")]
    Malformed(u32),
    #[error("this amount is too large")]
    TooLarge,
}

/// A typed amount in minor units: `19.99` EUR → `1999`, `20` → `2000`, `1,5` → `150`. Signs are
/// refused (a price or a refund is never negative).
pub fn parse_amount(typed: &str, currency: Currency) -> Result<i64, AmountError> {
    let typed = typed.trim().replace(',', ".");
    if typed.is_empty() {
        return Err(AmountError::Empty);
    }
    let digits = minor_digits(currency);
    let (whole, fraction) = typed.split_once('.').unwrap_or((&typed, ""));
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty()
        || !all_digits(whole)
        || !all_digits(fraction)
        || fraction.len() > digits as usize
    {
        return Err(AmountError::Malformed(digits));
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| AmountError::TooLarge)?
    };
    let fraction: i64 = format!("{fraction:0<width$}", width = digits as usize)
        .parse()
        .unwrap_or(0);
    whole
        .checked_mul(10_i64.pow(digits))
        .and_then(|minor| minor.checked_add(fraction))
        .ok_or(AmountError::TooLarge)
}

/// `2026-12-02 11:05 UTC`
#[must_use]
pub fn exact(at: DateTime<Utc>) -> String {
    // Written out rather than with a strftime pattern, which is parsed again on every call.
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// `just now`, `5 minutes ago`, `in 3 days`…, relative to `now`.
#[must_use]
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - at).num_seconds();
    let (magnitude, future) = (seconds.unsigned_abs(), seconds < 0);
    let (count, unit) = match magnitude {
        0..60 => return "just now".to_owned(),
        60..3_600 => (magnitude / 60, "minute"),
        3_600..86_400 => (magnitude / 3_600, "hour"),
        86_400..2_592_000 => (magnitude / 86_400, "day"),
        2_592_000..31_536_000 => (magnitude / 2_592_000, "month"),
        _ => (magnitude / 31_536_000, "year"),
    };
    let plural = if count == 1 { "" } else { "s" };
    if future {
        format!("in {count} {unit}{plural}")
    } else {
        format!("{count} {unit}{plural} ago")
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn currency(code: &str) -> Currency {
        code.parse().unwrap()
    }

    #[test]
    fn money_reads_as_people_write_it() {
        assert_eq!(money(Money::new(1999, currency("EUR"))), "€19.99");
        assert_eq!(money(Money::new(5, currency("USD"))), "$0.05");
        assert_eq!(money(Money::new(-250, currency("GBP"))), "-£2.50");
        assert_eq!(money(Money::new(500, currency("JPY"))), "¥500");
        assert_eq!(money(Money::new(1234, currency("KWD"))), "1.234 KWD");
        assert_eq!(money(Money::new(100_000, currency("CHF"))), "1000.00 CHF");
    }

    #[test]
    fn typed_amounts_become_minor_units() {
        let eur = currency("EUR");
        assert_eq!(parse_amount("19.99", eur), Ok(1999));
        assert_eq!(parse_amount(" 20 ", eur), Ok(2000));
        assert_eq!(parse_amount("1,5", eur), Ok(150));
        assert_eq!(parse_amount(".5", eur), Ok(50));
        assert_eq!(parse_amount("500", currency("JPY")), Ok(500));
        assert_eq!(parse_amount("", eur), Err(AmountError::Empty));
        for bad in ["1.999", "-1", "1e3", "abc", ".", "1.2.3"] {
            assert_eq!(
                parse_amount(bad, eur),
                Err(AmountError::Malformed(2)),
                "{bad}"
            );
        }
        assert_eq!(
            parse_amount("5.5", currency("JPY")),
            Err(AmountError::Malformed(0))
        );
        assert_eq!(
            parse_amount("99999999999999999999", eur),
            Err(AmountError::TooLarge)
        );
    }

    #[test]
    fn dates_are_relative_and_exact() {
        let now = DateTime::parse_from_rfc3339("2026-12-02T11:05:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(exact(now), "2026-12-02 11:05 UTC");
        assert_eq!(relative(now, now), "just now");
        assert_eq!(relative(now - Duration::minutes(5), now), "5 minutes ago");
        assert_eq!(relative(now - Duration::hours(1), now), "1 hour ago");
        assert_eq!(relative(now + Duration::days(3), now), "in 3 days");
    }
}
