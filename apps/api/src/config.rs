//! Typed configuration, read once at start from the environment (README, "Configuration"). Nothing reads the
//! environment after this; everything else receives [`Settings`].

use std::fmt;
use std::str::FromStr;

/// A value that must never be printed or logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// `development` relaxes what production must set explicitly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

impl FromStr for Environment {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "development" | "dev" => Ok(Self::Development),
            "production" | "prod" => Ok(Self::Production),
            other => Err(format!("`{other}` is not `development` or `production`")),
        }
    }
}

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" | "pretty" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(format!("`{other}` is not `text` or `json`")),
        }
    }
}

/// Everything the api is configured with. See the README's configuration table.
#[derive(Clone, Debug)]
pub struct Settings {
    pub environment: Environment,
    pub host: String,
    pub port: u16,
    /// HTTP workers; `None` is one per core.
    pub workers: Option<usize>,
    pub database_url: String,
    pub database_max_connections: u32,
    /// Signs session cookies; rotating it signs everyone out.
    pub auth_secret: Secret,
    /// The api's own public origin: absolute URLs in responses are built from it, never from `Host`.
    pub api_public_url: String,
    /// The dashboard's origin: sign-in links, trusted origin for cookie-authenticated mutations.
    pub frontend_url: String,
    /// Further origins trusted for credentialed CORS.
    pub cors_origins: Vec<String>,
    /// The shared secret of the checkout app's payment webhooks.
    pub checkout_api_secret: Option<Secret>,
    /// Whether `X-Forwarded-Host`/`-For` come from a proxy we trust.
    pub trust_proxy: bool,
    pub agent_device_auth_page: String,
    /// Agent Auth: lifetime clocks (`AGENT_SESSION_TTL_SECONDS`, 3600; `AGENT_MAX_LIFETIME_SECONDS`,
    /// 86400; `AGENT_ABSOLUTE_LIFETIME_SECONDS`, none) and `AGENT_DYNAMIC_HOSTS` (false).
    pub agents: identity::agents::AgentSettings,
    /// The capabilities agents get without a user's approval (`AGENT_AUTO_GRANT`, a comma list;
    /// unset: storefront reads and `createCart`).
    pub agent_auto_grant: Option<Vec<String>>,
    /// Agent Auth's limits a minute (`AGENT_RATE_LIMITS`, e.g. `register=10,approve=5,status=300,other=60`).
    pub agent_rate_limits: crate::rate_limit::AgentRateLimits,
    pub log_format: LogFormat,
    /// The largest JSON body accepted by default, in bytes.
    pub json_body_limit: usize,
    /// Users with these emails become platform administrators once they verified them.
    pub platform_admin_emails: Vec<String>,
    /// The mail server email is delivered to (`SMTP_URL`, e.g. `smtps://user:pass@smtp.example.com`);
    /// required in production. Without it, messages are written to `email_outbox_dir`.
    pub smtp_url: Option<Secret>,
    /// Where messages go without a mail server (`EMAIL_OUTBOX_DIR`, `data/outbox`): one `.eml`
    /// file each, logged with its link.
    pub email_outbox_dir: std::path::PathBuf,
    /// Who email comes from (`EMAIL_FROM`, `Commerce <no-reply@localhost>`).
    pub email_from: String,
    /// How often the outbox is looked at for messages due again (`EMAIL_RETRY_INTERVAL_SECONDS`,
    /// 15); a new message is sent at once.
    pub email_retry_interval: std::time::Duration,
    /// Sign-in waits until the account's address is verified (`REQUIRE_EMAIL_VERIFICATION`, false).
    pub require_email_verification: bool,
    /// How many password hashes run at once (`PASSWORD_HASH_CONCURRENCY`, two per core) and how
    /// long a sign-in waits for a turn (`PASSWORD_HASH_WAIT_MS`, 2000) before a 503.
    pub password_hashing: identity::HashingLimit,
    /// The dashboard is on another site than the api: session cookies become `SameSite=None`.
    pub cookie_cross_site: bool,
    /// Sign-in and sign-up attempts allowed per client address per minute (half that per account).
    pub auth_rate_limit_per_minute: u32,
    /// How long a verified session or API key is answered from memory: the bound on how late this
    /// instance sees a sign-out, revocation or membership change made on another.
    pub credential_cache_ttl: std::time::Duration,
    /// No session lives longer than this after sign-in, however often it is used
    /// (`SESSION_MAX_LIFETIME_DAYS`, 90; at least the 30 days a session lives unused).
    pub session_max_lifetime: chrono::Duration,
    /// The `client_id`s the device flow accepts.
    pub device_client_ids: Vec<String>,
    /// An order still `pending_payment` this long after it was placed is cancelled and its stock
    /// released (`ORDER_PAYMENT_TIMEOUT_MINUTES`, 60; `0` is `None`: never).
    pub order_payment_timeout: Option<chrono::Duration>,
    /// How often the api looks for such orders (`ORDER_SWEEP_INTERVAL_SECONDS`, 60).
    pub order_sweep_interval: std::time::Duration,
    /// The platform's store domain (`PLATFORM_STORE_DOMAIN`): a store may claim one name directly
    /// under it, verified at once. Default: `localhost` in development (`acme.localhost` reaches
    /// the storefront edge on this machine), none in production.
    pub platform_store_domain: Option<resolve_caller::Hostname>,
    /// The name server that store domains' TXT proofs are asked of (`DNS_RESOLVER`, `ip:port`);
    /// default: the system's.
    pub dns_resolver: Option<std::net::SocketAddr>,
    /// How often every store domain's proof is looked up again (`DOMAIN_CHECK_INTERVAL_SECONDS`,
    /// 3600; `0`: never).
    pub domain_check_interval: Option<std::time::Duration>,
}

