use sea_orm::entity::prelude::*;
use shared::consultation::{
    ContributionKind, ContributionStatus, CostDirection, DecisionKind, TargetKind,
};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contributions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub consultation_id: Uuid,
    pub round: i32,
    pub author_id: Uuid,
    pub target_kind: TargetKind,
    pub target_id: Option<Uuid>,
    pub kind: ContributionKind,
    pub body: String,
    pub justification: String,
    pub cost_direction: Option<CostDirection>,
    pub proposed_text: Option<String>,
    pub proposed_weight: Option<i32>,
    pub confidential: bool,
    pub status: ContributionStatus,
    pub decision: Option<DecisionKind>,
    pub decision_rationale: Option<String>,
    pub decision_round: Option<i32>,
    pub decided_at: Option<ChronoDateTimeUtc>,
    /// When the owner agent first replied.
    pub answered_at: Option<ChronoDateTimeUtc>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
