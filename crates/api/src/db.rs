//! Database connection, migrations and write transactions.
//!
//! SQLite allows one writer at a time. Rather than letting concurrent write
//! transactions collide ("database is locked", or a deferred transaction that
//! cannot upgrade its snapshot), writers of this process queue for a pool of
//! its own holding one connection, then start with `BEGIN IMMEDIATE`, which
//! waits for a writer of another process; readers never wait thanks to WAL.
//! One connection for every write also keeps its page cache current: with
//! writes spread over the read pool, each found its connection's cache
//! outdated by the others' writes and read the pages again. PostgreSQL
//! needs no such queue.
//!
//! The writer leaves WAL checkpoints to a connection of their own (see
//! [`checkpoints`]), so that no commit waits for one.

use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

#[derive(Clone, Debug)]
pub struct Db {
    conn: DatabaseConnection,
    /// SQLite: the one connection writes go through, in turn.
    sqlite_writer: Option<DatabaseConnection>,
    /// SQLite: told of each commit, checkpoints the WAL apart.
    checkpoints: Option<Arc<checkpoints::Checkpoints>>,
    url: String,
}

/// The advisory lock instances take on PostgreSQL while they migrate, so
/// that several starting at once on an empty database migrate one at a time
/// (the others then find nothing left to do). Any constant: "JSF1".
const MIGRATION_LOCK: i64 = 0x4A53_4631;

/// A write transaction; on SQLite, on the writer connection.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    checkpoints: Option<Arc<checkpoints::Checkpoints>>,
}

impl Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &Self::Target {
        &self.txn
    }
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await?;
        if let Some(checkpoints) = &self.checkpoints {
            checkpoints.committed();
        }
        Ok(())
    }
}

/// Statements that stay prepared. SQLite plans a statement again at every
/// execution when its plan read a bound value, and it reads the value of a
/// bound `LIMIT`: sea-orm binds every limit (each `.one()`, each page), so
/// most statements were parsed and planned anew at each run, whatever
/// sqlx's statement cache. The query planner stability guarantee (QPSG)
/// plans from the statement's text alone, and keeps the plan. Measured on
/// the national data set: re-preparing took 10 to 12 % of the server's
/// time while companies wrote contributions.
#[allow(unsafe_code)]
mod stable_plans {
    use std::ffi::c_int;

    use libsqlite3_sys::{SQLITE_DBCONFIG_ENABLE_QPSG, SQLITE_OK, sqlite3_db_config};
    use sea_orm::sqlx::{Error, SqliteConnection};

    /// Sets the guarantee (`value`: 1 on, negative leaves it as it is),
    /// and whether the connection has it then, as SQLite reports it.
    async fn configure(conn: &mut SqliteConnection, value: c_int) -> Result<bool, Error> {
        let mut handle = conn.lock_handle().await?;
        let db = handle.as_raw_handle();
        let mut state: c_int = -1;
        // SAFETY: `db` is the open connection the lock holds for this call
        // alone; the option takes an int and a pointer to an int, which
        // receives the state the setting has after the call.
        let code = unsafe {
            sqlite3_db_config(
                db.as_ptr(),
                SQLITE_DBCONFIG_ENABLE_QPSG,
                value,
                &mut state as *mut c_int,
            )
        };
        if code != SQLITE_OK {
            return Err(Error::Configuration(
                format!("SQLite refused its planner setting (code {code})").into(),
            ));
        }
        Ok(state == 1)
    }

    pub async fn keep(conn: &mut SqliteConnection) -> Result<(), Error> {
        if configure(conn, 1).await? {
            Ok(())
        } else {
            Err(Error::Configuration(
                "SQLite did not keep its planner setting".into(),
            ))
        }
    }

    /// Whether the connection has the setting, as SQLite reports it.
    #[cfg(test)]
    pub async fn kept(conn: &mut SqliteConnection) -> Result<bool, Error> {
        configure(conn, -1).await
    }
}

