//! Agent hosts and agents: their identity keys, states and clocks. Grants, approval requests,
//! enrollment tokens and the replay store of token ids live in the submodules.

use chrono::{DateTime, Utc};
use domain::{OrgId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, QueryOrder as _,
};
use uuid::Uuid;

use crate::DbError;
use crate::entities::{agent, agent_host};

mod approvals;
mod enrollments;
mod grants;
mod replay;

pub use approvals::*;
pub use enrollments::*;
pub use grants::*;
pub use replay::*;

pub const ACTIVE: &str = "active";
pub const PENDING: &str = "pending";
pub const REVOKED: &str = "revoked";
pub const EXPIRED: &str = "expired";
pub const REJECTED: &str = "rejected";

/// A stored host or agent: its identity key, state and clocks.
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
    /// For an agent, `delegated`.
    pub mode: Option<String>,
    pub created_at: DateTime<Utc>,
    /// For an agent: when it last became active, and when a token of it was last accepted.
    pub activated_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// For a host: what its agents get without asking a user again.
    pub default_capabilities: Vec<String>,
}

fn words(text: Option<String>) -> Vec<String> {
    text.unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
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
            mode: None,
            created_at: row.created_at,
            activated_at: None,
            last_used_at: None,
            default_capabilities: words(row.default_capabilities),
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
            mode: Some(row.mode),
            created_at: row.created_at,
            activated_at: row.activated_at,
            last_used_at: row.last_used_at,
            default_capabilities: Vec::new(),
        }
    }
}

