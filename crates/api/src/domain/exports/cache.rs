//! The dialogue-wide exports (contributions table, sourcing report, OCDS
//! package) read a whole dialogue: 5 000 contributions took 100 to 350 ms
//! each on the national data set, one at a time (`heavy::in_turn`), so
//! sixteen people downloading waited seconds for the same bytes. Each file
//! is kept once built, for the consultation's *edition* it was built from,
//! and sent again until the dialogue moves.
//!
//! The edition is the length of the consultation's journal: every write a
//! file shows (contribution, edit, withdrawal, reply, decision, round,
//! revision, pseudonym, publication, fairness notice) records an event in
//! the same transaction, and the journal is append-only. It is read from
//! the database on every download, so an instance never sends a file older
//! than what another instance committed; it is read *before* the file is
//! built, so a kept file is never older than its edition. The day is part
//! of it too: the sourcing report is dated ("Établi le …").
//!
//! A file is kept for one way of reading the consultation (`Viewer`): the
//! owner and the assigned buyer read confidential solutions, an
//! administrator only that they exist. Nothing in these files depends on
//! who the reader is beyond that.
//!
//! The cache is per instance and bounded in bytes; a consultation keeps only
//! its latest edition of each export for each way of reading it.

use std::future::Future;

use chrono::{NaiveDate, Utc};
use moka::policy::EvictionPolicy;
use moka::sync::Cache;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shared::consultation::DocumentFormat;
use uuid::Uuid;

use super::ExportFile;
use crate::domain::access::{ConsultationAccess, Viewer};
use crate::entities::event;
use crate::error::ApiError;
use crate::heavy::in_turn;

/// The bytes kept at most per instance. The files of the national data
/// set's 5 000-contribution consultation weigh 0.1 MB (sourcing report,
/// DOCX) to 1.5 MB (the same in Markdown); the table 1.2 MB and the OCDS
/// package 0.4 MB. The whole stays within the service's 100 MB.
const CAPACITY_BYTES: u64 = 24 * 1024 * 1024;

/// A dialogue-wide export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Export {
    Contributions,
    SourcingReport(DocumentFormat),
    Ocds,
}

/// What a file was built from: the consultation's journal length, and the
/// day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Edition {
    journal: u64,
    day: NaiveDate,
}

impl Edition {
    async fn of(conn: &impl ConnectionTrait, consultation_id: Uuid) -> Result<Self, ApiError> {
        let journal = event::Entity::find()
            .filter(event::Column::ConsultationId.eq(consultation_id))
            .count(conn)
            .await?;
        Ok(Self {
            journal,
            day: Utc::now().date_naive(),
        })
    }
}

/// One kept file and the edition it shows.
#[derive(Clone)]
struct Kept {
    edition: Edition,
    file: ExportFile,
}

pub struct ExportCache {
    files: Cache<(Uuid, Export, Viewer), Kept>,
}

impl Default for ExportCache {
    fn default() -> Self {
        Self {
            files: Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|_, kept: &Kept| u32::try_from(kept.file.bytes.len()).unwrap_or(u32::MAX))
                // The latest file built is the one people download next.
                .eviction_policy(EvictionPolicy::lru())
                .build(),
        }
    }
}

impl ExportCache {
    /// The file `export` of the consultation as `reader` reads it now: kept,
    /// or built in its turn. The caller has checked that `reader` may have
    /// it.
    pub async fn file<F, B>(
        &self,
        conn: &impl ConnectionTrait,
        reader: &ConsultationAccess,
        export: Export,
        build: B,
    ) -> Result<ExportFile, ApiError>
    where
        B: FnOnce() -> F,
        F: Future<Output = Result<ExportFile, ApiError>>,
    {
        let key = (reader.id(), export, reader.viewer());
        let edition = Edition::of(conn, reader.id()).await?;
        let current = || {
            self.files
                .get(&key)
                .filter(|kept| kept.edition == edition)
                .map(|kept| kept.file)
        };
        if let Some(file) = current() {
            return Ok(file);
        }
        in_turn(async {
            // Built while this request waited its turn: the requests that
            // asked for the same file at once get it from the first.
            if let Some(file) = current() {
                return Ok(file);
            }
            let file = build().await?;
            self.files.insert(
                key,
                Kept {
                    edition,
                    file: file.clone(),
                },
            );
            Ok(file)
        })
        .await?
    }
}