/// WAL checkpoints, off the writer's path. SQLite copies the write-ahead
/// log back into the database file (a checkpoint) in the commit that finds
/// the log over 1 000 pages: that commit waited for the copy of all of them
/// and its `fsync`, and so did every writer queued behind it. Here a
/// connection of its own checkpoints shortly after commits, while the
/// writer goes on: a `PASSIVE` checkpoint takes no lock a writer or a
/// reader waits for. The writer keeps its own checkpoint, which now finds
/// the log copied but for its last commits: it copies those and lets the
/// next commit write the log from its start again, which a checkpoint
/// running beside a stream of commits never sees (the log would only grow).
/// Measured on the national data set, one company writing contributions: a
/// p99 of 7 to 8 ms instead of 386 to 444 ms; fifty: 107 to 117 ms instead
/// of 520 to 560 ms.
mod checkpoints {
    use std::sync::Arc;
    use std::time::Duration;

    use sea_orm::{ConnectionTrait, DatabaseConnection};
    use tokio::sync::Notify;
    use tokio::task::JoinHandle;

    /// How long the checkpointer lets commits gather before copying them
    /// back: one checkpoint for a burst rather than one per commit.
    const GATHER: Duration = Duration::from_millis(200);

    #[derive(Debug)]
    pub struct Checkpoints {
        wake: Arc<Notify>,
        checkpointer: JoinHandle<()>,
    }

    impl Checkpoints {
        /// Starts the checkpointer on `conn`, a connection of its own.
        pub fn start(conn: DatabaseConnection) -> Self {
            let wake = Arc::new(Notify::new());
            let checkpointer = tokio::spawn(run(conn, wake.clone()));
            Self { wake, checkpointer }
        }

        /// A commit happened: a checkpoint follows shortly. A commit during
        /// the checkpoint leaves a wake-up for the next one.
        pub fn committed(&self) {
            self.wake.notify_one();
        }
    }

    impl Drop for Checkpoints {
        /// The last handle on the database is gone: so is the checkpointer
        /// and its connection (closing the last connection checkpoints).
        fn drop(&mut self) {
            self.checkpointer.abort();
        }
    }

    async fn run(conn: DatabaseConnection, wake: Arc<Notify>) {
        loop {
            wake.notified().await;
            tokio::time::sleep(GATHER).await;
            if let Err(error) = conn
                .execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)")
                .await
            {
                // The next commit tries again; meanwhile the writer's own
                // checkpoints keep the log bounded.
                tracing::warn!(%error, "WAL checkpoint failed");
            }
        }
    }
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.starts_with(":memory:")).then_some(path)
}

