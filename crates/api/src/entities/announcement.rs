use sea_orm::entity::prelude::*;

/// What a whole audience hears about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum Kind {
    RoundOpened,
    RoundClosedEarly,
    RoundClosingSoon,
    ClarificationAnswered,
    ConsultationPublished,
    NoticePublished,
    DeadlineExtended,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "announcements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: Kind,
    pub consultation_id: Uuid,
    pub round_number: Option<i32>,
    pub contribution_id: Option<Uuid>,
    /// Somebody of the audience who hears it otherwise (the author of an
    /// answered clarification gets their own message).
    pub except_user_id: Option<Uuid>,
    /// The in-app notification text.
    pub message: String,
    /// Makes a scheduled announcement unique (one reminder per round).
    pub dedup_key: Option<String>,
    pub created_at: ChronoDateTimeUtc,
    /// The last recipient (user id) already written; recipients go by id.
    pub cursor: Option<Uuid>,
    pub done_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
