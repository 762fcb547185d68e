//! The five indexes a list of consultations walks, shared by the migrations
//! that reshape them (15, 17): each by its key, then the date, the id and
//! the phase (migrations 9 and 13), then the columns a list tests on the
//! entry rather than on the row. Released migrations use them: add new
//! shapes, never change one.

use sea_orm_migration::prelude::*;

use crate::columns::{drop_index, index};

#[derive(DeriveIden, Clone, Copy)]
pub enum Consultations {
    Table,
    Id,
    OwnerId,
    BuyerId,
    Visibility,
    Phase,
    CpvDivision,
    Departement,
    UpdatedAt,
    OpenRoundUntil,
    SearchText,
}

/// Each listing index by its key.
fn listing_indexes() -> [(&'static str, Vec<Consultations>); 5] {
    use Consultations as C;
    [
        ("ix_consultations_listing", vec![]),
        ("ix_consultations_owner_listing", vec![C::OwnerId]),
        ("ix_consultations_buyer_listing", vec![C::BuyerId]),
        ("ix_consultations_open_recent", vec![C::Visibility]),
        (
            "ix_consultations_pair_recent",
            vec![C::CpvDivision, C::Departement, C::Visibility],
        ),
    ]
}

/// Drops and creates again each listing index, with `tested` after the
/// phase.
pub async fn rebuild_listing_indexes(
    manager: &SchemaManager<'_>,
    tested: &[Consultations],
) -> Result<(), DbErr> {
    use Consultations as C;
    for (name, key) in listing_indexes() {
        let mut columns: Vec<DynIden> = key.into_iter().map(IntoIden::into_iden).collect();
        columns.extend([C::UpdatedAt, C::Id, C::Phase].map(IntoIden::into_iden));
        columns.extend(tested.iter().map(|c| c.into_iden()));
        drop_index(manager, name, C::Table).await?;
        index(manager, name, C::Table, columns, false).await?;
    }
    Ok(())
}
