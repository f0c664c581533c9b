//! One-time enrollment tokens: a signed-in user names a host to come; the runtime redeems the
//! token once, with its public key, and the host exists from then on.

use chrono::{DateTime, Utc};
use domain::{AgentHostId, OrgId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    QueryFilter as _,
};
use uuid::Uuid;

use crate::DbError;
use crate::Tenanted as _;
use crate::entities::agent_host_enrollment;

/// An enrollment, as created or as redeemed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrollment {
    pub id: Uuid,
    pub org_id: OrgId,
    pub name: String,
    pub default_capabilities: Vec<String>,
    pub created_by: UserId,
    pub expires_at: DateTime<Utc>,
}

impl From<agent_host_enrollment::Model> for Enrollment {
    fn from(row: agent_host_enrollment::Model) -> Self {
        Self {
            id: row.id,
            org_id: OrgId::from_uuid(row.organization_id),
            name: row.name,
            default_capabilities: super::words(row.default_capabilities),
            created_by: UserId::from_uuid(row.created_by),
            expires_at: row.expires_at,
        }
    }
}

/// An enrollment about to be stored.
#[derive(Clone, Copy, Debug)]
pub struct NewEnrollment<'a> {
    /// SHA-256 of the token: the token itself is never stored.
    pub token_hash: &'a str,
    pub name: &'a str,
    pub default_capabilities: &'a [String],
    pub created_by: UserId,
    pub expires_at: DateTime<Utc>,
}

/// Stores an enrollment under the hash of its token.
pub async fn create_enrollment(
    db: &impl ConnectionTrait,
    org: OrgId,
    new: NewEnrollment<'_>,
    now: DateTime<Utc>,
) -> Result<Enrollment, DbError> {
    let NewEnrollment {
        token_hash,
        name,
        default_capabilities,
        created_by,
        expires_at,
    } = new;
    Ok(agent_host_enrollment::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(Uuid::now_v7()),
        token_hash: ActiveValue::Set(token_hash.to_owned()),
        name: ActiveValue::Set(name.to_owned()),
        default_capabilities: ActiveValue::Set(
            (!default_capabilities.is_empty()).then(|| default_capabilities.join(" ")),
        ),
        created_by: ActiveValue::Set(created_by.as_uuid()),
        host_id: ActiveValue::Set(None),
        expires_at: ActiveValue::Set(expires_at),
        redeemed_at: ActiveValue::Set(None),
        created_at: ActiveValue::Set(now),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("enrollment token"))?
    .into())
}

/// Takes the unredeemed, unexpired enrollment of this token hash, atomically: of two redemptions
/// of one token, one wins. `None` when there is none to take.
pub async fn redeem_enrollment(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Enrollment>, DbError> {
    let Some(row) = agent_host_enrollment::Entity::find()
        .filter(agent_host_enrollment::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let taken = agent_host_enrollment::Entity::update_many()
        .col_expr(agent_host_enrollment::Column::RedeemedAt, Expr::value(now))
        .filter(agent_host_enrollment::Column::OrganizationId.eq(row.organization_id))
        .filter(agent_host_enrollment::Column::Id.eq(row.id))
        .filter(agent_host_enrollment::Column::RedeemedAt.is_null())
        .filter(agent_host_enrollment::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok((taken.rows_affected == 1).then(|| row.into()))
}

/// Records the host an enrollment was redeemed for.
pub async fn set_enrollment_host(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: Uuid,
    host: AgentHostId,
) -> Result<(), DbError> {
    agent_host_enrollment::Entity::update_in(org)
        .col_expr(
            agent_host_enrollment::Column::HostId,
            Expr::value(host.as_uuid()),
        )
        .filter(agent_host_enrollment::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