/// Why the configuration cannot be used; the message names the variable.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

const MIN_SECRET_LEN: usize = 32;

impl Settings {
    /// Reads the settings through `lookup` (the process environment in `main`, a map in tests).
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let environment = parse(&var, "APP_ENV", Environment::Development)?;
        let host = var("HOST").unwrap_or_else(|| "127.0.0.1".to_owned());
        let port = parse(&var, "PORT", 3005)?;
        let production = environment == Environment::Production;

        let auth_secret = match var("AUTH_SECRET") {
            Some(secret) if secret.len() >= MIN_SECRET_LEN => Secret::new(secret),
            Some(_) => {
                return Err(ConfigError(format!(
                    "AUTH_SECRET must be at least {MIN_SECRET_LEN} characters"
                )));
            }
            None if production => {
                return Err(ConfigError(
                    "AUTH_SECRET is required when APP_ENV=production".to_owned(),
                ));
            }
            None => Secret::new(random_dev_secret()),
        };
        let checkout_api_secret = var("CHECKOUT_API_SECRET").map(Secret::new);
        if production && checkout_api_secret.is_none() {
            return Err(ConfigError(
                "CHECKOUT_API_SECRET is required when APP_ENV=production".to_owned(),
            ));
        }

        let public_url = |name: &str, default: String| -> Result<String, ConfigError> {
            match var(name) {
                Some(url) if production && !url.starts_with("https://") => Err(ConfigError(
                    format!("{name} must be an https:// URL when APP_ENV=production"),
                )),
                Some(url) => Ok(trim_slash(url)),
                None if production => Err(ConfigError(format!(
                    "{name} is required when APP_ENV=production"
                ))),
                None => Ok(default),
            }
        };
        let smtp_url = var("SMTP_URL").map(Secret::new);
        if production && smtp_url.is_none() {
            return Err(ConfigError(
                "SMTP_URL is required when APP_ENV=production: email would go to a folder"
                    .to_owned(),
            ));
        }
        let api_public_url = public_url("API_PUBLIC_URL", format!("http://{host}:{port}"))?;
        let frontend_url = public_url("FRONTEND_URL", "http://localhost:3000".to_owned())?;
        let cors_origins: Vec<String> = list(var("CORS_ORIGIN"))
            .into_iter()
            .map(trim_slash)
            .collect();
        if production
            && cors_origins
                .iter()
                .any(|origin| !origin.starts_with("https://"))
        {
            return Err(ConfigError(
                "CORS_ORIGIN must name https:// origins only when APP_ENV=production".to_owned(),
            ));
        }

