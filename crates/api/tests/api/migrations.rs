//! The migrations as a whole: each one undoes exactly what it does.

use migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseBackend, DatabaseConnection};

use crate::db_test;
use crate::helpers::{TestApp, text_column};

/// Every table, column, index, constraint, trigger and function of the
/// schema, one line each, in a stable order. The migrations' own journal
/// is left out: undoing them empties it but keeps it.
async fn schema(conn: &DatabaseConnection) -> Vec<String> {
    let described = match conn.get_database_backend() {
        // Columns by name, as on PostgreSQL: a column a `down` adds back
        // comes last, whatever its place before.
        DatabaseBackend::Sqlite => {
            "SELECT 'column ' || m.name || '.' || c.name || ': ' || c.type || ' ' \
                 || c.\"notnull\" || ' ' || c.pk || ' ' || COALESCE(c.dflt_value, '') \
             FROM sqlite_master m, pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
                 AND m.name <> 'seaql_migrations' \
             UNION ALL SELECT 'foreign key ' || m.name || '.' || f.\"from\" || ' -> ' \
                 || f.\"table\" || '.' || f.\"to\" || ' ' || f.on_delete \
             FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' \
             UNION ALL SELECT type || ' ' || name || ': ' || replace(sql, '\"', '') \
             FROM sqlite_master \
             WHERE type IN ('index', 'trigger', 'view') AND sql IS NOT NULL"
        }
        _ => {
            "SELECT 'column ' || table_name || '.' || column_name || ': ' || data_type \
                 || ' ' || is_nullable || ' ' || COALESCE(column_default, '') \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name <> 'seaql_migrations' \
             UNION ALL SELECT 'index ' || indexdef FROM pg_indexes \
             WHERE schemaname = current_schema() AND tablename <> 'seaql_migrations' \
             UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ': ' \
                 || pg_get_constraintdef(oid) FROM pg_constraint \
             WHERE connamespace = current_schema()::regnamespace \
                 AND conrelid::regclass::text <> 'seaql_migrations' \
             UNION ALL SELECT 'trigger ' || tgrelid::regclass || ' ' || tgname FROM pg_trigger \
             WHERE NOT tgisinternal AND tgrelid IN \
                 (SELECT oid FROM pg_class WHERE relnamespace = current_schema()::regnamespace) \
             UNION ALL SELECT 'function ' || proname || ': ' || md5(prosrc) FROM pg_proc \
             WHERE pronamespace = current_schema()::regnamespace"
        }
    };
    let mut lines = text_column(conn, described).await;
    lines.sort();
    lines
}

/// What a `down` cannot give back, by migration: SQLite cannot drop a
/// column's default but by copying its table, and 000010's `down` needs
/// one to add a required column to rows already there.
const CANNOT_GIVE_BACK: &[(&str, &str)] = &[(
    "m20261130_000010_drafts_apart",
    "column consultations.draft: TEXT 1 0 ''",
)];

/// Each migration's `down` gives back the schema its `up` started from,
/// and undoing all of them leaves nothing behind: a release can be rolled
/// back one migration at a time.
async fn each_migration_undone_gives_back_the_schema_it_started_from(app: TestApp) {
    let conn = app.db.schema_conn();
    Migrator::reset(conn).await.unwrap();
    let migrations = Migrator::migrations();
    let mut before = vec![schema(conn).await];
    assert_eq!(before[0], Vec::<String>::new());
    for _ in &migrations {
        Migrator::up(conn, Some(1)).await.unwrap();
        before.push(schema(conn).await);
    }
    assert!(
        before
            .last()
            .unwrap()
            .iter()
            .any(|line| line.contains("consultations"))
    );
    before.pop();
    let mut differences = Vec::new();
    for (applied, migration) in migrations.iter().enumerate().rev() {
        Migrator::down(conn, Some(1)).await.unwrap();
        let (now, expected) = (schema(conn).await, before.pop().unwrap());
        let left: Vec<_> = now.iter().filter(|line| !expected.contains(line)).collect();
        let missing: Vec<_> = expected.iter().filter(|line| !now.contains(line)).collect();
        if left.is_empty() && missing.is_empty() {
            continue;
        }
        let accepted = CANNOT_GIVE_BACK
            .iter()
            .any(|(name, line)| *name == migration.name() && left == [line] && missing.len() == 1);
        if !accepted {
            differences.push(format!(
                "undoing {} left {left:#?} and lost {missing:#?}",
                migration.name()
            ));
        }
        // The migration before starts from the schema it was made for.
        Migrator::reset(conn).await.unwrap();
        Migrator::up(conn, Some(u32::try_from(applied).unwrap()))
            .await
            .unwrap();
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
db_test!(each_migration_undone_gives_back_the_schema_it_started_from);
