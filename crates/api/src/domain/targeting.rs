//! The one audience rule: a consultation concerns a company when it is open
//! to all, or when its CPV division is one of the company's divisions *and*
//! its département one of the company's départements.
//!
//! The rule is read from both ends — the consultations a company sees, the
//! companies a consultation notifies — and both queries are built here on
//! the same two tables (divisions, départements), so they cannot drift apart.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Value,
};
use shared::consultation::Visibility;
use uuid::Uuid;

use crate::domain::consultations::Phase;
use crate::entities::{company, company_cpv_division, company_departement, consultation, user};
use crate::error::ApiError;

/// `SELECT select FROM entity WHERE filter = value`: the four subqueries
/// of the rule, read from one end or the other.
fn subquery<E: EntityTrait>(
    entity: E,
    select: E::Column,
    filter: E::Column,
    value: impl Into<Value>,
) -> SelectStatement {
    Query::select()
        .column(select)
        .from(entity)
        .and_where(Expr::col(filter).eq(value.into()))
        .to_owned()
}

/// How a condition on consultations is read: the best form differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A list: the condition drives index searches.
    List,
    /// One consultation found by its id: the condition is tested on it.
    One,
}

/// The consultations a company may see: out of draft, and concerning it.
///
/// For a list, written as two index searches — the open consultations (by
/// visibility) and those whose division and département pair one of the
/// company's (by the targeting index) — rather than a condition on every
/// consultation, which the database can only test by reading them all. For
/// one consultation, the same rule as two membership tests of its division
/// and département, which costs two index lookups instead of listing every
/// consultation the company may see.
pub fn consultations_for_company(company_id: Uuid, reading: Reading) -> Condition {
    let visible = Condition::all().add(consultation::Column::Phase.ne(Phase::Draft));
    let concerning = match reading {
        Reading::List => concerning_list(company_id),
        Reading::One => concerning_one(company_id),
    };
    visible.add(
        Condition::any()
            .add(consultation::Column::Visibility.eq(Visibility::Open))
            .add(concerning),
    )
}

fn concerning_one(company_id: Uuid) -> Condition {
    use company_cpv_division::Column as Division;
    use company_departement::Column as Territory;
    let divisions = subquery(
        company_cpv_division::Entity,
        Division::Division,
        Division::CompanyId,
        company_id,
    );
    let departements = subquery(
        company_departement::Entity,
        Territory::Departement,
        Territory::CompanyId,
        company_id,
    );
    Condition::all()
        .add(consultation::Column::CpvDivision.in_subquery(divisions))
        .add(consultation::Column::Departement.in_subquery(departements))
}

fn concerning_list(company_id: Uuid) -> Condition {
    use company_cpv_division::Column as Division;
    use company_departement::Column as Territory;
    let targeted = Alias::new("targeted");
    let concerning = Query::select()
        .column((targeted.clone(), consultation::Column::Id))
        .from_as(consultation::Entity, targeted.clone())
        .inner_join(
            company_cpv_division::Entity,
            Expr::col((company_cpv_division::Entity, Division::Division))
                .equals((targeted.clone(), consultation::Column::CpvDivision)),
        )
        .inner_join(
            company_departement::Entity,
            Expr::col((company_departement::Entity, Territory::Departement))
                .equals((targeted, consultation::Column::Departement)),
        )
        .and_where(Expr::col((company_cpv_division::Entity, Division::CompanyId)).eq(company_id))
        .and_where(Expr::col((company_departement::Entity, Territory::CompanyId)).eq(company_id))
        .to_owned();
    Condition::all().add(consultation::Column::Id.in_subquery(concerning))
}

/// The company accounts a consultation concerns, by id, after `after`:
/// one batch of at most `limit` of them (an audience can be every company
/// of a region, so it is read in batches).
pub async fn audience_batch(
    conn: &impl ConnectionTrait,
    consultation: &consultation::Model,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<user::Model>, ApiError> {
    use company_cpv_division::Column as Division;
    use company_departement::Column as Territory;
    let mut companies = Query::select()
        .column(company::Column::UserId)
        .from(company::Entity)
        .to_owned();
    if consultation.visibility != Visibility::Open {
        let (division, departement) = (&consultation.cpv_division, &consultation.departement);
        companies
            .and_where(Expr::col(company::Column::Id).in_subquery(subquery(
                company_cpv_division::Entity,
                Division::CompanyId,
                Division::Division,
                division.as_str(),
            )))
            .and_where(Expr::col(company::Column::Id).in_subquery(subquery(
                company_departement::Entity,
                Territory::CompanyId,
                Territory::Departement,
                departement.as_str(),
            )));
    }
    // A disabled (or deleted) account hears nothing any more.
    let mut query = user::Entity::find()
        .filter(user::Column::Id.in_subquery(companies))
        .filter(user::Column::DisabledAt.is_null());
    if let Some(after) = after {
        query = query.filter(user::Column::Id.gt(after));
    }
    Ok(query
        .order_by_asc(user::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}
