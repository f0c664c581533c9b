//! The store's settings: its name, its one currency, its support address, its accent colour, its
//! Stripe secret; and the public face a storefront shows of them.

use api_types::commerce::UpdateStoreRequest;
use chrono::{DateTime, Utc};
use db::ConnectionTrait;
use db::repo::store_settings::{self, SettingsToKeep};
use db::repo::{catalog, organizations};
use domain::text;
use domain::{Currency, OrgId};

use crate::CommerceError;
use crate::validate::Problems;

/// The store's settings, as the merchant sees them (the Stripe secret only as set or not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreSettings {
    pub name: String,
    pub currency: Currency,
    pub support_email: Option<String>,
    /// `#rrggbb`, lower case.
    pub accent_color: Option<String>,
    pub stripe_webhook_secret_set: bool,
    pub updated_at: DateTime<Utc>,
}

/// The currency of a store that has not chosen one.
pub const DEFAULT_CURRENCY: Currency = Currency::EUR;

/// The settings as stored, or the defaults (the organization's name, EUR) before any change.
pub async fn settings(
    db: &impl ConnectionTrait,
    org: OrgId,
) -> Result<StoreSettings, CommerceError> {
    if let Some(stored) = store_settings::get(db, org).await? {
        return Ok(StoreSettings {
            name: stored.name,
            currency: stored.currency,
            support_email: stored.support_email,
            accent_color: stored.accent_color,
            stripe_webhook_secret_set: stored.stripe_webhook_secret.is_some(),
            updated_at: stored.updated_at,
        });
    }
    let organization = organizations::get(db, org)
        .await
        .map_err(CommerceError::found_as("organization"))?;
    Ok(StoreSettings {
        name: organization.name,
        currency: DEFAULT_CURRENCY,
        support_email: None,
        accent_color: None,
        stripe_webhook_secret_set: false,
        updated_at: organization.created_at,
    })
}

/// The one currency every price, cart and order of the store is in.
pub async fn currency(db: &impl ConnectionTrait, org: OrgId) -> Result<Currency, CommerceError> {
    Ok(settings(db, org).await?.currency)
}

/// The signing secret of the store's Stripe webhook endpoint, if set.
pub async fn stripe_webhook_secret(
    db: &impl ConnectionTrait,
    org: OrgId,
) -> Result<Option<String>, CommerceError> {
    Ok(store_settings::get(db, org)
        .await?
        .and_then(|stored| stored.stripe_webhook_secret))
}

/// Changes the settings. The currency can change only while the store has no products.
pub async fn update(
    db: &impl ConnectionTrait,
    org: OrgId,
    request: UpdateStoreRequest,
    now: DateTime<Utc>,
) -> Result<StoreSettings, CommerceError> {
    let current = settings(db, org).await?;
    let mut problems = Problems::default();
    let name = request
        .name
        .as_deref()
        .map(|name| problems.text("name", name, text::STORE_NAME))
        .unwrap_or(current.name);
    let support_email = match request.support_email.as_deref() {
        Some("") => None,
        Some(email) => Some(problems.email("supportEmail", email)),
        None => current.support_email,
    };
    let accent_color = match request.accent_color.as_deref() {
        Some("") => None,
        Some(colour) => Some(hex_colour(&mut problems, "accentColor", colour)),
        None => current.accent_color,
    };
    let secret = request
        .stripe_webhook_secret
        .as_deref()
        .map(|secret| problems.text("stripeWebhookSecret", secret, text::WEBHOOK_SECRET));
    problems.finish()?;
    let currency = request.currency.unwrap_or(current.currency);
    if currency != current.currency && catalog::count(db, org).await? > 0 {
        return Err(CommerceError::conflict(
            "CURRENCY_LOCKED",
            "the currency cannot change once the store has products",
        ));
    }
    let keep = SettingsToKeep {
        name,
        currency,
        support_email,
        accent_color,
        stripe_webhook_secret: secret,
    };
    store_settings::put(db, org, keep, now).await?;
    settings(db, org).await
}

/// `#rrggbb` in either case, answered in lower case.
fn hex_colour(problems: &mut Problems, field: &str, value: &str) -> String {
    if !text::is_colour(value) {
        problems.add(field, "must be a colour `#rrggbb` of six hex digits");
    }
    value.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accent_colours_are_six_hex_digits_kept_in_lower_case() {
        let mut problems = Problems::default();
        assert_eq!(hex_colour(&mut problems, "c", "#A1b2C3"), "#a1b2c3");
        assert_eq!(hex_colour(&mut problems, "c", "#000000"), "#000000");
        assert!(problems.finish().is_ok());
        for bad in [
            "a1b2c3",
            "#abc",
            "#abcdefa",
            "#ggg000",
            " #abcdef",
            "#abcdef ",
            "#ａｂｃ",
            "##abcde",
        ] {
            let mut problems = Problems::default();
            hex_colour(&mut problems, "c", bad);
            assert!(problems.finish().is_err(), "{bad:?}");
        }
    }
}
