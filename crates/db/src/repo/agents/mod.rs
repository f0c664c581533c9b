//! Agent hosts and agents: their identity keys, states and clocks. Grants, approval requests,
//! enrollment tokens and the replay store of token ids live in the submodules.

use chrono::{DateTime, Utc};
use domain::{AgentHostId, AgentId, AgentMode, AgentStatus, HostStatus, OrgId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, QueryOrder as _,
};

use crate::DbError;
use crate::Tenanted as _;
use crate::entities::{agent, agent_host};

mod approvals;
mod enrollments;
mod grants;
mod replay;

pub use approvals::*;
pub use enrollments::*;
pub use grants::*;
pub use replay::*;

/// An agent host's or agent's identity key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityKey {
    /// The RFC 7638 SHA-256 thumbprint of its Ed25519 public key.
    pub thumbprint: String,
    /// The public key's `x` (base64url, 32 bytes).
    pub public_key_x: String,
}

/// A stored agent host: the program that registers agents with its own key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    pub id: AgentHostId,
    pub org_id: OrgId,
    pub key: IdentityKey,
    pub name: String,
    pub status: HostStatus,
    /// The user who stands behind it (who created it, or approved its registration).
    pub user_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    /// What its agents get without asking a user again.
    pub default_capabilities: Vec<String>,
}

/// A stored agent: one key of a host, acting for a user with the capabilities granted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    pub id: AgentId,
    pub org_id: OrgId,
    pub host_id: AgentHostId,
    pub key: IdentityKey,
    pub name: String,
    pub status: AgentStatus,
    pub mode: AgentMode,
    /// The user it acts for (its approving user).
    pub user_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    /// When it last became active (its max lifetime runs from here), and when a token of it was
    /// last accepted (its session slides from here).
    pub activated_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

fn words(text: Option<String>) -> Vec<String> {
    text.unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

impl TryFrom<agent_host::Model> for Host {
    type Error = DbError;

    fn try_from(row: agent_host::Model) -> Result<Self, DbError> {
        Ok(Self {
            id: AgentHostId::from_uuid(row.id),
            org_id: OrgId::from_uuid(row.organization_id),
            key: IdentityKey {
                thumbprint: row.thumbprint,
                public_key_x: row.public_key_x,
            },
            name: row.name,
            status: row.status.parse().map_err(DbError::corrupt)?,
            user_id: row.user_id.map(UserId::from_uuid),
            created_at: row.created_at,
            default_capabilities: words(row.default_capabilities),
        })
    }
}

impl TryFrom<agent::Model> for Agent {
    type Error = DbError;

    fn try_from(row: agent::Model) -> Result<Self, DbError> {
        Ok(Self {
            id: AgentId::from_uuid(row.id),
            org_id: OrgId::from_uuid(row.organization_id),
            host_id: AgentHostId::from_uuid(row.host_id),
            key: IdentityKey {
                thumbprint: row.thumbprint,
                public_key_x: row.public_key_x,
            },
            name: row.name,
            status: row.status.parse().map_err(DbError::corrupt)?,
            mode: row.mode.parse().map_err(DbError::corrupt)?,
            user_id: row.user_id.map(UserId::from_uuid),
            created_at: row.created_at,
            activated_at: row.activated_at,
            last_used_at: row.last_used_at,
        })
    }
}

/// A host about to be stored.
#[derive(Debug)]
pub struct NewHost<'a> {
    pub id: AgentHostId,
    pub thumbprint: &'a str,
    pub public_key_x: &'a str,
    pub name: &'a str,
    pub status: HostStatus,
    pub user_id: Option<UserId>,
    pub default_capabilities: &'a [String],
}

/// An agent about to be stored, under its host.
#[derive(Debug)]
pub struct NewAgent<'a> {
    pub id: AgentId,
    pub host_id: AgentHostId,
    pub thumbprint: &'a str,
    pub public_key_x: &'a str,
    pub name: &'a str,
    pub status: AgentStatus,
    pub user_id: Option<UserId>,
}

fn one<M, T: TryFrom<M, Error = DbError>>(row: Option<M>) -> Result<Option<T>, DbError> {
    row.map(T::try_from).transpose()
}

fn all<M, T: TryFrom<M, Error = DbError>>(rows: Vec<M>) -> Result<Vec<T>, DbError> {
    rows.into_iter().map(T::try_from).collect()
}

