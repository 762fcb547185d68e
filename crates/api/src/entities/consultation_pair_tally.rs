use sea_orm::entity::prelude::*;

/// How many consultations out of draft target one (CPV division,
/// département) pair. Written by the database's triggers only (migration
/// 14); a company's list reads it for its total.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultation_pair_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cpv_division: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub departement: String,
    pub targeted: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