        Ok(Self {
            environment,
            workers: var("WORKERS")
                .map(|w| w.parse())
                .transpose()
                .map_err(|_| ConfigError("WORKERS must be a positive whole number".to_owned()))?,
            database_url: var("DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/commerce.sqlite".to_owned()),
            database_max_connections: parse(&var, "DATABASE_MAX_CONNECTIONS", 10)?,
            auth_secret,
            api_public_url,
            frontend_url,
            cors_origins,
            checkout_api_secret,
            trust_proxy: parse(&var, "TRUST_PROXY", false)?,
            agent_device_auth_page: var("AGENT_DEVICE_AUTH_PAGE")
                .unwrap_or_else(|| "/device/capabilities".to_owned()),
            agents: agent_settings(&var)?,
            agent_auto_grant: var("AGENT_AUTO_GRANT").map(|names| list(Some(names))),
            agent_rate_limits: match var("AGENT_RATE_LIMITS") {
                None => crate::rate_limit::AgentRateLimits::default(),
                Some(text) => text
                    .parse()
                    .map_err(|problem| ConfigError(format!("AGENT_RATE_LIMITS: {problem}")))?,
            },
            log_format: parse(&var, "LOG_FORMAT", LogFormat::Text)?,
            json_body_limit: parse(&var, "JSON_BODY_LIMIT", 64 * 1024)?,
            platform_admin_emails: list(var("PLATFORM_ADMIN_EMAILS")),
            smtp_url,
            email_outbox_dir: var("EMAIL_OUTBOX_DIR")
                .unwrap_or_else(|| "data/outbox".to_owned())
                .into(),
            email_from: var("EMAIL_FROM")
                .unwrap_or_else(|| "Commerce <no-reply@localhost>".to_owned()),
            email_retry_interval: match parse::<u64>(&var, "EMAIL_RETRY_INTERVAL_SECONDS", 15)? {
                0 => {
                    return Err(ConfigError(
                        "EMAIL_RETRY_INTERVAL_SECONDS must be at least 1".to_owned(),
                    ));
                }
                seconds => std::time::Duration::from_secs(seconds),
            },
            require_email_verification: parse(&var, "REQUIRE_EMAIL_VERIFICATION", false)?,
            password_hashing: {
                let default = identity::HashingLimit::default();
                identity::HashingLimit {
                    concurrent: match parse(&var, "PASSWORD_HASH_CONCURRENCY", default.concurrent)?
                    {
                        0 => {
                            return Err(ConfigError(
                                "PASSWORD_HASH_CONCURRENCY must be at least 1".to_owned(),
                            ));
                        }
                        n => n,
                    },
                    wait: std::time::Duration::from_millis(parse(
                        &var,
                        "PASSWORD_HASH_WAIT_MS",
                        2000,
                    )?),
                }
            },
            cookie_cross_site: parse(&var, "SESSION_COOKIE_CROSS_SITE", false)?,
            device_client_ids: match list(var("DEVICE_CLIENT_IDS")) {
                ids if ids.is_empty() => vec!["commerce-cli".to_owned()],
                ids => ids,
            },
            session_max_lifetime: match parse::<u16>(&var, "SESSION_MAX_LIFETIME_DAYS", 90)? {
                days if days >= 30 => chrono::Duration::days(i64::from(days)),
                _ => {
                    return Err(ConfigError(
                        "SESSION_MAX_LIFETIME_DAYS must be at least 30, a session's idle lifetime"
                            .to_owned(),
                    ));
                }
            },
            credential_cache_ttl: std::time::Duration::from_millis(parse(
                &var,
                "CREDENTIAL_CACHE_TTL_MS",
                10_000,
            )?),
            order_payment_timeout: match parse::<u32>(&var, "ORDER_PAYMENT_TIMEOUT_MINUTES", 60)? {
                0 => None,
                minutes => Some(chrono::Duration::minutes(i64::from(minutes))),
            },
            order_sweep_interval: match parse::<u64>(&var, "ORDER_SWEEP_INTERVAL_SECONDS", 60)? {
                0 => {
                    return Err(ConfigError(
                        "ORDER_SWEEP_INTERVAL_SECONDS must be at least 1".to_owned(),
                    ));
                }
                seconds => std::time::Duration::from_secs(seconds),
            },
            platform_store_domain: match var("PLATFORM_STORE_DOMAIN") {
                Some(name) => Some(
                    resolve_caller::Hostname::parse_name(&name)
                        .map_err(|e| ConfigError(format!("PLATFORM_STORE_DOMAIN: {e}")))?,
                ),
                None if production => None,
                None => resolve_caller::Hostname::parse("localhost").ok(),
            },
            dns_resolver: var("DNS_RESOLVER")
                .map(|address| address.parse())
                .transpose()
                .map_err(|_| ConfigError("DNS_RESOLVER must be an ip:port".to_owned()))?,
            domain_check_interval: match parse::<u64>(&var, "DOMAIN_CHECK_INTERVAL_SECONDS", 3600)?
            {
                0 => None,
                seconds => Some(std::time::Duration::from_secs(seconds)),
            },
            auth_rate_limit_per_minute: match parse(&var, "AUTH_RATE_LIMIT_PER_MINUTE", 30)? {
                0 => {
                    return Err(ConfigError(
                        "AUTH_RATE_LIMIT_PER_MINUTE must be at least 1".to_owned(),
                    ));
                }
                n => n,
            },
            host,
            port,
        })
    }

    /// The process environment.
    pub fn from_process_env() -> Result<Self, ConfigError> {
        Self::from_env(|name| std::env::var(name).ok())
    }

    /// Origins whose cookie-authenticated requests are trusted: the dashboard, `CORS_ORIGIN`, and the
    /// api itself.
    #[must_use]
    pub fn trusted_origins(&self) -> Vec<String> {
        let mut origins = vec![self.frontend_url.clone(), self.api_public_url.clone()];
        origins.extend(self.cors_origins.iter().cloned());
        origins.dedup();
        origins
    }

    /// Cookies are `Secure` except when the api is served over plain http on this machine (local
    /// development), where browsers would drop them.
    #[must_use]
    pub fn cookie_secure(&self) -> bool {
        let local_http = ["http://localhost", "http://127.0.0.1", "http://[::1]"]
            .iter()
            .any(|local| {
                self.api_public_url == *local
                    || self.api_public_url.starts_with(&format!("{local}:"))
            });
        self.cookie_cross_site || !local_http
    }
}