impl Db {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let is_sqlite = url.starts_with("sqlite:");
        if let Some(parent) = sqlite_path(url)
            .and_then(|p| Path::new(p).parent())
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let options = |connections: u32| {
            let mut options = ConnectOptions::new(url);
            options
                .sqlx_logging(false)
                .connect_timeout(Duration::from_secs(10))
                .map_sqlx_sqlite_opts(|o| {
                    o.journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .busy_timeout(Duration::from_secs(10))
                        .foreign_keys(true)
                        .create_if_missing(true)
                })
                .map_sqlx_sqlite_pool_opts(|o| {
                    o.after_connect(|conn, _| Box::pin(stable_plans::keep(conn)))
                })
                // PostgreSQL's counterpart of `stable_plans`: it plans a
                // prepared statement once for any value only when that plan
                // looks no dearer than those made for the values, and sea-orm
                // binds every limit, which such a plan cannot see: the page
                // of a company's list was planned anew at each request (1 ms
                // of its 1.2 in the database). Each list reads its indexes in
                // their order, so the plan made once is as good.
                .map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_generic_plan")]));
            if is_sqlite {
                options.max_connections(connections);
            }
            options
        };
        let connect = |options| async {
            Database::connect(options)
                .await
                .context("cannot connect to the database (check DATABASE_URL)")
        };
        let conn = connect(options(8)).await?;
        let (sqlite_writer, checkpoints) = if is_sqlite {
            // Writers wait for the connection as long as a burst lasts (50
            // companies at once queue for a few seconds), not the default 30 s.
            let mut writer = options(1);
            writer
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(120));
            let checkpointer = connect(options(1)).await?;
            (
                Some(connect(writer).await?),
                Some(Arc::new(checkpoints::Checkpoints::start(checkpointer))),
            )
        } else {
            (None, None)
        };
        Ok(Self {
            conn,
            sqlite_writer,
            checkpoints,
            url: url.to_owned(),
        })
    }

    /// A connection-less handle, for building the OpenAPI document offline.
    pub fn disconnected() -> Self {
        Self {
            conn: DatabaseConnection::default(),
            sqlite_writer: None,
            checkpoints: None,
            url: String::new(),
        }
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        if self.sqlite_writer.is_some() {
            return Migrator::up(self.schema_conn(), None)
                .await
                .context("database migration failed");
        }
        // The lock belongs to a session: one connection of its own holds it
        // while the pool migrates.
        let mut options = ConnectOptions::new(&self.url);
        options.max_connections(1).sqlx_logging(false);
        let lock = Database::connect(options)
            .await
            .context("cannot connect to the database (check DATABASE_URL)")?;
        let backend = lock.get_database_backend();
        lock.execute_raw(Statement::from_sql_and_values(
            backend,
            "SELECT pg_advisory_lock($1)",
            [MIGRATION_LOCK.into()],
        ))
        .await
        .context("cannot take the migration lock")?;
        let migrated = Migrator::up(&self.conn, None)
            .await
            .context("database migration failed");
        lock.execute_raw(Statement::from_sql_and_values(
            backend,
            "SELECT pg_advisory_unlock($1)",
            [MIGRATION_LOCK.into()],
        ))
        .await
        .context("cannot release the migration lock")?;
        lock.close().await.ok();
        migrated
    }

    /// For reads.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// For changes of the schema (migrations). On SQLite, the writer: its
    /// one connection sees each change it makes. Spread over the pool, an
    /// index one connection dropped was still there for the next, which
    /// refused to create it again ("already exists").
    pub fn schema_conn(&self) -> &DatabaseConnection {
        self.sqlite_writer.as_ref().unwrap_or(&self.conn)
    }

    pub async fn begin_write(&self) -> Result<WriteTxn, DbErr> {
        let Some(writer) = &self.sqlite_writer else {
            return Ok(WriteTxn {
                txn: self.conn.begin().await?,
                checkpoints: None,
            });
        };
        // BEGIN IMMEDIATE takes SQLite's write lock at once, waiting (busy
        // timeout) for another process holding it. A deferred transaction
        // would read first and then fail to upgrade ("database is locked")
        // when another process wrote meanwhile.
        let txn = writer
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await?;
        Ok(WriteTxn {
            txn,
            checkpoints: self.checkpoints.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_sqlite_connection_plans_from_the_statement_text_alone() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("plans.db").display()
        );
        let db = Db::connect(&url).await?;
        let writer = db.sqlite_writer.as_ref().context("no writer on SQLite")?;
        for conn in [db.conn(), writer] {
            let mut conn = conn.get_sqlite_connection_pool().acquire().await?;
            assert!(stable_plans::kept(&mut conn).await?);
        }
        Ok(())
    }

    #[tokio::test]
    async fn commits_reach_the_database_file_without_waiting_for_more_commits() -> anyhow::Result<()>
    {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("checkpoints.db");
        let db = Db::connect(&format!("sqlite://{}?mode=rwc", file.display())).await?;
        let txn = db.begin_write().await?;
        txn.execute_unprepared("CREATE TABLE documents (content BLOB NOT NULL)")
            .await?;
        txn.commit().await?;
        let before = std::fs::metadata(&file)?.len();

        // 2 MB: about 500 pages of log, under the 1 000 at which the
        // writer's own checkpoint would copy them back.
        let txn = db.begin_write().await?;
        txn.execute_unprepared("INSERT INTO documents VALUES (randomblob(2000000))")
            .await?;
        txn.commit().await?;

        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while std::fs::metadata(&file)?.len() < before + 2_000_000 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the commit stayed in the log"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }
}
