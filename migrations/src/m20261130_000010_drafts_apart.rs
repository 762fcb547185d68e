//! `consultation_drafts`: the working draft of each consultation's CCTP,
//! moved out of `consultations`. The draft is up to a megabyte of JSON and
//! only its editor and the opening of a round read it, yet on SQLite it
//! filled the consultation's row: every list, count or search read a page
//! or two per consultation. Without it, a consultation's row is a few
//! hundred bytes and ten thousand of them fit in a few hundred pages.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::columns::{add_column, drop_column, fk, run_all, text, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsultationDrafts {
    Table,
    ConsultationId,
    Content,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
    Draft,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConsultationDrafts::Table)
                    .col(uuid_col(ConsultationDrafts::ConsultationId).primary_key())
                    .col(text(ConsultationDrafts::Content))
                    .foreign_key(&mut fk(
                        ConsultationDrafts::Table,
                        ConsultationDrafts::ConsultationId,
                        Consultations::Table,
                        Consultations::Id,
                    ))
                    .take(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(ConsultationDrafts::Table)
                    .columns([
                        ConsultationDrafts::ConsultationId,
                        ConsultationDrafts::Content,
                    ])
                    .select_from(
                        Query::select()
                            .columns([Consultations::Id, Consultations::Draft])
                            .from(Consultations::Table)
                            .take(),
                    )
                    .map_err(|e| DbErr::Migration(e.to_string()))?
                    .take(),
            )
            .await?;
        drop_column(manager, Consultations::Table, Consultations::Draft).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            Consultations::Table,
            text(Consultations::Draft).default(""),
        )
        .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Consultations::Table)
                    .value(
                        Consultations::Draft,
                        Expr::expr(
                            Query::select()
                                .column(ConsultationDrafts::Content)
                                .from(ConsultationDrafts::Table)
                                .and_where(
                                    Expr::col((
                                        ConsultationDrafts::Table,
                                        ConsultationDrafts::ConsultationId,
                                    ))
                                    .equals((Consultations::Table, Consultations::Id)),
                                )
                                .take(),
                        ),
                    )
                    .take(),
            )
            .await?;
        // The default only filled the rows there were; the column had none.
        // SQLite cannot drop a column's default but by copying the table.
        if manager.get_database_backend() != DatabaseBackend::Sqlite {
            run_all(
                manager,
                vec!["ALTER TABLE consultations ALTER COLUMN draft DROP DEFAULT".into()],
            )
            .await?;
        }
        manager
            .drop_table(Table::drop().table(ConsultationDrafts::Table).take())
            .await
    }
}
