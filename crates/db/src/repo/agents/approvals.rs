//! Approval requests: the capabilities an agent asked for, awaiting a user's decision — under a
//! user code (device authorization), or by the user it names (CIBA).

use chrono::{DateTime, Utc};
use domain::{AgentId, ApprovalId, ApprovalMethod, ApprovalPurpose, ApprovalStatus, OrgId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, QueryOrder as _,
};
use uuid::Uuid;

use super::{all, one};
use crate::DbError;
use crate::Tenanted as _;
use crate::entities::approval_request;

/// A decision on capabilities an agent asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    pub id: ApprovalId,
    pub org_id: OrgId,
    pub agent_id: AgentId,
    pub user_code: String,
    pub capabilities: Vec<String>,
    pub status: ApprovalStatus,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub method: ApprovalMethod,
    /// For CIBA, the user who decides.
    pub approver_id: Option<UserId>,
    pub purpose: ApprovalPurpose,
    /// Shown to the approver beside the request.
    pub binding_message: Option<String>,
    /// The client address of the call that opened the request, as text: for the approver only.
    pub requested_from: Option<String>,
}

impl TryFrom<approval_request::Model> for Approval {
    type Error = DbError;

    fn try_from(row: approval_request::Model) -> Result<Self, DbError> {
        Ok(Self {
            id: ApprovalId::from_uuid(row.id),
            org_id: OrgId::from_uuid(row.organization_id),
            agent_id: AgentId::from_uuid(row.agent_id),
            user_code: row.user_code,
            capabilities: row
                .capabilities
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            status: row.status.parse().map_err(DbError::corrupt)?,
            expires_at: row.expires_at,
            created_at: row.created_at,
            method: row.method.parse().map_err(DbError::corrupt)?,
            approver_id: row.approver_id.map(UserId::from_uuid),
            purpose: row.purpose.parse().map_err(DbError::corrupt)?,
            binding_message: row.binding_message,
            requested_from: row.requested_from,
        })
    }
}

/// An approval request about to be stored.
#[derive(Clone, Copy, Debug)]
pub struct NewApproval<'a> {
    pub agent: AgentId,
    pub user_code: &'a str,
    pub capabilities: &'a [String],
    pub expires_at: DateTime<Utc>,
    pub method: ApprovalMethod,
    pub approver: Option<UserId>,
    pub purpose: ApprovalPurpose,
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
    approval_request::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(Uuid::now_v7()),
        agent_id: ActiveValue::Set(new.agent.as_uuid()),
        user_code: ActiveValue::Set(new.user_code.to_owned()),
        capabilities: ActiveValue::Set(new.capabilities.join(" ")),
        status: ActiveValue::Set(ApprovalStatus::Pending.as_str().to_owned()),
        decided_by: ActiveValue::Set(None),
        expires_at: ActiveValue::Set(new.expires_at),
        created_at: ActiveValue::Set(now),
        method: ActiveValue::Set(new.method.as_str().to_owned()),
        approver_id: ActiveValue::Set(new.approver.map(|user| user.as_uuid())),
        purpose: ActiveValue::Set(new.purpose.as_str().to_owned()),
        binding_message: ActiveValue::Set(new.binding_message.map(str::to_owned)),
        requested_from: ActiveValue::Set(new.requested_from.map(str::to_owned)),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("user code"))?
    .try_into()
}

/// The approval request a user typed the code of.
pub async fn find_approval_by_code(
    db: &impl ConnectionTrait,
    user_code: &str,
) -> Result<Option<Approval>, DbError> {
    one(approval_request::Entity::find()
        .filter(approval_request::Column::UserCode.eq(user_code))
        .one(db)
        .await?)
}

/// One approval request, by id, whatever its organization (the caller checks the user's).
pub async fn find_approval(
    db: &impl ConnectionTrait,
    id: ApprovalId,
) -> Result<Option<Approval>, DbError> {
    one(approval_request::Entity::find()
        .filter(approval_request::Column::Id.eq(id.as_uuid()))
        .one(db)
        .await?)
}

/// The CIBA requests waiting for `user`, newest first.
pub async fn pending_for(
    db: &impl ConnectionTrait,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<Approval>, DbError> {
    all(approval_request::Entity::find()
        .filter(approval_request::Column::ApproverId.eq(user.as_uuid()))
        .filter(approval_request::Column::Status.eq(ApprovalStatus::Pending.as_str()))
        .filter(approval_request::Column::ExpiresAt.gt(now))
        .order_by_desc(approval_request::Column::Id)
        .all(db)
        .await?)
}

/// The agent's newest request still pending, if any.
pub async fn pending_of_agent(
    db: &impl ConnectionTrait,
    org: OrgId,
    agent: AgentId,
    now: DateTime<Utc>,
) -> Result<Option<Approval>, DbError> {
    one(approval_request::Entity::find_in(org)
        .filter(approval_request::Column::AgentId.eq(agent.as_uuid()))
        .filter(approval_request::Column::Status.eq(ApprovalStatus::Pending.as_str()))
        .filter(approval_request::Column::ExpiresAt.gt(now))
        .order_by_desc(approval_request::Column::Id)
        .one(db)
        .await?)
}

/// Closes a pending, unexpired request as `status`, decided by `user`; answers whether it was.
pub async fn decide_approval(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: ApprovalId,
    status: ApprovalStatus,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let decided = approval_request::Entity::update_in(org)
        .col_expr(
            approval_request::Column::Status,
            Expr::value(status.as_str()),
        )
        .col_expr(
            approval_request::Column::DecidedBy,
            Expr::value(user.as_uuid()),
        )
        .filter(approval_request::Column::Id.eq(id.as_uuid()))
        .filter(approval_request::Column::Status.eq(ApprovalStatus::Pending.as_str()))
        .filter(approval_request::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(decided.rows_affected == 1)
}
