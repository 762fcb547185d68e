//! Lists answered from indexes alone. On the national data set, a
//! company's list of 1 500 consultations read each of them from the table
//! (two rows a page, beside their draft) only to count them and to sort
//! them by date; a company's contributions list did the same with 5 000
//! contributions to test who may read them. Each index below holds every
//! column its list filters, counts and sorts on, so that only the rows of
//! the page are read from the table:
//! - consultations open to all, and those targeting a division and a
//!   département (the two parts of what a company sees), an agent's, a
//!   buyer's, and everyone's (the administrator), each by most recent
//!   change with the phase the status filter tests; each replaces the index
//!   it extends;
//! - a consultation's contributions in reading order with what the
//!   visibility rule and the filters test (replaces its prefix);
//! - a consultation's rounds by whether they are still open (the "in
//!   dialogue" filter);
//! - a company's contributions to a consultation by round: each new
//!   contribution counts those of its author in the round (at most 100),
//!   which read every contribution of the consultation in its index — 5 000
//!   entries on a national one, under SQLite's single writer.

use sea_orm_migration::prelude::*;

use crate::columns::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy, PartialEq)]
enum Consultations {
    Table,
    Id,
    Visibility,
    Phase,
    CpvDivision,
    Departement,
    OwnerId,
    BuyerId,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Contributions {
    Table,
    Id,
    ConsultationId,
    CreatedAt,
    Status,
    Confidential,
    AuthorId,
    Kind,
    Round,
    TargetKind,
    TargetId,
    Decision,
}

#[derive(DeriveIden, Clone, Copy)]
enum Rounds {
    Table,
    ConsultationId,
    ClosedEarlyAt,
    ClosesAt,
}

/// One covering index: its table, its name, its columns, and the index it
/// replaces, named with the length of the prefix it was.
struct Covering {
    table: DynIden,
    name: &'static str,
    columns: Vec<DynIden>,
    replaces: Option<(&'static str, usize)>,
}

fn coverings() -> Vec<Covering> {
    use Consultations as C;
    let consultations = |name, lead: &[C], replaces| {
        let mut columns: Vec<DynIden> = lead.iter().map(|c| c.into_iden()).collect();
        columns.extend([C::UpdatedAt, C::Id].map(IntoIden::into_iden));
        if !lead.contains(&C::Phase) {
            columns.push(C::Phase.into_iden());
        }
        Covering {
            table: C::Table.into_iden(),
            name,
            columns,
            replaces,
        }
    };
    use Contributions as K;
    vec![
        consultations(
            "ix_consultations_open_listing",
            &[C::Visibility, C::Phase],
            Some(("ix_consultations_visibility", 1)),
        ),
        consultations(
            "ix_consultations_targeted_listing",
            &[C::CpvDivision, C::Departement, C::Phase, C::Visibility],
            Some(("ix_consultations_targeting", 2)),
        ),
        consultations(
            "ix_consultations_owner_listing",
            &[C::OwnerId],
            Some(("ix_consultations_owner_recent", 2)),
        ),
        consultations(
            "ix_consultations_buyer_listing",
            &[C::BuyerId],
            Some(("ix_consultations_buyer_recent", 2)),
        ),
        consultations("ix_consultations_listing", &[], None),
        Covering {
            table: K::Table.into_iden(),
            name: "ix_contributions_listing",
            columns: [
                K::ConsultationId,
                K::CreatedAt,
                K::Id,
                K::Status,
                K::Confidential,
                K::AuthorId,
                K::Kind,
                K::Round,
                K::TargetKind,
                K::TargetId,
                K::Decision,
            ]
            .map(IntoIden::into_iden)
            .into(),
            replaces: Some(("ix_contributions_reading_order", 3)),
        },
        Covering {
            table: K::Table.into_iden(),
            name: "ix_contributions_author",
            columns: [K::ConsultationId, K::AuthorId, K::Round]
                .map(IntoIden::into_iden)
                .into(),
            replaces: None,
        },
        Covering {
            table: Rounds::Table.into_iden(),
            name: "ix_rounds_open",
            columns: [
                Rounds::ConsultationId,
                Rounds::ClosedEarlyAt,
                Rounds::ClosesAt,
            ]
            .map(IntoIden::into_iden)
            .into(),
            replaces: None,
        },
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for covering in coverings() {
            index(
                manager,
                covering.name,
                covering.table.clone(),
                covering.columns,
                false,
            )
            .await?;
            if let Some((replaced, _)) = covering.replaces {
                manager
                    .drop_index(
                        Index::drop()
                            .name(replaced)
                            .table(covering.table)
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for covering in coverings() {
            if let Some((replaced, prefix)) = covering.replaces {
                let columns = covering.columns.iter().take(prefix).cloned().collect();
                index(manager, replaced, covering.table.clone(), columns, false).await?;
            }
            manager
                .drop_index(
                    Index::drop()
                        .name(covering.name)
                        .table(covering.table)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
