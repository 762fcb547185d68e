//! The guards of a fair dialogue.
//!
//! - `replies.audience`: every reply says who reads it, `public` (every
//!   company that sees the contribution) or `author`; the replies written
//!   before were all public.
//! - `notices`: information the agent gives every company at once,
//!   optionally about one clause.
//! - `revision_provenances`: which contributions a frozen revision takes
//!   its new wording from, computed once per revision like its diff.
//! - `fairness_acknowledgements`: the agent's comment on the warnings of the
//!   tailored-specification detector, required before the publication request.
//! - `events.action` and `announcements.kind` accept the new values. The
//!   former is guarded by triggers (SQLite) or a named constraint, which are
//!   replaced; the latter by a CHECK written into the table, which SQLite
//!   cannot alter, so there the table (a queue without foreign keys) is
//!   rebuilt with the same rows.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

use crate::columns::{
    add_column, at, drop_column, fk, index, nullable_at, run_all, short, text, uuid_col,
};
use crate::m20261129_000003_enumeration_checks as checks;

#[derive(DeriveMigrationName)]
pub struct Migration;

pub const REPLY_AUDIENCES: &[&str] = &["public", "author"];

/// The audit trail's actions, as of this migration.
pub const EVENT_ACTIONS: &[&str] = &[
    "consultation_created",
    "consultation_updated",
    "consultation_abandoned",
    "draft_saved",
    "round_opened",
    "round_closed",
    "contribution_created",
    "contribution_edited",
    "contribution_withdrawn",
    "reply_posted",
    "decision_made",
    "publication_requested",
    "publication_approved",
    "changes_requested",
    "notice_published",
    "deadline_extended",
    "fairness_acknowledged",
    "identity_disclosure_refused",
];

/// What a whole audience hears, as of this migration.
pub const ANNOUNCEMENT_KINDS: &[&str] = &[
    "round_opened",
    "round_closed_early",
    "round_closing_soon",
    "clarification_answered",
    "consultation_published",
    "notice_published",
    "deadline_extended",
];

const OLD_ANNOUNCEMENT_KINDS: &[&str] = &[
    "round_opened",
    "round_closed_early",
    "round_closing_soon",
    "clarification_answered",
    "consultation_published",
];

#[derive(DeriveIden)]
enum Replies {
    Table,
    Audience,
}

#[derive(DeriveIden)]
enum Notices {
    Table,
    Id,
    ConsultationId,
    Round,
    ClauseId,
    Body,
    AuthorId,
    PublishedAt,
}

