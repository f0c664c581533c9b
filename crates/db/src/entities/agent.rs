use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub host_id: Uuid,
    pub thumbprint: String,
    pub public_key_x: String,
    pub name: String,
    pub mode: String,
    pub status: String,
    pub user_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When it last became active (registration, approval or reactivation): its max lifetime runs
    /// from here.
    pub activated_at: Option<DateTimeUtc>,
    /// When a token of it was last accepted (at most once a minute): its session TTL slides from
    /// here.
    pub last_used_at: Option<DateTimeUtc>,
}

#[derive(Clone, Copy, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
