//! What a search in consultations reads: the title and the summary folded
//! (lower case, accents removed, `œ` spelled out, as the CPV search folds
//! labels), in one column the application writes with each title and
//! summary (`shared::types::consultation_search_text`). A search compared
//! `lower(title)` and `lower(summary)` instead: accents mattered
//! (« securite » did not find « Sécurité »), and `lower` folds only ASCII
//! letters on SQLite, and on PostgreSQL whatever its locale says, so the
//! same search could find different consultations.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DatabaseBackend, Statement, Value};
use shared::types::consultation_search_text;

use crate::columns::{add_column, drop_column};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Consultations {
    Table,
    SearchText,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            Consultations::Table,
            ColumnDef::new(Consultations::SearchText)
                .text()
                .not_null()
                .default(""),
        )
        .await?;
        let conn = manager.get_connection();
        let backend = manager.get_database_backend();
        // Each row's id as the database gives it (16 bytes on SQLite), bound
        // back as is: no uuid type is needed here.
        let (select, update) = match backend {
            DatabaseBackend::Postgres => (
                "SELECT CAST(id AS TEXT), title, summary FROM consultations",
                "UPDATE consultations SET search_text = $1 WHERE id = CAST($2 AS uuid)",
            ),
            _ => (
                "SELECT id, title, summary FROM consultations",
                "UPDATE consultations SET search_text = ? WHERE id = ?",
            ),
        };
        let rows = conn
            .query_all_raw(Statement::from_string(backend, select))
            .await?;
        for row in rows {
            let id: Value = match backend {
                DatabaseBackend::Postgres => row.try_get_by_index::<String>(0)?.into(),
                _ => row.try_get_by_index::<Vec<u8>>(0)?.into(),
            };
            let (title, summary): (String, String) =
                (row.try_get_by_index(1)?, row.try_get_by_index(2)?);
            conn.execute_raw(Statement::from_sql_and_values(
                backend,
                update,
                [consultation_search_text(&title, &summary).into(), id],
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, Consultations::Table, Consultations::SearchText).await
    }
}
