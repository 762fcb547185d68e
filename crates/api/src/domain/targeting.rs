//! The one audience rule: a consultation concerns a company when it is open
//! to all, or when its CPV division is one of the company's divisions *and*
//! its département one of the company's départements.
//!
//! The rule is read from both ends — the consultations a company sees, the
//! companies a consultation notifies — and both queries are built here from
//! the same two subqueries, so they cannot drift apart.

use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use shared::consultation::Visibility;
use uuid::Uuid;

use crate::domain::consultations::Phase;
use crate::entities::{company, company_cpv_division, company_departement, consultation};
use crate::error::ApiError;

/// The CPV divisions of one company.
fn divisions_of(company_id: Uuid) -> SelectStatement {
    Query::select()
        .column(company_cpv_division::Column::Division)
        .from(company_cpv_division::Entity)
        .and_where(Expr::col(company_cpv_division::Column::CompanyId).eq(company_id))
        .to_owned()
}

fn departements_of(company_id: Uuid) -> SelectStatement {
    Query::select()
        .column(company_departement::Column::Departement)
        .from(company_departement::Entity)
        .and_where(Expr::col(company_departement::Column::CompanyId).eq(company_id))
        .to_owned()
}

fn companies_in_division(division: &str) -> SelectStatement {
    Query::select()
        .column(company_cpv_division::Column::CompanyId)
        .from(company_cpv_division::Entity)
        .and_where(Expr::col(company_cpv_division::Column::Division).eq(division))
        .to_owned()
}

fn companies_in_departement(departement: &str) -> SelectStatement {
    Query::select()
        .column(company_departement::Column::CompanyId)
        .from(company_departement::Entity)
        .and_where(Expr::col(company_departement::Column::Departement).eq(departement))
        .to_owned()
}

/// The consultations a company may see: out of draft, and concerning it.
pub fn consultations_for_company(company_id: Uuid) -> Condition {
    Condition::all()
        .add(consultation::Column::Phase.ne(Phase::Draft))
        .add(
            Condition::any()
                .add(consultation::Column::Visibility.eq(Visibility::Open))
                .add(
                    Condition::all()
                        .add(
                            consultation::Column::CpvDivision.in_subquery(divisions_of(company_id)),
                        )
                        .add(
                            consultation::Column::Departement
                                .in_subquery(departements_of(company_id)),
                        ),
                ),
        )
}

/// The user ids of the company accounts a consultation concerns.
pub async fn audience(
    conn: &impl ConnectionTrait,
    consultation: &consultation::Model,
) -> Result<Vec<Uuid>, ApiError> {
    let mut companies = company::Entity::find();
    if consultation.visibility != Visibility::Open {
        companies = companies
            .filter(
                company::Column::Id.in_subquery(companies_in_division(&consultation.cpv_division)),
            )
            .filter(
                company::Column::Id
                    .in_subquery(companies_in_departement(&consultation.departement)),
            );
    }
    Ok(companies
        .all(conn)
        .await?
        .into_iter()
        .map(|c| c.user_id)
        .collect())
}
