//! Device authorization requests (RFC 8628): found by the hash of their device code (the CLI) or by
//! their user code (the approving user).

use chrono::{DateTime, Utc};
use domain::{DeviceCodeStatus, OrgId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    QueryFilter as _,
};
use uuid::Uuid;

use crate::DbError;
use crate::entities::device_code::{self, Column, Entity};

/// A stored request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceRequest {
    pub id: Uuid,
    pub user_code: String,
    pub client_id: String,
    pub scope: Option<String>,
    pub status: DeviceCodeStatus,
    pub user_id: Option<UserId>,
    /// The approving session's organization, which the CLI's session starts in.
    pub active_org: Option<OrgId>,
    pub interval_seconds: i32,
    pub last_polled_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// The client address the code was asked from, as text.
    pub requested_from: Option<String>,
}

impl TryFrom<device_code::Model> for DeviceRequest {
    type Error = DbError;

    fn try_from(row: device_code::Model) -> Result<Self, DbError> {
        Ok(Self {
            id: row.id,
            user_code: row.user_code,
            client_id: row.client_id,
            scope: row.scope,
            status: row.status.parse().map_err(DbError::corrupt)?,
            user_id: row.user_id.map(UserId::from_uuid),
            active_org: row.active_organization_id.map(OrgId::from_uuid),
            interval_seconds: row.interval_seconds,
            last_polled_at: row.last_polled_at,
            expires_at: row.expires_at,
            created_at: row.created_at,
            requested_from: row.requested_from,
        })
    }
}

/// A request about to be stored.
#[derive(Debug)]
pub struct NewDeviceRequest<'a> {
    pub code_hash: &'a str,
    pub user_code: &'a str,
    pub client_id: &'a str,
    pub scope: Option<&'a str>,
    pub interval_seconds: i32,
    pub expires_at: DateTime<Utc>,
    /// The client address asking, as text.
    pub requested_from: Option<&'a str>,
}

/// Stores a request; a user code already in use is `Conflict` (the caller draws another).
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewDeviceRequest<'_>,
    now: DateTime<Utc>,
) -> Result<DeviceRequest, DbError> {
    device_code::ActiveModel {
        id: ActiveValue::Set(Uuid::now_v7()),
        code_hash: ActiveValue::Set(new.code_hash.to_owned()),
        user_code: ActiveValue::Set(new.user_code.to_owned()),
        client_id: ActiveValue::Set(new.client_id.to_owned()),
        scope: ActiveValue::Set(new.scope.map(str::to_owned)),
        status: ActiveValue::Set(DeviceCodeStatus::Pending.as_str().to_owned()),
        user_id: ActiveValue::Set(None),
        active_organization_id: ActiveValue::Set(None),
        interval_seconds: ActiveValue::Set(new.interval_seconds),
        last_polled_at: ActiveValue::Set(None),
        expires_at: ActiveValue::Set(new.expires_at),
        created_at: ActiveValue::Set(now),
        requested_from: ActiveValue::Set(new.requested_from.map(str::to_owned)),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("user code"))?
    .try_into()
}

pub async fn find_by_code_hash(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<DeviceRequest>, DbError> {
    Entity::find()
        .filter(Column::CodeHash.eq(hash))
        .one(db)
        .await?
        .map(DeviceRequest::try_from)
        .transpose()
}

pub async fn find_by_user_code(
    db: &impl ConnectionTrait,
    user_code: &str,
) -> Result<Option<DeviceRequest>, DbError> {
    Entity::find()
        .filter(Column::UserCode.eq(user_code))
        .one(db)
        .await?
        .map(DeviceRequest::try_from)
        .transpose()
}

/// Records a poll, slowing the client down by `slow_down_by` seconds when it polled too early.
pub async fn record_poll(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
    slow_down_by: i32,
) -> Result<(), DbError> {
    Entity::update_many()
        .col_expr(Column::LastPolledAt, Expr::value(Some(now)))
        .col_expr(
            Column::IntervalSeconds,
            Expr::col(Column::IntervalSeconds).add(slow_down_by),
        )
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Approves (for `user`, in `active_org`) or denies a pending, unexpired request; answers whether
/// it was.
pub async fn decide(
    db: &impl ConnectionTrait,
    id: Uuid,
    user: UserId,
    active_org: Option<OrgId>,
    approve: bool,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let status = if approve {
        DeviceCodeStatus::Approved
    } else {
        DeviceCodeStatus::Denied
    };
    let decided = Entity::update_many()
        .col_expr(Column::Status, Expr::value(status.as_str()))
        .col_expr(Column::UserId, Expr::value(user.as_uuid()))
        .col_expr(
            Column::ActiveOrganizationId,
            Expr::value(active_org.map(|org| org.as_uuid())),
        )
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(DeviceCodeStatus::Pending.as_str()))
        .filter(Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(decided.rows_affected == 1)
}

/// Redeems an approved request, once: answers whether this call did.
pub async fn redeem(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbError> {
    let redeemed = Entity::update_many()
        .col_expr(
            Column::Status,
            Expr::value(DeviceCodeStatus::Redeemed.as_str()),
        )
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(DeviceCodeStatus::Approved.as_str()))
        .exec(db)
        .await?;
    Ok(redeemed.rows_affected == 1)
}
