//! The schemas of fields whose bounds are checked in code, built from the rules the validators use
//! (`domain::text`, and the limits named here), for `#[schema(schema_with = …)]`. A bound written
//! here and nowhere in the code, or the other way round, is what the contract test catches.

use domain::limits::{MAX_CART_QUANTITY, MAX_KEY_LIFETIME, MAX_STOCK, MIN_KEY_LIFETIME};
use domain::limits::{MAX_PRICE, MAX_SEARCH_CHARS};
use domain::text::{self, TextRule};
use domain::text::{HOSTNAME_PATTERN, MAX_HOSTNAME_LEN};
use utoipa::openapi::schema::{
    KnownFormat, Object, ObjectBuilder, OneOfBuilder, SchemaFormat, Type,
};
use utoipa::openapi::{Ref, RefOr, Schema};

/// `schema`, or `null` (the same as absent): for optional fields.
fn or_null(schema: impl Into<Schema>) -> Schema {
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .item(schema.into())
        .build()
        .into()
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn integer(min: i64, max: i64) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min as f64))
        .maximum(Some(max as f64))
        .build()
}

fn rule(rule: TextRule) -> ObjectBuilder {
    let lines = if rule.multiline {
        "line breaks allowed"
    } else {
        "one line"
    };
    string()
        .description(Some(format!(
            "{} to {} characters, trimmed; {lines}, no other control characters",
            rule.min, rule.max
        )))
        .min_length(Some(rule.min))
        .max_length(Some(rule.max))
        .pattern(Some(rule.pattern()))
}

fn matching(pattern: &str, min: usize, max: usize) -> ObjectBuilder {
    string()
        .min_length(Some(min))
        .max_length(Some(max))
        .pattern(Some(pattern))
}

pub fn person_name() -> Object {
    rule(text::PERSON_NAME).examples(["Ada Lovelace"]).build()
}

pub fn store_name() -> Object {
    rule(text::STORE_NAME).examples(["Acme"]).build()
}

pub fn product_title() -> Object {
    rule(text::PRODUCT_TITLE).examples(["Black tee"]).build()
}

pub fn product_description() -> Object {
    string()
        .max_length(Some(text::PRODUCT_DESCRIPTION_MAX))
        .build()
}

pub fn address_field() -> Object {
    rule(text::ADDRESS_FIELD).build()
}

/// An address field that may be left blank (the same as absent).
/// An address field that may be left blank or `null` (the same as absent).
pub fn optional_address_field() -> Schema {
    or_null(
        rule(text::ADDRESS_FIELD)
            .min_length(None)
            .pattern(Some(text::or_blank(&text::ADDRESS_FIELD.pattern())))
            .build(),
    )
}

pub fn country() -> Object {
    string()
        .pattern(Some(text::padded(text::COUNTRY_CORE)))
        .examples(["DE"])
        .build()
}

/// A phone number; blank or `null` is the same as absent.
pub fn phone() -> Schema {
    or_null(
        string()
            .max_length(Some(text::PHONE_MAX))
            .pattern(Some(text::or_blank(&text::padded(text::PHONE_CORE))))
            .examples(["+49 30 1234567"])
            .build(),
    )
}

/// Words to look for; blank is no search.
pub fn search() -> Object {
    string().max_length(Some(MAX_SEARCH_CHARS)).build()
}

pub fn inventory_reason() -> Object {
    rule(text::INVENTORY_REASON)
        .examples(["cycle count"])
        .build()
}

pub fn refund_reason() -> Object {
    rule(text::REFUND_REASON).build()
}

pub fn payment_reference() -> Object {
    rule(text::PAYMENT_REFERENCE).build()
}

pub fn webhook_secret() -> Object {
    rule(text::WEBHOOK_SECRET).build()
}

pub fn api_key_name() -> Object {
    rule(text::API_KEY_NAME)
        .examples(["Warehouse sync"])
        .build()
}

pub fn agent_name() -> Object {
    rule(text::AGENT_NAME).examples(["Order assistant"]).build()
}

pub fn email() -> Object {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .max_length(Some(text::EMAIL_MAX))
        .examples(["ada@example.com"])
        .build()
}

/// `schema`, `""` to clear the setting, or `null` to keep it.
fn or_empty_or_null(schema: Object) -> Schema {
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .item(schema)
        .item(string().enum_values(Some([""])))
        .build()
        .into()
}

