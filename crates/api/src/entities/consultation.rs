use sea_orm::entity::prelude::*;
use shared::consultation::Visibility;

use crate::domain::consultations::Phase;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    pub cpv_code: String,
    pub cpv_division: String,
    pub departement: String,
    pub visibility: Visibility,
    /// Whether a round is open is computed from the rounds and the clock.
    pub phase: Phase,
    pub owner_id: Uuid,
    pub buyer_id: Uuid,
    /// The version of its working draft (`consultation_draft`), which
    /// saves compare to refuse a stale one.
    pub draft_version: i64,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    /// The latest deadline of its rounds not closed early, kept by the
    /// database from the rounds (migration 15): one of them is open while
    /// it is ahead. The list filters on it; a round's own state is read
    /// from the round.
    pub open_round_until: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
