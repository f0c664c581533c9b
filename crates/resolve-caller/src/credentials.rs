//! What a request presents, read from its headers, and how a bearer token is told apart.

use std::borrow::Cow;

use cookie::Cookie;

use crate::Credential;

/// The header an integration sends its API key in. Keys in a URL are never read.
pub const API_KEY_HEADER: &str = "x-api-key";
/// The cookie that carries a dashboard or shopper session where cookies cannot be `Secure` (local
/// development over plain http).
pub const SESSION_COOKIE_NAME: &str = "commerce_session";
/// The session cookie wherever it is `Secure`: the `__Host-` prefix makes browsers refuse it unless
/// the host itself set it (`Secure`, `Path=/`, no `Domain`), so no sibling subdomain can plant one.
pub const SECURE_SESSION_COOKIE_NAME: &str = "__Host-commerce_session";
/// The JOSE `typ` of an agent's JWT (Agent Auth protocol).
pub const AGENT_JWT_TYPE: &str = "agent+jwt";
/// The JOSE `typ` of an agent host's JWT, taken by the host endpoints of Agent Auth.
pub const HOST_JWT_TYPE: &str = "host+jwt";
/// The one JOSE `alg` an agent's or a host's JWT may name (docs/DECISIONS.md, "Agents").
pub const AGENT_JWT_ALGORITHM: &str = "EdDSA";

const MAX_OPAQUE_TOKEN_LEN: usize = 512;

/// The credential-bearing headers of one request, exactly as received. Any web framework can fill
/// this in; the `actix` feature does it for actix-web.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawCredentials<'a> {
    pub authorization: Option<Cow<'a, str>>,
    pub api_key: Option<Cow<'a, str>>,
    /// Every `Cookie` header line (HTTP/2 may split them).
    pub cookies: Vec<Cow<'a, str>>,
    pub host: Option<Cow<'a, str>>,
    /// Only read when the resolver trusts the proxy in front of it.
    pub forwarded_host: Option<Cow<'a, str>>,
    /// What the request asks for, which an agent's token may be bound to.
    pub target: Option<RequestTarget<'a>>,
    /// The credential headers (`authorization`, `x-api-key`, `host`) the request sent more than
    /// once. Which of two values counts would be a guess, so such a request is refused as a 400.
    pub repeated: Vec<&'static str>,
}

/// The method and path of a request (its query left out), for an agent token's `htm` and `htu`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestTarget<'a> {
    pub method: Cow<'a, str>,
    pub path: Cow<'a, str>,
}

impl RawCredentials<'_> {
    /// The value of the session cookie, if one was sent: the `__Host-` one, else the plain one.
    #[must_use]
    pub fn session_cookie(&self) -> Option<String> {
        self.session_cookie_where(true)
    }

    /// The session cookie's value; the plain (unprefixed) one only when `plain_accepted`, which a
    /// deployment whose cookies are `Secure` turns off: there, a plain one can only have been
    /// planted by a sibling subdomain.
    #[must_use]
    pub fn session_cookie_where(&self, plain_accepted: bool) -> Option<String> {
        let named = |name: &str| {
            self.parsed_cookies()
                .find(|cookie| cookie.name() == name)
                .map(|cookie| cookie.value().to_owned())
        };
        named(SECURE_SESSION_COOKIE_NAME)
            .or_else(|| plain_accepted.then(|| named(SESSION_COOKIE_NAME)).flatten())
    }

    /// Whether a session cookie's name comes more than once: which one counts would be a guess.
    #[must_use]
    pub fn repeats_session_cookie(&self) -> bool {
        [SECURE_SESSION_COOKIE_NAME, SESSION_COOKIE_NAME]
            .iter()
            .any(|name| {
                self.parsed_cookies()
                    .filter(|cookie| cookie.name() == *name)
                    .nth(1)
                    .is_some()
            })
    }

    fn parsed_cookies(&self) -> impl Iterator<Item = Cookie<'_>> {
        self.cookies
            .iter()
            .flat_map(|line| line.split(';'))
            .filter_map(|pair| Cookie::parse(pair.trim()).ok())
    }

    /// The host the request was addressed to: `X-Forwarded-Host` (its first value) when the proxy in
    /// front is trusted and sent one, else `Host`.
    #[must_use]
    pub fn effective_host(&self, trust_proxy: bool) -> Option<&str> {
        let forwarded = self
            .forwarded_host
            .as_deref()
            .filter(|_| trust_proxy)
            .and_then(|value| value.split(',').next())
            .map(str::trim)
            .filter(|value| !value.is_empty());
        forwarded.or(self.host.as_deref())
    }
}

