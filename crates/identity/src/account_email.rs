//! What an account proves by email: that its owner reads the address (a verification link), and
//! that whoever asks for a new password does too (a reset link). Each link carries a single-use
//! token, stored hashed, with an expiry; the message is queued in the transaction that stores its
//! token. Asking for a link answers the same whether the address has an account or not.

use chrono::Duration;
use db::TransactionTrait as _;
use db::repo::users::{self, User};
use db::repo::{email_outbox, email_tokens, sessions};
use domain::{EmailTokenPurpose, PlatformRole, UserId};
use email::Mail;
use serde_json::json;

use crate::accounts::{NewAccount, SignedUp};
use crate::audit::{Actor, AuditAction};
use crate::tokens::{random_token, secret_hash};
use crate::{Identity, IdentityError, password};

/// How long a verification link works.
pub const VERIFICATION_LINK_LIFETIME: Duration = Duration::hours(24);
/// How long a password-reset link works.
pub const RESET_LINK_LIFETIME: Duration = Duration::hours(1);
/// Links of one kind an account is sent in an hour; more requests are answered alike and send
/// nothing, so that nobody can fill a stranger's mailbox.
pub const LINKS_PER_HOUR: u64 = 3;

/// Where the links lead, and whether sign-in waits for a verified address.
#[derive(Clone, Debug)]
pub struct EmailPolicy {
    /// The page a verification link opens; the token follows as `?token=`.
    pub verify_email_page: String,
    /// The page a reset link opens; the token follows as `?token=`.
    pub reset_password_page: String,
    /// The page an invitation's link opens; the token follows as `?token=`.
    pub accept_invitation_page: String,
    /// The sign-in page, and the page that asks for a reset link.
    pub sign_in_page: String,
    pub forgot_password_page: String,
    /// `REQUIRE_EMAIL_VERIFICATION`: an account cannot sign in until its address is verified.
    pub require_verification: bool,
}

impl EmailPolicy {
    /// The pages under the dashboard's origin.
    #[must_use]
    pub fn under(frontend_url: &str, require_verification: bool) -> Self {
        let base = frontend_url.trim_end_matches('/');
        Self {
            verify_email_page: format!("{base}/verify-email"),
            reset_password_page: format!("{base}/reset-password"),
            accept_invitation_page: format!("{base}/invitations/accept"),
            sign_in_page: format!("{base}/sign-in"),
            forgot_password_page: format!("{base}/forgot-password"),
            require_verification,
        }
    }
}

impl Default for EmailPolicy {
    fn default() -> Self {
        Self::under("http://localhost:3000", false)
    }
}

fn invalid_link() -> IdentityError {
    IdentityError::Invalid(vec![(
        "token",
        "this link is not valid: it was already used, it expired, or it was never sent".to_owned(),
    )])
}

impl Identity {
    /// Whether `user` may be sent another link of `purpose` this hour. Asked before the
    /// transaction that queues it, so that the transaction's first statement writes (SQLite then
    /// queues it behind other writers instead of refusing it); two requests at once may both pass,
    /// one link more at worst.
    async fn links_left(
        &self,
        user: &User,
        purpose: EmailTokenPurpose,
    ) -> Result<bool, IdentityError> {
        let since = self.now() - Duration::hours(1);
        let recent = email_tokens::count_since(self.db(), user.id, purpose, since).await?;
        Ok(recent < LINKS_PER_HOUR)
    }

    /// Sends `user` a link of `purpose`, within the hourly limit; answers whether one was queued.
    pub(crate) async fn send_link(
        &self,
        user: &User,
        purpose: EmailTokenPurpose,
    ) -> Result<bool, IdentityError> {
        if !self.links_left(user, purpose).await? {
            return Ok(false);
        }
        let txn = self.db().begin().await.map_err(db::DbError::from)?;
        self.queue_link(&txn, user, purpose).await?;
        txn.commit().await.map_err(db::DbError::from)?;
        self.mail_queued();
        Ok(true)
    }

    /// Queues a link of `purpose` for `user` in `db`'s transaction: its token first (a write), then
    /// the message. The caller rings [`Identity::mail_queued`] once it committed.
    pub(crate) async fn queue_link(
        &self,
        db: &impl db::ConnectionTrait,
        user: &User,
        purpose: EmailTokenPurpose,
    ) -> Result<(), IdentityError> {
        let now = self.now();
        let token = random_token();
        let policy = &self.config().email;
        let (lifetime, page) = match purpose {
            EmailTokenPurpose::VerifyEmail => {
                (VERIFICATION_LINK_LIFETIME, &policy.verify_email_page)
            }
            EmailTokenPurpose::ResetPassword => (RESET_LINK_LIFETIME, &policy.reset_password_page),
        };
        email_tokens::create(
            db,
            &secret_hash(&token),
            user.id,
            purpose,
            now + lifetime,
            now,
        )
        .await?;
        let link = format!("{page}?token={token}");
        let mail = match purpose {
            EmailTokenPurpose::VerifyEmail => Mail::VerifyEmail {
                name: user.name.clone(),
                link,
                valid_hours: lifetime.num_hours(),
            },
            EmailTokenPurpose::ResetPassword => Mail::ResetPassword {
                name: user.name.clone(),
                link,
                valid_minutes: lifetime.num_minutes(),
            },
        };
        email::queue(db, &user.email, &mail, now).await?;
        Ok(())
    }

