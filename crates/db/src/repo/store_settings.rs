//! A store's settings, one row per organization once it has changed any.

use chrono::{DateTime, Utc};
use domain::{Currency, OrgId};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue, ConnectionTrait, EntityTrait as _};

use crate::DbError;
use crate::entities::store_settings;

/// The settings as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSettings {
    pub name: String,
    pub currency: Currency,
    pub support_email: Option<String>,
    /// `#rrggbb`, lower case.
    pub accent_color: Option<String>,
    pub stripe_webhook_secret: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The store's settings, if it has changed any.
pub async fn get(db: &impl ConnectionTrait, org: OrgId) -> Result<Option<StoredSettings>, DbError> {
    store_settings::Entity::find_by_id(org.as_uuid())
        .one(db)
        .await?
        .map(|row| {
            Ok(StoredSettings {
                name: row.name,
                currency: row.currency.parse().map_err(DbError::corrupt)?,
                support_email: row.support_email,
                accent_color: row.accent_color,
                stripe_webhook_secret: row.stripe_webhook_secret,
                updated_at: row.updated_at,
            })
        })
        .transpose()
}

/// Settings to keep, whole; the Stripe secret is kept as it was when `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsToKeep {
    pub name: String,
    pub currency: Currency,
    pub support_email: Option<String>,
    pub accent_color: Option<String>,
    pub stripe_webhook_secret: Option<String>,
}

/// Writes the settings (the first write creates the row).
pub async fn put(
    db: &impl ConnectionTrait,
    org: OrgId,
    settings: SettingsToKeep,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut columns = vec![
        store_settings::Column::Name,
        store_settings::Column::Currency,
        store_settings::Column::SupportEmail,
        store_settings::Column::AccentColor,
        store_settings::Column::UpdatedAt,
    ];
    if settings.stripe_webhook_secret.is_some() {
        columns.push(store_settings::Column::StripeWebhookSecret);
    }
    let row = store_settings::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        name: ActiveValue::Set(settings.name),
        currency: ActiveValue::Set(settings.currency.to_string()),
        support_email: ActiveValue::Set(settings.support_email),
        accent_color: ActiveValue::Set(settings.accent_color),
        stripe_webhook_secret: settings
            .stripe_webhook_secret
            .map_or(ActiveValue::NotSet, |secret| ActiveValue::Set(Some(secret))),
        updated_at: ActiveValue::Set(now),
    };
    store_settings::Entity::insert(row)
        .on_conflict(
            OnConflict::column(store_settings::Column::OrganizationId)
                .update_columns(columns)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
