//! Every column that stores an enumeration accepts only its values.
//!
//! The existing rows already hold exactly these snake_case values (they were
//! written from the same Rust enums), so no data changes; a row with any
//! other value would make this migration fail loudly rather than be kept.
//!
//! PostgreSQL gets CHECK constraints. SQLite cannot add a constraint to an
//! existing table (it would have to rebuild every table, foreign keys
//! included), so there the same rule is two triggers per column, on insert
//! and on update, that abort the statement like a failed CHECK would.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::columns::run_all;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column, allowed values). A NULL passes, as it does a CHECK: the
/// nullable columns (`cost_direction`, `decision`) stay optional.
pub const ENUMERATION_COLUMNS: &[(&str, &str, &[&str])] = &[
    ("users", "role", &["agent", "company", "buyer", "admin"]),
    ("consultations", "visibility", &["targeted", "open"]),
    (
        "consultations",
        "phase",
        &[
            "draft",
            "dialogue",
            "awaiting_approval",
            "published",
            "abandoned",
        ],
    ),
    (
        "contributions",
        "target_kind",
        &["clause", "criterion", "document"],
    ),
    (
        "contributions",
        "kind",
        &[
            "solution",
            "clarification",
            "alternative_clause",
            "alternative_criterion",
        ],
    ),
    (
        "contributions",
        "cost_direction",
        &["increase", "decrease", "neutral", "unknown"],
    ),
    ("contributions", "status", &["active", "withdrawn"]),
    (
        "contributions",
        "decision",
        &["accepted", "partially_accepted", "rejected", "answered"],
    ),
    (
        "events",
        "action",
        &[
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
        ],
    ),
];

fn constraint_name(table: &str, column: &str) -> String {
    format!("ck_{table}_{column}")
}

/// `'a', 'b'`: the values are the constants above, never user input.
fn value_list(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn postgres_up(table: &str, column: &str, values: &[&str]) -> Vec<String> {
    vec![format!(
        "ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({column} IN ({list}))",
        name = constraint_name(table, column),
        list = value_list(values),
    )]
}

pub(crate) fn sqlite_up(table: &str, column: &str, values: &[&str]) -> Vec<String> {
    let name = constraint_name(table, column);
    let list = value_list(values);
    [
        ("insert", "INSERT".to_owned()),
        ("update", format!("UPDATE OF {column}")),
    ]
    .iter()
    .map(|(suffix, event)| {
        format!(
            "CREATE TRIGGER {name}_{suffix} BEFORE {event} ON {table} \
                 WHEN NEW.{column} NOT IN ({list}) \
                 BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
        )
    })
    .collect()
}

pub(crate) fn sqlite_down(table: &str, column: &str) -> Vec<String> {
    let name = constraint_name(table, column);
    vec![
        format!("DROP TRIGGER IF EXISTS {name}_insert"),
        format!("DROP TRIGGER IF EXISTS {name}_update"),
    ]
}

pub(crate) fn postgres_down(table: &str, column: &str) -> Vec<String> {
    vec![format!(
        "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {}",
        constraint_name(table, column)
    )]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        for (table, column, values) in ENUMERATION_COLUMNS {
            let statements = match backend {
                DatabaseBackend::Sqlite => sqlite_up(table, column, values),
                _ => postgres_up(table, column, values),
            };
            run_all(manager, statements).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        for (table, column, _) in ENUMERATION_COLUMNS {
            let statements = match backend {
                DatabaseBackend::Sqlite => sqlite_down(table, column),
                _ => postgres_down(table, column),
            };
            run_all(manager, statements).await?;
        }
        Ok(())
    }
}