/// An email address, `""` to clear one, or `null` to keep it.
pub fn email_or_empty() -> Schema {
    or_empty_or_null(email())
}

pub fn new_password() -> Object {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
        .min_length(Some(text::PASSWORD_MIN))
        .max_length(Some(text::PASSWORD_MAX))
        .build()
}

fn slug_rule(rule: text::SlugRule) -> ObjectBuilder {
    matching(text::SlugRule::PATTERN, rule.min, rule.max)
}

pub fn slug() -> Object {
    slug_rule(text::ORG_SLUG).examples(["acme"]).build()
}

pub fn handle() -> Object {
    slug_rule(text::PRODUCT_HANDLE)
        .examples(["black-tee"])
        .build()
}

pub fn sku() -> Object {
    matching(text::SKU_PATTERN, 1, text::SKU_MAX)
        .examples(["TEE-BLK-M"])
        .build()
}

pub fn colour() -> Object {
    matching(text::COLOUR_PATTERN, 7, 7)
        .examples(["#1f6feb"])
        .build()
}

/// A colour, `""` to clear one, or `null` to keep it.
pub fn colour_or_empty() -> Schema {
    or_empty_or_null(colour())
}

pub fn hostname() -> Object {
    matching(HOSTNAME_PATTERN, 1, MAX_HOSTNAME_LEN)
        .examples(["shop.example.com"])
        .build()
}

pub fn cursor() -> Object {
    matching(text::CURSOR_PATTERN, text::CURSOR_LEN, text::CURSOR_LEN).build()
}

pub fn idempotency_key() -> Object {
    matching(text::IDEMPOTENCY_KEY_PATTERN, 1, text::IDEMPOTENCY_KEY_MAX).build()
}

pub fn cart_quantity() -> Object {
    integer(1, MAX_CART_QUANTITY)
}

pub fn stock() -> Object {
    integer(0, MAX_STOCK)
}

/// Agent keys are Ed25519 only.
pub fn jwk_kty() -> Object {
    string().enum_values(Some(["OKP"])).build()
}

pub fn jwk_crv() -> Object {
    string().enum_values(Some(["Ed25519"])).build()
}

pub fn ed25519_x() -> Object {
    matching(text::ED25519_X_PATTERN, 43, 43).build()
}

/// A change of stock: up to [`MAX_STOCK`] either way, never zero.
pub fn stock_delta() -> Schema {
    OneOfBuilder::new()
        .item(integer(-MAX_STOCK, -1))
        .item(integer(1, MAX_STOCK))
        .build()
        .into()
}

/// A unit price: a positive amount, at most [`MAX_PRICE`] minor units, in the store's currency.
pub fn price() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("amount", integer(1, MAX_PRICE))
        .required("amount")
        .property(
            "currency",
            RefOr::<Schema>::Ref(Ref::from_schema_name("Currency")),
        )
        .required("currency")
        .examples([serde_json::json!({"amount": 1999, "currency": "EUR"})])
        .build()
}

pub fn key_lifetime() -> Object {
    integer(MIN_KEY_LIFETIME, MAX_KEY_LIFETIME)
}

/// An amount of money paid or refunded: at least one minor unit.
pub fn positive_amount() -> Object {
    integer(1, i64::MAX)
}

// The same shapes for optional fields, where `null` is the same as absent.

pub fn person_name_or_null() -> Schema {
    or_null(person_name())
}

pub fn store_name_or_null() -> Schema {
    or_null(store_name())
}

pub fn product_title_or_null() -> Schema {
    or_null(product_title())
}

pub fn product_description_or_null() -> Schema {
    or_null(product_description())
}

pub fn handle_or_null() -> Schema {
    or_null(handle())
}

pub fn price_or_null() -> Schema {
    or_null(price())
}

pub fn stock_or_null() -> Schema {
    or_null(stock())
}

pub fn email_or_null() -> Schema {
    or_null(email())
}

pub fn refund_reason_or_null() -> Schema {
    or_null(refund_reason())
}

pub fn webhook_secret_or_null() -> Schema {
    or_null(webhook_secret())
}

pub fn key_lifetime_or_null() -> Schema {
    or_null(key_lifetime())
}

pub fn search_or_null() -> Schema {
    or_null(search())
}

pub fn agent_name_or_null() -> Schema {
    or_null(agent_name())
}
