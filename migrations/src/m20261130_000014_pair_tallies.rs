//! A company's total without counting: `consultation_pair_tallies` holds,
//! for each (CPV division, département) pair, how many consultations out
//! of draft target it. A company's list counted the targeted consultations
//! of each of its pairs, index entry by index entry (1 263 for the national
//! bench's company, most of the count's time); its total now adds one
//! tally row per pair to the open consultations, counted on their index.
//!
//! Kept by triggers (see `tallies`). A consultation's pair is chosen at its
//! creation and never changes, and a transaction changes one consultation:
//! on PostgreSQL each locks one tally row, the row of its pair.

use sea_orm_migration::prelude::*;

use crate::tallies::{Key, Tally};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TALLY: Tally = Tally {
    table: "consultation_pair_tallies",
    counted: "consultations",
    key: &[("cpv_division", Key::Name), ("departement", Key::Name)],
    parent: None,
    counters: &[(
        "targeted",
        "{r}.phase <> 'draft' AND {r}.visibility = 'targeted'",
    )],
};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        TALLY.create_all(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        TALLY.drop_all(manager).await
    }
}
