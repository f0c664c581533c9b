//! Host normalisation: one spelling per storefront, whatever the browser or proxy sent.

use std::fmt;

use domain::text::MAX_HOSTNAME_LEN;
use serde::{Deserialize, Serialize};

const MAX_LABEL_LEN: usize = 63;

/// A lower-case DNS hostname without port or trailing dot: the key storefront domains are stored and
/// looked up by. `Shop.Example.COM.:8443` and `shop.example.com` are the same `Hostname`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Hostname(String);

/// A `Host` value that is not a hostname we could ever serve (empty, bad characters, bad port…).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid hostname: {0}")]
pub struct InvalidHostname(&'static str);

impl Hostname {
    /// Parses a `Host` (or `X-Forwarded-Host`) value: lower-cases it, drops the port and one trailing
    /// dot, and checks every label. IP literals are kept as written (in brackets for IPv6) so they can
    /// be recognised and refused by the lookup rather than here.
    pub fn parse(raw: &str) -> Result<Self, InvalidHostname> {
        let without_port = strip_port(raw)?;
        if without_port.starts_with('[') {
            return parse_ipv6_literal(without_port);
        }
        let name = without_port.strip_suffix('.').unwrap_or(without_port);
        if name.is_empty() {
            return Err(InvalidHostname("empty"));
        }
        if name.len() > MAX_HOSTNAME_LEN {
            return Err(InvalidHostname("longer than 253 characters"));
        }
        for label in name.split('.') {
            check_label(label)?;
        }
        Ok(Self(name.to_ascii_lowercase()))
    }

    /// Parses a hostname as a merchant names their domain: a DNS name of at most 253 characters as
    /// written (a trailing dot included), in any case, without a port or brackets (what
    /// [`domain::text::HOSTNAME_PATTERN`] documents).
    pub fn parse_name(raw: &str) -> Result<Self, InvalidHostname> {
        if raw.contains(':') || raw.starts_with('[') {
            return Err(InvalidHostname(
                "a port or an IP literal: name the domain alone",
            ));
        }
        if raw.len() > MAX_HOSTNAME_LEN {
            return Err(InvalidHostname("longer than 253 characters"));
        }
        Self::parse(raw)
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn strip_port(raw: &str) -> Result<&str, InvalidHostname> {
    let (host, port) = if let Some(rest) = raw.strip_prefix('[') {
        let end = rest
            .find(']')
            .ok_or(InvalidHostname("unclosed IPv6 literal"))?;
        let host_len = end + 2;
        (&raw[..host_len], raw[host_len..].strip_prefix(':'))
    } else {
        match raw.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (raw, None),
        }
    };
    match port {
        Some(port) if !is_port(port) => Err(InvalidHostname("bad port")),
        _ if host.len() != raw.len() && port.is_none() => {
            Err(InvalidHostname("junk after IPv6 literal"))
        }
        _ => Ok(host),
    }
}

fn is_port(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.parse::<u16>().is_ok()
}

fn parse_ipv6_literal(literal: &str) -> Result<Hostname, InvalidHostname> {
    let inner = &literal[1..literal.len() - 1];
    if inner.is_empty()
        || !inner
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    {
        return Err(InvalidHostname("bad IPv6 literal"));
    }
    Ok(Hostname(literal.to_ascii_lowercase()))
}

fn check_label(label: &str) -> Result<(), InvalidHostname> {
    if label.is_empty() {
        return Err(InvalidHostname("empty label"));
    }
    if label.len() > MAX_LABEL_LEN {
        return Err(InvalidHostname("label longer than 63 characters"));
    }
    if !label
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(InvalidHostname(
            "characters other than letters, digits, '-' and '.'",
        ));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(InvalidHostname("label starts or ends with '-'"));
    }
    Ok(())
}

impl fmt::Display for Hostname {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Hostname {
    type Error = InvalidHostname;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Hostname> for String {
    fn from(host: Hostname) -> Self {
        host.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn case_port_and_trailing_dot_are_normalised() {
        for raw in [
            "shop.example.com",
            "SHOP.Example.Com",
            "shop.example.com:3005",
            "Shop.Example.Com.:443",
            "shop.example.com.",
        ] {
            assert_eq!(
                Hostname::parse(raw).unwrap().as_str(),
                "shop.example.com",
                "{raw}"
            );
        }
    }

    #[test]
    fn ip_literals_are_kept() {
        assert_eq!(
            Hostname::parse("127.0.0.1:3005").unwrap().as_str(),
            "127.0.0.1"
        );
        assert_eq!(Hostname::parse("[::1]:3005").unwrap().as_str(), "[::1]");
        assert_eq!(Hostname::parse("[::1]").unwrap().as_str(), "[::1]");
    }

    #[test]
    fn junk_is_refused() {
        for raw in [
            "",
            ".",
            ":80",
            "shop..example.com",
            "shop.example.com:",
            "shop.example.com:99999",
            "shop.example.com:80:80",
            "shop example.com",
            "shop_example.com",
            "-shop.example.com",
            "shop-.example.com",
            "shop.example.com/path",
            "user@shop.example.com",
            "[::1",
            "[::1]x",
            "[zz::1]",
            "shöp.example.com",
        ] {
            assert!(Hostname::parse(raw).is_err(), "{raw:?} should be refused");
        }
        assert!(Hostname::parse(&"a".repeat(64)).is_err());
        assert!(Hostname::parse(&["a"; 130].join(".")).is_err());
    }

    #[test]
    fn a_merchants_name_is_a_dns_name_alone() {
        assert_eq!(
            Hostname::parse_name("Shop.Example.com").unwrap().as_str(),
            "shop.example.com"
        );
        assert_eq!(
            Hostname::parse_name("shop.example.com.").unwrap().as_str(),
            "shop.example.com"
        );
        for raw in ["shop.example.com:443", "shop.example.com..", "[::1]", ""] {
            assert!(Hostname::parse_name(raw).is_err(), "{raw:?}");
        }
    }

    proptest! {
        /// The documented pattern (with `maxLength`) accepts exactly what `parse_name` accepts.
        #[test]
        fn the_pattern_documents_parse_name(raw in "([a-zA-Z0-9-]{0,64}[.:]?){0,4}|[a-z.]{250,256}|\\PC{0,20}") {
            let pattern = regex::Regex::new(domain::text::HOSTNAME_PATTERN).unwrap();
            let documented = raw.chars().count() <= MAX_HOSTNAME_LEN && pattern.is_match(&raw);
            prop_assert_eq!(documented, Hostname::parse_name(&raw).is_ok(), "{:?}", raw);
        }

        #[test]
        fn parsing_never_panics(raw in "\\PC{0,80}") {
            let _ = Hostname::parse(&raw);
        }

        #[test]
        fn normalisation_is_idempotent_and_case_insensitive(
            labels in proptest::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?", 1..5),
            port in proptest::option::of(1u16..),
            trailing_dot in any::<bool>(),
        ) {
            let mut raw = labels.join(".");
            if trailing_dot { raw.push('.'); }
            if let Some(port) = port { raw.push_str(&format!(":{port}")); }
            let host = Hostname::parse(&raw).unwrap();
            prop_assert_eq!(host.as_str(), labels.join(".").to_ascii_lowercase());
            prop_assert_eq!(Hostname::parse(host.as_str()).unwrap(), host.clone());
            prop_assert_eq!(Hostname::parse(&raw.to_ascii_uppercase()).unwrap(), host);
        }
    }
}
