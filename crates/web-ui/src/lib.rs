//! What the two edges' pages share: the page shell and its components (maud, checked at compile
//! time), the embedded assets with content-hashed names, the HTTP client of the api (the browser's
//! session cookie, the `api-types` wire types), the safety rules of a form post (same origin,
//! one-time form tokens, a `next` that never leaves the site), security headers, and the error
//! pages that render the api's refusals.
//!
//! It must never open the database or decide access: a page shows what the api answered, and the
//! api alone says who may do what.

pub mod api;
pub mod assets;
pub mod chart;
mod clock;
pub mod components;
pub mod errors;
pub mod format;
pub mod forms;
pub mod safety;

pub use api::{ApiClient, ApiFailure, Credentials};
pub use clock::{EdgeClock, Now};
pub use errors::{PageError, PageResult, render_page_errors};
