use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "approval_request")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agent_id: Uuid,
    #[sea_orm(unique)]
    pub user_code: String,
    /// Space-separated capability names.
    pub capabilities: String,
    pub status: String,
    pub decided_by: Option<Uuid>,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    /// `device_authorization` (decided under the user code) or `ciba` (by the named approver).
    pub method: String,
    pub approver_id: Option<Uuid>,
    /// `registration`, `capability_request` or `reactivation`: what a denial ends.
    pub purpose: String,
    pub binding_message: Option<String>,
    /// The client address of the host's or agent's call that opened the request (text), shown to
    /// the approver only.
    pub requested_from: Option<String>,
}

#[derive(Clone, Copy, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
