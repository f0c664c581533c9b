//! The storefront's accent colour: a store setting (`#rrggbb`, or none), shown on `GET /v1/store`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(StoreSettings::Table)
                    .add_column(text_null(StoreSettings::AccentColor))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(StoreSettings::Table)
                    .drop_column(StoreSettings::AccentColor)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum StoreSettings {
    Table,
    AccentColor,
}
