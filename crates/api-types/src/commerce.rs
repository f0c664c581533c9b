//! `/v1/*` commerce: the catalog, carts, orders, customers, refunds, store settings, stats and
//! payment events. Fields may be added, never renamed.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{CartStatus, Currency, Money, OrderStatus, PaymentEventStatus, ProductStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::shapes;
use uuid::Uuid;

/// Stock of a variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Inventory {
    pub available: i64,
}

/// A purchasable variant: its SKU, price and stock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Variant {
    pub id: Uuid,
    pub sku: String,
    pub title: String,
    pub price: Money,
    pub inventory: Inventory,
}

/// A product with its variants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub id: Uuid,
    pub title: String,
    pub handle: String,
    pub description: String,
    pub status: ProductStatus,
    pub variants: Vec<Variant>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A variant of a new product.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewVariant {
    #[schema(schema_with = shapes::sku)]
    pub sku: String,
    /// Defaults to the product's title.
    #[serde(default)]
    #[schema(schema_with = shapes::product_title_or_null, required = false)]
    pub title: Option<String>,
    /// In the store's currency; a positive amount of minor units.
    #[schema(schema_with = shapes::price)]
    pub price: Money,
    /// Starting stock (default 0).
    #[serde(default, deserialize_with = "domain::whole::option_i64")]
    #[schema(schema_with = shapes::stock_or_null, required = false)]
    pub inventory_quantity: Option<i64>,
}

/// `POST /v1/admin/products`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateProductRequest {
    #[schema(schema_with = shapes::product_title)]
    pub title: String,
    /// Lower-case letters, digits and `-`; derived from the title when absent; unique in the store.
    #[serde(default)]
    #[schema(schema_with = shapes::handle_or_null, required = false)]
    pub handle: Option<String>,
    #[serde(default)]
    #[schema(schema_with = shapes::product_description_or_null, required = false)]
    pub description: Option<String>,
    /// Default `draft`.
    #[serde(default)]
    pub status: Option<ProductStatus>,
    /// One to 100 variants, each with its own SKU.
    #[schema(min_items = 1, max_items = 100)]
    pub variants: Vec<NewVariant>,
}

/// A change to a variant of `PATCH /v1/admin/products/{id}`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VariantUpdate {
    pub id: Uuid,
    #[serde(default)]
    #[schema(schema_with = shapes::product_title_or_null, required = false)]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(schema_with = shapes::price_or_null, required = false)]
    pub price: Option<Money>,
}

/// `PATCH /v1/admin/products/{id}`: every field optional. Stock changes go through inventory
/// adjustments.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateProductRequest {
    #[serde(default)]
    #[schema(schema_with = shapes::product_title_or_null, required = false)]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(schema_with = shapes::handle_or_null, required = false)]
    pub handle: Option<String>,
    #[serde(default)]
    #[schema(schema_with = shapes::product_description_or_null, required = false)]
    pub description: Option<String>,
    #[serde(default)]
    pub status: Option<ProductStatus>,
    #[serde(default)]
    pub variants: Option<Vec<VariantUpdate>>,
}

/// `GET /v1/products` and `GET /v1/admin/products`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// 1 to 100 (default 20).
    #[serde(default)]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page.
    #[serde(default)]
    #[param(schema_with = shapes::cursor)]
    pub cursor: Option<String>,
    /// Words of the title, case-insensitive.
    #[serde(default)]
    #[param(schema_with = shapes::search)]
    pub q: Option<String>,
    /// Admin only: `draft`, `published` or `archived`.
    #[serde(default)]
    pub status: Option<ProductStatus>,
}

/// One variant's stock, for the inventory list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InventoryLevel {
    pub variant_id: Uuid,
    pub product_id: Uuid,
    pub sku: String,
    pub title: String,
    pub available: i64,
}

/// `POST /v1/admin/inventory/{variantId}/adjustments`: a signed change with a reason.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdjustInventoryRequest {
    /// Units to add (positive) or remove (negative), never zero; stock never goes below zero.
    #[schema(schema_with = shapes::stock_delta)]
    #[serde(deserialize_with = "domain::whole::i64")]
    pub delta: i64,
    #[schema(schema_with = shapes::inventory_reason)]
    pub reason: String,
}

/// `POST /v1/carts`
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateCartRequest {
    /// Must be the store's currency (the default).
    #[serde(default)]
    pub currency: Option<Currency>,
}

/// A line of a cart, priced from the catalog now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CartItem {
    pub id: Uuid,
    pub variant_id: Uuid,
    pub product_id: Uuid,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub total: Money,
    /// The variant's stock now: fewer than `quantity` means the order would be refused
    /// (`INSUFFICIENT_STOCK`) unless the line is changed.
    pub available: i64,
}

