//! An edge's configuration, read once from the environment.

use std::str::FromStr;
use std::time::Duration;

/// Where an edge listens and where the api is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdgeSettings {
    pub host: String,
    pub port: u16,
    /// The api's base URL, e.g. `http://127.0.0.1:3005` (no trailing slash).
    pub upstream_url: String,
    /// How long one upstream call may take before the edge answers 504.
    pub upstream_timeout: Duration,
    /// HTTP workers; `None` is one per core.
    pub workers: Option<usize>,
    /// The dashboard's public origin (`FRONTEND_URL`, the one the api trusts): the `Origin` of the
    /// changes the dashboard's pages make for a browser whose own origin the edge has checked.
    pub frontend_url: String,
    /// Where the dashboard serves the agent approval page (`AGENT_DEVICE_AUTH_PAGE`, the path the
    /// api puts in an agent's `verification_uri`; default `/device/capabilities`).
    pub agent_approval_page: String,
}

/// Why the configuration cannot be used; the message names the variable.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

impl EdgeSettings {
    /// Reads `HOST`, `PORT` (default `default_port`), `API_UPSTREAM_URL` (default
    /// `http://127.0.0.1:3005`), `UPSTREAM_TIMEOUT_SECS` (default 30), `WORKERS` and `FRONTEND_URL`
    /// (default `http://localhost:3000`) through `lookup`.
    pub fn from_env(
        lookup: impl Fn(&str) -> Option<String>,
        default_port: u16,
    ) -> Result<Self, ConfigError> {
        let var = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let upstream_url = var("API_UPSTREAM_URL")
            .unwrap_or_else(|| "http://127.0.0.1:3005".to_owned())
            .trim_end_matches('/')
            .to_owned();
        if !upstream_url.starts_with("http://") && !upstream_url.starts_with("https://") {
            return Err(ConfigError(format!(
                "API_UPSTREAM_URL=`{upstream_url}` must start with http:// or https://"
            )));
        }
        let agent_approval_page =
            var("AGENT_DEVICE_AUTH_PAGE").unwrap_or_else(|| "/device/capabilities".to_owned());
        if !agent_approval_page.starts_with('/') || agent_approval_page.starts_with("//") {
            return Err(ConfigError(format!(
                "AGENT_DEVICE_AUTH_PAGE=`{agent_approval_page}` must be a path of this site, like /device/capabilities"
            )));
        }
        Ok(Self {
            host: var("HOST").unwrap_or_else(|| "127.0.0.1".to_owned()),
            port: parse(&var, "PORT", default_port)?,
            upstream_url,
            upstream_timeout: Duration::from_secs(parse(&var, "UPSTREAM_TIMEOUT_SECS", 30)?),
            workers: var("WORKERS")
                .map(|raw| parse(&|_: &str| Some(raw.clone()), "WORKERS", 1))
                .transpose()?,
            frontend_url: var("FRONTEND_URL")
                .unwrap_or_else(|| "http://localhost:3000".to_owned())
                .trim_end_matches('/')
                .to_owned(),
            agent_approval_page,
        })
    }
}

fn parse<T: FromStr>(
    var: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: T,
) -> Result<T, ConfigError> {
    var(name).map_or(Ok(default), |raw| {
        raw.trim()
            .parse()
            .map_err(|_| ConfigError(format!("{name}=`{raw}` is not valid")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_point_at_the_local_api() {
        let settings = EdgeSettings::from_env(|_| None, 3000).unwrap();
        assert_eq!(settings.port, 3000);
        assert_eq!(settings.upstream_url, "http://127.0.0.1:3005");
        assert_eq!(settings.upstream_timeout, Duration::from_secs(30));
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (name, value) in [
            ("PORT", "x"),
            ("UPSTREAM_TIMEOUT_SECS", "-1"),
            ("API_UPSTREAM_URL", "ftp://api"),
            ("WORKERS", "many"),
            ("AGENT_DEVICE_AUTH_PAGE", "https://evil.test/approve"),
        ] {
            let err = EdgeSettings::from_env(|n| (n == name).then(|| value.to_owned()), 3000)
                .unwrap_err();
            assert!(err.to_string().contains(name), "{err}");
        }
    }
}