pub async fn create_host(
    db: &impl ConnectionTrait,
    org: OrgId,
    new: NewHost<'_>,
    now: DateTime<Utc>,
) -> Result<Host, DbError> {
    agent_host::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(new.id.as_uuid()),
        thumbprint: ActiveValue::Set(new.thumbprint.to_owned()),
        public_key_x: ActiveValue::Set(new.public_key_x.to_owned()),
        name: ActiveValue::Set(new.name.to_owned()),
        status: ActiveValue::Set(new.status.as_str().to_owned()),
        user_id: ActiveValue::Set(new.user_id.map(|user| user.as_uuid())),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
        default_capabilities: ActiveValue::Set(
            (!new.default_capabilities.is_empty()).then(|| new.default_capabilities.join(" ")),
        ),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("host key"))?
    .try_into()
}

pub async fn create_agent(
    db: &impl ConnectionTrait,
    org: OrgId,
    new: NewAgent<'_>,
    now: DateTime<Utc>,
) -> Result<Agent, DbError> {
    agent::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(new.id.as_uuid()),
        host_id: ActiveValue::Set(new.host_id.as_uuid()),
        thumbprint: ActiveValue::Set(new.thumbprint.to_owned()),
        public_key_x: ActiveValue::Set(new.public_key_x.to_owned()),
        name: ActiveValue::Set(new.name.to_owned()),
        mode: ActiveValue::Set(AgentMode::Delegated.as_str().to_owned()),
        status: ActiveValue::Set(new.status.as_str().to_owned()),
        user_id: ActiveValue::Set(new.user_id.map(|user| user.as_uuid())),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
        activated_at: ActiveValue::Set((new.status == AgentStatus::Active).then_some(now)),
        last_used_at: ActiveValue::Set(None),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("agent key"))?
    .try_into()
}

/// The agent with this id, whichever organization it acts in: how a token's `sub` is looked up.
pub async fn find_agent(db: &impl ConnectionTrait, id: AgentId) -> Result<Option<Agent>, DbError> {
    one(agent::Entity::find()
        .filter(agent::Column::Id.eq(id.as_uuid()))
        .one(db)
        .await?)
}

/// One of the organization's agents.
pub async fn find_agent_in(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: AgentId,
) -> Result<Option<Agent>, DbError> {
    one(agent::Entity::find_by_id((org.as_uuid(), id.as_uuid()))
        .one(db)
        .await?)
}

/// The agent with this key (a pending registration repeated).
pub async fn find_agent_by_thumbprint(
    db: &impl ConnectionTrait,
    thumbprint: &str,
) -> Result<Option<Agent>, DbError> {
    one(agent::Entity::find()
        .filter(agent::Column::Thumbprint.eq(thumbprint))
        .one(db)
        .await?)
}

/// The organization's agents, newest first.
pub async fn agents_of(db: &impl ConnectionTrait, org: OrgId) -> Result<Vec<Agent>, DbError> {
    all(agent::Entity::find_in(org)
        .order_by_desc(agent::Column::Id)
        .all(db)
        .await?)
}

pub async fn find_host(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: AgentHostId,
) -> Result<Option<Host>, DbError> {
    one(
        agent_host::Entity::find_by_id((org.as_uuid(), id.as_uuid()))
            .one(db)
            .await?,
    )
}

/// The host with this key thumbprint: how a host token's `iss` is looked up.
pub async fn find_host_by_thumbprint(
    db: &impl ConnectionTrait,
    thumbprint: &str,
) -> Result<Option<Host>, DbError> {
    one(agent_host::Entity::find()
        .filter(agent_host::Column::Thumbprint.eq(thumbprint))
        .one(db)
        .await?)
}

/// The organization's hosts, newest first.
pub async fn hosts_of(db: &impl ConnectionTrait, org: OrgId) -> Result<Vec<Host>, DbError> {
    all(agent_host::Entity::find_in(org)
        .order_by_desc(agent_host::Column::Id)
        .all(db)
        .await?)
}

