//! The kinds of free text the api accepts, each with its bounds, in one place: the validators of
//! `identity` and `commerce` check with these rules and `api-types` documents them in the OpenAPI
//! schema from the same values (including the [`TextRule::pattern`]), so the contract cannot drift
//! from what the code accepts.
//!
//! A value is taken as sent, then trimmed: at most `max` characters as sent, `min` to `max` after
//! trimming, no control characters after trimming (line breaks only where the rule allows them).

/// Rust's `char::is_whitespace` (Unicode `White_Space`), spelled as a regex class body that ECMA-262,
/// Python and the `regex` crate all read alike.
const WHITE_SPACE: &str =
    r"\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// Rust's `char::is_control` (Unicode general category `Cc`), as a class body.
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";

/// `CONTROL` without the line feed.
const CONTROL_BUT_LINE_FEED: &str = r"\u0000-\u0009\u000b-\u001f\u007f-\u009f";

/// How one kind of text is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextRule {
    /// The fewest characters after trimming (at least 1: blank text is never accepted).
    pub min: usize,
    /// The most characters, as sent.
    pub max: usize,
    /// Whether line breaks (`\n`) may appear inside the text.
    pub multiline: bool,
}

/// Why a value broke its [`TextRule`]; its `Display` is the message a client sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextProblem(TextRule);

impl std::fmt::Display for TextProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let TextRule {
            min,
            max,
            multiline,
        } = self.0;
        let lines = if multiline { "" } else { " on one line" };
        write!(f, "must be {min} to {max} characters{lines}")
    }
}

impl std::error::Error for TextProblem {}

impl TextRule {
    /// One line of `1..=max` characters.
    #[must_use]
    pub const fn line(max: usize) -> Self {
        Self {
            min: 1,
            max,
            multiline: false,
        }
    }

    /// Text of `min..=max` characters that may span lines.
    #[must_use]
    pub const fn text(min: usize, max: usize) -> Self {
        Self {
            min,
            max,
            multiline: true,
        }
    }

    /// The value, trimmed, when it keeps the rule.
    pub fn check<'a>(&self, value: &'a str) -> Result<&'a str, TextProblem> {
        let trimmed = value.trim();
        let forbidden = |c: char| c.is_control() && !(self.multiline && c == '\n');
        let sent = value.chars().take(self.max + 1).count();
        let kept = trimmed.chars().take(self.max + 1).count();
        if sent > self.max || kept < self.min.max(1) || trimmed.chars().any(forbidden) {
            Err(TextProblem(*self))
        } else {
            Ok(trimmed)
        }
    }

    /// The ECMA-262 regular expression that, with `maxLength` = `max`, accepts exactly what
    /// [`Self::check`] accepts: optional white space around a core that starts and ends with a
    /// visible character, holds no control characters and is at least `min` long.
    #[must_use]
    pub fn pattern(&self) -> String {
        let inner = if self.multiline {
            CONTROL_BUT_LINE_FEED
        } else {
            CONTROL
        };
        let edge = format!("[^{WHITE_SPACE}{CONTROL}]");
        let core = match self.min.max(1) {
            1 => format!("{edge}(?:[^{inner}]*{edge})?"),
            min => format!("{edge}[^{inner}]{{{},}}{edge}", min - 2),
        };
        format!("^[{WHITE_SPACE}]*{core}[{WHITE_SPACE}]*$")
    }
}

/// `core` (a regex without anchors) with optional white space around it, as trimming allows.
#[must_use]
pub fn padded(core: &str) -> String {
    format!("^[{WHITE_SPACE}]*(?:{core})[{WHITE_SPACE}]*$")
}

/// `pattern`, or nothing but white space: for optional fields where blank means absent.
#[must_use]
pub fn or_blank(pattern: &str) -> String {
    format!("{pattern}|^[{WHITE_SPACE}]*$")
}

/// A country: ISO 3166-1 alpha-2 in either case, answered upper-cased (`DE`).
pub const COUNTRY_CORE: &str = "[A-Za-z]{2}";

#[must_use]
pub fn country(raw: &str) -> Option<String> {
    let country = raw.trim();
    (country.len() == 2 && country.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| country.to_ascii_uppercase())
}

/// The longest phone number, as sent.
pub const PHONE_MAX: usize = 200;
/// A phone number: digits, spaces and `+-()`, with at least one digit.
pub const PHONE_CORE: &str = "[0-9 +()-]*[0-9][0-9 +()-]*";

/// The phone number, trimmed, when it has that shape.
#[must_use]
pub fn phone(raw: &str) -> Option<&str> {
    let phone = raw.trim();
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')');
    (raw.chars().take(PHONE_MAX + 1).count() <= PHONE_MAX
        && phone.chars().all(allowed)
        && phone.chars().any(|c| c.is_ascii_digit()))
    .then_some(phone)
}

