//! Organizations (the tenants) and the storefront hostnames they own.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organization::Table)
                    .col(uuid(Organization::Id).primary_key())
                    .col(string_len(Organization::Name, 200))
                    .col(string_len_uniq(Organization::Slug, 64))
                    .col(timestamp_with_time_zone(Organization::CreatedAt))
                    .col(timestamp_with_time_zone(Organization::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // The organization leads the key so the table can be distributed by tenant later; the
        // hostname alone is unique, because a host must resolve to exactly one store.
        manager
            .create_table(
                Table::create()
                    .table(StoreDomain::Table)
                    .col(uuid(StoreDomain::OrganizationId))
                    .col(string_len(StoreDomain::Hostname, 253))
                    .col(timestamp_with_time_zone(StoreDomain::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(StoreDomain::OrganizationId)
                            .col(StoreDomain::Hostname),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_store_domain_organization")
                            .from(StoreDomain::Table, StoreDomain::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
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
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StoreDomain::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Organization::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
    Name,
    Slug,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StoreDomain {
    Table,
    OrganizationId,
    Hostname,
    CreatedAt,
}
