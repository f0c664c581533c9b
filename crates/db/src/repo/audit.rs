//! The audit log: security-relevant events, appended and never changed.

use chrono::{DateTime, Utc};
use domain::{OrgId, UserId};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, Set,
};
use uuid::Uuid;

use crate::DbError;
use crate::entities::audit_event::{self, Column, Entity};

/// One event, as written and as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: Uuid,
    pub org_id: Option<OrgId>,
    pub actor_user_id: Option<UserId>,
    /// `session`, `api_key`, `agent`, `host`, `system` or `anonymous`.
    pub actor_kind: String,
    pub principal_id: Option<String>,
    /// `user_signup`, `sign_in_failed`, `api_key_created`…
    pub action: String,
    pub subject: Option<String>,
    /// A JSON object, as text.
    pub details: String,
    pub ip_address: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<audit_event::Model> for AuditEvent {
    fn from(row: audit_event::Model) -> Self {
        Self {
            id: row.id,
            org_id: row.organization_id.map(OrgId::from_uuid),
            actor_user_id: row.actor_user_id.map(UserId::from_uuid),
            actor_kind: row.actor_kind,
            principal_id: row.principal_id,
            action: row.action,
            subject: row.subject,
            details: row.details,
            ip_address: row.ip_address,
            created_at: row.created_at,
        }
    }
}

/// Appends `event` (its `id` is chosen by the caller, a UUIDv7).
pub async fn append(db: &impl ConnectionTrait, event: AuditEvent) -> Result<(), DbError> {
    audit_event::ActiveModel {
        id: Set(event.id),
        organization_id: Set(event.org_id.map(|org| org.as_uuid())),
        actor_user_id: Set(event.actor_user_id.map(|user| user.as_uuid())),
        actor_kind: Set(event.actor_kind),
        principal_id: Set(event.principal_id),
        action: Set(event.action),
        subject: Set(event.subject),
        details: Set(event.details),
        ip_address: Set(event.ip_address),
        created_at: Set(event.created_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The organization's events, newest first, `limit` at most, older than the event `before` (its
/// UUIDv7 orders by time).
pub async fn list(
    db: &impl ConnectionTrait,
    org: OrgId,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Vec<AuditEvent>, DbError> {
    let mut query = Entity::find().filter(Column::OrganizationId.eq(org.as_uuid()));
    if let Some(before) = before {
        query = query.filter(Column::Id.lt(before));
    }
    Ok(query
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}
