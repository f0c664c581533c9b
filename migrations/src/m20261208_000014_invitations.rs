//! Invitations: a person joins an organization only by accepting one, from the link sent to the
//! invited address (single-use token, hashed, with an expiry). One pending invitation per
//! organization and address: a new one replaces the old.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The team page's list: an organization's invitations by status.
const ORG_STATUS_INDEX: &str = "idx_invitation_org_status";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Invitation::Table)
                    .col(uuid(Invitation::Id).primary_key())
                    .col(uuid(Invitation::OrganizationId))
                    .col(string_len(Invitation::Email, 320))
                    .col(string_len(Invitation::Role, 16))
                    .col(uuid_null(Invitation::InvitedBy))
                    .col(string_len_uniq(Invitation::TokenHash, 64))
                    .col(string_len(Invitation::Status, 16))
                    .col(timestamp_with_time_zone(Invitation::ExpiresAt))
                    .col(timestamp_with_time_zone(Invitation::CreatedAt))
                    .col(timestamp_with_time_zone_null(Invitation::DecidedAt))
                    .col(uuid_null(Invitation::AcceptedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invitation_organization")
                            .from(Invitation::Table, Invitation::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invitation_inviter")
                            .from(Invitation::Table, Invitation::InvitedBy)
                            .to(UserAccount::Table, UserAccount::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invitation_accepted_by")
                            .from(Invitation::Table, Invitation::AcceptedBy)
                            .to(UserAccount::Table, UserAccount::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(ORG_STATUS_INDEX)
                    .table(Invitation::Table)
                    .col(Invitation::OrganizationId)
                    .col(Invitation::Status)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Invitation::Table).to_owned())
            .await
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
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    Id,
    OrganizationId,
    Email,
    Role,
    InvitedBy,
    TokenHash,
    Status,
    ExpiresAt,
    CreatedAt,
    DecidedAt,
    AcceptedBy,
}
