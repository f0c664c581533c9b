//! Device authorization (RFC 8628): codes a CLI polls with while a signed-in user approves.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DeviceCode::Table)
                    .col(uuid(DeviceCode::Id).primary_key())
                    .col(string_len_uniq(DeviceCode::CodeHash, 64))
                    .col(string_len_uniq(DeviceCode::UserCode, 16))
                    .col(string_len(DeviceCode::ClientId, 100))
                    .col(string_len_null(DeviceCode::Scope, 255))
                    .col(string_len(DeviceCode::Status, 16))
                    .col(uuid_null(DeviceCode::UserId))
                    .col(uuid_null(DeviceCode::ActiveOrganizationId))
                    .col(integer(DeviceCode::IntervalSeconds))
                    .col(timestamp_with_time_zone_null(DeviceCode::LastPolledAt))
                    .col(timestamp_with_time_zone(DeviceCode::ExpiresAt))
                    .col(timestamp_with_time_zone(DeviceCode::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_device_code_user")
                            .from(DeviceCode::Table, DeviceCode::UserId)
                            .to(UserAccount::Table, UserAccount::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DeviceCode::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum UserAccount {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum DeviceCode {
    Table,
    Id,
    CodeHash,
    UserCode,
    ClientId,
    Scope,
    Status,
    UserId,
    ActiveOrganizationId,
    IntervalSeconds,
    LastPolledAt,
    ExpiresAt,
    CreatedAt,
}