/// A cart: `open` until it becomes an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Cart {
    pub id: Uuid,
    pub status: CartStatus,
    pub currency: Currency,
    pub items: Vec<CartItem>,
    pub subtotal: Money,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /v1/carts/{id}/items`: adds to the quantity if the variant is already in the cart.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddCartItemRequest {
    pub variant_id: Uuid,
    /// 1 to 1000.
    #[schema(schema_with = shapes::cart_quantity)]
    #[serde(deserialize_with = "domain::whole::i64")]
    pub quantity: i64,
}

/// `PATCH /v1/carts/{id}/items/{itemId}`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateCartItemRequest {
    /// 1 to 1000.
    #[schema(schema_with = shapes::cart_quantity)]
    #[serde(deserialize_with = "domain::whole::i64")]
    pub quantity: i64,
}

/// A postal address (an order's shipping address). Every text is trimmed; the required ones are 1
/// to 200 characters. A missing or blank field is a 400 naming it (`shippingAddress.city`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// The recipient.
    #[serde(default)]
    #[schema(schema_with = shapes::address_field, required = true)]
    pub name: String,
    #[serde(default)]
    #[schema(schema_with = shapes::address_field, required = true)]
    pub line1: String,
    /// Optional; blank is the same as absent.
    #[serde(default)]
    #[schema(schema_with = shapes::optional_address_field, required = false)]
    pub line2: Option<String>,
    #[serde(default)]
    #[schema(schema_with = shapes::address_field, required = true)]
    pub city: String,
    #[serde(default)]
    #[schema(schema_with = shapes::address_field, required = true)]
    pub postal_code: String,
    /// State, province or county; optional, blank is the same as absent.
    #[serde(default)]
    #[schema(schema_with = shapes::optional_address_field, required = false)]
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 code, two letters (either case on the way in; answered upper case).
    #[serde(default)]
    #[schema(schema_with = shapes::country, required = true)]
    pub country: String,
    /// Digits, spaces and `+-()` only, with a digit; optional, blank is the same as absent.
    #[serde(default)]
    #[schema(schema_with = shapes::phone, required = false)]
    pub phone: Option<String>,
}

/// The `Idempotency-Key` header of an operation that takes one: a retry with the same key answers
/// the first response and never applies twice; the same key with another body is a 422.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKeyHeader {
    /// 1 to 255 visible ASCII characters, chosen by the client (a UUID is a good one).
    #[param(rename = "Idempotency-Key", schema_with = shapes::idempotency_key)]
    pub key: Option<String>,
}

/// `POST /v1/orders`, with an `Idempotency-Key` header.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlaceOrderRequest {
    pub cart_id: Uuid,
    #[schema(schema_with = shapes::email)]
    pub email: String,
    /// Where to ship the order; optional (digital goods, pick-up).
    // Skipped when absent, so a body without one fingerprints (idempotency) as it always did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Address>,
}

/// A line of an order: what was bought, at the price of the moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderLine {
    pub id: Uuid,
    pub product_id: Uuid,
    pub variant_id: Uuid,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub total: Money,
}

/// An order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub id: Uuid,
    pub status: OrderStatus,
    pub email: String,
    pub customer_id: Option<Uuid>,
    pub items: Vec<OrderLine>,
    pub total: Money,
    pub paid: Money,
    pub refunded: Money,
    /// `null` when the order was placed without one.
    #[schema(required = true)]
    pub shipping_address: Option<Address>,
    /// Storefront answers only (`placeOrder`, `getOrder`, `listCustomerOrders`): the key of the
    /// order's status page, `GET /v1/orders/{id}?key=…`, for a shopper without an account (the
    /// confirmation page, a link in an email). Whoever holds it can read this order on this store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_key: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `GET /v1/orders/{id}`
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct OrderStatusQuery {
    /// The order's `statusKey`; not needed by the signed-in shopper who placed it.
    #[serde(default)]
    pub key: Option<String>,
}

/// `GET /v1/admin/orders`
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    /// 1 to 100 (default 20).
    #[serde(default)]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[serde(default)]
    #[param(schema_with = shapes::cursor)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub status: Option<OrderStatus>,
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    /// Created at or after (RFC 3339).
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    /// Created before (RFC 3339).
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
}

/// `POST /v1/admin/orders/{id}/refunds`, with an optional `Idempotency-Key`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefundRequest {
    /// Minor units of the order's currency; never more than what remains paid.
    #[schema(schema_with = shapes::positive_amount)]
    #[serde(deserialize_with = "domain::whole::i64")]
    pub amount: i64,
    #[serde(default)]
    #[schema(schema_with = shapes::refund_reason_or_null, required = false)]
    pub reason: Option<String>,
}

/// How a payment recorded by hand was received.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    BankTransfer,
    Cash,
    Other,
}

impl PaymentMethod {
    /// The name on the wire and in the audit log.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BankTransfer => "bank_transfer",
            Self::Cash => "cash",
            Self::Other => "other",
        }
    }
}

/// `POST /v1/admin/orders/{id}/payments`, with an optional `Idempotency-Key`: money received
/// outside the checkout (a bank transfer, cash) for the whole order.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordPaymentRequest {
    /// Minor units of the order's currency: exactly the order's total (no partial payments).
    #[schema(schema_with = shapes::positive_amount)]
    #[serde(deserialize_with = "domain::whole::i64")]
    pub amount: i64,
    pub method: PaymentMethod,
    /// The transfer's reference, the receipt number…: 1 to 200 characters.
    #[schema(schema_with = shapes::payment_reference)]
    pub reference: String,
}

/// A refund.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Refund {
    pub id: Uuid,
    pub order_id: Uuid,
    pub amount: Money,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A customer of the store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub id: Uuid,
    pub email: String,
    pub name: Option<String>,
    pub user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /v1/admin/customers`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateCustomerRequest {
    #[schema(schema_with = shapes::email)]
    pub email: String,
    #[serde(default)]
    #[schema(schema_with = shapes::person_name_or_null, required = false)]
    pub name: Option<String>,
}

