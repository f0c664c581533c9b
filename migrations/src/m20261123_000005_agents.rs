//! Agent Auth: hosts (agent runtimes) and agents with their Ed25519 keys, capability grants, and the
//! replay store of agent JWT ids that every instance shares.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AgentHost::Table)
                    .col(uuid(AgentHost::OrganizationId))
                    .col(uuid(AgentHost::Id))
                    .col(string_len_uniq(AgentHost::Thumbprint, 64))
                    .col(string_len(AgentHost::PublicKeyX, 64))
                    .col(string_len(AgentHost::Name, 200))
                    .col(string_len(AgentHost::Status, 16))
                    .col(uuid_null(AgentHost::UserId))
                    .col(timestamp_with_time_zone(AgentHost::CreatedAt))
                    .col(timestamp_with_time_zone(AgentHost::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(AgentHost::OrganizationId)
                            .col(AgentHost::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_agent_host_organization")
                            .from(AgentHost::Table, AgentHost::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Agent::Table)
                    .col(uuid(Agent::OrganizationId))
                    .col(uuid(Agent::Id))
                    .col(uuid(Agent::HostId))
                    .col(string_len_uniq(Agent::Thumbprint, 64))
                    .col(string_len(Agent::PublicKeyX, 64))
                    .col(string_len(Agent::Name, 200))
                    .col(string_len(Agent::Mode, 16))
                    .col(string_len(Agent::Status, 16))
                    .col(uuid_null(Agent::UserId))
                    .col(timestamp_with_time_zone(Agent::CreatedAt))
                    .col(timestamp_with_time_zone(Agent::UpdatedAt))
                    .primary_key(Index::create().col(Agent::OrganizationId).col(Agent::Id))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_agent_host")
                            .from_tbl(Agent::Table)
                            .from_col(Agent::OrganizationId)
                            .from_col(Agent::HostId)
                            .to_tbl(AgentHost::Table)
                            .to_col(AgentHost::OrganizationId)
                            .to_col(AgentHost::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgentCapabilityGrant::Table)
                    .col(uuid(AgentCapabilityGrant::OrganizationId))
                    .col(uuid(AgentCapabilityGrant::Id))
                    .col(uuid(AgentCapabilityGrant::AgentId))
                    .col(string_len(AgentCapabilityGrant::Capability, 100))
                    .col(string_len(AgentCapabilityGrant::Status, 16))
                    .col(text_null(AgentCapabilityGrant::Constraints))
                    .col(uuid_null(AgentCapabilityGrant::GrantedBy))
                    .col(timestamp_with_time_zone_null(
                        AgentCapabilityGrant::ExpiresAt,
                    ))
                    .col(timestamp_with_time_zone(AgentCapabilityGrant::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(AgentCapabilityGrant::OrganizationId)
                            .col(AgentCapabilityGrant::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_grant_agent")
                            .from_tbl(AgentCapabilityGrant::Table)
                            .from_col(AgentCapabilityGrant::OrganizationId)
                            .from_col(AgentCapabilityGrant::AgentId)
                            .to_tbl(Agent::Table)
                            .to_col(Agent::OrganizationId)
                            .to_col(Agent::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_grant_agent_capability")
                    .table(AgentCapabilityGrant::Table)
                    .col(AgentCapabilityGrant::OrganizationId)
                    .col(AgentCapabilityGrant::AgentId)
                    .col(AgentCapabilityGrant::Capability)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Every JWT id an agent used, until the token could no longer be valid: replays are refused
        // on every instance.
        manager
            .create_table(
                Table::create()
                    .table(AgentJti::Table)
                    .col(uuid(AgentJti::AgentId))
                    .col(string_len(AgentJti::Jti, 255))
                    .col(timestamp_with_time_zone(AgentJti::ExpiresAt))
                    .primary_key(Index::create().col(AgentJti::AgentId).col(AgentJti::Jti))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_agent_jti_expiry")
                    .table(AgentJti::Table)
                    .col(AgentJti::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AgentJti::Table.into_iden(),
            AgentCapabilityGrant::Table.into_iden(),
            Agent::Table.into_iden(),
            AgentHost::Table.into_iden(),
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
enum AgentHost {
    Table,
    OrganizationId,
    Id,
    Thumbprint,
    PublicKeyX,
    Name,
    Status,
    UserId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Agent {
    Table,
    OrganizationId,
    Id,
    HostId,
    Thumbprint,
    PublicKeyX,
    Name,
    Mode,
    Status,
    UserId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AgentCapabilityGrant {
    Table,
    OrganizationId,
    Id,
    AgentId,
    Capability,
    Status,
    Constraints,
    GrantedBy,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AgentJti {
    Table,
    AgentId,
    Jti,
    ExpiresAt,
}
