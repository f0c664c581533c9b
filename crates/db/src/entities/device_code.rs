use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "device_code")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code_hash: String,
    #[sea_orm(unique)]
    pub user_code: String,
    pub client_id: String,
    pub scope: Option<String>,
    pub status: String,
    pub user_id: Option<Uuid>,
    pub active_organization_id: Option<Uuid>,
    pub interval_seconds: i32,
    pub last_polled_at: Option<DateTimeUtc>,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    /// The client address the code was asked from (text), shown to the approving user.
    pub requested_from: Option<String>,
}

#[derive(Clone, Copy, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
