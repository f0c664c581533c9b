//! Joining an organization takes the invited person's consent: an owner or admin invites an
//! address with a role, the link sent there carries a single-use token, and only the account with
//! that address can accept it. Inviting answers the same whether the address has an account or not.

use chrono::Duration;
use db::TransactionTrait as _;
use db::repo::invitations::{self, Invitation, NewInvitation};
use db::repo::organizations::{self, Organization};
use db::repo::{members, users};
use domain::{InvitationStatus, OrgId, OrgRole, UserId};
use email::Mail;
use serde_json::json;
use uuid::Uuid;

use crate::accounts::normalise_email;
use crate::audit::{Actor, AuditAction};
use crate::permissions::Permission;
use crate::tokens::{random_token, secret_hash};
use crate::{Identity, IdentityError};

/// How long an invitation can be accepted.
pub const INVITATION_LIFETIME: Duration = Duration::days(7);

/// What the holder of an invitation's link is shown before accepting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvitationDetails {
    pub invitation: Invitation,
    pub organization: Organization,
    /// The inviter's name, while their account exists.
    pub inviter: Option<String>,
}

fn unusable_invitation() -> IdentityError {
    IdentityError::NotFound("invitation")
}

impl Identity {
    /// Invites `email` to `org` with `role` (only an owner invites an owner); a pending invitation
    /// of the same address is replaced. The address gets the link; no account is looked up except
    /// to refuse inviting a current member.
    pub async fn invite_member(
        &self,
        org: OrgId,
        acting: UserId,
        email: &str,
        role: OrgRole,
        actor: &Actor,
    ) -> Result<Invitation, IdentityError> {
        let acting_role = self.require(org, acting, Permission::MemberCreate).await?;
        if role == OrgRole::Owner && acting_role != OrgRole::Owner {
            return Err(IdentityError::forbidden(
                "insufficient_role",
                "only an owner may invite an owner",
            ));
        }
        let email = normalise_email(email)?;
        if let Some(user) = users::find_by_email(self.db(), &email).await?
            && members::role_of(self.db(), org, user.id).await?.is_some()
        {
            return Err(IdentityError::conflict(
                "ALREADY_MEMBER",
                "this person is already a member",
            ));
        }
        let organization = organizations::get(self.db(), org).await?;
        let inviter = users::get(self.db(), acting).await?;
        let now = self.now();
        let token = random_token();
        let txn = self.db().begin().await.map_err(db::DbError::from)?;
        invitations::revoke_pending_to(&txn, org, &email, now).await?;
        let invitation = invitations::create(
            &txn,
            org,
            NewInvitation {
                email: &email,
                role,
                invited_by: acting,
                token_hash: &secret_hash(&token),
                expires_at: now + INVITATION_LIFETIME,
            },
            now,
        )
        .await?;
        let page = &self.config().email.accept_invitation_page;
        let mail = Mail::Invitation {
            store: organization.name,
            inviter: inviter.name,
            role: role.as_str().to_owned(),
            link: format!("{page}?token={token}"),
            valid_days: INVITATION_LIFETIME.num_days(),
        };
        email::queue(&txn, &email, &mail, now).await?;
        self.record(
            &txn,
            Some(org),
            actor,
            AuditAction::MemberInvited,
            Some(invitation.id.to_string()),
            json!({ "email": email, "role": role }),
        )
        .await?;
        txn.commit().await.map_err(db::DbError::from)?;
        self.mail_queued();
        Ok(invitation)
    }

    /// The organization's invitations waiting for an answer; any member may see them.
    pub async fn list_invitations(
        &self,
        org: OrgId,
        acting: UserId,
    ) -> Result<Vec<Invitation>, IdentityError> {
        self.require(org, acting, Permission::MemberRead).await?;
        Ok(invitations::list_pending(self.db(), org, self.now()).await?)
    }

    /// Takes back a pending invitation: its link stops working.
    pub async fn cancel_invitation(
        &self,
        org: OrgId,
        acting: UserId,
        invitation: Uuid,
        actor: &Actor,
    ) -> Result<(), IdentityError> {
        self.require(org, acting, Permission::MemberCreate).await?;
        invitations::revoke(self.db(), org, invitation, self.now())
            .await
            .map_err(IdentityError::not_found_as("invitation"))?;
        self.record(
            self.db(),
            Some(org),
            actor,
            AuditAction::InvitationRevoked,
            Some(invitation.to_string()),
            json!({}),
        )
        .await
    }

    /// The invitation a link's token opens, while it can be accepted; else `NotFound`.
    pub async fn invitation_by_token(
        &self,
        token: &str,
    ) -> Result<InvitationDetails, IdentityError> {
        let invitation = invitations::find_by_token_hash(self.db(), &secret_hash(token))
            .await?
            .filter(|invitation| {
                invitation.status == InvitationStatus::Pending && invitation.expires_at > self.now()
            })
            .ok_or_else(unusable_invitation)?;
        let organization = organizations::get(self.db(), invitation.org).await?;
        let inviter = match invitation.invited_by {
            Some(inviter) => users::get(self.db(), inviter)
                .await
                .ok()
                .map(|user| user.name),
            None => None,
        };
        Ok(InvitationDetails {
            invitation,
            organization,
            inviter,
        })
    }

    /// The signed-in `user` accepts the invitation the token opens: they become a member with its
    /// role, and their address is proven (the link reached it). Only the account with the invited
    /// address may accept; accepting twice, or after the expiry, finds no invitation.
    pub async fn accept_invitation(
        &self,
        token: &str,
        user: UserId,
        actor: &Actor,
    ) -> Result<(Organization, OrgRole), IdentityError> {
        let details = self.invitation_by_token(token).await?;
        let invitation = details.invitation;
        let account = users::get(self.db(), user).await?;
        if account.email != invitation.email {
            return Err(IdentityError::forbidden(
                "invitation_for_another_address",
                "this invitation is for another email address: sign in with the invited one",
            ));
        }
        let now = self.now();
        let txn = self.db().begin().await.map_err(db::DbError::from)?;
        if !invitations::accept(&txn, invitation.org, invitation.id, user, now).await? {
            return Err(unusable_invitation());
        }
        members::add(&txn, invitation.org, user, invitation.role, now)
            .await
            .map_err(IdentityError::conflict_as(
                "ALREADY_MEMBER",
                "you are already a member",
            ))?;
        self.record(
            &txn,
            Some(invitation.org),
            actor,
            AuditAction::MemberAdded,
            Some(user.to_string()),
            json!({ "role": invitation.role, "invitation": invitation.id }),
        )
        .await?;
        self.address_proven(&txn, user, actor).await?;
        txn.commit().await.map_err(db::DbError::from)?;
        Ok((details.organization, invitation.role))
    }
}
