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
    /// The working draft, as JSON.
    pub draft: String,
    pub draft_version: i64,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

/// A consultation without its draft (up to a megabyte of JSON): what views
/// and lists need.
#[derive(Clone, Debug, DerivePartialModel)]
#[sea_orm(entity = "Entity")]
pub struct Listed {
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    pub cpv_code: String,
    pub cpv_division: String,
    pub departement: String,
    pub visibility: Visibility,
    pub phase: Phase,
    pub owner_id: Uuid,
    pub buyer_id: Uuid,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

impl Model {
    pub fn listed(self) -> Listed {
        Listed {
            id: self.id,
            title: self.title,
            summary: self.summary,
            cpv_code: self.cpv_code,
            cpv_division: self.cpv_division,
            departement: self.departement,
            visibility: self.visibility,
            phase: self.phase,
            owner_id: self.owner_id,
            buyer_id: self.buyer_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

impl ActiveModelBehavior for ActiveModel {}
