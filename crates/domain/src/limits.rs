//! The numeric bounds of what the api accepts, shared by the validators and the OpenAPI schema
//! (`api-types`' shapes), so the document says what the code checks.

/// How many units of one variant a cart line may hold.
pub const MAX_CART_QUANTITY: i64 = 1000;
/// The most lines of one cart.
pub const MAX_CART_LINES: usize = 100;
/// The largest price of one unit, in minor units.
pub const MAX_PRICE: i64 = 100_000_000_000;
/// The most stock a variant may hold, and the largest single adjustment either way.
pub const MAX_STOCK: i64 = 1_000_000_000;
/// The most variants of one product.
pub const MAX_VARIANTS: usize = 100;
/// An API key's lifetime, in seconds: a minute to ten years.
pub const MIN_KEY_LIFETIME: i64 = 60;
pub const MAX_KEY_LIFETIME: i64 = 10 * 366 * 24 * 3600;
/// The longest period of the store's statistics, in days.
pub const MAX_STATS_PERIOD_DAYS: i64 = 366;
/// The longest search of a list (`q`), in characters.
pub const MAX_SEARCH_CHARS: usize = 200;
