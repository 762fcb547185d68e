use sea_orm::entity::prelude::*;

/// How many contributions a consultation holds. Written by the database's
/// triggers only (migration 11); the API reads it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultation_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub consultation_id: Uuid,
    /// Every contribution, withdrawn ones included.
    pub written: i64,
    pub active: i64,
    /// Active, awaiting a decision.
    pub undecided: i64,
    /// Active and not confidential: what every company reads.
    pub public: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
