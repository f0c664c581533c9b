//! Agent hosts, agents, their capability grants and the replay store of their token ids.

use chrono::{DateTime, Utc};
use domain::{OrgId, UserId};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, Condition, ConnectionTrait,
    EntityTrait as _, QueryFilter as _,
};
use uuid::Uuid;

use crate::DbError;
use crate::entities::{agent, agent_capability_grant, agent_host, agent_jti, approval_request};

pub const ACTIVE: &str = "active";
pub const PENDING: &str = "pending";
pub const REVOKED: &str = "revoked";

/// A stored host or agent: its identity key and state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyHolder {
    pub id: Uuid,
    pub org_id: OrgId,
    /// The RFC 7638 SHA-256 thumbprint of its Ed25519 public key.
    pub thumbprint: String,
    /// The public key's `x` (base64url, 32 bytes).
    pub public_key_x: String,
    pub name: String,
    pub status: String,
    pub user_id: Option<UserId>,
    /// For an agent, its host.
    pub host_id: Option<Uuid>,
}

impl From<agent_host::Model> for KeyHolder {
    fn from(row: agent_host::Model) -> Self {
        Self {
            id: row.id,
            org_id: OrgId::from_uuid(row.organization_id),
            thumbprint: row.thumbprint,
            public_key_x: row.public_key_x,
            name: row.name,
            status: row.status,
            user_id: row.user_id.map(UserId::from_uuid),
            host_id: None,
        }
    }
}

impl From<agent::Model> for KeyHolder {
    fn from(row: agent::Model) -> Self {
        Self {
            id: row.id,
            org_id: OrgId::from_uuid(row.organization_id),
            thumbprint: row.thumbprint,
            public_key_x: row.public_key_x,
            name: row.name,
            status: row.status,
            user_id: row.user_id.map(UserId::from_uuid),
            host_id: Some(row.host_id),
        }
    }
}

/// A host or agent about to be stored.
#[derive(Debug)]
pub struct NewKeyHolder<'a> {
    pub thumbprint: &'a str,
    pub public_key_x: &'a str,
    pub name: &'a str,
    pub status: &'a str,
    pub user_id: Option<UserId>,
}

pub async fn create_host(
    db: &impl ConnectionTrait,
    org: OrgId,
    new: NewKeyHolder<'_>,
    now: DateTime<Utc>,
) -> Result<KeyHolder, DbError> {
    Ok(agent_host::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(Uuid::now_v7()),
        thumbprint: ActiveValue::Set(new.thumbprint.to_owned()),
        public_key_x: ActiveValue::Set(new.public_key_x.to_owned()),
        name: ActiveValue::Set(new.name.to_owned()),
        status: ActiveValue::Set(new.status.to_owned()),
        user_id: ActiveValue::Set(new.user_id.map(|user| user.as_uuid())),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("host key"))?
    .into())
}

pub async fn create_agent(
    db: &impl ConnectionTrait,
    org: OrgId,
    host: Uuid,
    new: NewKeyHolder<'_>,
    now: DateTime<Utc>,
) -> Result<KeyHolder, DbError> {
    Ok(agent::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(Uuid::now_v7()),
        host_id: ActiveValue::Set(host),
        thumbprint: ActiveValue::Set(new.thumbprint.to_owned()),
        public_key_x: ActiveValue::Set(new.public_key_x.to_owned()),
        name: ActiveValue::Set(new.name.to_owned()),
        mode: ActiveValue::Set("delegated".to_owned()),
        status: ActiveValue::Set(new.status.to_owned()),
        user_id: ActiveValue::Set(new.user_id.map(|user| user.as_uuid())),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("agent key"))?
    .into())
}

