use sea_orm::entity::prelude::*;

/// How many active contributions a consultation holds, and how many await
/// a decision. Written by the database's triggers only (migration 000011);
/// the API reads it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultation_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub consultation_id: Uuid,
    pub contributions: i64,
    pub undecided: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
