//! Two facts the dialogue now keeps:
//! - `contributions.answered_at`: when the owner agent first replied. From
//!   then on (or once decided) the author may no longer rewrite or withdraw
//!   it, so that an answer is never read under a different question.
//! - `rounds.for_publication`: a revision the agent submitted for publication
//!   without a contribution window (after the buyer asked for changes).
//! - `notifications.contribution_id`: the contribution a notification is
//!   about, so that following it leads there rather than to the page top.
//!
//! Existing contributions the owner already replied to are marked answered.

use sea_orm_migration::prelude::*;

use crate::columns::{add_column, drop_column, nullable_at};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Contributions {
    Table,
    AnsweredAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    ContributionId,
}

#[derive(DeriveIden)]
enum Rounds {
    Table,
    ForPublication,
}

const BACKFILL: &str = "UPDATE contributions SET answered_at = (\
    SELECT MIN(r.created_at) FROM replies r JOIN consultations c ON c.id = contributions.consultation_id \
    WHERE r.contribution_id = contributions.id AND r.author_id = c.owner_id)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            Contributions::Table,
            nullable_at(Contributions::AnsweredAt),
        )
        .await?;
        manager
            .get_connection()
            .execute_unprepared(BACKFILL)
            .await?;
        add_column(
            manager,
            Rounds::Table,
            ColumnDef::new(Rounds::ForPublication)
                .boolean()
                .not_null()
                .default(false),
        )
        .await?;
        add_column(
            manager,
            Notifications::Table,
            ColumnDef::new(Notifications::ContributionId).uuid().null(),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, Notifications::Table, Notifications::ContributionId).await?;
        drop_column(manager, Rounds::Table, Rounds::ForPublication).await?;
        drop_column(manager, Contributions::Table, Contributions::AnsweredAt).await
    }
}
