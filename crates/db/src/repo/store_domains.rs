//! Storefront hostnames: claimed by organizations, proven, and which organization a `Host`
//! belongs to.

use chrono::{DateTime, Utc};
use domain::{DomainProof, DomainStatus, OrgId};
use resolve_caller::Hostname;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, Set,
};

use crate::DbError;
use crate::Tenanted as _;
use crate::entities::store_domain::{self, Column};

/// A hostname claimed by an organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreDomain {
    pub hostname: String,
    pub status: DomainStatus,
    pub proof: DomainProof,
    /// What its DNS TXT record must hold (for `dns` proof).
    pub verification_token: String,
    pub verified_at: Option<DateTime<Utc>>,
    /// When its proof was last looked up.
    pub checked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<store_domain::Model> for StoreDomain {
    type Error = DbError;

    fn try_from(row: store_domain::Model) -> Result<Self, DbError> {
        Ok(Self {
            hostname: row.hostname,
            status: row.status.parse().map_err(DbError::corrupt)?,
            proof: row.proof.parse().map_err(DbError::corrupt)?,
            verification_token: row.verification_token,
            verified_at: row.verified_at,
            checked_at: row.checked_at,
            created_at: row.created_at,
        })
    }
}

/// How a hostname is claimed: already verified (a name the platform gives), or pending its DNS
/// proof, with the token the record must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    Verified(DomainProof),
    PendingDns { token: String },
}

/// Claims `host` for `org`. This organization having claimed it, or (for a verified claim) another
/// having it verified, is `Conflict("hostname")`; pending claims of several organizations can
/// stand side by side until one proves it.
pub async fn register(
    db: &impl ConnectionTrait,
    org: OrgId,
    host: &Hostname,
    claim: Claim,
    now: DateTime<Utc>,
) -> Result<StoreDomain, DbError> {
    let (status, proof, token, verified_at) = match claim {
        Claim::Verified(proof) => (DomainStatus::Verified, proof, String::new(), Some(now)),
        Claim::PendingDns { token } => (DomainStatus::Pending, DomainProof::Dns, token, None),
    };
    store_domain::ActiveModel {
        organization_id: Set(org.as_uuid()),
        hostname: Set(host.as_str().to_owned()),
        status: Set(status.as_str().to_owned()),
        proof: Set(proof.as_str().to_owned()),
        verification_token: Set(token),
        verified_at: Set(verified_at),
        checked_at: Set(verified_at),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("hostname"))?
    .try_into()
}

/// One of the organization's hostnames.
pub async fn get(
    db: &impl ConnectionTrait,
    org: OrgId,
    host: &Hostname,
) -> Result<StoreDomain, DbError> {
    store_domain::Entity::find_by_id((org.as_uuid(), host.as_str().to_owned()))
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?
        .try_into()
}

/// `pending → verified`; whether it changed. Another organization having the hostname verified
/// meanwhile is `Conflict("hostname")`.
pub async fn set_verified(
    db: &impl ConnectionTrait,
    org: OrgId,
    host: &Hostname,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = store_domain::Entity::update_in(org)
        .col_expr(Column::Status, Expr::value(DomainStatus::Verified.as_str()))
        .col_expr(Column::VerifiedAt, Expr::value(Some(now)))
        .col_expr(Column::CheckedAt, Expr::value(Some(now)))
        .filter(Column::Hostname.eq(host.as_str()))
        .filter(Column::Status.eq(DomainStatus::Pending.as_str()))
        .exec(db)
        .await
        .map_err(DbError::on_unique("hostname"))?;
    Ok(changed.rows_affected == 1)
}

/// `verified → pending`, with a new token to prove it by; whether it changed (of several
/// instances checking at once, one does).
pub async fn set_pending(
    db: &impl ConnectionTrait,
    org: OrgId,
    host: &Hostname,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = store_domain::Entity::update_in(org)
        .col_expr(Column::Status, Expr::value(DomainStatus::Pending.as_str()))
        .col_expr(Column::VerificationToken, Expr::value(token))
        .col_expr(
            Column::VerifiedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(Column::CheckedAt, Expr::value(Some(now)))
        .filter(Column::Hostname.eq(host.as_str()))
        .filter(Column::Status.eq(DomainStatus::Verified.as_str()))
        .exec(db)
        .await?;
    Ok(changed.rows_affected == 1)
}

/// Records that the hostname's proof was looked up now.
pub async fn set_checked(
    db: &impl ConnectionTrait,
    org: OrgId,
    host: &Hostname,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    store_domain::Entity::update_in(org)
        .col_expr(Column::CheckedAt, Expr::value(Some(now)))
        .filter(Column::Hostname.eq(host.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Up to `limit` hostnames of every organization proven by DNS, after `after` (the last of the
/// previous batch), in (organization, hostname) order.
///
/// This one reads across tenants: it is for the api's own periodic check (no caller), which then
/// handles each hostname under its organization.
pub async fn proven_by_dns(
    db: &impl ConnectionTrait,
    after: Option<&(OrgId, String)>,
    limit: u64,
) -> Result<Vec<(OrgId, StoreDomain)>, DbError> {
    let mut select =
        store_domain::Entity::find().filter(Column::Proof.eq(DomainProof::Dns.as_str()));
    if let Some((last_org, last_host)) = after {
        select = select.filter(
            Condition::any()
                .add(Column::OrganizationId.gt(last_org.as_uuid()))
                .add(
                    Condition::all()
                        .add(Column::OrganizationId.eq(last_org.as_uuid()))
                        .add(Column::Hostname.gt(last_host.as_str())),
                ),
        );
    }
    select
        .order_by_asc(Column::OrganizationId)
        .order_by_asc(Column::Hostname)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let org = OrgId::from_uuid(row.organization_id);
            Ok((org, StoreDomain::try_from(row)?))
        })
        .collect()
}

/// Whether another organization has `host` verified.
pub async fn verified_elsewhere(
    db: &impl ConnectionTrait,
    org: OrgId,
    host: &Hostname,
) -> Result<bool, DbError> {
    Ok(organization_for_host(db, host)
        .await?
        .is_some_and(|owner| owner != org))
}

/// The organization's hostnames, oldest first.
pub async fn list(db: &impl ConnectionTrait, org: OrgId) -> Result<Vec<StoreDomain>, DbError> {
    store_domain::Entity::find_in(org)
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Hostname)
        .all(db)
        .await?
        .into_iter()
        .map(StoreDomain::try_from)
        .collect()
}

/// Removes one of the organization's hostnames; another organization's is `NotFound`.
pub async fn remove(db: &impl ConnectionTrait, org: OrgId, host: &Hostname) -> Result<(), DbError> {
    let result = store_domain::Entity::delete_in(org)
        .filter(Column::Hostname.eq(host.as_str()))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Which organization owns `host`, proven: the one lookup that is not tenant-scoped, because it is
/// how the tenant of a storefront request is found. A claim not (or no longer) verified owns
/// nothing.
pub async fn organization_for_host(
    db: &impl ConnectionTrait,
    host: &Hostname,
) -> Result<Option<OrgId>, DbError> {
    Ok(store_domain::Entity::find()
        .filter(Column::Hostname.eq(host.as_str()))
        .filter(Column::Status.eq(DomainStatus::Verified.as_str()))
        .one(db)
        .await?
        .map(|row| OrgId::from_uuid(row.organization_id)))
}
