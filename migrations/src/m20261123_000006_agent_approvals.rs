//! Agent Auth approval requests: the capabilities an agent asked for, awaiting a user's decision
//! under a user code.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApprovalRequest::Table)
                    .col(uuid(ApprovalRequest::OrganizationId))
                    .col(uuid(ApprovalRequest::Id))
                    .col(uuid(ApprovalRequest::AgentId))
                    .col(string_len_uniq(ApprovalRequest::UserCode, 16))
                    .col(text(ApprovalRequest::Capabilities))
                    .col(string_len(ApprovalRequest::Status, 16))
                    .col(uuid_null(ApprovalRequest::DecidedBy))
                    .col(timestamp_with_time_zone(ApprovalRequest::ExpiresAt))
                    .col(timestamp_with_time_zone(ApprovalRequest::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ApprovalRequest::OrganizationId)
                            .col(ApprovalRequest::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_approval_agent")
                            .from_tbl(ApprovalRequest::Table)
                            .from_col(ApprovalRequest::OrganizationId)
                            .from_col(ApprovalRequest::AgentId)
                            .to_tbl(Agent::Table)
                            .to_col(Agent::OrganizationId)
                            .to_col(Agent::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApprovalRequest::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Agent {
    Table,
    OrganizationId,
    Id,
}

#[derive(DeriveIden)]
enum ApprovalRequest {
    Table,
    OrganizationId,
    Id,
    AgentId,
    UserCode,
    Capabilities,
    Status,
    DecidedBy,
    ExpiresAt,
    CreatedAt,
}
