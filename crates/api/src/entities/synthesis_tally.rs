use sea_orm::entity::prelude::*;
use shared::consultation::TargetKind;

/// The active contributions of one round and target of a consultation, by
/// kind, cost direction and decision: a row of the agent's synthesis.
/// Written by the database's triggers only (migration 11); the API reads it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "synthesis_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub consultation_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub round: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub target_kind: TargetKind,
    /// The nil UUID for the document as a whole (no target).
    #[sea_orm(primary_key, auto_increment = false)]
    pub target_id: Uuid,
    pub contributions: i64,
    pub solutions: i64,
    pub clarifications: i64,
    pub alternatives: i64,
    pub cost_increase: i64,
    pub cost_decrease: i64,
    pub cost_neutral: i64,
    pub cost_unknown: i64,
    pub accepted: i64,
    pub partially_accepted: i64,
    pub rejected: i64,
    pub answered: i64,
    pub undecided: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
