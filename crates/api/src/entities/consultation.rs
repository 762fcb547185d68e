use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;
use shared::consultation::Visibility;
use shared::types::consultation_search_text;

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
    /// The title and the summary folded, which searches read (migration
    /// 16): written with them by every save, below.
    pub search_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    /// Whatever path changes a title or a summary, its search text follows.
    async fn before_save<C>(mut self, _db: &C, _insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        if self.title.is_set() || self.summary.is_set() {
            let (Some(title), Some(summary)) = (self.title.try_as_ref(), self.summary.try_as_ref())
            else {
                return Err(DbErr::Custom(
                    "a consultation's title and summary are saved together".into(),
                ));
            };
            self.search_text = Set(consultation_search_text(title, summary));
        }
        Ok(self)
    }
}
