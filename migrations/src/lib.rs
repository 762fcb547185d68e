//! Database schema of JeSaisFaire, applied at API start-up.
//! Every migration runs unchanged on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod columns;
mod listing;
mod m20261129_000001_accounts;
mod m20261129_000002_dialogue;
mod m20261129_000003_enumeration_checks;
mod m20261129_000004_settled_contributions;
mod m20261129_000005_mail_and_account_life_cycle;
mod m20261130_000006_revision_diffs;
mod m20261130_000007_fair_dialogue;
mod m20261130_000008_national_scale;
mod m20261130_000009_covering_lists;
mod m20261130_000010_drafts_apart;
mod m20261130_000011_tallies;
mod m20261130_000012_notification_tallies;
mod m20261130_000013_pair_listing;
mod m20261130_000014_pair_tallies;
mod m20261130_000015_open_rounds;
mod m20261201_000016_search_text;
mod m20261201_000017_search_index;
mod tallies;

pub use m20261129_000003_enumeration_checks::ENUMERATION_COLUMNS;
pub use m20261129_000005_mail_and_account_life_cycle::ENUMERATION_COLUMNS as LIFE_CYCLE_ENUMERATION_COLUMNS;
pub use m20261130_000007_fair_dialogue::{ANNOUNCEMENT_KINDS, EVENT_ACTIONS, REPLY_AUDIENCES};

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_accounts::Migration),
            Box::new(m20261129_000002_dialogue::Migration),
            Box::new(m20261129_000003_enumeration_checks::Migration),
            Box::new(m20261129_000004_settled_contributions::Migration),
            Box::new(m20261129_000005_mail_and_account_life_cycle::Migration),
            Box::new(m20261130_000006_revision_diffs::Migration),
            Box::new(m20261130_000007_fair_dialogue::Migration),
            Box::new(m20261130_000008_national_scale::Migration),
            Box::new(m20261130_000009_covering_lists::Migration),
            Box::new(m20261130_000010_drafts_apart::Migration),
            Box::new(m20261130_000011_tallies::Migration),
            Box::new(m20261130_000012_notification_tallies::Migration),
            Box::new(m20261130_000013_pair_listing::Migration),
            Box::new(m20261130_000014_pair_tallies::Migration),
            Box::new(m20261130_000015_open_rounds::Migration),
            Box::new(m20261201_000016_search_text::Migration),
            Box::new(m20261201_000017_search_index::Migration),
        ]
    }
}
