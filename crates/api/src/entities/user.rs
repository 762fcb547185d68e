use sea_orm::entity::prelude::*;
use shared::types::Role;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub display_name: String,
    pub created_at: ChronoDateTimeUtc,
    /// When the address was confirmed; staff accounts are created verified.
    pub email_verified_at: Option<ChronoDateTimeUtc>,
    /// Cannot sign in from then on (administrator, or account deleted).
    pub disabled_at: Option<ChronoDateTimeUtc>,
    /// The identity was erased at the holder's request (RGPD).
    pub deleted_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
