//! Whether a consultation has an open round, on its own row: a list
//! filtered "en dialogue" (or "entre deux tours") tested it by a lookup in
//! the rounds of each consultation it counts: 1 116 lookups, 2.6 ms of the
//! 3.7 that PostgreSQL took for the national bench's company. The column
//! `open_round_until` holds the latest deadline of its rounds not closed
//! early (NULL if none): a round is open now exactly when that deadline is
//! still ahead. Each listing index holds it after the phase, so that the
//! filter is tested on the index entry.
//!
//! Kept by triggers on `rounds`, so that no path that writes rounds can
//! forget it. Rounds are deleted only with their consultation.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::columns::{add_column, drop_column, nullable_at, run_all};
use crate::listing::{Consultations, rebuild_listing_indexes};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The deadline of `consultation`'s open rounds, from its rounds.
const OPEN_ROUND_UNTIL: &str = "(SELECT MAX(closes_at) FROM rounds \
     WHERE rounds.consultation_id = {consultation} AND rounds.closed_early_at IS NULL)";

/// Sets the column of the consultation of the round `NEW`.
fn follow_new_round() -> String {
    format!(
        "UPDATE consultations SET open_round_until = {} WHERE id = NEW.consultation_id",
        OPEN_ROUND_UNTIL.replace("{consultation}", "NEW.consultation_id")
    )
}

fn triggers(backend: DatabaseBackend) -> Vec<String> {
    let follow = follow_new_round();
    match backend {
        DatabaseBackend::Sqlite => vec![
            format!(
                "CREATE TRIGGER consultations_open_round_insert AFTER INSERT ON rounds \
                 BEGIN {follow}; END"
            ),
            format!(
                "CREATE TRIGGER consultations_open_round_update \
                 AFTER UPDATE OF closes_at, closed_early_at ON rounds BEGIN {follow}; END"
            ),
        ],
        _ => vec![
            format!(
                "CREATE FUNCTION consultations_open_round() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN {follow}; RETURN NULL; END $$"
            ),
            "CREATE TRIGGER consultations_open_round \
             AFTER INSERT OR UPDATE OF closes_at, closed_early_at ON rounds \
             FOR EACH ROW EXECUTE FUNCTION consultations_open_round()"
                .to_owned(),
        ],
    }
}

fn drop_triggers(backend: DatabaseBackend) -> Vec<String> {
    match backend {
        DatabaseBackend::Sqlite => ["insert", "update"]
            .map(|event| format!("DROP TRIGGER IF EXISTS consultations_open_round_{event}"))
            .into(),
        _ => vec![
            "DROP TRIGGER IF EXISTS consultations_open_round ON rounds".to_owned(),
            "DROP FUNCTION IF EXISTS consultations_open_round()".to_owned(),
        ],
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            Consultations::Table,
            nullable_at(Consultations::OpenRoundUntil),
        )
        .await?;
        let backend = manager.get_database_backend();
        let backfill = format!(
            "UPDATE consultations SET open_round_until = {}",
            OPEN_ROUND_UNTIL.replace("{consultation}", "consultations.id")
        );
        let mut statements = vec![backfill];
        statements.extend(triggers(backend));
        run_all(manager, statements).await?;
        rebuild_listing_indexes(manager, &[Consultations::OpenRoundUntil]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild_listing_indexes(manager, &[]).await?;
        run_all(manager, drop_triggers(manager.get_database_backend())).await?;
        drop_column(manager, Consultations::Table, Consultations::OpenRoundUntil).await
    }
}
