//! A reference client of the Commerce API's Agent Auth: the agent runtime's side. It generates and
//! keeps Ed25519 keys (the host's and the agent's), discovers the api, registers an agent under its
//! host, waits for a user's approval, and calls `/v1` with short-lived, single-use agent JWTs.
//!
//! It is also what the api's integration tests drive the server through. It must never depend on
//! the server's crates: it speaks only HTTP and the documented JSON.

mod client;
mod keys;

pub use client::{AgentClient, ClientError, Registration};
pub use keys::KeyPair;
