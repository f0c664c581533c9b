use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sales_order")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cart_id: Uuid,
    pub customer_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub email: String,
    pub status: String,
    pub currency: String,
    pub total: i64,
    pub paid_amount: i64,
    pub refunded_amount: i64,
    /// The shipping address: all of name, line 1, city, postal code and country, or none at all.
    pub shipping_name: Option<String>,
    pub shipping_line1: Option<String>,
    pub shipping_line2: Option<String>,
    pub shipping_city: Option<String>,
    pub shipping_postal_code: Option<String>,
    pub shipping_region: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub shipping_country: Option<String>,
    pub shipping_phone: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Clone, Copy, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
