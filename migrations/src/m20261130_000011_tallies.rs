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
//! Kept by triggers (see `tallies`). They run in the contribution's
//! transaction, under the consultation's lock every contribution write
//! takes: exact under concurrency, and on PostgreSQL the tally rows of one
//! consultation are only ever locked by one transaction at a time (no
//! deadlock).

use sea_orm_migration::prelude::*;

use crate::tallies::{Key, Tally};

#[derive(DeriveMigrationName)]
pub struct Migration;

const ACTIVE: &str = "{r}.status = 'active'";

const TALLIES: [Tally; 2] = [
    Tally {
        table: "consultation_tallies",
        counted: "contributions",
        parent: Some(("consultation_id", "consultations")),
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
        counted: "contributions",
        parent: Some(("consultation_id", "consultations")),
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for tally in &TALLIES {
            tally.create_all(manager).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for tally in &TALLIES {
            tally.drop_all(manager).await?;
        }
        Ok(())
    }
}
