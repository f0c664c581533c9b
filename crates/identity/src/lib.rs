//! Identity for the Commerce API: users and their passwords, sessions, organizations and members,
//! API keys, the permission statement, the audit log, the device flow and Agent Auth (hosts, agents,
//! approvals, grants), and what accounts prove by email (verification and reset links, queued in
//! the email outbox) — and the session, API-key and agent-token verifiers that `resolve-caller`
//! asks (sessions and keys with caches that a change on this instance invalidates at once, and that
//! other instances see within [`CACHE_TTL`]; agent tokens never cached).
//!
//! This crate must never know about HTTP: it takes plain values and answers [`IdentityError`]s,
//! which the api maps to responses. Secrets never leave it: it stores only hashes of passwords,
//! session tokens, API keys and enrollment tokens, and only the public keys of hosts and agents.

mod account_email;
mod accounts;
pub mod agent_hosts;
mod agent_keys;
pub mod agent_lifecycle;
pub mod agents;
mod api_keys;
pub mod approvals;
mod audit;
mod cache;
pub mod device;
mod domain_rules;
mod error;
mod invitations;
mod organizations;
mod password;
pub mod permissions;
mod service;
pub mod store_domains;
mod tokens;
mod verifiers;

pub use account_email::{
    EmailPolicy, LINKS_PER_HOUR, RESET_LINK_LIFETIME, VERIFICATION_LINK_LIFETIME,
};
pub use accounts::{NewAccount, SessionInfo, SignIn, SignUp, SignedIn, SignedUp};
pub use api_keys::{CreatedApiKey, NewApiKeyRequest};
pub use audit::{Actor, AuditAction};
pub use cache::CACHE_TTL;
pub use domain_rules::{DomainRules, Proof, host_of_url};
pub use error::IdentityError;
pub use invitations::{INVITATION_LIFETIME, InvitationDetails};
pub use organizations::PlatformAdmin;
pub use password::{HashingLimit, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
pub use service::{Identity, IdentityConfig};
pub use tokens::SessionKeys;
