//! Storefront hostnames are proven before they serve: each row has a status (`pending` until the
//! store proves it, `verified` after), how it is proven (`dns`, or `platform` for a name under the
//! platform's store domain), the token its DNS TXT record must hold, and when it was verified and
//! last checked. A hostname is unique among verified rows only, so that a claim nobody proved
//! cannot keep the domain's real owner out. Rows from before were serving shops: they are kept
//! `verified` (by `dns`, with no token: the periodic check then finds no record and sets them
//! back to `pending` until their store proves them).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const UNIQUE_VERIFIED: &str = "CREATE UNIQUE INDEX ux_store_domain_verified_hostname \
                               ON store_domain (hostname) WHERE status = 'verified'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        let columns = [
            string_len(StoreDomain::Status, 16)
                .default("verified")
                .to_owned(),
            string_len(StoreDomain::Proof, 16).default("dns").to_owned(),
            string_len(StoreDomain::VerificationToken, 64)
                .default("")
                .to_owned(),
            timestamp_with_time_zone_null(StoreDomain::VerifiedAt).to_owned(),
            timestamp_with_time_zone_null(StoreDomain::CheckedAt).to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(StoreDomain::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE store_domain SET verified_at = created_at")
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ux_store_domain_hostname")
                    .table(StoreDomain::Table)
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(UNIQUE_VERIFIED).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // Claims nobody proved go; a hostname is then unique again, as before.
        db.execute_unprepared("DELETE FROM store_domain WHERE status <> 'verified'")
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ux_store_domain_verified_hostname")
                    .table(StoreDomain::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_store_domain_hostname")
                    .table(StoreDomain::Table)
                    .col(StoreDomain::Hostname)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for column in [
            StoreDomain::CheckedAt,
            StoreDomain::VerifiedAt,
            StoreDomain::VerificationToken,
            StoreDomain::Proof,
            StoreDomain::Status,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(StoreDomain::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum StoreDomain {
    Table,
    Hostname,
    Status,
    Proof,
    VerificationToken,
    VerifiedAt,
    CheckedAt,
}