/// A host or agent about to be stored.
#[derive(Debug)]
pub struct NewKeyHolder<'a> {
    pub id: Uuid,
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
    default_capabilities: &[String],
    now: DateTime<Utc>,
) -> Result<KeyHolder, DbError> {
    Ok(agent_host::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(new.id),
        thumbprint: ActiveValue::Set(new.thumbprint.to_owned()),
        public_key_x: ActiveValue::Set(new.public_key_x.to_owned()),
        name: ActiveValue::Set(new.name.to_owned()),
        status: ActiveValue::Set(new.status.to_owned()),
        user_id: ActiveValue::Set(new.user_id.map(|user| user.as_uuid())),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
        default_capabilities: ActiveValue::Set(
            (!default_capabilities.is_empty()).then(|| default_capabilities.join(" ")),
        ),
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
        id: ActiveValue::Set(new.id),
        host_id: ActiveValue::Set(host),
        thumbprint: ActiveValue::Set(new.thumbprint.to_owned()),
        public_key_x: ActiveValue::Set(new.public_key_x.to_owned()),
        name: ActiveValue::Set(new.name.to_owned()),
        mode: ActiveValue::Set("delegated".to_owned()),
        status: ActiveValue::Set(new.status.to_owned()),
        user_id: ActiveValue::Set(new.user_id.map(|user| user.as_uuid())),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
        activated_at: ActiveValue::Set((new.status == ACTIVE).then_some(now)),
        last_used_at: ActiveValue::Set(None),
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

/// The agent with this key (a pending registration repeated).
pub async fn find_agent_by_thumbprint(
    db: &impl ConnectionTrait,
    thumbprint: &str,
) -> Result<Option<KeyHolder>, DbError> {
    Ok(agent::Entity::find()
        .filter(agent::Column::Thumbprint.eq(thumbprint))
        .one(db)
        .await?
        .map(Into::into))
}

/// The organization's agents, newest first.
pub async fn agents_of(db: &impl ConnectionTrait, org: OrgId) -> Result<Vec<KeyHolder>, DbError> {
    Ok(agent::Entity::find()
        .filter(agent::Column::OrganizationId.eq(org.as_uuid()))
        .order_by_desc(agent::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
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

/// The organization's hosts, newest first.
pub async fn hosts_of(db: &impl ConnectionTrait, org: OrgId) -> Result<Vec<KeyHolder>, DbError> {
    Ok(agent_host::Entity::find()
        .filter(agent_host::Column::OrganizationId.eq(org.as_uuid()))
        .order_by_desc(agent_host::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
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

/// Moves the agent from `from` to `to`; answers whether it was in `from` (a lost race is not).
pub async fn move_agent_status(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: Uuid,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let moved = agent::Entity::update_many()
        .col_expr(agent::Column::Status, Expr::value(to))
        .col_expr(agent::Column::UpdatedAt, Expr::value(now))
        .filter(agent::Column::OrganizationId.eq(org.as_uuid()))
        .filter(agent::Column::Id.eq(id))
        .filter(agent::Column::Status.eq(from))
        .exec(db)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// The agent becomes `status` now: its session TTL and max lifetime start again.
pub async fn activate_agent(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: Uuid,
    status: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    agent::Entity::update_many()
        .col_expr(agent::Column::Status, Expr::value(status))
        .col_expr(agent::Column::ActivatedAt, Expr::value(now))
        .col_expr(agent::Column::LastUsedAt, Expr::value(now))
        .col_expr(agent::Column::UpdatedAt, Expr::value(now))
        .filter(agent::Column::OrganizationId.eq(org.as_uuid()))
        .filter(agent::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records that a token of the agent was accepted now.
pub async fn touch_agent(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    agent::Entity::update_many()
        .col_expr(agent::Column::LastUsedAt, Expr::value(now))
        .filter(agent::Column::OrganizationId.eq(org.as_uuid()))
        .filter(agent::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
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

/// Replaces the agent's key: the old one is refused from now on.
pub async fn set_agent_key(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: Uuid,
    thumbprint: &str,
    public_key_x: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    agent::Entity::update_many()
        .col_expr(agent::Column::Thumbprint, Expr::value(thumbprint))
        .col_expr(agent::Column::PublicKeyX, Expr::value(public_key_x))
        .col_expr(agent::Column::UpdatedAt, Expr::value(now))
        .filter(agent::Column::OrganizationId.eq(org.as_uuid()))
        .filter(agent::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(DbError::on_unique("agent key"))?;
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

/// A host whose registration a user approved: active, and linked to that user.
pub async fn link_host(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: Uuid,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    agent_host::Entity::update_many()
        .col_expr(agent_host::Column::Status, Expr::value(ACTIVE))
        .col_expr(agent_host::Column::UserId, Expr::value(user.as_uuid()))
        .col_expr(agent_host::Column::UpdatedAt, Expr::value(now))
        .filter(agent_host::Column::OrganizationId.eq(org.as_uuid()))
        .filter(agent_host::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Every agent under the host that is not already in a final state becomes `status` (a host
/// revoked or rejected takes its agents with it); answers how many did.
pub async fn end_agents_of_host(
    db: &impl ConnectionTrait,
    org: OrgId,
    host: Uuid,
    status: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    let ended = agent::Entity::update_many()
        .col_expr(agent::Column::Status, Expr::value(status))
        .col_expr(agent::Column::UpdatedAt, Expr::value(now))
        .filter(agent::Column::OrganizationId.eq(org.as_uuid()))
        .filter(agent::Column::HostId.eq(host))
        .filter(agent::Column::Status.is_not_in([REVOKED, REJECTED]))
        .exec(db)
        .await?;
    Ok(ended.rows_affected)
}

/// Replaces the host's key (its thumbprint, the `iss` of its tokens, changes with it).
pub async fn set_host_key(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: Uuid,
    thumbprint: &str,
    public_key_x: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    agent_host::Entity::update_many()
        .col_expr(agent_host::Column::Thumbprint, Expr::value(thumbprint))
        .col_expr(agent_host::Column::PublicKeyX, Expr::value(public_key_x))
        .col_expr(agent_host::Column::UpdatedAt, Expr::value(now))
        .filter(agent_host::Column::OrganizationId.eq(org.as_uuid()))
        .filter(agent_host::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(DbError::on_unique("host key"))?;
    Ok(())
}
