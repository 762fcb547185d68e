//! The dialogue: consultations with their working draft, frozen revisions
//! (one per round), pseudonymous participants, contributions, replies,
//! the append-only event log and notifications.

use sea_orm_migration::prelude::*;

use crate::columns::{at, fk, index, nullable_at, short, text, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
    Title,
    Summary,
    CpvCode,
    CpvDivision,
    Departement,
    Visibility,
    Phase,
    OwnerId,
    BuyerId,
    Draft,
    DraftVersion,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Id,
    ConsultationId,
    Number,
    Content,
    Changelog,
    OpenedAt,
    ClosesAt,
    ClosedEarlyAt,
}

#[derive(DeriveIden)]
enum Participants {
    Table,
    ConsultationId,
    CompanyUserId,
    PseudonymIndex,
}

#[derive(DeriveIden)]
enum Contributions {
    Table,
    Id,
    ConsultationId,
    Round,
    AuthorId,
    TargetKind,
    TargetId,
    Kind,
    Body,
    Justification,
    CostDirection,
    ProposedText,
    ProposedWeight,
    Confidential,
    Status,
    Decision,
    DecisionRationale,
    DecisionRound,
    DecidedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Replies {
    Table,
    Id,
    ContributionId,
    AuthorId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    ConsultationId,
    ActorId,
    Action,
    Detail,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    ConsultationId,
    Message,
    ReadAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One schema step, table after table in dependency order: released, so
        // it is read, never split or edited (changes go into new migrations).
        manager
            .create_table(
                Table::create()
                    .table(Consultations::Table)
                    .col(uuid_col(Consultations::Id).primary_key())
                    .col(
                        ColumnDef::new(Consultations::Title)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(text(Consultations::Summary))
                    .col(
                        ColumnDef::new(Consultations::CpvCode)
                            .string_len(10)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Consultations::CpvDivision)
                            .string_len(2)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Consultations::Departement)
                            .string_len(3)
                            .not_null(),
                    )
                    .col(short(Consultations::Visibility))
                    .col(short(Consultations::Phase))
                    .col(uuid_col(Consultations::OwnerId))
                    .col(uuid_col(Consultations::BuyerId))
                    .col(text(Consultations::Draft))
                    .col(
                        ColumnDef::new(Consultations::DraftVersion)
                            .big_integer()
                            .not_null(),
                    )
                    .col(at(Consultations::CreatedAt))
                    .col(at(Consultations::UpdatedAt))
                    .foreign_key(&mut fk(
                        Consultations::Table,
                        Consultations::OwnerId,
                        Users::Table,
                        Users::Id,
                    ))
                    .foreign_key(&mut fk(
                        Consultations::Table,
                        Consultations::BuyerId,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_consultations_owner",
            Consultations::Table,
            vec![Consultations::OwnerId.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "ix_consultations_buyer",
            Consultations::Table,
            vec![Consultations::BuyerId.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "ix_consultations_targeting",
            Consultations::Table,
            vec![
                Consultations::CpvDivision.into_iden(),
                Consultations::Departement.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Rounds::Table)
                    .col(uuid_col(Rounds::Id).primary_key())
                    .col(uuid_col(Rounds::ConsultationId))
                    .col(ColumnDef::new(Rounds::Number).integer().not_null())
                    .col(text(Rounds::Content))
                    .col(text(Rounds::Changelog))
                    .col(at(Rounds::OpenedAt))
                    .col(at(Rounds::ClosesAt))
                    .col(nullable_at(Rounds::ClosedEarlyAt))
                    .foreign_key(&mut fk(
                        Rounds::Table,
                        Rounds::ConsultationId,
                        Consultations::Table,
                        Consultations::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_rounds_consultation_number",
            Rounds::Table,
            vec![
                Rounds::ConsultationId.into_iden(),
                Rounds::Number.into_iden(),
            ],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Participants::Table)
                    .col(uuid_col(Participants::ConsultationId))
                    .col(uuid_col(Participants::CompanyUserId))
                    .col(
                        ColumnDef::new(Participants::PseudonymIndex)
                            .integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(Participants::ConsultationId)
                            .col(Participants::CompanyUserId),
                    )
                    .foreign_key(&mut fk(
                        Participants::Table,
                        Participants::ConsultationId,
                        Consultations::Table,
                        Consultations::Id,
                    ))
                    .foreign_key(&mut fk(
                        Participants::Table,
                        Participants::CompanyUserId,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_participants_pseudonym",
            Participants::Table,
            vec![
                Participants::ConsultationId.into_iden(),
                Participants::PseudonymIndex.into_iden(),
            ],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Contributions::Table)
                    .col(uuid_col(Contributions::Id).primary_key())
                    .col(uuid_col(Contributions::ConsultationId))
                    .col(ColumnDef::new(Contributions::Round).integer().not_null())
                    .col(uuid_col(Contributions::AuthorId))
                    .col(short(Contributions::TargetKind))
                    .col(ColumnDef::new(Contributions::TargetId).uuid().null())
                    .col(short(Contributions::Kind))
                    .col(text(Contributions::Body))
                    .col(text(Contributions::Justification))
                    .col(
                        ColumnDef::new(Contributions::CostDirection)
                            .string_len(32)
                            .null(),
                    )
                    .col(ColumnDef::new(Contributions::ProposedText).text().null())
                    .col(
                        ColumnDef::new(Contributions::ProposedWeight)
                            .integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Contributions::Confidential)
                            .boolean()
                            .not_null(),
                    )
                    .col(short(Contributions::Status))
                    .col(
                        ColumnDef::new(Contributions::Decision)
                            .string_len(32)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Contributions::DecisionRationale)
                            .text()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Contributions::DecisionRound)
                            .integer()
                            .null(),
                    )
                    .col(nullable_at(Contributions::DecidedAt))
                    .col(at(Contributions::CreatedAt))
                    .col(at(Contributions::UpdatedAt))
                    .foreign_key(&mut fk(
                        Contributions::Table,
                        Contributions::ConsultationId,
                        Consultations::Table,
                        Consultations::Id,
                    ))
                    .foreign_key(&mut fk(
                        Contributions::Table,
                        Contributions::AuthorId,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
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

        manager
            .create_table(
                Table::create()
                    .table(Replies::Table)
                    .col(uuid_col(Replies::Id).primary_key())
                    .col(uuid_col(Replies::ContributionId))
                    .col(uuid_col(Replies::AuthorId))
                    .col(text(Replies::Body))
                    .col(at(Replies::CreatedAt))
                    .foreign_key(&mut fk(
                        Replies::Table,
                        Replies::ContributionId,
                        Contributions::Table,
                        Contributions::Id,
                    ))
                    .foreign_key(&mut fk(
                        Replies::Table,
                        Replies::AuthorId,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_replies_contribution",
            Replies::Table,
            vec![Replies::ContributionId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(uuid_col(Events::Id).primary_key())
                    .col(uuid_col(Events::ConsultationId))
                    .col(uuid_col(Events::ActorId))
                    .col(ColumnDef::new(Events::Action).string_len(64).not_null())
                    .col(text(Events::Detail))
                    .col(at(Events::CreatedAt))
                    .foreign_key(&mut fk(
                        Events::Table,
                        Events::ConsultationId,
                        Consultations::Table,
                        Consultations::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_events_consultation",
            Events::Table,
            vec![
                Events::ConsultationId.into_iden(),
                Events::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(uuid_col(Notifications::Id).primary_key())
                    .col(uuid_col(Notifications::UserId))
                    .col(uuid_col(Notifications::ConsultationId))
                    .col(text(Notifications::Message))
                    .col(nullable_at(Notifications::ReadAt))
                    .col(at(Notifications::CreatedAt))
                    .foreign_key(&mut fk(
                        Notifications::Table,
                        Notifications::UserId,
                        Users::Table,
                        Users::Id,
                    ))
                    .foreign_key(&mut fk(
                        Notifications::Table,
                        Notifications::ConsultationId,
                        Consultations::Table,
                        Consultations::Id,
                    ))
                    .to_owned(),
            )
            .await?;
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
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Notifications::Table.into_iden(),
            Events::Table.into_iden(),
            Replies::Table.into_iden(),
            Contributions::Table.into_iden(),
            Participants::Table.into_iden(),
            Rounds::Table.into_iden(),
            Consultations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
