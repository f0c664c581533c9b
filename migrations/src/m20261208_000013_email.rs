//! Email: the outbox every message waits in until a mail server took it (so that a failed delivery
//! is retried and a restart loses nothing), the single-use tokens its links carry (verification,
//! password reset; hashed, with an expiry), and when each account proved its address. Accounts from
//! before have not proved theirs.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The courier's question: pending messages, the earliest due first.
const DUE_INDEX: &str = "idx_email_outbox_status_next_attempt";
/// How many links a user was sent lately (the resend limit), and revoking them all.
const TOKEN_USER_INDEX: &str = "idx_email_token_user_purpose";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(UserAccount::Table)
                    .add_column(timestamp_with_time_zone_null(UserAccount::EmailVerifiedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailOutbox::Table)
                    .col(uuid(EmailOutbox::Id).primary_key())
                    .col(string_len(EmailOutbox::Recipient, 320))
                    .col(string_len(EmailOutbox::Kind, 32))
                    .col(text(EmailOutbox::Message))
                    .col(string_len(EmailOutbox::Status, 16))
                    .col(integer(EmailOutbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(EmailOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(EmailOutbox::LeasedUntil))
                    .col(text_null(EmailOutbox::LastError))
                    .col(timestamp_with_time_zone(EmailOutbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(EmailOutbox::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(DUE_INDEX)
                    .table(EmailOutbox::Table)
                    .col(EmailOutbox::Status)
                    .col(EmailOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailToken::Table)
                    .col(uuid(EmailToken::Id).primary_key())
                    .col(string_len_uniq(EmailToken::TokenHash, 64))
                    .col(uuid(EmailToken::UserId))
                    .col(string_len(EmailToken::Purpose, 24))
                    .col(timestamp_with_time_zone(EmailToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(EmailToken::UsedAt))
                    .col(timestamp_with_time_zone(EmailToken::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_token_user")
                            .from(EmailToken::Table, EmailToken::UserId)
                            .to(UserAccount::Table, UserAccount::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(TOKEN_USER_INDEX)
                    .table(EmailToken::Table)
                    .col(EmailToken::UserId)
                    .col(EmailToken::Purpose)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EmailToken::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(EmailOutbox::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(UserAccount::Table)
                    .drop_column(UserAccount::EmailVerifiedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum UserAccount {
    Table,
    Id,
    EmailVerifiedAt,
}

#[derive(DeriveIden)]
enum EmailOutbox {
    Table,
    Id,
    Recipient,
    Kind,
    Message,
    Status,
    Attempts,
    NextAttemptAt,
    LeasedUntil,
    LastError,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum EmailToken {
    Table,
    Id,
    TokenHash,
    UserId,
    Purpose,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}
