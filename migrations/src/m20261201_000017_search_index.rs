//! A search among consultations tests its words on the listing index rather
//! than on each row. A search tests `search_text LIKE '%words%'` on every
//! consultation a person may list; on SQLite it read each one's row for
//! it: 1 463 rows for the national bench's company and a word found
//! nowhere, 4 to 5 ms. Each listing index now holds the search text last,
//! so that the walk in date order tests it on the index entry: 0.3 to 1 ms.
//!
//! Nothing changes on PostgreSQL. Its listing indexes cannot hold the text:
//! a B-tree entry is limited to about 2 700 bytes, and a summary holds up
//! to 5 000 characters. A trigram index (`pg_trgm`) was measured and left
//! out: PostgreSQL reads the company's search in about 1 ms already, a plan
//! made once for any word then read every consultation holding a common
//! word through it (7.5 ms), and planning each search for its words cost
//! more than it saved.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::listing::{Consultations, rebuild_listing_indexes};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Consultations as C;
        if manager.get_database_backend() != DatabaseBackend::Sqlite {
            return Ok(());
        }
        rebuild_listing_indexes(manager, &[C::OpenRoundUntil, C::SearchText]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Sqlite {
            return Ok(());
        }
        rebuild_listing_indexes(manager, &[Consultations::OpenRoundUntil]).await
    }
}
