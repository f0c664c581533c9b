//! Sign-up, sign-in, sign-out and the current session.

use chrono::{DateTime, Utc};
use db::TransactionTrait as _;
use db::repo::sessions::{self, NewSession, Session};
use db::repo::users::{self, NewUser, User};
use domain::{EmailTokenPurpose, OrgId, PlatformRole, SessionId, SignInMethod, UserId};
use serde_json::json;

use crate::audit::{Actor, AuditAction};
use crate::{Identity, IdentityError, password};

/// `POST /api/auth/sign-up/email`.
#[derive(Clone, Debug)]
pub struct SignUp {
    pub email: String,
    pub password: String,
    pub name: String,
}

/// `POST /api/auth/sign-in/email`.
#[derive(Clone, Debug)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

/// What a sign-up answers: signed in, or (with `REQUIRE_EMAIL_VERIFICATION`) an account that must
/// follow the link sent to its address before it can sign in.
#[derive(Debug)]
pub enum SignedUp {
    SignedIn(SignedIn),
    VerificationRequired(NewAccount),
}

/// An account waiting for its address to be verified, as its sign-up answers it. When the address
/// already had an account, this is made up (a new id, the name as typed) and the owner is told by
/// email instead: the answer is the same either way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccount {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl SignedUp {
    /// The account's id.
    #[must_use]
    pub const fn user_id(&self) -> UserId {
        match self {
            Self::SignedIn(signed_in) => signed_in.user.id,
            Self::VerificationRequired(account) => account.id,
        }
    }
}

/// A new session: the token goes into the cookie (signed) or, for the CLI, a bearer header.
#[derive(Debug)]
pub struct SignedIn {
    pub user: User,
    pub session: Session,
    pub token: String,
}

/// `GET /api/auth/get-session`.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    pub user: User,
    pub session: Session,
}

/// Trimmed, lower-cased, and shaped like an address.
pub(crate) fn normalise_email(raw: &str) -> Result<String, IdentityError> {
    domain::text::email(raw)
        .ok_or_else(|| IdentityError::invalid("email", "must be an email address"))
}

fn check_name(raw: &str) -> Result<String, IdentityError> {
    domain::text::PERSON_NAME
        .check(raw)
        .map(str::to_owned)
        .map_err(|problem| IdentityError::invalid("name", problem.to_string()))
}

impl Identity {
    pub(crate) fn is_configured_platform_admin(&self, email: &str) -> bool {
        self.config()
            .platform_admin_emails
            .iter()
            .any(|admin| admin == email)
    }