#[derive(DeriveIden)]
enum RevisionProvenances {
    Table,
    ConsultationId,
    Revision,
    Content,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FairnessAcknowledgements {
    Table,
    Id,
    ConsultationId,
    AuthorId,
    Comment,
    Warnings,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Announcements {
    Id,
    Kind,
    ConsultationId,
    RoundNumber,
    ContributionId,
    ExceptUserId,
    Message,
    DedupKey,
    CreatedAt,
    Cursor,
    DoneAt,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

fn one_of(column: ColumnDef, name: &str, values: &[&str]) -> ColumnDef {
    column
        .clone()
        .check(Expr::col(Alias::new(name)).is_in(values.iter().copied()))
        .take()
}

/// The announcements table as 000005 made it, with `kinds` allowed.
fn announcements(table: &str, kinds: &[&str]) -> TableCreateStatement {
    Table::create()
        .table(Alias::new(table))
        .col(uuid_col(Announcements::Id).primary_key())
        .col(one_of(short(Announcements::Kind), "kind", kinds))
        .col(uuid_col(Announcements::ConsultationId))
        .col(ColumnDef::new(Announcements::RoundNumber).integer().null())
        .col(ColumnDef::new(Announcements::ContributionId).uuid().null())
        .col(ColumnDef::new(Announcements::ExceptUserId).uuid().null())
        .col(text(Announcements::Message))
        .col(
            ColumnDef::new(Announcements::DedupKey)
                .string_len(100)
                .null(),
        )
        .col(at(Announcements::CreatedAt))
        .col(ColumnDef::new(Announcements::Cursor).uuid().null())
        .col(nullable_at(Announcements::DoneAt))
        .take()
}

async fn allow_announcement_kinds(
    manager: &SchemaManager<'_>,
    kinds: &[&str],
) -> Result<(), DbErr> {
    if manager.get_database_backend() != DatabaseBackend::Sqlite {
        // 000005 wrote the CHECK unnamed: PostgreSQL called it this.
        let mut statements = vec![
            "ALTER TABLE announcements DROP CONSTRAINT IF EXISTS announcements_kind_check".into(),
        ];
        statements.extend(checks::postgres_down("announcements", "kind"));
        statements.extend(checks::postgres_up("announcements", "kind", kinds));
        return together(manager, statements).await;
    }
    let builder = SqliteQueryBuilder;
    together(
        manager,
        vec![
            announcements("announcements_next", kinds).to_string(builder),
            "INSERT INTO announcements_next SELECT id, kind, consultation_id, round_number, contribution_id, except_user_id, message, dedup_key, created_at, cursor, done_at FROM announcements".into(),
            "DROP TABLE announcements".into(),
            "ALTER TABLE announcements_next RENAME TO announcements".into(),
            // The indexes of 000005, dropped with the old table.
            "CREATE UNIQUE INDEX uq_announcements_dedup_key ON announcements (dedup_key)".into(),
            "CREATE INDEX ix_announcements_done_at ON announcements (done_at)".into(),
        ],
    )
    .await
}

async fn allow_event_actions(manager: &SchemaManager<'_>, actions: &[&str]) -> Result<(), DbErr> {
    let (down, up) = match manager.get_database_backend() {
        DatabaseBackend::Sqlite => (
            checks::sqlite_down("events", "action"),
            checks::sqlite_up("events", "action", actions),
        ),
        _ => (
            checks::postgres_down("events", "action"),
            checks::postgres_up("events", "action", actions),
        ),
    };
    together(manager, down.into_iter().chain(up).collect()).await
}

/// Statements that must see each other's effect, sent as one batch: on
/// SQLite each statement of the pool may otherwise run on another
/// connection, still reading the schema as it was.
async fn together(manager: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    manager
        .get_connection()
        .execute_unprepared(&statements.join(";\n"))
        .await
        .map(|_| ())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            Replies::Table,
            one_of(
                ColumnDef::new(Replies::Audience)
                    .string_len(32)
                    .not_null()
                    .default("public")
                    .take(),
                "audience",
                REPLY_AUDIENCES,
            ),
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Notices::Table)
                    .col(uuid_col(Notices::Id).primary_key())
                    .col(uuid_col(Notices::ConsultationId))
                    .col(ColumnDef::new(Notices::Round).integer().not_null())
                    .col(ColumnDef::new(Notices::ClauseId).uuid().null())
                    .col(text(Notices::Body))
                    .col(uuid_col(Notices::AuthorId))
                    .col(at(Notices::PublishedAt))
                    .foreign_key(&mut fk(
                        Notices::Table,
                        Notices::ConsultationId,
                        Consultations::Table,
                        Consultations::Id,
                    ))
                    .foreign_key(&mut fk(
                        Notices::Table,
                        Notices::AuthorId,
                        Users::Table,
                        Users::Id,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "ix_notices_consultation_published",
            Notices::Table,
            vec![
                Notices::ConsultationId.into_iden(),
                Notices::PublishedAt.into_iden(),
            ],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(RevisionProvenances::Table)
                    .col(uuid_col(RevisionProvenances::ConsultationId))
                    .col(
                        ColumnDef::new(RevisionProvenances::Revision)
                            .integer()
                            .not_null(),
                    )
                    .col(text(RevisionProvenances::Content))
                    .col(at(RevisionProvenances::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(RevisionProvenances::ConsultationId)
                            .col(RevisionProvenances::Revision),
                    )
                    .foreign_key(&mut fk(
                        RevisionProvenances::Table,
                        RevisionProvenances::ConsultationId,
                        Consultations::Table,
                        Consultations::Id,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FairnessAcknowledgements::Table)
                    .col(uuid_col(FairnessAcknowledgements::Id).primary_key())
                    .col(uuid_col(FairnessAcknowledgements::ConsultationId))
                    .col(uuid_col(FairnessAcknowledgements::AuthorId))
                    .col(text(FairnessAcknowledgements::Comment))
                    .col(text(FairnessAcknowledgements::Warnings))
                    .col(at(FairnessAcknowledgements::CreatedAt))
                    .foreign_key(&mut fk(
                        FairnessAcknowledgements::Table,
                        FairnessAcknowledgements::ConsultationId,
                        Consultations::Table,
                        Consultations::Id,
                    ))
                    .foreign_key(&mut fk(
                        FairnessAcknowledgements::Table,
                        FairnessAcknowledgements::AuthorId,
                        Users::Table,
                        Users::Id,
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "ix_fairness_acknowledgements_consultation",
            FairnessAcknowledgements::Table,
            vec![
                FairnessAcknowledgements::ConsultationId.into_iden(),
                FairnessAcknowledgements::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;
        allow_event_actions(manager, EVENT_ACTIONS).await?;
        allow_announcement_kinds(manager, ANNOUNCEMENT_KINDS).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        allow_announcement_kinds(manager, OLD_ANNOUNCEMENT_KINDS).await?;
        if manager.get_database_backend() != DatabaseBackend::Sqlite {
            // Back to the name PostgreSQL gave 000005's unnamed CHECK.
            run_all(
                manager,
                vec![
                    "ALTER TABLE announcements RENAME CONSTRAINT ck_announcements_kind \
                     TO announcements_kind_check"
                        .into(),
                ],
            )
            .await?;
        }
        let old_actions: Vec<&str> = EVENT_ACTIONS
            .iter()
            .copied()
            .filter(|a| {
                !matches!(
                    *a,
                    "notice_published"
                        | "deadline_extended"
                        | "fairness_acknowledged"
                        | "identity_disclosure_refused"
                )
            })
            .collect();
        allow_event_actions(manager, &old_actions).await?;
        for table in [
            FairnessAcknowledgements::Table.into_iden(),
            RevisionProvenances::Table.into_iden(),
            Notices::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        drop_column(manager, Replies::Table, Replies::Audience).await
    }
}
