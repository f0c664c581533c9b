//! sea-orm entities: the tables as they are now. Only repositories use them; handlers and wire types
//! never do.

pub mod agent;
pub mod agent_capability_grant;
pub mod agent_host;
pub mod agent_jti;
pub mod api_key;
pub mod approval_request;
pub mod audit_event;
pub mod cart;
pub mod cart_item;
pub mod customer;
pub mod device_code;
pub mod idempotency_key;
pub mod inventory_adjustment;
pub mod member;
pub mod order_line;
pub mod organization;
pub mod payment_event;
pub mod product;
pub mod product_variant;
pub mod refund;
pub mod sales_order;
pub mod session;
pub mod store_domain;
pub mod store_settings;
pub mod user_account;
