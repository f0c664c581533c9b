//! An agent's grants: one row per capability, `active`, `pending` or `denied`.

use chrono::{DateTime, Utc};
use domain::{AgentId, GrantStatus, OrgId, UserId};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue, ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _, QueryFilter as _,
};
use uuid::Uuid;

use crate::DbError;
use crate::Tenanted as _;
use crate::entities::agent_capability_grant;

/// A decision on one capability of an agent.
#[derive(Clone, Copy, Debug)]
pub struct GrantDecision<'a> {
    pub capability: &'a str,
    pub status: GrantStatus,
    pub granted_by: Option<UserId>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Limits on the capability's input, as a JSON object.
    pub constraints: Option<&'a str>,
}

/// Records the decision on the agent's grant of a capability (creating the grant).
pub async fn set_grant(
    db: &impl ConnectionTrait,
    org: OrgId,
    agent: AgentId,
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
        agent_id: ActiveValue::Set(agent.as_uuid()),
        capability: ActiveValue::Set(capability.to_owned()),
        status: ActiveValue::Set(status.as_str().to_owned()),
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
    agent: AgentId,
    now: DateTime<Utc>,
) -> Result<Vec<(String, Option<String>)>, DbError> {
    Ok(agent_capability_grant::Entity::find_in(org)
        .filter(agent_capability_grant::Column::AgentId.eq(agent.as_uuid()))
        .filter(agent_capability_grant::Column::Status.eq(GrantStatus::Active.as_str()))
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

/// One grant as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantRecord {
    pub capability: String,
    pub status: GrantStatus,
    /// Limits on the capability's input, as a JSON object.
    pub constraints: Option<String>,
    pub granted_by: Option<UserId>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Every grant of the agent, whatever its status, by capability name.
pub async fn grants_of(
    db: &impl ConnectionTrait,
    org: OrgId,
    agent: AgentId,
) -> Result<Vec<GrantRecord>, DbError> {
    let mut grants = agent_capability_grant::Entity::find_in(org)
        .filter(agent_capability_grant::Column::AgentId.eq(agent.as_uuid()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            Ok(GrantRecord {
                capability: row.capability,
                status: row.status.parse().map_err(DbError::corrupt)?,
                constraints: row.constraints,
                granted_by: row.granted_by.map(UserId::from_uuid),
                expires_at: row.expires_at,
            })
        })
        .collect::<Result<Vec<GrantRecord>, DbError>>()?;
    grants.sort_by(|a, b| a.capability.cmp(&b.capability));
    Ok(grants)
}

/// Forgets every grant of the agent (reactivation starts again from its host's defaults).
pub async fn clear_grants(
    db: &impl ConnectionTrait,
    org: OrgId,
    agent: AgentId,
) -> Result<(), DbError> {
    agent_capability_grant::Entity::delete_in(org)
        .filter(agent_capability_grant::Column::AgentId.eq(agent.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}
