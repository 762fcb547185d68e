//! `consultation_tallies`: how many contributions each consultation holds,
//! kept by the database: written (withdrawn included), active, active and
//! awaiting a decision, active and public (not confidential).
//!
//! Staff lists show the active and undecided ones for every consultation of
//! a page. Counted from the contributions, a page of twenty consultations
//! read every index entry of their contributions (2 200 of them on the
//! national data set, 0.9 ms), so a list cost more as the dialogue grew.
//! Likewise the total of a consultation's contributions list, which counted
//! the 5 000 a company may read. Read from here, each costs one row per
//! consultation whatever its size.
//!
//! Triggers keep the tally, so no path that writes contributions (the API,
//! a bulk load, a manual fix) can forget it; the tally changes in the
//! transaction of the contribution, under the consultation's lock every
//! contribution write already takes, so it is exact under concurrency. A
//! consultation without a row has no active contribution.
//!
//! SQLite gets three triggers; PostgreSQL one row trigger calling a
//! function. Both compute the same thing: the counters of the new row minus
//! those of the old one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::columns::{fk, run_all, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsultationTallies {
    Table,
    ConsultationId,
    Written,
    Active,
    Undecided,
    Public,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
}

/// What each counter counts, as a condition on a contribution row (`{r}`
/// is `NEW` or `OLD`): (column, condition).
const COUNTERS: [(&str, &str); 4] = [
    ("written", "TRUE"),
    ("active", "{r}.status = 'active'"),
    (
        "undecided",
        "{r}.status = 'active' AND {r}.decision IS NULL",
    ),
    ("public", "{r}.status = 'active' AND NOT {r}.confidential"),
];

/// 1 or 0: whether the row `r` counts in `counter`'s condition.
fn counts(condition: &str, r: &str, backend: DatabaseBackend) -> String {
    let condition = condition.replace("{r}", r);
    match backend {
        DatabaseBackend::Sqlite => format!("({condition})"),
        _ => format!("({condition})::int"),
    }
}

/// `INSERT … ON CONFLICT DO UPDATE` adding to the tally of `NEW`'s
/// consultation what `value(condition)` gives for each counter.
fn add(backend: DatabaseBackend, value: impl Fn(&str) -> String) -> String {
    let columns = COUNTERS.map(|(column, _)| column).join(", ");
    let values = COUNTERS.map(|(_, condition)| value(condition)).join(", ");
    let sums = COUNTERS
        .map(|(column, _)| format!("{column} = tally.{column} + excluded.{column}"))
        .join(", ");
    let alias = match backend {
        DatabaseBackend::Sqlite => "",
        _ => " AS tally",
    };
    // SQLite names the row being updated by its table, PostgreSQL by an alias.
    let sums = match backend {
        DatabaseBackend::Sqlite => sums.replace("tally.", "consultation_tallies."),
        _ => sums,
    };
    format!(
        "INSERT INTO consultation_tallies{alias} (consultation_id, {columns}) \
         VALUES (NEW.consultation_id, {values}) \
         ON CONFLICT (consultation_id) DO UPDATE SET {sums}"
    )
}

/// Taking away what `OLD` counted. An `UPDATE` only: when a deleted
/// consultation takes its contributions with it, its tally goes too.
fn subtract(backend: DatabaseBackend) -> String {
    let changes = COUNTERS
        .map(|(column, condition)| {
            format!(
                "{column} = {column} - {}",
                counts(condition, "OLD", backend)
            )
        })
        .join(", ");
    format!("UPDATE consultation_tallies SET {changes} WHERE consultation_id = OLD.consultation_id")
}

fn sqlite_triggers() -> Vec<String> {
    let b = DatabaseBackend::Sqlite;
    let inserted = add(b, |c| counts(c, "NEW", b));
    let updated = add(b, |c| {
        format!("{} - {}", counts(c, "NEW", b), counts(c, "OLD", b))
    });
    vec![
        format!(
            "CREATE TRIGGER tally_contribution_insert AFTER INSERT ON contributions BEGIN {inserted}; END"
        ),
        format!(
            "CREATE TRIGGER tally_contribution_update AFTER UPDATE OF status, decision ON contributions BEGIN {updated}; END"
        ),
        format!(
            "CREATE TRIGGER tally_contribution_delete AFTER DELETE ON contributions BEGIN {}; END",
            subtract(b)
        ),
    ]
}

fn postgres_trigger() -> Vec<String> {
    let b = DatabaseBackend::Postgres;
    let inserted = add(b, |c| counts(c, "NEW", b));
    let updated = add(b, |c| {
        format!("{} - {}", counts(c, "NEW", b), counts(c, "OLD", b))
    });
    vec![
        format!(
            "CREATE FUNCTION tally_contribution() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN \
               IF TG_OP = 'INSERT' THEN {inserted}; \
               ELSIF TG_OP = 'UPDATE' THEN {updated}; \
               ELSE {}; \
               END IF; \
               RETURN NULL; \
             END $$",
            subtract(b)
        ),
        "CREATE TRIGGER tally_contribution AFTER INSERT OR DELETE OR UPDATE OF status, decision \
         ON contributions FOR EACH ROW EXECUTE FUNCTION tally_contribution()"
            .into(),
    ]
}

/// The tallies of the contributions already there.
fn backfill(backend: DatabaseBackend) -> String {
    let columns = COUNTERS.map(|(column, _)| column).join(", ");
    let sums = COUNTERS
        .map(|(_, condition)| {
            let one = counts(condition, "contributions", backend);
            format!("SUM({one})")
        })
        .join(", ");
    format!(
        "INSERT INTO consultation_tallies (consultation_id, {columns}) \
         SELECT consultation_id, {sums} FROM contributions GROUP BY consultation_id"
    )
}

fn counter(column: ConsultationTallies) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConsultationTallies::Table)
                    .col(uuid_col(ConsultationTallies::ConsultationId).primary_key())
                    .col(counter(ConsultationTallies::Written))
                    .col(counter(ConsultationTallies::Active))
                    .col(counter(ConsultationTallies::Undecided))
                    .col(counter(ConsultationTallies::Public))
                    .foreign_key(&mut fk(
                        ConsultationTallies::Table,
                        ConsultationTallies::ConsultationId,
                        Consultations::Table,
                        Consultations::Id,
                    ))
                    .take(),
            )
            .await?;
        let backend = manager.get_database_backend();
        let mut statements = vec![backfill(backend)];
        statements.extend(match backend {
            DatabaseBackend::Sqlite => sqlite_triggers(),
            _ => postgres_trigger(),
        });
        run_all(manager, statements).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = match manager.get_database_backend() {
            DatabaseBackend::Sqlite => vec![
                "DROP TRIGGER IF EXISTS tally_contribution_insert".into(),
                "DROP TRIGGER IF EXISTS tally_contribution_update".into(),
                "DROP TRIGGER IF EXISTS tally_contribution_delete".into(),
            ],
            _ => vec![
                "DROP TRIGGER IF EXISTS tally_contribution ON contributions".into(),
                "DROP FUNCTION IF EXISTS tally_contribution()".into(),
            ],
        };
        run_all(manager, statements).await?;
        manager
            .drop_table(Table::drop().table(ConsultationTallies::Table).take())
            .await
    }
}
