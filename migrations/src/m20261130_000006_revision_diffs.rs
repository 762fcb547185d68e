//! `revision_diffs`: what changed between two frozen revisions, computed
//! once (a word-level comparison of two large CCTPs takes up to seconds)
//! and read by everyone after. Frozen revisions never change, so neither
//! does their difference; every instance shares the stored one.

use sea_orm_migration::prelude::*;

use crate::columns::{at, fk, text, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RevisionDiffs {
    Table,
    ConsultationId,
    FromRevision,
    ToRevision,
    Content,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RevisionDiffs::Table)
                    .col(uuid_col(RevisionDiffs::ConsultationId))
                    .col(
                        ColumnDef::new(RevisionDiffs::FromRevision)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RevisionDiffs::ToRevision)
                            .integer()
                            .not_null(),
                    )
                    .col(text(RevisionDiffs::Content))
                    .col(at(RevisionDiffs::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(RevisionDiffs::ConsultationId)
                            .col(RevisionDiffs::FromRevision)
                            .col(RevisionDiffs::ToRevision),
                    )
                    .foreign_key(&mut fk(
                        RevisionDiffs::Table,
                        RevisionDiffs::ConsultationId,
                        Consultations::Table,
                        Consultations::Id,
                    ))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RevisionDiffs::Table).take())
            .await
    }
}
