use sea_orm::DerivePartialModel;
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

/// A round without its frozen revision: what statuses and lists need, read
/// without the CCTP text (up to a megabyte per revision).
#[derive(Clone, Debug, DerivePartialModel)]
#[sea_orm(entity = "Entity")]
pub struct Head {
    pub consultation_id: Uuid,
    pub number: i32,
    pub changelog: String,
    pub opened_at: ChronoDateTimeUtc,
    pub closes_at: ChronoDateTimeUtc,
    pub closed_early_at: Option<ChronoDateTimeUtc>,
    pub for_publication: bool,
}

impl Head {
    /// The columns a head reads, for statements that select it beside
    /// columns of their own.
    pub const COLUMNS: [Column; 7] = [
        Column::ConsultationId,
        Column::Number,
        Column::Changelog,
        Column::OpenedAt,
        Column::ClosesAt,
        Column::ClosedEarlyAt,
        Column::ForPublication,
    ];
}

impl Model {
    pub fn head(&self) -> Head {
        Head {
            consultation_id: self.consultation_id,
            number: self.number,
            changelog: self.changelog.clone(),
            opened_at: self.opened_at,
            closes_at: self.closes_at,
            closed_early_at: self.closed_early_at,
            for_publication: self.for_publication,
        }
    }
}