/// The agent with this id, whichever organization it acts in: how a token's `sub` is looked up.
pub async fn find_agent(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<KeyHolder>, DbError> {
    Ok(agent::Entity::find()
        .filter(agent::Column::Id.eq(id))
        .one(db)
        .await?
        .map(Into::into))
}

pub async fn find_host(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: Uuid,
) -> Result<Option<KeyHolder>, DbError> {
    Ok(agent_host::Entity::find_by_id((org.as_uuid(), id))
        .one(db)
        .await?
        .map(Into::into))
}

pub async fn set_agent_status(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: Uuid,
    status: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    agent::Entity::update_many()
        .col_expr(agent::Column::Status, Expr::value(status))
        .col_expr(agent::Column::UpdatedAt, Expr::value(now))
        .filter(agent::Column::OrganizationId.eq(org.as_uuid()))
        .filter(agent::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_host_status(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: Uuid,
    status: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    agent_host::Entity::update_many()
        .col_expr(agent_host::Column::Status, Expr::value(status))
        .col_expr(agent_host::Column::UpdatedAt, Expr::value(now))
        .filter(agent_host::Column::OrganizationId.eq(org.as_uuid()))
        .filter(agent_host::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A decision on one capability of an agent.
#[derive(Clone, Copy, Debug)]
pub struct GrantDecision<'a> {
    pub capability: &'a str,
    /// `active`, `pending` or `denied`.
    pub status: &'a str,
    pub granted_by: Option<UserId>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Limits on the capability's input, as a JSON object.
    pub constraints: Option<&'a str>,
}

/// Records the decision on the agent's grant of a capability (creating the grant).
pub async fn set_grant(
    db: &impl ConnectionTrait,
    org: OrgId,
    agent: Uuid,
    decision: GrantDecision<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let GrantDecision {
        capability,
        status,
        granted_by,
        expires_at,
        constraints,
    } = decision;
    let row = agent_capability_grant::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(Uuid::now_v7()),
        agent_id: ActiveValue::Set(agent),
        capability: ActiveValue::Set(capability.to_owned()),
        status: ActiveValue::Set(status.to_owned()),
        constraints: ActiveValue::Set(constraints.map(str::to_owned)),
        granted_by: ActiveValue::Set(granted_by.map(|user| user.as_uuid())),
        expires_at: ActiveValue::Set(expires_at),
        created_at: ActiveValue::Set(now),
    };
    agent_capability_grant::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                agent_capability_grant::Column::OrganizationId,
                agent_capability_grant::Column::AgentId,
                agent_capability_grant::Column::Capability,
            ])
            .update_columns([
                agent_capability_grant::Column::Status,
                agent_capability_grant::Column::GrantedBy,
                agent_capability_grant::Column::ExpiresAt,
                agent_capability_grant::Column::Constraints,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The capabilities the agent holds now (active, unexpired grants), with their constraints.
pub async fn active_capabilities(
    db: &impl ConnectionTrait,
    org: OrgId,
    agent: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<(String, Option<String>)>, DbError> {
    Ok(agent_capability_grant::Entity::find()
        .filter(agent_capability_grant::Column::OrganizationId.eq(org.as_uuid()))
        .filter(agent_capability_grant::Column::AgentId.eq(agent))
        .filter(agent_capability_grant::Column::Status.eq(ACTIVE))
        .filter(
            Condition::any()
                .add(agent_capability_grant::Column::ExpiresAt.is_null())
                .add(agent_capability_grant::Column::ExpiresAt.gt(now)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.capability, row.constraints))
        .collect())
}

/// Remembers a token id of an agent until `expires_at`; answers `false` when it was already used.
/// Ids whose tokens can no longer be valid are forgotten on the way.
pub async fn remember_jti(
    db: &impl ConnectionTrait,
    agent: Uuid,
    jti: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    agent_jti::Entity::delete_many()
        .filter(agent_jti::Column::AgentId.eq(agent))
        .filter(agent_jti::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    let inserted = agent_jti::Entity::insert(agent_jti::ActiveModel {
        agent_id: ActiveValue::Set(agent),
        jti: ActiveValue::Set(jti.to_owned()),
        expires_at: ActiveValue::Set(expires_at),
    })
    .on_conflict(
        OnConflict::columns([agent_jti::Column::AgentId, agent_jti::Column::Jti])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// The host with this key thumbprint: how a host token's `iss` is looked up.
pub async fn find_host_by_thumbprint(
    db: &impl ConnectionTrait,
    thumbprint: &str,
) -> Result<Option<KeyHolder>, DbError> {
    Ok(agent_host::Entity::find()
        .filter(agent_host::Column::Thumbprint.eq(thumbprint))
        .one(db)
        .await?
        .map(Into::into))
}

/// One of the organization's agents.
pub async fn find_agent_in(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: Uuid,
) -> Result<Option<KeyHolder>, DbError> {
    Ok(agent::Entity::find_by_id((org.as_uuid(), id))
        .one(db)
        .await?
        .map(Into::into))
}

/// Every grant of the agent, whatever its status, by capability name.
pub async fn grants_of(
    db: &impl ConnectionTrait,
    org: OrgId,
    agent: Uuid,
) -> Result<Vec<(String, String)>, DbError> {
    Ok(agent_capability_grant::Entity::find()
        .filter(agent_capability_grant::Column::OrganizationId.eq(org.as_uuid()))
        .filter(agent_capability_grant::Column::AgentId.eq(agent))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.capability, row.status))
        .collect())
}

/// The user the agent acts for (its approving user).
pub async fn set_agent_user(
    db: &impl ConnectionTrait,
    org: OrgId,
    agent: Uuid,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    agent::Entity::update_many()
        .col_expr(agent::Column::UserId, Expr::value(user.as_uuid()))
        .col_expr(agent::Column::UpdatedAt, Expr::value(now))
        .filter(agent::Column::OrganizationId.eq(org.as_uuid()))
        .filter(agent::Column::Id.eq(agent))
        .exec(db)
        .await?;
    Ok(())
}

/// A pending decision on capabilities an agent asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    pub id: Uuid,
    pub org_id: OrgId,
    pub agent_id: Uuid,
    pub user_code: String,
    pub capabilities: Vec<String>,
    pub status: String,
    pub expires_at: DateTime<Utc>,
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
        }
    }
}

/// Stores an approval request; a user code already in use is `Conflict` (draw another).
pub async fn create_approval(
    db: &impl ConnectionTrait,
    org: OrgId,
    agent: Uuid,
    user_code: &str,
    capabilities: &[String],
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Approval, DbError> {
    Ok(approval_request::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(Uuid::now_v7()),
        agent_id: ActiveValue::Set(agent),
        user_code: ActiveValue::Set(user_code.to_owned()),
        capabilities: ActiveValue::Set(capabilities.join(" ")),
        status: ActiveValue::Set(PENDING.to_owned()),
        decided_by: ActiveValue::Set(None),
        expires_at: ActiveValue::Set(expires_at),
        created_at: ActiveValue::Set(now),
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