fn agent_settings(
    var: &impl Fn(&str) -> Option<String>,
) -> Result<identity::agents::AgentSettings, ConfigError> {
    let seconds = |name: &str, default: i64| -> Result<chrono::Duration, ConfigError> {
        match parse(var, name, default)? {
            n if n > 0 => Ok(chrono::Duration::seconds(n)),
            _ => Err(ConfigError(format!("{name} must be at least 1"))),
        }
    };
    let absolute = match var("AGENT_ABSOLUTE_LIFETIME_SECONDS") {
        None => None,
        Some(_) => Some(seconds("AGENT_ABSOLUTE_LIFETIME_SECONDS", 1)?),
    };
    Ok(identity::agents::AgentSettings {
        lifetimes: identity::agents::AgentLifetimes {
            session_ttl: seconds("AGENT_SESSION_TTL_SECONDS", 3600)?,
            max_lifetime: seconds("AGENT_MAX_LIFETIME_SECONDS", 86_400)?,
            absolute_lifetime: absolute,
        },
        dynamic_hosts: parse(var, "AGENT_DYNAMIC_HOSTS", false)?,
    })
}

fn list(value: Option<String>) -> Vec<String> {
    value
        .map(|list| {
            list.split(',')
                .map(|item| item.trim().to_owned())
                .filter(|item| !item.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn parse<T: FromStr>(
    var: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: T,
) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|_| ConfigError(format!("{name}=`{raw}` is not valid"))),
    }
}

fn trim_slash(url: String) -> String {
    url.trim_end_matches('/').to_owned()
}

/// Development without `AUTH_SECRET` still signs cookies with a secret nobody knows; sessions then
/// last until the process restarts.
fn random_dev_secret() -> String {
    use rand::Rng as _;
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(48)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_env(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_run_on_embedded_sqlite_on_port_3005() {
        let s = settings(&[]).unwrap();
        assert_eq!((s.host.as_str(), s.port), ("127.0.0.1", 3005));
        assert!(s.database_url.starts_with("sqlite:"));
        assert_eq!(s.api_public_url, "http://127.0.0.1:3005");
        assert!(!s.trust_proxy);
        assert!(s.auth_secret.expose().len() >= MIN_SECRET_LEN);
    }

    #[test]
    fn production_refuses_to_start_without_its_secrets() {
        let err = settings(&[("APP_ENV", "production")]).unwrap_err();
        assert!(err.to_string().contains("AUTH_SECRET"), "{err}");
        let secret = "s".repeat(40);
        let err = settings(&[("APP_ENV", "production"), ("AUTH_SECRET", &secret)]).unwrap_err();
        assert!(err.to_string().contains("CHECKOUT_API_SECRET"), "{err}");
        let err = settings(&[
            ("APP_ENV", "production"),
            ("AUTH_SECRET", &secret),
            ("CHECKOUT_API_SECRET", "whsec"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("SMTP_URL"), "{err}");
        assert!(
            settings(&[
                ("APP_ENV", "production"),
                ("AUTH_SECRET", &secret),
                ("CHECKOUT_API_SECRET", "whsec"),
                ("SMTP_URL", "smtps://mailer:pw@smtp.example.com"),
                ("API_PUBLIC_URL", "https://api.example.com"),
                ("FRONTEND_URL", "https://dash.example.com/"),
            ])
            .is_ok()
        );
    }

    #[test]
    fn production_refuses_unsafe_public_urls() {
        let secret = "s".repeat(40);
        let base = [
            ("APP_ENV", "production"),
            ("AUTH_SECRET", secret.as_str()),
            ("CHECKOUT_API_SECRET", "whsec"),
            ("SMTP_URL", "smtp://smtp.example.com"),
        ];
        let with = |more: &[(&'static str, &'static str)]| {
            let mut vars: Vec<(&str, &str)> = base.to_vec();
            vars.extend_from_slice(more);
            settings(&vars)
        };
        let https = [
            ("API_PUBLIC_URL", "https://api.example.com"),
            ("FRONTEND_URL", "https://dash.example.com"),
        ];
        for (missing, kept) in [(https[0].0, https[1]), (https[1].0, https[0])] {
            let err = with(&[kept]).unwrap_err().to_string();
            assert!(err.contains(missing) && err.contains("required"), "{err}");
        }
        for (name, plain) in [
            ("API_PUBLIC_URL", "http://api.example.com"),
            ("FRONTEND_URL", "http://localhost:3000"),
        ] {
            let mut vars = https.to_vec();
            vars.retain(|(other, _)| *other != name);
            vars.push((name, plain));
            let err = with(&vars).unwrap_err().to_string();
            assert!(err.contains(name) && err.contains("https://"), "{err}");
        }
        let mut vars = https.to_vec();
        vars.push(("CORS_ORIGIN", "https://a.example, http://b.example"));
        assert!(with(&vars).unwrap_err().to_string().contains("CORS_ORIGIN"));
        // Development keeps its local defaults.
        assert_eq!(settings(&[]).unwrap().frontend_url, "http://localhost:3000");
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (name, value) in [
            ("PORT", "eighty"),
            ("TRUST_PROXY", "yes please"),
            ("LOG_FORMAT", "xml"),
            ("AUTH_SECRET", "short"),
            ("APP_ENV", "staging"),
        ] {
            let err = settings(&[(name, value)]).unwrap_err();
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn secrets_never_print() {
        let s = settings(&[("AUTH_SECRET", &"x".repeat(40))]).unwrap();
        assert!(!format!("{s:?}").contains("xxxx"));
    }

    #[test]
    fn cookies_are_secure_except_on_local_plain_http() {
        assert!(!settings(&[]).unwrap().cookie_secure());
        assert!(
            settings(&[("API_PUBLIC_URL", "https://api.example.com")])
                .unwrap()
                .cookie_secure()
        );
        assert!(
            settings(&[("API_PUBLIC_URL", "http://localhost.evil.com")])
                .unwrap()
                .cookie_secure()
        );
        assert!(
            settings(&[("SESSION_COOKIE_CROSS_SITE", "true")])
                .unwrap()
                .cookie_secure()
        );
    }

    #[test]
    fn unpaid_orders_expire_after_an_hour_unless_disabled() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.order_payment_timeout, Some(chrono::Duration::minutes(60)));
        assert_eq!(s.order_sweep_interval, std::time::Duration::from_secs(60));
        let s = settings(&[
            ("ORDER_PAYMENT_TIMEOUT_MINUTES", "0"),
            ("ORDER_SWEEP_INTERVAL_SECONDS", "5"),
        ])
        .unwrap();
        assert_eq!(s.order_payment_timeout, None);
        assert_eq!(s.order_sweep_interval, std::time::Duration::from_secs(5));
        for (name, value) in [
            ("ORDER_PAYMENT_TIMEOUT_MINUTES", "-1"),
            ("ORDER_PAYMENT_TIMEOUT_MINUTES", "soon"),
            ("ORDER_SWEEP_INTERVAL_SECONDS", "0"),
        ] {
            let err = settings(&[(name, value)]).unwrap_err();
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn platform_admins_come_from_a_list() {
        let s = settings(&[("PLATFORM_ADMIN_EMAILS", "a@x.test, B@x.test,,")]).unwrap();
        assert_eq!(s.platform_admin_emails, ["a@x.test", "B@x.test"]);
    }

    #[test]
    fn origin_lists_are_trimmed() {
        let s = settings(&[
            ("CORS_ORIGIN", "https://a.example/, https://b.example"),
            ("FRONTEND_URL", "https://dash.example/"),
        ])
        .unwrap();
        assert_eq!(s.cors_origins, ["https://a.example", "https://b.example"]);
        assert_eq!(s.frontend_url, "https://dash.example");
    }
}