pub async fn set_agent_status(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: AgentId,
    status: AgentStatus,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    agent::Entity::update_in(org)
        .col_expr(agent::Column::Status, Expr::value(status.as_str()))
        .col_expr(agent::Column::UpdatedAt, Expr::value(now))
        .filter(agent::Column::Id.eq(id.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// Moves the agent from `from` to `to`; answers whether it was in `from` (a lost race is not).
pub async fn move_agent_status(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: AgentId,
    from: AgentStatus,
    to: AgentStatus,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let moved = agent::Entity::update_in(org)
        .col_expr(agent::Column::Status, Expr::value(to.as_str()))
        .col_expr(agent::Column::UpdatedAt, Expr::value(now))
        .filter(agent::Column::Id.eq(id.as_uuid()))
        .filter(agent::Column::Status.eq(from.as_str()))
        .exec(db)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// The agent becomes `status` now: its session TTL and max lifetime start again.
pub async fn activate_agent(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: AgentId,
    status: AgentStatus,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    agent::Entity::update_in(org)
        .col_expr(agent::Column::Status, Expr::value(status.as_str()))
        .col_expr(agent::Column::ActivatedAt, Expr::value(now))
        .col_expr(agent::Column::LastUsedAt, Expr::value(now))
        .col_expr(agent::Column::UpdatedAt, Expr::value(now))
        .filter(agent::Column::Id.eq(id.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// Records that a token of the agent was accepted now.
pub async fn touch_agent(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: AgentId,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    agent::Entity::update_in(org)
        .col_expr(agent::Column::LastUsedAt, Expr::value(now))
        .filter(agent::Column::Id.eq(id.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// The user the agent acts for (its approving user).
pub async fn set_agent_user(
    db: &impl ConnectionTrait,
    org: OrgId,
    agent: AgentId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    agent::Entity::update_in(org)
        .col_expr(agent::Column::UserId, Expr::value(user.as_uuid()))
        .col_expr(agent::Column::UpdatedAt, Expr::value(now))
        .filter(agent::Column::Id.eq(agent.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// Replaces the agent's key: the old one is refused from now on.
pub async fn set_host_status(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: AgentHostId,
    status: HostStatus,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    agent_host::Entity::update_in(org)
        .col_expr(agent_host::Column::Status, Expr::value(status.as_str()))
        .col_expr(agent_host::Column::UpdatedAt, Expr::value(now))
        .filter(agent_host::Column::Id.eq(id.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// A host whose registration a user approved: active, and linked to that user.
pub async fn link_host(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: AgentHostId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    agent_host::Entity::update_in(org)
        .col_expr(
            agent_host::Column::Status,
            Expr::value(HostStatus::Active.as_str()),
        )
        .col_expr(agent_host::Column::UserId, Expr::value(user.as_uuid()))
        .col_expr(agent_host::Column::UpdatedAt, Expr::value(now))
        .filter(agent_host::Column::Id.eq(id.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// Every agent under the host that is not already in a final state becomes `status` (a host
/// revoked or rejected takes its agents with it); answers how many did.
pub async fn end_agents_of_host(
    db: &impl ConnectionTrait,
    org: OrgId,
    host: AgentHostId,
    status: AgentStatus,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    let ended = agent::Entity::update_in(org)
        .col_expr(agent::Column::Status, Expr::value(status.as_str()))
        .col_expr(agent::Column::UpdatedAt, Expr::value(now))
        .filter(agent::Column::HostId.eq(host.as_uuid()))
        .filter(agent::Column::Status.is_not_in([
            AgentStatus::Revoked.as_str(),
            AgentStatus::Rejected.as_str(),
        ]))
        .exec(db)
        .await?;
    Ok(ended.rows_affected)
}

/// Replaces the host's key (its thumbprint, the `iss` of its tokens, changes with it).
/// Whose key: a host's or an agent's (each table keeps its keys unique).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOwner {
    Host(AgentHostId),
    Agent(AgentId),
}

/// Replaces an owner's key; a key another host (or agent) has is `Conflict`.
pub async fn set_key(
    db: &impl ConnectionTrait,
    org: OrgId,
    owner: KeyOwner,
    key: &IdentityKey,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let (thumbprint, x) = (key.thumbprint.as_str(), key.public_key_x.as_str());
    let written = match owner {
        KeyOwner::Host(id) => agent_host::Entity::update_in(org)
            .col_expr(agent_host::Column::Thumbprint, Expr::value(thumbprint))
            .col_expr(agent_host::Column::PublicKeyX, Expr::value(x))
            .col_expr(agent_host::Column::UpdatedAt, Expr::value(now))
            .filter(agent_host::Column::Id.eq(id.as_uuid()))
            .exec(db)
            .await
            .map_err(DbError::on_unique("host key")),
        KeyOwner::Agent(id) => agent::Entity::update_in(org)
            .col_expr(agent::Column::Thumbprint, Expr::value(thumbprint))
            .col_expr(agent::Column::PublicKeyX, Expr::value(x))
            .col_expr(agent::Column::UpdatedAt, Expr::value(now))
            .filter(agent::Column::Id.eq(id.as_uuid()))
            .exec(db)
            .await
            .map_err(DbError::on_unique("agent key")),
    };
    written?;
    Ok(())
}