/// What an `Authorization` header turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Bearer<'a> {
    /// A JWT whose header says it is an agent's: rank 1.
    AgentJwt(&'a str),
    /// A JWT whose header says it is an agent host's: the host endpoints take it, nothing else.
    HostJwt(&'a str),
    /// An opaque token: a session from the device flow (rank 3).
    SessionToken(&'a str),
}

/// Why an `Authorization` header is neither an agent JWT nor a session token.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BadBearer {
    /// A JWT of another type, or one whose header cannot be read: it claims rank 1.
    Jwt(&'static str),
    /// A JWT typed as an agent's or a host's (the credential it claims to be) that names another
    /// algorithm than EdDSA (`none`, `HS256`, `Ed25519`…).
    Algorithm(Credential),
    /// Not a bearer token at all, or not one we could have issued.
    Opaque(&'static str),
}

pub(crate) fn classify_authorization(header: &str) -> Result<Bearer<'_>, BadBearer> {
    let Some((scheme, token)) = header.split_once(' ') else {
        return Err(BadBearer::Opaque(
            "the Authorization header is not `Bearer <token>`",
        ));
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(BadBearer::Opaque(
            "only the Bearer authorization scheme is accepted",
        ));
    }
    let token = token.trim();
    if token.split('.').count() == 3 {
        return classify_jwt(token);
    }
    if is_opaque_token(token) {
        Ok(Bearer::SessionToken(token))
    } else {
        Err(BadBearer::Opaque("the bearer token is malformed"))
    }
}

fn classify_jwt(token: &str) -> Result<Bearer<'_>, BadBearer> {
    let header = jose_header(token).ok_or(BadBearer::Jwt("the JWT header cannot be read"))?;
    let typ = header.typ.as_deref().unwrap_or_default();
    let claimed = if typ.eq_ignore_ascii_case(AGENT_JWT_TYPE) {
        Credential::AgentToken
    } else if typ.eq_ignore_ascii_case(HOST_JWT_TYPE) {
        Credential::HostToken
    } else {
        return Err(BadBearer::Jwt(
            "the JWT is neither an agent's nor a host's token (typ agent+jwt or host+jwt)",
        ));
    };
    if header.alg.as_deref() != Some(AGENT_JWT_ALGORITHM) {
        return Err(BadBearer::Algorithm(claimed));
    }
    Ok(if claimed == Credential::AgentToken {
        Bearer::AgentJwt(token)
    } else {
        Bearer::HostJwt(token)
    })
}

/// The two JOSE header fields that say what a JWT is, read as plain text: unlike a JWT library's
/// header type, this reads any `alg` (`none`, `Ed25519`…), so a token typed as an agent's but
/// naming another algorithm is refused for its algorithm, not as unreadable.
#[derive(serde::Deserialize)]
struct JoseHeader {
    typ: Option<String>,
    alg: Option<String>,
}

fn jose_header(token: &str) -> Option<JoseHeader> {
    use base64::Engine as _;
    let encoded = token.split('.').next()?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded)
        .ok()?;
    serde_json::from_slice(&json).ok()
}

