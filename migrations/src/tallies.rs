//! Tallies kept by the database: a table of counters per key, kept by
//! triggers on the counted table, so that no path that writes its rows (the
//! API, a bulk load, a manual fix) can forget them. Each change subtracts
//! what the old row counted from its row of the tally and adds what the new
//! row counts to its own (an edit may move a row to another key). Deleting
//! only updates: when a deleted parent takes its counted rows with it, its
//! tallies go too. A tally row whose counters are all zero means nothing is
//! counted.
//!
//! SQLite gets three triggers per tally, PostgreSQL one row trigger calling
//! a plpgsql function. Released migrations use these shapes: the SQL a
//! tally produces must never change.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::columns::{fk, run_all, short, uuid_col};

/// A key column of a tally: its type, and how it is read from a counted
/// row.
#[derive(Clone, Copy)]
pub enum Key {
    Uuid,
    Number,
    Name,
    /// A nullable UUID, as the nil UUID: a primary key column holds no NULL.
    UuidOrNil,
}

/// One tally: its table, the table whose rows it counts, its key (columns
/// of a counted row), the parent if any (a key column and the table whose
/// `id` it references: deleting the parent deletes its tally rows) and its
/// counters, each a condition on a counted row (`{r}` is `NEW`, `OLD` or
/// the counted table itself).
pub struct Tally {
    pub table: &'static str,
    pub counted: &'static str,
    pub key: &'static [(&'static str, Key)],
    pub parent: Option<(&'static str, &'static str)>,
    pub counters: &'static [(&'static str, &'static str)],
}

/// The names of `columns`, as a column list.
fn column_names<T>(columns: &[(&str, T)]) -> String {
    columns
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

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
        column_names(self.key)
    }

    fn counter_columns(&self) -> String {
        column_names(self.counters)
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
        let (table, counted) = (self.table, self.counted);
        match backend {
            DatabaseBackend::Sqlite => vec![
                format!(
                    "CREATE TRIGGER {table}_insert AFTER INSERT ON {counted} BEGIN {}; END",
                    self.add_new(backend)
                ),
                // Any update: the trigger need not know which columns count.
                format!(
                    "CREATE TRIGGER {table}_update AFTER UPDATE ON {counted} BEGIN {}; {}; END",
                    self.subtract_old(backend),
                    self.add_new(backend)
                ),
                format!(
                    "CREATE TRIGGER {table}_delete AFTER DELETE ON {counted} BEGIN {}; END",
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
                     ON {counted} FOR EACH ROW EXECUTE FUNCTION {table}_count()"
                ),
            ],
        }
    }

    fn drop(&self, backend: DatabaseBackend) -> Vec<String> {
        let (table, counted) = (self.table, self.counted);
        match backend {
            DatabaseBackend::Sqlite => ["insert", "update", "delete"]
                .map(|event| format!("DROP TRIGGER IF EXISTS {table}_{event}"))
                .into(),
            _ => vec![
                format!("DROP TRIGGER IF EXISTS {table}_count ON {counted}"),
                format!("DROP FUNCTION IF EXISTS {table}_count()"),
            ],
        }
    }

    /// The tally of the rows already there.
    fn backfill(&self, backend: DatabaseBackend) -> String {
        let keys = self.key_values(self.counted, backend).join(", ");
        let sums = self
            .counts(self.counted, backend)
            .iter()
            .map(|one| format!("SUM({one})"))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "INSERT INTO {} ({}, {}) SELECT {keys}, {sums} FROM {} GROUP BY {keys}",
            self.table,
            self.keys(),
            self.counter_columns(),
            self.counted,
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
        table.primary_key(&mut primary);
        if let Some((column, parent)) = self.parent {
            table.foreign_key(&mut fk(
                Alias::new(self.table),
                Alias::new(column),
                Alias::new(parent),
                Alias::new("id"),
            ));
        }
        table.take()
    }

    /// Creates the tally, counts the rows already there, then keeps it.
    pub async fn create_all(&self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        manager.create_table(self.table()).await?;
        let mut statements = vec![self.backfill(backend)];
        statements.extend(self.create(backend));
        run_all(manager, statements).await
    }

    pub async fn drop_all(&self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        run_all(manager, self.drop(manager.get_database_backend())).await?;
        manager
            .drop_table(Table::drop().table(Alias::new(self.table)).take())
            .await
    }
}
