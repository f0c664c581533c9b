//! Organizations and their members, with the rules that keep every organization owned.

use db::TransactionTrait as _;
use db::repo::members::{self, Member};
use db::repo::organizations::{self, Organization};
use db::repo::sessions;
use db::repo::users::{self, UserSummary};
use domain::{OrgId, OrgRole, PlatformRole, SessionId, UserId};
use serde_json::json;

use crate::audit::{Actor, AuditAction};
use crate::permissions::Permission;
use crate::{Identity, IdentityError};

const MAX_USER_SEARCH_CHARS: usize = domain::limits::MAX_SEARCH_CHARS;

fn check_org(name: &str, slug: &str) -> Result<(String, String), IdentityError> {
    let mut errors = Vec::new();
    let name = domain::text::STORE_NAME
        .check(name)
        .unwrap_or_else(|problem| {
            errors.push(("name", problem.to_string()));
            name
        });
    if !domain::text::ORG_SLUG.is_valid(slug) {
        errors.push(("slug", domain::text::ORG_SLUG.message()));
    }
    if errors.is_empty() {
        Ok((name.to_owned(), slug.to_owned()))
    } else {
        Err(IdentityError::Invalid(errors))
    }
}

/// A user found to be a platform administrator by [`Identity::require_platform_admin`], the only
/// way to make one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlatformAdmin(UserId);

impl PlatformAdmin {
    #[must_use]
    pub const fn user_id(&self) -> UserId {
        self.0
    }
}

impl Identity {
    /// Creates an organization: the creator becomes its `owner` and it becomes the session's active
    /// organization.
    pub async fn create_organization(
        &self,
        user: UserId,
        session: SessionId,
        name: &str,
        slug: &str,
        actor: &Actor,
    ) -> Result<Organization, IdentityError> {
        let (name, slug) = check_org(name, slug)?;
        let now = self.now();
        let txn = self.db().begin().await.map_err(db::DbError::from)?;
        let org = organizations::create(&txn, &name, &slug, now)
            .await
            .map_err(IdentityError::conflict_as(
                "SLUG_TAKEN",
                "an organization with this slug already exists",
            ))?;
        members::add(&txn, org.id, user, OrgRole::Owner, now).await?;
        sessions::set_active_org(&txn, session, Some(org.id)).await?;
        self.record(
            &txn,
            Some(org.id),
            actor,
            AuditAction::OrganizationCreated,
            Some(org.id.to_string()),
            json!({ "slug": slug }),
        )
        .await?;
        txn.commit().await.map_err(db::DbError::from)?;
        self.caches().forget_session(session);
        Ok(org)
    }

    /// The organizations the user belongs to, with their role in each.
    pub async fn organizations_of(
        &self,
        user: UserId,
    ) -> Result<Vec<(Organization, OrgRole)>, IdentityError> {
        Ok(members::organizations_of(self.db(), user).await?)
    }

    /// Makes `org` the session's active organization (`None` clears it). Only an organization the
    /// user belongs to can be made active; any other is `NotFound`.
    pub async fn set_active_organization(
        &self,
        user: UserId,
        session: SessionId,
        org: Option<OrgId>,
    ) -> Result<Option<Organization>, IdentityError> {
        let organization = match org {
            Some(org) => {
                self.role_in(org, user).await?;
                Some(organizations::get(self.db(), org).await?)
            }
            None => None,
        };
        sessions::set_active_org(self.db(), session, org).await?;
        self.caches().forget_session(session);
        Ok(organization)
    }

    /// The organization's members; any member may see them.
    pub async fn list_members(
        &self,
        org: OrgId,
        user: UserId,
    ) -> Result<Vec<Member>, IdentityError> {
        self.require(org, user, Permission::MemberRead).await?;
        Ok(members::list(self.db(), org).await?)
    }

    /// Removes a member (or the user themselves, leaving). Admins cannot remove an owner, and an
    /// organization always keeps an owner. The removed user loses access on their next request.
    pub async fn remove_member(
        &self,
        org: OrgId,
        acting: UserId,
        target: UserId,
        actor: &Actor,
    ) -> Result<(), IdentityError> {
        let acting_role = if acting == target {
            self.role_in(org, acting).await?
        } else {
            self.require(org, acting, Permission::MemberDelete).await?
        };
        let target_role = self
            .role_in(org, target)
            .await
            .map_err(|_| IdentityError::NotFound("member"))?;
        self.guard_owner_change(org, acting_role, target_role, None)
            .await?;
        members::remove(self.db(), org, target).await?;
        self.caches().forget_user_sessions(target);
        self.caches().forget_api_keys_of(org, target);
        self.record(
            self.db(),
            Some(org),
            actor,
            AuditAction::MemberRemoved,
            Some(target.to_string()),
            json!({ "role": target_role }),
        )
        .await
    }

    /// Changes a member's role. Admins can neither change an owner nor make one, and the last owner
    /// cannot step down.
    pub async fn update_member_role(
        &self,
        org: OrgId,
        acting: UserId,
        target: UserId,
        role: OrgRole,
        actor: &Actor,
    ) -> Result<(), IdentityError> {
        let acting_role = self.require(org, acting, Permission::MemberUpdate).await?;
        let target_role = self
            .role_in(org, target)
            .await
            .map_err(|_| IdentityError::NotFound("member"))?;
        if role == OrgRole::Owner && acting_role != OrgRole::Owner {
            return Err(IdentityError::forbidden(
                "insufficient_role",
                "only an owner may make an owner",
            ));
        }
        self.guard_owner_change(org, acting_role, target_role, Some(role))
            .await?;
        members::set_role(self.db(), org, target, role).await?;
        self.caches().forget_api_keys_of(org, target);
        self.record(
            self.db(),
            Some(org),
            actor,
            AuditAction::MemberRoleChanged,
            Some(target.to_string()),
            json!({ "from": target_role, "to": role }),
        )
        .await
    }

