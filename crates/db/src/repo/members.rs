//! Organization memberships and roles.

use chrono::{DateTime, Utc};
use domain::{OrgId, OrgRole, UserId};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    PaginatorTrait as _, QueryFilter as _, QueryOrder as _, Set,
};

use crate::DbError;
use crate::Tenanted as _;
use crate::entities::{member, organization, user_account};
use crate::repo::organizations::Organization;

/// One member of an organization, with who they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub user_id: UserId,
    pub email: String,
    pub name: String,
    pub role: OrgRole,
    pub created_at: DateTime<Utc>,
}

/// Adds `user` to `org` with `role`; already a member is `Conflict`.
pub async fn add(
    db: &impl ConnectionTrait,
    org: OrgId,
    user: UserId,
    role: OrgRole,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    member::ActiveModel {
        organization_id: Set(org.as_uuid()),
        user_id: Set(user.as_uuid()),
        role: Set(role.as_str().to_owned()),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("member"))?;
    Ok(())
}

/// The user's role in `org`, or `None` when they are not a member.
pub async fn role_of(
    db: &impl ConnectionTrait,
    org: OrgId,
    user: UserId,
) -> Result<Option<OrgRole>, DbError> {
    member::Entity::find_by_id((org.as_uuid(), user.as_uuid()))
        .one(db)
        .await?
        .map(|row| row.role.parse().map_err(DbError::corrupt))
        .transpose()
}

pub async fn set_role(
    db: &impl ConnectionTrait,
    org: OrgId,
    user: UserId,
    role: OrgRole,
) -> Result<(), DbError> {
    let result = member::Entity::update_in(org)
        .col_expr(member::Column::Role, role.as_str().into())
        .filter(member::Column::UserId.eq(user.as_uuid()))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

pub async fn remove(db: &impl ConnectionTrait, org: OrgId, user: UserId) -> Result<(), DbError> {
    let result = member::Entity::delete_by_id((org.as_uuid(), user.as_uuid()))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// How many owners `org` has (it must always keep one).
pub async fn count_owners(db: &impl ConnectionTrait, org: OrgId) -> Result<u64, DbError> {
    Ok(member::Entity::find_in(org)
        .filter(member::Column::Role.eq(OrgRole::Owner.as_str()))
        .count(db)
        .await?)
}

/// The organization's members, oldest first.
pub async fn list(db: &impl ConnectionTrait, org: OrgId) -> Result<Vec<Member>, DbError> {
    let rows = member::Entity::find_in(org)
        .order_by_asc(member::Column::CreatedAt)
        .order_by_asc(member::Column::UserId)
        .find_also_related(user_account::Entity)
        .all(db)
        .await?;
    rows.into_iter()
        .filter_map(|(membership, user)| user.map(|user| (membership, user)))
        .map(|(membership, user)| {
            Ok(Member {
                user_id: UserId::from_uuid(user.id),
                email: user.email,
                name: user.name,
                role: membership.role.parse().map_err(DbError::corrupt)?,
                created_at: membership.created_at,
            })
        })
        .collect()
}

/// The organizations a user belongs to, with their role in each.
pub async fn organizations_of(
    db: &impl ConnectionTrait,
    user: UserId,
) -> Result<Vec<(Organization, OrgRole)>, DbError> {
    let rows = member::Entity::find()
        .filter(member::Column::UserId.eq(user.as_uuid()))
        .order_by_asc(member::Column::CreatedAt)
        .find_also_related(organization::Entity)
        .all(db)
        .await?;
    rows.into_iter()
        .filter_map(|(membership, org)| org.map(|org| (membership, org)))
        .map(|(membership, org)| {
            let role = membership.role.parse().map_err(DbError::corrupt)?;
            Ok((Organization::from(org), role))
        })
        .collect()
}
