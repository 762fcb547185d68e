use sea_orm::entity::prelude::*;

/// The working draft of a consultation's CCTP, kept apart from the
/// consultation: up to a megabyte of JSON that only its editor and the
/// opening of a round read.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultation_drafts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub consultation_id: Uuid,
    /// As JSON.
    pub content: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