    /// A sign-up named an address that has an account: its owner is told (at most
    /// [`LINKS_PER_HOUR`] such emails an hour), and the sign-up is answered as a new account's.
    pub(crate) async fn tell_owner_of_second_sign_up(
        &self,
        email: String,
        name: String,
    ) -> Result<SignedUp, IdentityError> {
        let now = self.now();
        let owner = users::find_by_email(self.db(), &email)
            .await?
            .ok_or(IdentityError::NotFound("user"))?;
        let policy = &self.config().email;
        let mail = Mail::AccountExists {
            name: owner.name,
            sign_in_link: policy.sign_in_page.clone(),
            reset_link: policy.forgot_password_page.clone(),
        };
        let since = now - Duration::hours(1);
        let recent = email_outbox::count_since(self.db(), &email, mail.kind(), since).await?;
        if recent < LINKS_PER_HOUR {
            email::queue(self.db(), &email, &mail, now).await?;
            self.mail_queued();
        }
        Ok(SignedUp::VerificationRequired(NewAccount {
            id: UserId::new(),
            email,
            name,
            created_at: now,
        }))
    }

    /// Sends a new verification link to `email` if it names an unverified account (and it was not
    /// sent too many lately). Answers nothing either way.
    pub async fn send_verification_email(&self, email: &str) -> Result<(), IdentityError> {
        let email = email.trim().to_lowercase();
        let Some(user) = users::find_by_email(self.db(), &email).await? else {
            return Ok(());
        };
        if user.email_verified_at.is_some() {
            return Ok(());
        }
        self.send_link(&user, EmailTokenPurpose::VerifyEmail)
            .await?;
        Ok(())
    }

    /// Follows a verification link: the token is used, and the account's address verified.
    pub async fn verify_email(&self, token: &str, actor: &Actor) -> Result<(), IdentityError> {
        let txn = self.db().begin().await.map_err(db::DbError::from)?;
        let now = self.now();
        let user = email_tokens::consume(
            &txn,
            &secret_hash(token),
            EmailTokenPurpose::VerifyEmail,
            now,
        )
        .await?
        .ok_or_else(invalid_link)?;
        self.address_proven(&txn, user, actor).await?;
        txn.commit().await.map_err(db::DbError::from)?;
        Ok(())
    }

    /// The user just proved their address (a verification or a reset link): the first time, it is
    /// recorded, and an address the operator named in `PLATFORM_ADMIN_EMAILS` is made platform
    /// administrator — once, here, and never at sign-up or sign-in.
    pub(crate) async fn address_proven(
        &self,
        db: &impl db::ConnectionTrait,
        user: UserId,
        actor: &Actor,
    ) -> Result<(), IdentityError> {
        let now = self.now();
        if !users::mark_email_verified(db, user, now).await? {
            return Ok(());
        }
        let actor = Actor {
            user_id: Some(user),
            ..actor.clone()
        };
        let record = users::get(db, user).await?;
        self.record(
            db,
            None,
            &actor,
            AuditAction::EmailVerified,
            Some(user.to_string()),
            json!({ "email": record.email }),
        )
        .await?;
        if record.role != PlatformRole::PlatformAdmin
            && self.is_configured_platform_admin(&record.email)
        {
            self.make_platform_admin(db, user, "PLATFORM_ADMIN_EMAILS")
                .await?;
        }
        Ok(())
    }

    /// Sends a password-reset link to `email` if it names an account (and it was not sent too many
    /// lately). Answers nothing either way, after the same work.
    pub async fn request_password_reset(
        &self,
        email: &str,
        actor: &Actor,
    ) -> Result<(), IdentityError> {
        let email = email.trim().to_lowercase();
        let Some(user) = users::find_by_email(self.db(), &email).await? else {
            return Ok(());
        };
        if !self
            .links_left(&user, EmailTokenPurpose::ResetPassword)
            .await?
        {
            return Ok(());
        }
        let txn = self.db().begin().await.map_err(db::DbError::from)?;
        self.queue_link(&txn, &user, EmailTokenPurpose::ResetPassword)
            .await?;
        self.record(
            &txn,
            None,
            actor,
            AuditAction::PasswordResetRequested,
            Some(user.id.to_string()),
            json!({}),
        )
        .await?;
        txn.commit().await.map_err(db::DbError::from)?;
        self.mail_queued();
        Ok(())
    }

    /// Follows a reset link: the password becomes `new_password`, every session of the user ends
    /// (here at once, on other instances within the cache's bound), and every other reset link of
    /// theirs stops working. Following the link proves the address too.
    pub async fn reset_password(
        &self,
        token: &str,
        new_password: String,
        actor: &Actor,
    ) -> Result<(), IdentityError> {
        password::check_new(&new_password, "newPassword")?;
        let password_hash = password::hash(self.hashing(), new_password).await?;
        let now = self.now();
        let txn = self.db().begin().await.map_err(db::DbError::from)?;
        let user = email_tokens::consume(
            &txn,
            &secret_hash(token),
            EmailTokenPurpose::ResetPassword,
            now,
        )
        .await?
        .ok_or_else(invalid_link)?;
        users::set_password_hash(&txn, user, &password_hash, now).await?;
        email_tokens::revoke_all(&txn, user, EmailTokenPurpose::ResetPassword, now).await?;
        let ended = sessions::delete_for_user(&txn, user).await?;
        let actor = Actor {
            user_id: Some(user),
            ..actor.clone()
        };
        self.record(
            &txn,
            None,
            &actor,
            AuditAction::PasswordReset,
            Some(user.to_string()),
            json!({ "sessionsEnded": ended }),
        )
        .await?;
        self.address_proven(&txn, user, &actor).await?;
        txn.commit().await.map_err(db::DbError::from)?;
        self.caches().forget_user_sessions(user);
        Ok(())
    }
}
