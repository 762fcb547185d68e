//! Tallies of contributions, kept by the database as contributions are
//! written, so that what staff read most costs the same whatever the size
//! of the dialogue:
//! - `consultation_tallies`, one row per consultation: contributions
//!   written (withdrawn included), active, active awaiting a decision,
//!   active and public (not confidential). Counted from the contributions,
//!   a staff list read 2 200 index entries for its 20 consultations
//!   (0.9 ms on the national data set), and the total of a contributions
//!   list counted the 5 000 a company may read;
//! - `synthesis_tallies`, one row per round and target: the active
//!   contributions by kind, cost direction and decision, the agent's
//!   synthesis itself, which grouped 5 000 index entries.
//!
//! Triggers keep them, so no path that writes contributions (the API, a bulk
//! load, a manual fix) can forget them. Each change subtracts what the old
//! row counted from its row of the tally and adds what the new row counts
//! to its own (an edit may move a contribution to another target). It runs
//! in the contribution's transaction, under the consultation's lock every
//! contribution write takes: exact under concurrency, and on PostgreSQL
//! the tally rows of one consultation are only ever locked by one
//! transaction at a time (no deadlock). Deleting only updates: when a
//! deleted consultation takes its contributions with it, its tallies go
//! too. A tally row whose counters are all zero means nothing is counted.
//!
//! SQLite gets three triggers per tally, PostgreSQL one row trigger calling
//! a plpgsql function.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::columns::{fk, run_all, short, uuid_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
}

/// A key column of a tally: its type, and how it is read from a
/// contribution row.
#[derive(Clone, Copy)]
enum Key {
    Uuid,
    Number,
    Name,
    /// A nullable UUID, as the nil UUID: a primary key column holds no NULL.
    UuidOrNil,
}

/// One tally: its table, its key (columns of a contribution row) and its
/// counters, each a condition on a contribution row (`{r}` is `NEW`, `OLD`
/// or the table itself).
struct Tally {
    table: &'static str,
    key: &'static [(&'static str, Key)],
    counters: &'static [(&'static str, &'static str)],
}

const ACTIVE: &str = "{r}.status = 'active'";

const TALLIES: [Tally; 2] = [
    Tally {
        table: "consultation_tallies",
        key: &[("consultation_id", Key::Uuid)],
        counters: &[
            ("written", "TRUE"),
            ("active", ACTIVE),
            (
                "undecided",
                "{r}.status = 'active' AND {r}.decision IS NULL",
            ),
            ("public", "{r}.status = 'active' AND NOT {r}.confidential"),
        ],
    },
    Tally {
        table: "synthesis_tallies",
        key: &[
            ("consultation_id", Key::Uuid),
            ("round", Key::Number),
            ("target_kind", Key::Name),
            ("target_id", Key::UuidOrNil),
        ],
        counters: &[
            ("contributions", ACTIVE),
            (
                "solutions",
                "{r}.status = 'active' AND {r}.kind = 'solution'",
            ),
            (
                "clarifications",
                "{r}.status = 'active' AND {r}.kind = 'clarification'",
            ),
            (
                "alternatives",
                "{r}.status = 'active' AND {r}.kind IN ('alternative_clause', 'alternative_criterion')",
            ),
            (
                "cost_increase",
                "{r}.status = 'active' AND {r}.cost_direction = 'increase'",
            ),
            (
                "cost_decrease",
                "{r}.status = 'active' AND {r}.cost_direction = 'decrease'",
            ),
            (
                "cost_neutral",
                "{r}.status = 'active' AND {r}.cost_direction = 'neutral'",
            ),
            (
                "cost_unknown",
                "{r}.status = 'active' AND {r}.cost_direction = 'unknown'",
            ),
            (
                "accepted",
                "{r}.status = 'active' AND {r}.decision = 'accepted'",
            ),
            (
                "partially_accepted",
                "{r}.status = 'active' AND {r}.decision = 'partially_accepted'",
            ),
            (
                "rejected",
                "{r}.status = 'active' AND {r}.decision = 'rejected'",
            ),
            (
                "answered",
                "{r}.status = 'active' AND {r}.decision = 'answered'",
            ),
            (
                "undecided",
                "{r}.status = 'active' AND {r}.decision IS NULL",
            ),
        ],
    },
];

impl Tally {
    /// The value of key column `column` for the row `r`.
    fn key_of(column: &str, key: Key, r: &str, backend: DatabaseBackend) -> String {
        match (key, backend) {
            (Key::Uuid | Key::Number | Key::Name, _) => format!("{r}.{column}"),
            (Key::UuidOrNil, DatabaseBackend::Sqlite) => {
                format!("COALESCE({r}.{column}, X'00000000000000000000000000000000')")
            }
            (Key::UuidOrNil, _) => {
                format!("COALESCE({r}.{column}, '00000000-0000-0000-0000-000000000000'::uuid)")
            }
        }
    }

