use sea_orm::entity::prelude::*;

/// Information the agent gave every company at once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub consultation_id: Uuid,
    /// The latest round when it was published.
    pub round: i32,
    pub clause_id: Option<Uuid>,
    pub body: String,
    pub author_id: Uuid,
    pub published_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
