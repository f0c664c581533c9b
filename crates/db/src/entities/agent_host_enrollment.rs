use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agent_host_enrollment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// SHA-256 of the one-time token.
    #[sea_orm(unique)]
    pub token_hash: String,
    pub name: String,
    /// Space-separated capabilities the host's agents get without asking a user again.
    pub default_capabilities: Option<String>,
    pub created_by: Uuid,
    /// The host the token was redeemed for.
    pub host_id: Option<Uuid>,
    pub expires_at: DateTimeUtc,
    pub redeemed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Clone, Copy, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
