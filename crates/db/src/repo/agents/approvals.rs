//! Approval requests: the capabilities an agent asked for, awaiting a user's decision — under a
//! user code (device authorization), or by the user it names (CIBA).

use chrono::{DateTime, Utc};
use domain::{OrgId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, QueryOrder as _,
};
use uuid::Uuid;

use super::PENDING;
use crate::DbError;
use crate::entities::approval_request;

/// Decided under the user code, by any entitled user of the organization.
pub const DEVICE_AUTHORIZATION: &str = "device_authorization";
/// Decided by the one user it names, from their list of pending requests.
pub const CIBA: &str = "ciba";

/// A new agent's first capabilities: denying them rejects the agent.
pub const REGISTRATION: &str = "registration";
/// More capabilities for an active agent: denying them denies those grants only.
pub const CAPABILITY_REQUEST: &str = "capability_request";
/// An expired agent's way back: denying it leaves the agent expired.
pub const REACTIVATION: &str = "reactivation";

/// A decision on capabilities an agent asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    pub id: Uuid,
    pub org_id: OrgId,
    pub agent_id: Uuid,
    pub user_code: String,
    pub capabilities: Vec<String>,
    pub status: String,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// [`DEVICE_AUTHORIZATION`] or [`CIBA`].
    pub method: String,
    /// For CIBA, the user who decides.
    pub approver_id: Option<UserId>,
    /// [`REGISTRATION`], [`CAPABILITY_REQUEST`] or [`REACTIVATION`].
    pub purpose: String,
    /// Shown to the approver beside the request.
    pub binding_message: Option<String>,
    /// The client address of the call that opened the request, as text: for the approver only.
    pub requested_from: Option<String>,
}

impl From<approval_request::Model> for Approval {
    fn from(row: approval_request::Model) -> Self {
        Self {
            id: row.id,
            org_id: OrgId::from_uuid(row.organization_id),
            agent_id: row.agent_id,
            user_code: row.user_code,
            capabilities: row
                .capabilities
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            status: row.status,
            expires_at: row.expires_at,
            created_at: row.created_at,
            method: row.method,
            approver_id: row.approver_id.map(UserId::from_uuid),
            purpose: row.purpose,
            binding_message: row.binding_message,
            requested_from: row.requested_from,
        }
    }
}

/// An approval request about to be stored.
#[derive(Clone, Copy, Debug)]
pub struct NewApproval<'a> {
    pub agent: Uuid,
    pub user_code: &'a str,
    pub capabilities: &'a [String],
    pub expires_at: DateTime<Utc>,
    pub method: &'a str,
    pub approver: Option<UserId>,
    pub purpose: &'a str,
    pub binding_message: Option<&'a str>,
    /// The client address asking, as text.
    pub requested_from: Option<&'a str>,
}

/// Stores an approval request; a user code already in use is `Conflict` (draw another).
pub async fn create_approval(
    db: &impl ConnectionTrait,
    org: OrgId,
    new: NewApproval<'_>,
    now: DateTime<Utc>,
) -> Result<Approval, DbError> {
    Ok(approval_request::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(Uuid::now_v7()),
        agent_id: ActiveValue::Set(new.agent),
        user_code: ActiveValue::Set(new.user_code.to_owned()),
        capabilities: ActiveValue::Set(new.capabilities.join(" ")),
        status: ActiveValue::Set(PENDING.to_owned()),
        decided_by: ActiveValue::Set(None),
        expires_at: ActiveValue::Set(new.expires_at),
        created_at: ActiveValue::Set(now),
        method: ActiveValue::Set(new.method.to_owned()),
        approver_id: ActiveValue::Set(new.approver.map(|user| user.as_uuid())),
        purpose: ActiveValue::Set(new.purpose.to_owned()),
        binding_message: ActiveValue::Set(new.binding_message.map(str::to_owned)),
        requested_from: ActiveValue::Set(new.requested_from.map(str::to_owned)),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("user code"))?
    .into())
}

/// The approval request a user typed the code of.
pub async fn find_approval_by_code(
    db: &impl ConnectionTrait,
    user_code: &str,
) -> Result<Option<Approval>, DbError> {
    Ok(approval_request::Entity::find()
        .filter(approval_request::Column::UserCode.eq(user_code))
        .one(db)
        .await?
        .map(Into::into))
}

/// One approval request, by id, whatever its organization (the caller checks the user's).
pub async fn find_approval(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<Approval>, DbError> {
    Ok(approval_request::Entity::find()
        .filter(approval_request::Column::Id.eq(id))
        .one(db)
        .await?
        .map(Into::into))
}

/// The CIBA requests waiting for `user`, newest first.
pub async fn pending_for(
    db: &impl ConnectionTrait,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<Approval>, DbError> {
    Ok(approval_request::Entity::find()
        .filter(approval_request::Column::ApproverId.eq(user.as_uuid()))
        .filter(approval_request::Column::Status.eq(PENDING))
        .filter(approval_request::Column::ExpiresAt.gt(now))
        .order_by_desc(approval_request::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The agent's newest request still pending, if any.
pub async fn pending_of_agent(
    db: &impl ConnectionTrait,
    org: OrgId,
    agent: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<Approval>, DbError> {
    Ok(approval_request::Entity::find()
        .filter(approval_request::Column::OrganizationId.eq(org.as_uuid()))
        .filter(approval_request::Column::AgentId.eq(agent))
        .filter(approval_request::Column::Status.eq(PENDING))
        .filter(approval_request::Column::ExpiresAt.gt(now))
        .order_by_desc(approval_request::Column::Id)
        .one(db)
        .await?
        .map(Into::into))
}

/// Closes a pending, unexpired request as `status`, decided by `user`; answers whether it was.
pub async fn decide_approval(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: Uuid,
    status: &str,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let decided = approval_request::Entity::update_many()
        .col_expr(approval_request::Column::Status, Expr::value(status))
        .col_expr(
            approval_request::Column::DecidedBy,
            Expr::value(user.as_uuid()),
        )
        .filter(approval_request::Column::OrganizationId.eq(org.as_uuid()))
        .filter(approval_request::Column::Id.eq(id))
        .filter(approval_request::Column::Status.eq(PENDING))
        .filter(approval_request::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(decided.rows_affected == 1)
}
