//! Indexes for a national data set (10 000 consultations, 50 000
//! companies, a million contributions), each for a read its query plan
//! showed scanning:
//! - open consultations, one side of what a company sees (the other side
//!   uses `ix_consultations_targeting`);
//! - an agent's or a buyer's consultations most recently changed first, the
//!   order of their lists, so that a page of an agent with a thousand stops
//!   after its rows (they replace the indexes on the owner and the buyer
//!   alone, their prefixes);
//! - a person's unread notifications per consultation (the activity of
//!   every consultation list, and the unread count), answered from the
//!   index alone;
//! - a consultation's contributions in the order lists read them (oldest
//!   first), so that a page stops after its rows instead of sorting
//!   thousands; it replaces the index on (consultation, round), whose
//!   consultation prefix it keeps;
//! - a consultation's active contributions by what the synthesis and the
//!   activity counts group on, so that both are read from the index alone
//!   instead of looking up thousands of rows.

use sea_orm_migration::prelude::*;

use crate::columns::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Visibility,
    OwnerId,
    BuyerId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    UserId,
    ReadAt,
    ConsultationId,
}

#[derive(DeriveIden)]
enum Contributions {
    Table,
    ConsultationId,
    Round,
    CreatedAt,
    Id,
    Status,
    TargetKind,
    TargetId,
    Kind,
    CostDirection,
    Decision,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        index(
            manager,
            "ix_consultations_visibility",
            Consultations::Table,
            vec![Consultations::Visibility.into_iden()],
            false,
        )
        .await?;
        for (name, replaced, person) in [
            (
                "ix_consultations_owner_recent",
                "ix_consultations_owner",
                Consultations::OwnerId,
            ),
            (
                "ix_consultations_buyer_recent",
                "ix_consultations_buyer",
                Consultations::BuyerId,
            ),
        ] {
            index(
                manager,
                name,
                Consultations::Table,
                vec![person.into_iden(), Consultations::UpdatedAt.into_iden()],
                false,
            )
            .await?;
            manager
                .drop_index(
                    Index::drop()
                        .name(replaced)
                        .table(Consultations::Table)
                        .to_owned(),
                )
                .await?;
        }
        index(
            manager,
            "ix_notifications_user_unread",
            Notifications::Table,
            vec![
                Notifications::UserId.into_iden(),
                Notifications::ReadAt.into_iden(),
                Notifications::ConsultationId.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "ix_contributions_reading_order",
            Contributions::Table,
            vec![
                Contributions::ConsultationId.into_iden(),
                Contributions::CreatedAt.into_iden(),
                Contributions::Id.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "ix_contributions_synthesis",
            Contributions::Table,
            vec![
                Contributions::ConsultationId.into_iden(),
                Contributions::Status.into_iden(),
                Contributions::Round.into_iden(),
                Contributions::TargetKind.into_iden(),
                Contributions::TargetId.into_iden(),
                Contributions::Kind.into_iden(),
                Contributions::CostDirection.into_iden(),
                Contributions::Decision.into_iden(),
            ],
            false,
        )
        .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_contributions_consultation_round")
                    .table(Contributions::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        index(
            manager,
            "ix_contributions_consultation_round",
            Contributions::Table,
            vec![
                Contributions::ConsultationId.into_iden(),
                Contributions::Round.into_iden(),
            ],
            false,
        )
        .await?;
        for (replaced, person) in [
            ("ix_consultations_owner", Consultations::OwnerId),
            ("ix_consultations_buyer", Consultations::BuyerId),
        ] {
            index(
                manager,
                replaced,
                Consultations::Table,
                vec![person.into_iden()],
                false,
            )
            .await?;
        }
        for (name, table) in [
            (
                "ix_contributions_synthesis",
                Contributions::Table.into_iden(),
            ),
            (
                "ix_contributions_reading_order",
                Contributions::Table.into_iden(),
            ),
            (
                "ix_notifications_user_unread",
                Notifications::Table.into_iden(),
            ),
            (
                "ix_consultations_buyer_recent",
                Consultations::Table.into_iden(),
            ),
            (
                "ix_consultations_owner_recent",
                Consultations::Table.into_iden(),
            ),
            (
                "ix_consultations_visibility",
                Consultations::Table.into_iden(),
            ),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