/// A person's name (accounts, customers, addresses).
pub const PERSON_NAME: TextRule = TextRule::line(200);
/// An organization's, and so a store's, name.
pub const STORE_NAME: TextRule = TextRule::line(200);
/// A product's or a variant's title.
pub const PRODUCT_TITLE: TextRule = TextRule::text(1, 300);
/// A product's description (may be empty, which is checked apart).
pub const PRODUCT_DESCRIPTION_MAX: usize = 20_000;
/// One field of a postal address.
pub const ADDRESS_FIELD: TextRule = TextRule::line(200);
/// Why stock was adjusted.
pub const INVENTORY_REASON: TextRule = TextRule::text(1, 200);
/// Why an order was refunded.
pub const REFUND_REASON: TextRule = TextRule::text(1, 500);
/// The bank's or till's reference of a manual payment.
pub const PAYMENT_REFERENCE: TextRule = TextRule::text(1, 200);
/// A store's Stripe webhook signing secret.
pub const WEBHOOK_SECRET: TextRule = TextRule::text(8, 255);
/// An API key's name.
pub const API_KEY_NAME: TextRule = TextRule::line(100);
/// An agent's or an agent host's name.
pub const AGENT_NAME: TextRule = TextRule::line(200);

/// A name made for URLs: lower-case ASCII letters and digits, `-` inside only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlugRule {
    pub min: usize,
    pub max: usize,
}

impl SlugRule {
    /// What [`Self::is_valid`] accepts, with `minLength`/`maxLength` = `min`/`max`.
    pub const PATTERN: &'static str = "^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$";

    #[must_use]
    pub fn is_valid(&self, value: &str) -> bool {
        (self.min..=self.max).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !value.starts_with('-')
            && !value.ends_with('-')
    }

    /// The problem a client sees.
    #[must_use]
    pub fn message(&self) -> String {
        format!(
            "must be {} to {} lower-case letters, digits or '-' (not first or last)",
            self.min, self.max
        )
    }
}

/// An organization's slug, unique on the platform.
pub const ORG_SLUG: SlugRule = SlugRule { min: 2, max: 64 };
/// A product's handle, unique in its store: the last part of its storefront URL.
pub const PRODUCT_HANDLE: SlugRule = SlugRule { min: 1, max: 200 };

/// The longest SKU.
pub const SKU_MAX: usize = 100;
/// What [`is_sku`] accepts, with `minLength` 1 and `maxLength` [`SKU_MAX`].
pub const SKU_PATTERN: &str = "^[A-Za-z0-9._-]+$";

/// A stock-keeping unit: 1 to 100 ASCII letters, digits, `-`, `_` or `.`.
#[must_use]
pub fn is_sku(value: &str) -> bool {
    (1..=SKU_MAX).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A colour `#rrggbb`, in either case.
pub const COLOUR_PATTERN: &str = "^#[0-9A-Fa-f]{6}$";

#[must_use]
pub fn is_colour(value: &str) -> bool {
    value.len() == 7
        && value.starts_with('#')
        && value.bytes().skip(1).all(|b| b.is_ascii_hexdigit())
}

/// A password's length in characters, taken as typed (never trimmed).
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

/// An `Idempotency-Key`: 1 to 255 visible ASCII characters.
pub const IDEMPOTENCY_KEY_MAX: usize = 255;
pub const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]+$";

#[must_use]
pub fn is_idempotency_key(value: &str) -> bool {
    (1..=IDEMPOTENCY_KEY_MAX).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_graphic())
}

/// A list cursor: the base64url (no padding) of 16 bytes, so exactly 22 characters of which the last
/// carries 2 bits.
pub const CURSOR_LEN: usize = 22;
pub const CURSOR_PATTERN: &str = "^[A-Za-z0-9_-]{21}[AQgw]$";

/// The `x` of an Ed25519 JWK: 32 bytes in base64url without padding, so 43 characters of which the
/// last carries 4 bits.
pub const ED25519_X_PATTERN: &str = "^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$";

/// The longest email address, as sent.
pub const EMAIL_MAX: usize = 320;

/// An email address, trimmed and lower-cased, when it has the shape of one (a local part, `@`, a
/// dotted domain, no white space or control characters).
#[must_use]
pub fn email(raw: &str) -> Option<String> {
    if raw.chars().take(EMAIL_MAX + 1).count() > EMAIL_MAX {
        return None;
    }
    let email = raw.trim().to_lowercase();
    let shaped = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    });
    (shaped && !email.chars().any(|c| c.is_whitespace() || c.is_control())).then_some(email)
}

