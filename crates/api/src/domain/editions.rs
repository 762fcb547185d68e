//! What is built from a whole dialogue — the contributions table, the
//! sourcing report, the OCDS package, the fairness examination — read 5 000
//! contributions on the national data set: 40 to 420 ms each, one at a time
//! (`heavy::in_turn`), so sixteen people opening the same file waited
//! seconds for the same bytes. Each result is kept once built, for the
//! consultation's *edition* it was built from, and given again until the
//! dialogue moves.
//!
//! The edition is the length of the consultation's journal: every write
//! these results show (contribution, edit, withdrawal, reply, decision,
//! round, draft, pseudonym, publication, notice, acknowledgement) records an
//! event in its own transaction, and the journal is append-only. The only
//! other input, the names of the owner and the buyer in the report, never
//! changes: no route renames a staff account. It is read
//! from the database on every request, so an instance never gives a result
//! older than what another instance committed; it is read *before* the
//! result is built, so a kept result is never older than its edition. The
//! day is part of it too: the sourcing report is dated ("Établi le …").
//!
//! A result is kept for one way of reading the consultation (`Viewer`): the
//! owner and the assigned buyer read confidential solutions, an
//! administrator only that they exist. Nothing kept depends on who the
//! reader is beyond that.
//!
//! Each cache is per instance and bounded; a consultation keeps only its
//! latest edition of each result for each way of reading it.

use std::future::Future;
use std::hash::Hash;

use chrono::{NaiveDate, Utc};
use moka::policy::EvictionPolicy;
use moka::sync::Cache;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::domain::access::{ConsultationAccess, Viewer};
use crate::entities::event;
use crate::error::ApiError;
use crate::heavy::in_turn;

/// What a result was built from: the consultation's journal length, and the
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

/// One kept result and the edition it shows.
#[derive(Clone)]
struct Kept<V> {
    edition: Edition,
    value: V,
}

/// Results of kind `K` (which export, which format…) kept by edition.
pub struct ByEdition<K, V> {
    kept: Cache<(Uuid, K, Viewer), Kept<V>>,
}

impl<K, V> ByEdition<K, V>
where
    K: Copy + Eq + Hash + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// At most `capacity` units of `weight` kept.
    pub fn new(capacity: u64, weight: fn(&V) -> u32) -> Self {
        Self {
            kept: Cache::builder()
                .max_capacity(capacity)
                .weigher(move |_, kept: &Kept<V>| weight(&kept.value))
                // The latest result built is the one people ask for next.
                .eviction_policy(EvictionPolicy::lru())
                .build(),
        }
    }

    /// The result `kind` of the consultation as `reader` reads it now: kept,
    /// or built in its turn. The caller has checked that `reader` may have
    /// it.
    pub async fn get<F, B>(
        &self,
        conn: &impl ConnectionTrait,
        reader: &ConsultationAccess,
        kind: K,
        build: B,
    ) -> Result<V, ApiError>
    where
        B: FnOnce() -> F,
        F: Future<Output = Result<V, ApiError>>,
    {
        let key = (reader.id(), kind, reader.viewer());
        let edition = Edition::of(conn, reader.id()).await?;
        let current = || {
            self.kept
                .get(&key)
                .filter(|kept| kept.edition == edition)
                .map(|kept| kept.value)
        };
        if let Some(value) = current() {
            return Ok(value);
        }
        in_turn(async {
            // Built while this request waited its turn: the requests that
            // asked for the same result at once get it from the first.
            if let Some(value) = current() {
                return Ok(value);
            }
            let value = build().await?;
            self.kept.insert(
                key,
                Kept {
                    edition,
                    value: value.clone(),
                },
            );
            Ok(value)
        })
        .await?
    }
}