/// `PATCH /v1/admin/customers/{id}`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateCustomerRequest {
    #[serde(default)]
    #[schema(schema_with = shapes::email_or_null, required = false)]
    pub email: Option<String>,
    #[serde(default)]
    #[schema(schema_with = shapes::person_name_or_null, required = false)]
    pub name: Option<String>,
}

/// The store's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoreSettings {
    pub name: String,
    /// Every price, cart and order of the store is in this currency.
    pub currency: Currency,
    pub support_email: Option<String>,
    /// The storefront's accent colour, `#rrggbb` in lower case; `null` when unset.
    pub accent_color: Option<String>,
    /// Whether a Stripe webhook signing secret is set (the secret itself is never shown).
    pub stripe_webhook_secret_set: bool,
    pub updated_at: DateTime<Utc>,
}

/// `GET /v1/store`: what a storefront shows of its store, and nothing more (no secrets, no ids).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StorefrontView {
    pub name: String,
    /// Every price, cart and order of the store is in this currency.
    pub currency: Currency,
    /// `#rrggbb` in lower case, or `null` when the store has none.
    pub accent_color: Option<String>,
    pub support_email: Option<String>,
}

/// `PATCH /v1/admin/store`
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateStoreRequest {
    #[serde(default)]
    #[schema(schema_with = shapes::store_name_or_null, required = false)]
    pub name: Option<String>,
    /// Only while the store has no products.
    #[serde(default)]
    pub currency: Option<Currency>,
    /// `""` clears it.
    #[serde(default)]
    #[schema(schema_with = shapes::email_or_empty, required = false)]
    pub support_email: Option<String>,
    /// `#rrggbb` (either case; stored in lower case); `""` clears it.
    #[serde(default)]
    #[schema(schema_with = shapes::colour_or_empty, required = false)]
    pub accent_color: Option<String>,
    /// The `whsec_…` signing secret of the store's Stripe webhook endpoint.
    #[serde(default)]
    #[schema(schema_with = shapes::webhook_secret_or_null, required = false)]
    pub stripe_webhook_secret: Option<String>,
}

/// `GET /v1/admin/stats?from&to`
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Start (inclusive, RFC 3339); default 30 days before `to`; at most 366 days before it.
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    /// End (exclusive, RFC 3339); default now.
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
}

/// Orders of one status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusCount {
    pub status: OrderStatus,
    pub count: i64,
}

/// A best-selling product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopProduct {
    pub product_id: Uuid,
    pub title: String,
    pub units: i64,
    pub revenue: Money,
}

/// The revenue of one UTC day of a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DayRevenue {
    /// The UTC date, `YYYY-MM-DD`.
    #[schema(example = "2026-01-31")]
    pub day: NaiveDate,
    /// Paid minus refunded, over the orders created that day; zero on a day without sales.
    pub revenue: Money,
}

/// Numbers of a period: revenue is what was paid minus what was refunded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub revenue: Money,
    /// `revenue` per UTC day: every day that `[from, to)` touches, in order, days without sales
    /// included (zero); the days sum to `revenue`.
    pub revenue_by_day: Vec<DayRevenue>,
    pub paid_orders: i64,
    pub average_order_value: Money,
    pub orders_by_status: Vec<StatusCount>,
    pub top_products: Vec<TopProduct>,
}

/// A payment provider's event, as received and processed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentEvent {
    pub id: Uuid,
    pub provider: String,
    pub event_id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub order_id: Option<Uuid>,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    /// `processed`, `failed` or `ignored`.
    pub status: PaymentEventStatus,
    pub error: Option<String>,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub processed_at: Option<DateTime<Utc>>,
}

/// The generic provider's webhook body.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GenericPaymentWebhook {
    /// The provider's event id: an event is processed once.
    pub id: String,
    /// `payment.succeeded`, `payment.failed` or `refund.succeeded`.
    #[serde(rename = "type")]
    pub event_type: String,
    pub order_id: Uuid,
    pub amount: i64,
    pub currency: Currency,
}

/// The answer to a webhook delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookReceipt {
    pub event: PaymentEvent,
    /// `true` when this event id was already received (nothing was done again).
    pub duplicate: bool,
}
