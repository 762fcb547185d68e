//! A company's list read as the newest few of each of its parts. The
//! consultations it sees are those open to all and, for each pair of its
//! divisions and départements, those targeting the pair. The indexes of
//! migration 9 held the phase before the date, so that no part could be
//! read in date order: to show the newest 20 of 1 463 visible
//! consultations, the database read and sorted all 1 463 (0.5 ms on
//! SQLite). Each index below holds the date right after the part's key,
//! and the phase after it (the status filter tests it on the index entry):
//! every part is read newest first, and only as far as the page goes.

use sea_orm_migration::prelude::*;

use crate::columns::{drop_index, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Consultations {
    Table,
    Id,
    Visibility,
    Phase,
    CpvDivision,
    Departement,
    UpdatedAt,
}

/// Each new index, its key (the part it reads), and the index of
/// migration 9 it replaces with that key's columns.
fn indexes() -> [(
    &'static str,
    Vec<Consultations>,
    &'static str,
    Vec<Consultations>,
); 2] {
    use Consultations as C;
    [
        (
            "ix_consultations_open_recent",
            vec![C::Visibility],
            "ix_consultations_open_listing",
            vec![C::Visibility, C::Phase],
        ),
        (
            "ix_consultations_pair_recent",
            vec![C::CpvDivision, C::Departement, C::Visibility],
            "ix_consultations_targeted_listing",
            vec![C::CpvDivision, C::Departement, C::Phase, C::Visibility],
        ),
    ]
}

/// `key`, then the date, the id and the phase (those of migration 9 had
/// the phase within the key).
fn columns(key: &[Consultations], phase_in_key: bool) -> Vec<DynIden> {
    use Consultations as C;
    let mut columns: Vec<DynIden> = key.iter().map(|c| c.into_iden()).collect();
    columns.extend([C::UpdatedAt, C::Id].map(IntoIden::into_iden));
    if !phase_in_key {
        columns.push(C::Phase.into_iden());
    }
    columns
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, key, replaced, _) in indexes() {
            let columns = columns(&key, false);
            index(manager, name, Consultations::Table, columns, false).await?;
            drop_index(manager, replaced, Consultations::Table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _, replaced, key) in indexes() {
            let columns = columns(&key, true);
            index(manager, replaced, Consultations::Table, columns, false).await?;
            drop_index(manager, name, Consultations::Table).await?;
        }
        Ok(())
    }
}
