//! Plain types that every crate of the Commerce API shares: typed identifiers, roles, money and the clock.
//!
//! This crate must never do I/O or depend on a web framework or a database: it is the vocabulary the
//! others speak, and it stays cheap to compile and trivial to test.

mod agent_auth;
mod clock;
mod ids;
pub mod limits;
mod money;
mod named;
mod roles;
mod scope;
mod status;
pub mod text;
pub mod whole;

pub use agent_auth::{
    AgentMode, AgentStatus, ApprovalMethod, ApprovalPurpose, ApprovalStatus, GrantStatus,
    HostStatus, UnknownAgentAuthName,
};
pub use clock::{Clock, FixedClock, SystemClock};
pub use ids::{
    AgentHostId, AgentId, ApiKeyId, ApprovalId, CartId, CartItemId, CustomerId, OrderId, OrgId,
    PaymentEventId, ProductId, RefundId, SessionId, UserId, VariantId,
};
pub use money::{Currency, InvalidCurrency, Money};
pub use roles::{OrgRole, PlatformRole, UnknownRole};
pub use scope::{CallerKind, Scope, UnknownCallerKind, UnknownScope};
pub use status::{
    CartStatus, DeviceCodeStatus, DomainProof, DomainStatus, EmailStatus, EmailTokenPurpose,
    InvitationStatus, OrderChange, OrderStatus, PaymentEventStatus, ProductStatus, SignInMethod,
    UnknownStatus,
};