/// Session tokens and API keys are URL-safe base64 text: anything else was not issued by us.
pub(crate) fn is_opaque_token(token: &str) -> bool {
    (16..=MAX_OPAQUE_TOKEN_LEN).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(header_json: &str) -> String {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.c2ln",
            b64.encode(header_json),
            b64.encode(r#"{"sub":"a"}"#)
        )
    }

    #[test]
    fn agent_jwts_are_recognised_by_their_typ() {
        let token = jwt(r#"{"alg":"EdDSA","typ":"agent+jwt"}"#);
        let header = format!("Bearer {token}");
        assert_eq!(
            classify_authorization(&header),
            Ok(Bearer::AgentJwt(&token))
        );
        let upper = jwt(r#"{"alg":"EdDSA","typ":"AGENT+JWT"}"#);
        assert!(matches!(
            classify_authorization(&format!("bearer {upper}")),
            Ok(Bearer::AgentJwt(_))
        ));
    }

    #[test]
    fn other_jwts_are_refused_at_rank_one() {
        for header in [r#"{"alg":"HS256","typ":"JWT"}"#, r#"{"alg":"EdDSA"}"#] {
            assert!(
                matches!(
                    classify_authorization(&format!("Bearer {}", jwt(header))),
                    Err(BadBearer::Jwt(_))
                ),
                "{header}"
            );
        }
        assert!(matches!(
            classify_authorization("Bearer not.a.jwt"),
            Err(BadBearer::Jwt(_))
        ));
    }

    #[test]
    fn host_jwts_are_told_apart_from_agent_jwts() {
        let token = jwt(r#"{"alg":"EdDSA","typ":"host+jwt"}"#);
        assert_eq!(
            classify_authorization(&format!("BEARER {token}")),
            Ok(Bearer::HostJwt(&token))
        );
        assert_eq!(
            classify_authorization(&format!(
                "Bearer {}",
                jwt(r#"{"alg":"none","typ":"Host+JWT"}"#)
            )),
            Err(BadBearer::Algorithm(Credential::HostToken))
        );
    }

    #[test]
    fn agent_jwts_of_another_algorithm_are_refused_for_it() {
        for header in [
            r#"{"alg":"none","typ":"agent+jwt"}"#,
            r#"{"alg":"Ed25519","typ":"agent+jwt"}"#,
            r#"{"alg":"HS256","typ":"agent+jwt"}"#,
            r#"{"alg":"eddsa","typ":"agent+jwt"}"#,
            r#"{"typ":"agent+jwt"}"#,
        ] {
            assert_eq!(
                classify_authorization(&format!("Bearer {}", jwt(header))),
                Err(BadBearer::Algorithm(Credential::AgentToken)),
                "{header}"
            );
        }
    }

    #[test]
    fn opaque_tokens_are_sessions_and_junk_is_refused() {
        let token = "Zm9vYmFyYmF6cXV4cXV1eA-_abc";
        assert_eq!(
            classify_authorization(&format!("Bearer {token}")),
            Ok(Bearer::SessionToken(token))
        );
        for header in [
            "Bearer",
            "Bearer ",
            "Bearer short",
            "Basic dXNlcjpwYXNz",
            "Token abcdefghijklmnopqrstuvwxyz",
            "Bearer has spaces inside of it",
            "Bearer ünïcödé-ünïcödé-ünïcödé",
        ] {
            assert!(
                matches!(classify_authorization(header), Err(BadBearer::Opaque(_))),
                "{header:?}"
            );
        }
        let long = format!("Bearer {}", "a".repeat(MAX_OPAQUE_TOKEN_LEN + 1));
        assert!(classify_authorization(&long).is_err());
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let raw = RawCredentials {
            cookies: vec![
                "theme=dark; other=1".into(),
                format!("{SESSION_COOKIE_NAME}=abc.def").into(),
            ],
            ..RawCredentials::default()
        };
        assert_eq!(raw.session_cookie().as_deref(), Some("abc.def"));
        assert_eq!(RawCredentials::default().session_cookie(), None);
    }

    #[test]
    fn the_prefixed_session_cookie_wins_and_a_repeated_one_is_noticed() {
        let raw = |lines: &[&str]| RawCredentials {
            cookies: lines.iter().map(|line| (*line).to_owned().into()).collect(),
            ..RawCredentials::default()
        };
        let both = raw(&["commerce_session=planted", "__Host-commerce_session=mine"]);
        assert_eq!(both.session_cookie().as_deref(), Some("mine"));
        assert!(!both.repeats_session_cookie());
        let planted = raw(&["commerce_session=planted"]);
        assert_eq!(
            planted.session_cookie_where(true).as_deref(),
            Some("planted")
        );
        assert_eq!(
            planted.session_cookie_where(false),
            None,
            "not where cookies are Secure"
        );
        for repeated in [
            raw(&["commerce_session=a; commerce_session=b"]),
            raw(&["__Host-commerce_session=a", "__Host-commerce_session=b"]),
        ] {
            assert!(repeated.repeats_session_cookie(), "{repeated:?}");
        }
    }

    #[test]
    fn forwarded_host_counts_only_when_the_proxy_is_trusted() {
        let raw = RawCredentials {
            host: Some("api.internal:3005".into()),
            forwarded_host: Some("Shop.Example.com, proxy.internal".into()),
            ..RawCredentials::default()
        };
        assert_eq!(raw.effective_host(false), Some("api.internal:3005"));
        assert_eq!(raw.effective_host(true), Some("Shop.Example.com"));
        let without = RawCredentials {
            host: Some("shop.example.com".into()),
            ..RawCredentials::default()
        };
        assert_eq!(without.effective_host(true), Some("shop.example.com"));
    }
}
