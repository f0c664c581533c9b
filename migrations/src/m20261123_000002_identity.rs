//! Users, sessions, organization members, API keys and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UserAccount::Table)
                    .col(uuid(UserAccount::Id).primary_key())
                    .col(string_len_uniq(UserAccount::Email, 320))
                    .col(string_len(UserAccount::Name, 200))
                    .col(string_len(UserAccount::PasswordHash, 255))
                    .col(string_len(UserAccount::Role, 32))
                    .col(timestamp_with_time_zone(UserAccount::CreatedAt))
                    .col(timestamp_with_time_zone(UserAccount::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        // A session is found by a keyed hash of its token; the token itself is never stored.
        manager
            .create_table(
                Table::create()
                    .table(Session::Table)
                    .col(uuid(Session::Id).primary_key())
                    .col(string_len_uniq(Session::TokenHash, 64))
                    .col(uuid(Session::UserId))
                    .col(uuid_null(Session::ActiveOrganizationId))
                    .col(timestamp_with_time_zone(Session::CreatedAt))
                    .col(timestamp_with_time_zone(Session::RefreshedAt))
                    .col(timestamp_with_time_zone(Session::ExpiresAt))
                    .col(string_len_null(Session::IpAddress, 64))
                    .col(string_len_null(Session::UserAgent, 512))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_session_user")
                            .from(Session::Table, Session::UserId)
                            .to(UserAccount::Table, UserAccount::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_session_active_organization")
                            .from(Session::Table, Session::ActiveOrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_session_user")
                    .table(Session::Table)
                    .col(Session::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Member::Table)
                    .col(uuid(Member::OrganizationId))
                    .col(uuid(Member::UserId))
                    .col(string_len(Member::Role, 16))
                    .col(timestamp_with_time_zone(Member::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(Member::OrganizationId)
                            .col(Member::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_member_organization")
                            .from(Member::Table, Member::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_member_user")
                            .from(Member::Table, Member::UserId)
                            .to(UserAccount::Table, UserAccount::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_member_user")
                    .table(Member::Table)
                    .col(Member::UserId)
                    .to_owned(),
            )
            .await?;

        // The organization and scopes are set by the server at creation and never change.
        manager
            .create_table(
                Table::create()
                    .table(ApiKey::Table)
                    .col(uuid(ApiKey::OrganizationId))
                    .col(uuid(ApiKey::Id))
                    .col(string_len(ApiKey::Name, 100))
                    .col(string_len(ApiKey::Prefix, 16))
                    .col(string_len_uniq(ApiKey::KeyHash, 64))
                    .col(string_len(ApiKey::Scopes, 64))
                    .col(uuid_null(ApiKey::CreatedByUserId))
                    .col(timestamp_with_time_zone(ApiKey::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiKey::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiKey::RevokedAt))
                    .col(timestamp_with_time_zone_null(ApiKey::LastUsedAt))
                    .primary_key(Index::create().col(ApiKey::OrganizationId).col(ApiKey::Id))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_key_organization")
                            .from(ApiKey::Table, ApiKey::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvent::Table)
                    .col(uuid(AuditEvent::Id).primary_key())
                    .col(uuid_null(AuditEvent::OrganizationId))
                    .col(uuid_null(AuditEvent::ActorUserId))
                    .col(string_len(AuditEvent::ActorKind, 16))
                    .col(string_len_null(AuditEvent::PrincipalId, 255))
                    .col(string_len(AuditEvent::Action, 64))
                    .col(string_len_null(AuditEvent::Subject, 255))
                    .col(text(AuditEvent::Details))
                    .col(string_len_null(AuditEvent::IpAddress, 64))
                    .col(timestamp_with_time_zone(AuditEvent::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_event_organization_time")
                    .table(AuditEvent::Table)
                    .col(AuditEvent::OrganizationId)
                    .col(AuditEvent::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvent::Table.into_iden(),
            ApiKey::Table.into_iden(),
            Member::Table.into_iden(),
            Session::Table.into_iden(),
            UserAccount::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum UserAccount {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    Role,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    TokenHash,
    UserId,
    ActiveOrganizationId,
    CreatedAt,
    RefreshedAt,
    ExpiresAt,
    IpAddress,
    UserAgent,
}

#[derive(DeriveIden)]
enum Member {
    Table,
    OrganizationId,
    UserId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiKey {
    Table,
    OrganizationId,
    Id,
    Name,
    Prefix,
    KeyHash,
    Scopes,
    CreatedByUserId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Id,
    OrganizationId,
    ActorUserId,
    ActorKind,
    PrincipalId,
    Action,
    Subject,
    Details,
    IpAddress,
    CreatedAt,
}
