//! Agent Auth's lifecycle: an agent's clocks (last activation, last use), a host's default
//! capabilities, how an approval is asked for (device authorization or CIBA, for a named user) and
//! what for (registration, more capabilities, reactivation), and one-time enrollment tokens a signed-in user creates for a host to redeem.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        let columns = [
            (
                Agent::Table.into_iden(),
                timestamp_with_time_zone_null(Agent::ActivatedAt),
            ),
            (
                Agent::Table.into_iden(),
                timestamp_with_time_zone_null(Agent::LastUsedAt),
            ),
            (
                AgentHost::Table.into_iden(),
                text_null(AgentHost::DefaultCapabilities),
            ),
            (
                ApprovalRequest::Table.into_iden(),
                string_len(ApprovalRequest::Method, 24)
                    .default("device_authorization")
                    .to_owned(),
            ),
            (
                ApprovalRequest::Table.into_iden(),
                uuid_null(ApprovalRequest::ApproverId),
            ),
            (
                ApprovalRequest::Table.into_iden(),
                string_len(ApprovalRequest::Purpose, 24)
                    .default("registration")
                    .to_owned(),
            ),
            (
                ApprovalRequest::Table.into_iden(),
                string_len_null(ApprovalRequest::BindingMessage, 200),
            ),
        ];
        for (table, mut column) in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AgentHostEnrollment::Table)
                    .col(uuid(AgentHostEnrollment::OrganizationId))
                    .col(uuid(AgentHostEnrollment::Id))
                    .col(string_len_uniq(AgentHostEnrollment::TokenHash, 64))
                    .col(string_len(AgentHostEnrollment::Name, 200))
                    .col(text_null(AgentHostEnrollment::DefaultCapabilities))
                    .col(uuid(AgentHostEnrollment::CreatedBy))
                    .col(uuid_null(AgentHostEnrollment::HostId))
                    .col(timestamp_with_time_zone(AgentHostEnrollment::ExpiresAt))
                    .col(timestamp_with_time_zone_null(
                        AgentHostEnrollment::RedeemedAt,
                    ))
                    .col(timestamp_with_time_zone(AgentHostEnrollment::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(AgentHostEnrollment::OrganizationId)
                            .col(AgentHostEnrollment::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_enrollment_organization")
                            .from(
                                AgentHostEnrollment::Table,
                                AgentHostEnrollment::OrganizationId,
                            )
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AgentHostEnrollment::Table).to_owned())
            .await?;
        let columns = [
            (Agent::Table.into_iden(), Agent::ActivatedAt.into_iden()),
            (Agent::Table.into_iden(), Agent::LastUsedAt.into_iden()),
            (
                AgentHost::Table.into_iden(),
                AgentHost::DefaultCapabilities.into_iden(),
            ),
            (
                ApprovalRequest::Table.into_iden(),
                ApprovalRequest::Method.into_iden(),
            ),
            (
                ApprovalRequest::Table.into_iden(),
                ApprovalRequest::ApproverId.into_iden(),
            ),
            (
                ApprovalRequest::Table.into_iden(),
                ApprovalRequest::Purpose.into_iden(),
            ),
            (
                ApprovalRequest::Table.into_iden(),
                ApprovalRequest::BindingMessage.into_iden(),
            ),
        ];
        for (table, column) in columns {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
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
enum Agent {
    Table,
    ActivatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum AgentHost {
    Table,
    DefaultCapabilities,
}

#[derive(DeriveIden)]
enum ApprovalRequest {
    Table,
    Method,
    ApproverId,
    Purpose,
    BindingMessage,
}

#[derive(DeriveIden)]
enum AgentHostEnrollment {
    Table,
    OrganizationId,
    Id,
    TokenHash,
    Name,
    DefaultCapabilities,
    CreatedBy,
    HostId,
    ExpiresAt,
    RedeemedAt,
    CreatedAt,
}
