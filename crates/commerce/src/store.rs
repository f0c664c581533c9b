//! The store's settings: its name, its one currency, its support address, its accent colour, its
//! Stripe secret; and the public face a storefront shows of them.

use api_types::commerce::{StoreSettings, StorefrontView, UpdateStoreRequest};
use chrono::{DateTime, Utc};
use db::Tenanted as _;
use db::entities::{product, store_settings};
use db::repo::organizations;
use domain::text;
use domain::{Currency, OrgId};
use sea_orm::{
    ActiveValue, ConnectionTrait, EntityTrait as _, PaginatorTrait as _, sea_query::OnConflict,
};

use crate::CommerceError;
use crate::validate::Problems;

/// The currency of a store that has not chosen one.
pub const DEFAULT_CURRENCY: Currency = Currency::EUR;

/// The settings as stored, or the defaults (the organization's name, EUR) before any change.
pub async fn settings(
    db: &impl ConnectionTrait,
    org: OrgId,
) -> Result<StoreSettings, CommerceError> {
    if let Some(row) = store_settings::Entity::find_by_id(org.as_uuid())
        .one(db)
        .await?
    {
        return Ok(StoreSettings {
            name: row.name,
            currency: row
                .currency
                .parse()
                .map_err(|e| db::DbError::Corrupt(format!("{e}")))?,
            support_email: row.support_email,
            accent_color: row.accent_color,
            stripe_webhook_secret_set: row.stripe_webhook_secret.is_some(),
            updated_at: row.updated_at,
        });
    }
    let organization = organizations::get(db, org)
        .await
        .map_err(|error| match error {
            db::DbError::NotFound => CommerceError::NotFound("organization"),
            other => other.into(),
        })?;
    Ok(StoreSettings {
        name: organization.name,
        currency: DEFAULT_CURRENCY,
        support_email: None,
        accent_color: None,
        stripe_webhook_secret_set: false,
        updated_at: organization.created_at,
    })
}

/// What a storefront shows of its store: name, currency, accent colour, support address.
pub async fn storefront_view(
    db: &impl ConnectionTrait,
    org: OrgId,
) -> Result<StorefrontView, CommerceError> {
    let settings = settings(db, org).await?;
    Ok(StorefrontView {
        name: settings.name,
        currency: settings.currency,
        accent_color: settings.accent_color,
        support_email: settings.support_email,
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
    Ok(store_settings::Entity::find_by_id(org.as_uuid())
        .one(db)
        .await?
        .and_then(|row| row.stripe_webhook_secret))
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
    if currency != current.currency {
        let products = product::Entity::find_in(org).count(db).await?;
        if products > 0 {
            return Err(CommerceError::conflict(
                "CURRENCY_LOCKED",
                "the currency cannot change once the store has products",
            ));
        }
    }
    let row = store_settings::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        name: ActiveValue::Set(name),
        currency: ActiveValue::Set(currency.to_string()),
        support_email: ActiveValue::Set(support_email),
        accent_color: ActiveValue::Set(accent_color),
        stripe_webhook_secret: secret
            .map_or(ActiveValue::NotSet, |secret| ActiveValue::Set(Some(secret))),
        updated_at: ActiveValue::Set(now),
    };
    let mut update_columns = vec![
        store_settings::Column::Name,
        store_settings::Column::Currency,
        store_settings::Column::SupportEmail,
        store_settings::Column::AccentColor,
        store_settings::Column::UpdatedAt,
    ];
    if request.stripe_webhook_secret.is_some() {
        update_columns.push(store_settings::Column::StripeWebhookSecret);
    }
    store_settings::Entity::insert(row)
        .on_conflict(
            OnConflict::column(store_settings::Column::OrganizationId)
                .update_columns(update_columns)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
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