    /// An owner is changed only by an owner, and never so that no owner is left.
    async fn guard_owner_change(
        &self,
        org: OrgId,
        acting_role: OrgRole,
        target_role: OrgRole,
        new_role: Option<OrgRole>,
    ) -> Result<(), IdentityError> {
        if target_role != OrgRole::Owner || new_role == Some(OrgRole::Owner) {
            return Ok(());
        }
        if acting_role != OrgRole::Owner {
            return Err(IdentityError::forbidden(
                "insufficient_role",
                "only an owner may remove or demote an owner",
            ));
        }
        if members::count_owners(self.db(), org).await? <= 1 {
            return Err(IdentityError::conflict(
                "LAST_OWNER",
                "an organization must keep at least one owner",
            ));
        }
        Ok(())
    }

    /// Fails unless `user` is a platform administrator (read fresh); the proof it answers is what
    /// the operations of platform administrators that take no `acting` user ask for.
    pub async fn require_platform_admin(
        &self,
        user: UserId,
    ) -> Result<PlatformAdmin, IdentityError> {
        let user = users::get(self.db(), user)
            .await
            .map_err(IdentityError::not_found_as("user"))?;
        if user.role == PlatformRole::PlatformAdmin {
            Ok(PlatformAdmin(user.id))
        } else {
            Err(IdentityError::forbidden(
                "platform_admin_required",
                "only a platform administrator may do this",
            ))
        }
    }

    /// `POST /api/auth/admin/set-role`: takes effect on the target's next request.
    pub async fn set_platform_role(
        &self,
        acting: UserId,
        target: UserId,
        role: PlatformRole,
        actor: &Actor,
    ) -> Result<(), IdentityError> {
        self.require_platform_admin(acting).await?;
        users::set_role(self.db(), target, role, self.now())
            .await
            .map_err(IdentityError::not_found_as("user"))?;
        self.caches().forget_user_sessions(target);
        self.record(
            self.db(),
            None,
            actor,
            AuditAction::PlatformRoleChanged,
            Some(target.to_string()),
            json!({ "role": role }),
        )
        .await
    }

    /// `POST /api/auth/admin/revoke-sessions`: signs the user out everywhere.
    pub async fn revoke_sessions(
        &self,
        acting: UserId,
        target: UserId,
        actor: &Actor,
    ) -> Result<u64, IdentityError> {
        self.require_platform_admin(acting).await?;
        users::get(self.db(), target)
            .await
            .map_err(IdentityError::not_found_as("user"))?;
        let ended = sessions::delete_for_user(self.db(), target).await?;
        self.caches().forget_user_sessions(target);
        self.record(
            self.db(),
            None,
            actor,
            AuditAction::SessionsRevoked,
            Some(target.to_string()),
            json!({ "sessions": ended }),
        )
        .await?;
        Ok(ended)
    }

    /// `GET /api/auth/admin/list-users`: users newest first, `limit` at most, older than `before`,
    /// whose email or name contains `search` (trimmed, case-insensitive; empty means everyone), each
    /// with their count of unexpired sessions.
    pub async fn list_users(
        &self,
        _admin: &PlatformAdmin,
        search: Option<&str>,
        before: Option<UserId>,
        limit: u64,
    ) -> Result<Vec<UserSummary>, IdentityError> {
        if search.is_some_and(|search| search.chars().count() > MAX_USER_SEARCH_CHARS) {
            return Err(IdentityError::invalid(
                "q",
                format!("must be at most {MAX_USER_SEARCH_CHARS} characters"),
            ));
        }
        let search = search.map(str::trim).filter(|search| !search.is_empty());
        Ok(users::list(self.db(), search, before, limit, self.now()).await?)
    }

    /// Makes the user with `email` a platform administrator: the operator's way to name the first
    /// one (`api promote-admin EMAIL`), never an open endpoint.
    pub async fn promote_platform_admin(&self, email: &str) -> Result<UserId, IdentityError> {
        let user = users::find_by_email(self.db(), &email.trim().to_lowercase())
            .await?
            .ok_or(IdentityError::NotFound("user"))?;
        self.make_platform_admin(self.db(), user.id, "api promote-admin")
            .await?;
        Ok(user.id)
    }

    /// Makes the user platform administrator, audited as the system's act with `reason` (the
    /// operator's command, or `PLATFORM_ADMIN_EMAILS` on a verified address).
    pub(crate) async fn make_platform_admin(
        &self,
        db: &impl db::ConnectionTrait,
        user: UserId,
        reason: &str,
    ) -> Result<(), IdentityError> {
        users::set_role(db, user, PlatformRole::PlatformAdmin, self.now()).await?;
        self.record(
            db,
            None,
            &Actor::system(),
            AuditAction::PlatformRoleChanged,
            Some(user.to_string()),
            json!({ "role": PlatformRole::PlatformAdmin, "reason": reason }),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_names_and_slugs_are_checked() {
        assert!(check_org("Acme", "acme").is_ok());
        assert!(check_org("  ", "acme").is_err());
        for slug in ["", "a", "Acme", "acme_shop", "-acme", "acme-", "acme shop"] {
            assert!(check_org("Acme", slug).is_err(), "{slug:?}");
        }
    }
}
