use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rounds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub consultation_id: Uuid,
    pub number: i32,
    /// The frozen revision, as JSON.
    pub content: String,
    pub changelog: String,
    pub opened_at: ChronoDateTimeUtc,
    pub closes_at: ChronoDateTimeUtc,
    pub closed_early_at: Option<ChronoDateTimeUtc>,
    /// A revision submitted for publication, without a contribution window.
    pub for_publication: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