    /// Creates the user, queues the link that verifies their address, and (unless sign-in waits
    /// for it) opens their first session; audited as `user_signup`. Nobody is made platform
    /// administrator here: only a verified address is (`PLATFORM_ADMIN_EMAILS`).
    pub async fn sign_up(
        &self,
        input: SignUp,
        actor: &Actor,
        user_agent: Option<&str>,
    ) -> Result<SignedUp, IdentityError> {
        let email = normalise_email(&input.email);
        let name = check_name(&input.name);
        let password = password::check_new(&input.password, "password");
        let errors: Vec<_> = [
            email.as_ref().err(),
            name.as_ref().err(),
            password.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        .flat_map(|error| match error {
            IdentityError::Invalid(fields) => fields.clone(),
            _ => Vec::new(),
        })
        .collect();
        let (Ok(email), Ok(name), Ok(())) = (email, name, password) else {
            return Err(IdentityError::Invalid(errors));
        };

        let password_hash = password::hash(self.hashing(), input.password).await?;
        let txn = self.db().begin().await.map_err(db::DbError::from)?;
        let created = users::create(
            &txn,
            NewUser {
                email: &email,
                name: &name,
                password_hash: &password_hash,
                role: PlatformRole::OrgMember,
            },
            self.now(),
        )
        .await;
        let user = match created {
            Ok(user) => user,
            // Answered as a new account would be: only the owner of the address learns of it.
            Err(db::DbError::Conflict(_)) if self.config().email.require_verification => {
                drop(txn);
                return self.tell_owner_of_second_sign_up(email, name).await;
            }
            Err(error) => {
                return Err(IdentityError::conflict_as(
                    "EMAIL_TAKEN",
                    "an account with this email already exists",
                )(error));
            }
        };
        let actor = Actor {
            user_id: Some(user.id),
            ..actor.clone()
        };
        self.record(
            &txn,
            None,
            &actor,
            AuditAction::UserSignup,
            Some(user.id.to_string()),
            json!({ "email": email }),
        )
        .await?;
        self.queue_link(&txn, &user, EmailTokenPurpose::VerifyEmail)
            .await?;
        if self.config().email.require_verification {
            txn.commit().await.map_err(db::DbError::from)?;
            self.mail_queued();
            return Ok(SignedUp::VerificationRequired(NewAccount {
                id: user.id,
                email: user.email,
                name: user.name,
                created_at: user.created_at,
            }));
        }
        let signed_in = self
            .open_session(
                &txn,
                user,
                None,
                actor.ip_address.as_deref(),
                user_agent,
                SignInMethod::Password,
            )
            .await?;
        txn.commit().await.map_err(db::DbError::from)?;
        self.mail_queued();
        Ok(SignedUp::SignedIn(signed_in))
    }

    /// Checks the password and opens a new session (a new id every time: no fixation). An unknown
    /// email and a wrong password answer the same, after the same work. When sign-in waits for a
    /// verified address, the right password of an unverified account is refused with
    /// `email_not_verified` and a new link is sent (within the resend limit).
    pub async fn sign_in(
        &self,
        input: SignIn,
        actor: &Actor,
        user_agent: Option<&str>,
    ) -> Result<SignedIn, IdentityError> {
        let email = input.email.trim().to_lowercase();
        let too_long = input
            .password
            .chars()
            .take(password::MAX_PASSWORD_CHARS + 1)
            .count()
            > password::MAX_PASSWORD_CHARS;
        let user = if too_long {
            None
        } else {
            users::find_by_email(self.db(), &email).await?
        };
        let matches = match &user {
            Some(user) => {
                password::verify(self.hashing(), input.password, user.password_hash.clone()).await?
            }
            None if too_long => false,
            None => {
                password::verify(self.hashing(), input.password, self.dummy_hash().to_owned())
                    .await?;
                false
            }
        };
        let Some(user) = user.filter(|_| matches) else {
            self.record(
                self.db(),
                None,
                actor,
                AuditAction::SignInFailed,
                None,
                json!({ "email": email }),
            )
            .await?;
            return Err(IdentityError::InvalidCredentials);
        };

        if self.config().email.require_verification && user.email_verified_at.is_none() {
            self.send_link(&user, EmailTokenPurpose::VerifyEmail)
                .await?;
            return Err(IdentityError::forbidden(
                "email_not_verified",
                "verify your email address first: follow the link we sent to it (a new one is on \
                 its way)",
            ));
        }
        let actor = Actor {
            user_id: Some(user.id),
            ..actor.clone()
        };
        self.record(
            self.db(),
            None,
            &actor,
            AuditAction::SignIn,
            Some(user.id.to_string()),
            json!({}),
        )
        .await?;
        self.open_session(
            self.db(),
            user,
            None,
            actor.ip_address.as_deref(),
            user_agent,
            SignInMethod::Password,
        )
        .await
    }

    /// Fails unless `session` was opened with the user's password: what approving a device or
    /// creating an API key asks for (a CLI's session, which a phished code could have handed out,
    /// may not multiply itself).
    pub async fn require_password_session(&self, session: SessionId) -> Result<(), IdentityError> {
        let session = sessions::get(self.db(), session)
            .await
            .map_err(IdentityError::not_found_as("session"))?;
        if session.method == SignInMethod::Password {
            return Ok(());
        }
        Err(IdentityError::forbidden(
            "password_session_required",
            "sign in with your password to do this: a session the CLI got by device code may not",
        ))
    }

    pub(crate) async fn open_session(
        &self,
        db: &impl db::ConnectionTrait,
        user: User,
        active_org: Option<OrgId>,
        ip_address: Option<&str>,
        user_agent: Option<&str>,
        method: SignInMethod,
    ) -> Result<SignedIn, IdentityError> {
        let issued = self.keys().issue();
        let now = self.now();
        let session = sessions::create(
            db,
            NewSession {
                token_hash: &issued.token_hash,
                user_id: user.id,
                active_org,
                expires_at: now + self.config().session_lifetime,
                ip_address,
                user_agent,
                method,
            },
            now,
        )
        .await?;
        Ok(SignedIn {
            user,
            session,
            token: issued.token,
        })
    }

    /// Ends the session server-side; its cookie or token is refused from the next request on.
    pub async fn sign_out(&self, session: SessionId, actor: &Actor) -> Result<(), IdentityError> {
        sessions::delete(self.db(), session).await?;
        self.caches().forget_session(session);
        self.record(
            self.db(),
            None,
            actor,
            AuditAction::SignOut,
            Some(session.to_string()),
            json!({}),
        )
        .await
    }

    /// The session and its user, read fresh (for `get-session`); `None` once it has ended.
    pub async fn session_info(
        &self,
        session: SessionId,
        user: UserId,
        active_org: Option<OrgId>,
    ) -> Result<SessionInfo, IdentityError> {
        let user = users::get(self.db(), user)
            .await
            .map_err(IdentityError::not_found_as("session"))?;
        let token_session = sessions::get(self.db(), session)
            .await
            .map_err(IdentityError::not_found_as("session"))?;
        Ok(SessionInfo {
            user,
            session: Session {
                // What the resolver saw: only an organization the user still belongs to.
                active_org,
                ..token_session
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalise_email("  Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@example",
            "ada @example.com",
            "ada@.com",
        ] {
            assert!(normalise_email(bad).is_err(), "{bad:?}");
        }
        assert!(normalise_email(&format!("{}@example.com", "a".repeat(400))).is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_name("  Ada Lovelace ").unwrap(), "Ada Lovelace");
        assert!(check_name("   ").is_err());
        assert!(check_name(&"x".repeat(201)).is_err());
    }
}