    fn keys(&self) -> String {
        self.key
            .iter()
            .map(|(c, _)| *c)
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn counter_columns(&self) -> String {
        self.counters
            .iter()
            .map(|(c, _)| *c)
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn key_values(&self, r: &str, backend: DatabaseBackend) -> Vec<String> {
        self.key
            .iter()
            .map(|(column, key)| Self::key_of(column, *key, r, backend))
            .collect()
    }

    /// 1 or 0 for each counter: whether the row `r` counts in it (a
    /// comparison with a NULL, such as an absent cost direction, is 0).
    fn counts(&self, r: &str, backend: DatabaseBackend) -> Vec<String> {
        self.counters
            .iter()
            .map(|(_, condition)| {
                let condition = condition.replace("{r}", r);
                match backend {
                    DatabaseBackend::Sqlite => format!("COALESCE(({condition}), 0)"),
                    _ => format!("COALESCE(({condition}), FALSE)::int"),
                }
            })
            .collect()
    }

    /// What `NEW` counts, added to its row (created if need be).
    fn add_new(&self, backend: DatabaseBackend) -> String {
        let table = self.table;
        // SQLite names the row being updated by its table, PostgreSQL by an alias.
        let (alias, current) = match backend {
            DatabaseBackend::Sqlite => ("", table),
            _ => (" AS tally", "tally"),
        };
        let sums = self
            .counters
            .iter()
            .map(|(c, _)| format!("{c} = {current}.{c} + excluded.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "INSERT INTO {table}{alias} ({}, {}) VALUES ({}, {}) \
             ON CONFLICT ({}) DO UPDATE SET {sums}",
            self.keys(),
            self.counter_columns(),
            self.key_values("NEW", backend).join(", "),
            self.counts("NEW", backend).join(", "),
            self.keys(),
        )
    }

    /// What `OLD` counted, taken from its row.
    fn subtract_old(&self, backend: DatabaseBackend) -> String {
        let changes = self
            .counters
            .iter()
            .zip(self.counts("OLD", backend))
            .map(|((c, _), counts)| format!("{c} = {c} - {counts}"))
            .collect::<Vec<_>>()
            .join(", ");
        let matches = self
            .key
            .iter()
            .zip(self.key_values("OLD", backend))
            .map(|((c, _), value)| format!("{c} = {value}"))
            .collect::<Vec<_>>()
            .join(" AND ");
        format!("UPDATE {} SET {changes} WHERE {matches}", self.table)
    }

    fn create(&self, backend: DatabaseBackend) -> Vec<String> {
        let table = self.table;
        match backend {
            DatabaseBackend::Sqlite => vec![
                format!(
                    "CREATE TRIGGER {table}_insert AFTER INSERT ON contributions BEGIN {}; END",
                    self.add_new(backend)
                ),
                // Any update: the trigger need not know which columns count.
                format!(
                    "CREATE TRIGGER {table}_update AFTER UPDATE ON contributions BEGIN {}; {}; END",
                    self.subtract_old(backend),
                    self.add_new(backend)
                ),
                format!(
                    "CREATE TRIGGER {table}_delete AFTER DELETE ON contributions BEGIN {}; END",
                    self.subtract_old(backend)
                ),
            ],
            _ => vec![
                format!(
                    "CREATE FUNCTION {table}_count() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN \
                       IF TG_OP <> 'INSERT' THEN {}; END IF; \
                       IF TG_OP <> 'DELETE' THEN {}; END IF; \
                       RETURN NULL; \
                     END $$",
                    self.subtract_old(backend),
                    self.add_new(backend)
                ),
                format!(
                    "CREATE TRIGGER {table}_count AFTER INSERT OR UPDATE OR DELETE \
                     ON contributions FOR EACH ROW EXECUTE FUNCTION {table}_count()"
                ),
            ],
        }
    }

    fn drop(&self, backend: DatabaseBackend) -> Vec<String> {
        let table = self.table;
        match backend {
            DatabaseBackend::Sqlite => ["insert", "update", "delete"]
                .map(|event| format!("DROP TRIGGER IF EXISTS {table}_{event}"))
                .into(),
            _ => vec![
                format!("DROP TRIGGER IF EXISTS {table}_count ON contributions"),
                format!("DROP FUNCTION IF EXISTS {table}_count()"),
            ],
        }
    }

    /// The tally of the contributions already there.
    fn backfill(&self, backend: DatabaseBackend) -> String {
        let keys = self.key_values("contributions", backend).join(", ");
        let sums = self
            .counts("contributions", backend)
            .iter()
            .map(|one| format!("SUM({one})"))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "INSERT INTO {} ({}, {}) SELECT {keys}, {sums} FROM contributions GROUP BY {keys}",
            self.table,
            self.keys(),
            self.counter_columns(),
        )
    }

    fn table(&self) -> TableCreateStatement {
        let mut table = Table::create();
        table.table(Alias::new(self.table));
        let mut primary = Index::create();
        for (column, key) in self.key {
            let name = Alias::new(*column);
            table.col(match key {
                Key::Uuid | Key::UuidOrNil => uuid_col(name),
                Key::Number => ColumnDef::new(name).integer().not_null().take(),
                Key::Name => short(name),
            });
            primary.col(Alias::new(*column));
        }
        for (column, _) in self.counters {
            table.col(ColumnDef::new(Alias::new(*column)).big_integer().not_null());
        }
        table
            .primary_key(&mut primary)
            .foreign_key(&mut fk(
                Alias::new(self.table),
                Alias::new("consultation_id"),
                Consultations::Table,
                Consultations::Id,
            ))
            .take()
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        for tally in &TALLIES {
            manager.create_table(tally.table()).await?;
            let mut statements = vec![tally.backfill(backend)];
            statements.extend(tally.create(backend));
            run_all(manager, statements).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        for tally in &TALLIES {
            run_all(manager, tally.drop(backend)).await?;
            manager
                .drop_table(Table::drop().table(Alias::new(tally.table)).take())
                .await?;
        }
        Ok(())
    }
}
