//! Which hostnames a store may claim, and how it proves one is its own. Pure rules: the
//! platform's own hosts and names no shopper's browser could reach a store at are refused; a name
//! under the platform's store domain is the platform's to give; any other must be proven by DNS.

use resolve_caller::Hostname;

/// The platform's names, from its settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DomainRules {
    /// The platform's own hosts (the api's, the dashboard's, trusted origins'): never a store's.
    pub reserved: Vec<Hostname>,
    /// The platform's store domain (`PLATFORM_STORE_DOMAIN`, e.g. `shops.example.com`): a store
    /// may claim one name directly under it, verified at once; the domain itself is the platform's.
    pub platform: Option<Hostname>,
}

/// How a claimed hostname becomes the store's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proof {
    /// A name under the platform's store domain: the platform vouches for it at once.
    Platform,
    /// The store proves it with a DNS TXT record.
    Dns,
}

impl DomainRules {
    /// How `host` can become a store's, or why it never can (a sentence for the `hostname` field).
    pub fn claim(&self, host: &Hostname) -> Result<Proof, &'static str> {
        let name = host.as_str();
        let labels: Vec<&str> = name.split('.').collect();
        if name.starts_with('[')
            || labels
                .last()
                .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err("is an IP address: name a domain");
        }
        if labels.len() < 2 {
            return Err("must be a domain of at least two labels, like `shop.example.com`");
        }
        if self.reserved.contains(host) {
            return Err("is one of the platform's own hosts");
        }
        if let Some(platform) = &self.platform {
            if host == platform {
                return Err("is the platform's own domain");
            }
            if let Some(label) = name
                .strip_suffix(platform.as_str())
                .and_then(|rest| rest.strip_suffix('.'))
            {
                return if label.contains('.') {
                    Err(
                        "under the platform's domain, only a name one level below it can be claimed",
                    )
                } else {
                    Ok(Proof::Platform)
                };
            }
        }
        if name == "localhost" || name.ends_with(".localhost") {
            return Err("is reserved for a machine's own services (localhost)");
        }
        Ok(Proof::Dns)
    }
}

/// The host of an origin or URL (`https://dash.example.com:8443/x` → `dash.example.com`), if it has
/// one that parses.
#[must_use]
pub fn host_of_url(url: &str) -> Option<Hostname> {
    let authority = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = authority.split(['/', '?', '#']).next()?;
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    Hostname::parse(authority).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(name: &str) -> Hostname {
        Hostname::parse(name).unwrap()
    }

    #[test]
    fn claims() {
        let rules = DomainRules {
            reserved: vec![host("api.example.com"), host("dash.example.com")],
            platform: Some(host("shops.example.com")),
        };
        let cases: [(&str, Result<Proof, ()>); 14] = [
            ("shop.bigbrand.com", Ok(Proof::Dns)),
            ("bigbrand.co.uk", Ok(Proof::Dns)),
            ("acme.shops.example.com", Ok(Proof::Platform)),
            ("a.acme.shops.example.com", Err(())),
            ("shops.example.com", Err(())),
            ("evilshops.example.com", Ok(Proof::Dns)),
            ("api.example.com", Err(())),
            ("dash.example.com", Err(())),
            ("127.0.0.1", Err(())),
            ("10.0.0.300", Err(())),
            ("[::1]", Err(())),
            ("localhost", Err(())),
            ("shop.localhost", Err(())),
            ("api", Err(())),
        ];
        for (name, expected) in cases {
            assert_eq!(rules.claim(&host(name)).map_err(|_| ()), expected, "{name}");
        }
    }

    #[test]
    fn a_platform_on_localhost_gives_out_its_names_for_development() {
        let rules = DomainRules {
            reserved: vec![host("localhost")],
            platform: Some(host("localhost")),
        };
        assert_eq!(rules.claim(&host("acme.localhost")), Ok(Proof::Platform));
        assert!(rules.claim(&host("localhost")).is_err());
    }

    #[test]
    fn urls_name_their_host() {
        assert_eq!(
            host_of_url("https://Dash.Example.com:8443/x?y"),
            Some(host("dash.example.com"))
        );
        assert_eq!(
            host_of_url("http://localhost:3000"),
            Some(host("localhost"))
        );
        assert_eq!(host_of_url("http://user@[::1]:80/"), Some(host("[::1]")));
        assert_eq!(host_of_url("https://"), None);
    }
}