/// The longest hostname (RFC 1035).
pub const MAX_HOSTNAME_LEN: usize = 253;
/// What `resolve_caller::Hostname::parse_name` accepts, with `maxLength` [`MAX_HOSTNAME_LEN`]: letter-digit-hyphen
/// labels of 1 to 63 characters, none starting or ending with `-`, joined by dots, and one optional
/// trailing dot.
pub const HOSTNAME_PATTERN: &str = "^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.?$";

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const RULES: [TextRule; 4] = [
        TextRule::line(12),
        TextRule::text(1, 12),
        TextRule::text(3, 12),
        TextRule::text(8, 12),
    ];

    #[test]
    fn values_are_trimmed_and_bounded() {
        let line = TextRule::line(6);
        assert_eq!(line.check("  Ada "), Ok("Ada"));
        for bad in ["", "   ", "a\nb", "a\u{7}b", "abcdefg", " abcdef"] {
            assert!(line.check(bad).is_err(), "{bad:?}");
        }
        let text = TextRule::text(3, 8);
        assert_eq!(text.check("a\nbc"), Ok("a\nbc"));
        assert!(text.check(" ab ").is_err());
        assert_eq!(
            text.check("").unwrap_err().to_string(),
            "must be 3 to 8 characters"
        );
        assert_eq!(
            line.check("").unwrap_err().to_string(),
            "must be 1 to 6 characters on one line"
        );
    }

    #[test]
    fn emails_are_normalised_and_shaped() {
        assert_eq!(
            email(" Ada@Example.COM "),
            Some("ada@example.com".to_owned())
        );
        for bad in [
            "ada",
            "@example.com",
            "ada@example",
            "ada@.example.com",
            "a da@x.com",
        ] {
            assert_eq!(email(bad), None, "{bad}");
        }
        assert_eq!(
            email(&format!("{}@example.com", "a".repeat(EMAIL_MAX))),
            None
        );
    }

    #[test]
    fn the_other_patterns_accept_exactly_what_their_checks_accept() {
        let slug = regex::Regex::new(SlugRule::PATTERN).unwrap();
        let sku = regex::Regex::new(SKU_PATTERN).unwrap();
        let colour = regex::Regex::new(COLOUR_PATTERN).unwrap();
        let key = regex::Regex::new(IDEMPOTENCY_KEY_PATTERN).unwrap();
        for value in [
            "", "a", "ab", "a-b", "-a", "a-", "a--b", "A", "a.b", "a_b", "#1f6feb", "#1F6FEB",
            "#1f6fe", "1f6feb0", "#1f6feg", "a b", "é", "~!", "a\u{7f}",
        ] {
            let len = value.chars().count();
            for rule in [ORG_SLUG, PRODUCT_HANDLE] {
                let documented = (rule.min..=rule.max).contains(&len) && slug.is_match(value);
                assert_eq!(documented, rule.is_valid(value), "slug {value:?}");
            }
            let documented = (1..=SKU_MAX).contains(&len) && sku.is_match(value);
            assert_eq!(documented, is_sku(value), "sku {value:?}");
            assert_eq!(colour.is_match(value), is_colour(value), "colour {value:?}");
            let documented = (1..=IDEMPOTENCY_KEY_MAX).contains(&len) && key.is_match(value);
            assert_eq!(documented, is_idempotency_key(value), "key {value:?}");
        }
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        // Mostly letters, with the white space and control characters the rules are about.
        let chars = prop_oneof![
            4 => proptest::char::range('a', 'e'),
            1 => Just(' '),
            1 => Just('\n'),
            1 => Just('\t'),
            1 => Just('\u{7}'),
            1 => Just('\u{85}'),
            1 => Just('\u{a0}'),
            1 => Just('\u{3000}'),
            1 => Just('\u{feff}'),
        ];
        proptest::collection::vec(chars, 0..16).prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn countries_and_phones_are_documented_exactly(value in text_strategy(), digits in "[0-9a-zA-Z +()-]{0,6}") {
            let country_pattern = regex::Regex::new(&padded(COUNTRY_CORE)).unwrap();
            let phone_pattern = regex::Regex::new(&padded(PHONE_CORE)).unwrap();
            let optional = regex::Regex::new(&or_blank(&TextRule::line(12).pattern())).unwrap();
            for value in [value.clone(), digits.clone(), format!(" {digits}\u{3000}"), format!("{value}{digits}")] {
                prop_assert_eq!(country_pattern.is_match(&value), country(&value).is_some(), "{:?}", value);
                let documented = value.chars().count() <= PHONE_MAX && phone_pattern.is_match(&value);
                prop_assert_eq!(documented, phone(&value).is_some(), "{:?}", value);
                let documented = value.chars().count() <= 12 && optional.is_match(&value);
                let accepted = value.trim().is_empty() || TextRule::line(12).check(&value).is_ok();
                prop_assert_eq!(documented, accepted, "{:?}", value);
            }
        }

        /// The documented pattern (with `maxLength`) and the check agree on every value.
        #[test]
        fn the_pattern_accepts_exactly_what_the_check_accepts(value in text_strategy()) {
            for rule in RULES {
                let pattern = regex::Regex::new(&rule.pattern()).unwrap();
                let documented = value.chars().count() <= rule.max && pattern.is_match(&value);
                prop_assert_eq!(documented, rule.check(&value).is_ok(), "{:?} {:?}", rule, value);
            }
        }
    }
}
