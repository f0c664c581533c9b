//! Caller resolution: every request's credentials become one [`ApiCaller`] before a handler runs.
//!
//! The ranking (docs/DECISIONS.md, "Caller resolution") lives here and only here — agent JWT, then `x-api-key`, then a session
//! (bearer token or cookie), then the `Host` header — together with the failure rules: the
//! highest-ranked credential that is *present* decides, and an invalid one is a 401 that names the
//! credential and the reason, never a silent fall-back to a lower rank. An agent host's `host+jwt`
//! is read here too, with the one `Authorization` parser, for the host endpoints of Agent Auth
//! ([`CallerResolver::resolve_host`]); a credential header sent twice is a 400.
//!
//! This crate must never talk to a database or depend on a web framework in its core: it asks
//! verifier traits ([`AgentTokenVerifier`], [`HostTokenVerifier`], [`ApiKeyVerifier`],
//! [`SessionVerifier`], [`HostResolver`]) that other crates implement. The optional `actix` feature adds the extractor and the header adapter
//! that the api and both proxies share, so the edge and the api can never disagree on what a
//! credential is.

#[cfg(feature = "actix")]
pub mod actix;
mod caller;
pub mod constraints;
mod credentials;
mod host;
mod resolver;
mod verify;

pub use caller::{AccessDenied, ApiCaller, Principal};
pub use credentials::{
    AGENT_JWT_ALGORITHM, AGENT_JWT_TYPE, API_KEY_HEADER, HOST_JWT_TYPE, RawCredentials,
    RequestTarget, SECURE_SESSION_COOKIE_NAME, SESSION_COOKIE_NAME,
};
/// The scopes and kinds of caller are the vocabulary of every crate; they live in `domain`.
pub use domain::{CallerKind, Scope, UnknownScope};
pub use host::{Hostname, InvalidHostname};
pub use resolver::{AuthFailure, CallerResolver, Credential, ResolveError, Verifiers};
pub use verify::{
    AgentTokenVerifier, ApiKeyVerifier, HostResolver, HostTokenVerifier, Rejection,
    SessionVerifier, VerifiedAgent, VerifiedApiKey, VerifiedHost, VerifiedSession, VerifyError,
};
