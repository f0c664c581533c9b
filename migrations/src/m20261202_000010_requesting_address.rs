//! The address a request for approval came from, shown to the person who decides it: the CLI's
//! device-code request and an agent's approval request each keep the client address (as text) of
//! the call that opened them. Nullable: rows from before have none.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one table (and one column) per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(DeviceCode::Table)
                    .add_column(text_null(DeviceCode::RequestedFrom))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ApprovalRequest::Table)
                    .add_column(text_null(ApprovalRequest::RequestedFrom))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ApprovalRequest::Table)
                    .drop_column(ApprovalRequest::RequestedFrom)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(DeviceCode::Table)
                    .drop_column(DeviceCode::RequestedFrom)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum DeviceCode {
    Table,
    RequestedFrom,
}

#[derive(DeriveIden)]
enum ApprovalRequest {
    Table,
    RequestedFrom,
}
