//! The replay store of agent and host token ids, shared by every instance through the database.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue, ColumnTrait as _, EntityTrait as _, QueryFilter as _, TransactionTrait,
};
use uuid::Uuid;

use crate::DbError;
use crate::entities::agent_jti;

/// Remembers a token id of an agent until `expires_at`; answers `false` when it was already used.
/// Ids whose tokens can no longer be valid are forgotten on the way, in the same transaction: one
/// commit (one fsync on SQLite) per token.
pub async fn remember_jti(
    db: &impl TransactionTrait,
    agent: Uuid,
    jti: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let txn = db.begin().await?;
    let db = &txn;
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
    txn.commit().await?;
    Ok(inserted == 1)
}
