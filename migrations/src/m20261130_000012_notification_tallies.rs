//! A person's notifications, paginated at the cost of their page:
//! - `notification_tallies`, one row per person: notifications received,
//!   and unread. Counted from the notifications, the unread count of the
//!   header, asked on every page change, read as many index entries as the
//!   person had unread notifications (2 000 for a national company);
//! - `ix_notifications_user_page`, the reading order (newest first, then
//!   by id: a fan-out writes many at the same instant) ending with the id,
//!   so that a page is read from the index in order, never sorted.
//!
//! Kept by triggers (see `tallies`). On PostgreSQL, the row of a person is
//! locked by every transaction that notifies them or marks their
//! notifications read: transactions notify once, their recipients in id
//! order, so two of them always lock rows in the same order.

use sea_orm_migration::prelude::*;

use crate::columns::{drop_index, index};
use crate::tallies::{Key, Tally};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    UserId,
    CreatedAt,
    Id,
}

const TALLY: Tally = Tally {
    table: "notification_tallies",
    counted: "notifications",
    key: &[("user_id", Key::Uuid)],
    parent: Some(("user_id", "users")),
    counters: &[("received", "TRUE"), ("unread", "{r}.read_at IS NULL")],
};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        TALLY.create_all(manager).await?;
        index(
            manager,
            "ix_notifications_user_page",
            Notifications::Table,
            vec![
                Notifications::UserId.into_iden(),
                Notifications::CreatedAt.into_iden(),
                Notifications::Id.into_iden(),
            ],
            false,
        )
        .await?;
        drop_index(manager, "ix_notifications_user", Notifications::Table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        index(
            manager,
            "ix_notifications_user",
            Notifications::Table,
            vec![
                Notifications::UserId.into_iden(),
                Notifications::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;
        drop_index(manager, "ix_notifications_user_page", Notifications::Table).await?;
        TALLY.drop_all(manager).await
    }
}
