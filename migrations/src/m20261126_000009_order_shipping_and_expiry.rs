//! An order's shipping address (nullable columns: orders placed without one, and every order placed
//! before, have none), and the index the sweep of unpaid orders reads: orders of one status, oldest
//! first, across organizations.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SWEEP_INDEX: &str = "idx_sales_order_status_created";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        let columns = [
            string_len_null(SalesOrder::ShippingName, 200),
            string_len_null(SalesOrder::ShippingLine1, 200),
            string_len_null(SalesOrder::ShippingLine2, 200),
            string_len_null(SalesOrder::ShippingCity, 200),
            string_len_null(SalesOrder::ShippingPostalCode, 200),
            string_len_null(SalesOrder::ShippingRegion, 200),
            string_len_null(SalesOrder::ShippingCountry, 2),
            string_len_null(SalesOrder::ShippingPhone, 200),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(SalesOrder::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(SWEEP_INDEX)
                    .table(SalesOrder::Table)
                    .col(SalesOrder::Status)
                    .col(SalesOrder::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(SWEEP_INDEX)
                    .table(SalesOrder::Table)
                    .to_owned(),
            )
            .await?;
        let columns = [
            SalesOrder::ShippingName,
            SalesOrder::ShippingLine1,
            SalesOrder::ShippingLine2,
            SalesOrder::ShippingCity,
            SalesOrder::ShippingPostalCode,
            SalesOrder::ShippingRegion,
            SalesOrder::ShippingCountry,
            SalesOrder::ShippingPhone,
        ];
        for column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(SalesOrder::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum SalesOrder {
    Table,
    Status,
    CreatedAt,
    ShippingName,
    ShippingLine1,
    ShippingLine2,
    ShippingCity,
    ShippingPostalCode,
    ShippingRegion,
    ShippingCountry,
    ShippingPhone,
}
