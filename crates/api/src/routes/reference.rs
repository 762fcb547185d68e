use actix_web::{get, web};
use serde::Deserialize;
use shared::reference::{CPV_DIVISIONS, CpvDivisionEntry, DEPARTEMENTS, DepartementEntry};
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Filters on the code prefix or on words of the label (accents matter).
    q: Option<String>,
}

/// The 45 CPV 2008 divisions with their official French labels.
#[utoipa::path(
    tag = "reference",
    params(SearchQuery),
    responses(
        (status = 200, description = "Matching divisions, by code", body = Vec<CpvDivisionEntry>),
        (status = 400, description = "Invalid query parameters"),
    )
)]
#[get("/reference/cpv-divisions")]
pub async fn list_cpv_divisions(
    query: web::Query<SearchQuery>,
) -> web::Json<Vec<CpvDivisionEntry>> {
    let needle = query.q.as_deref().unwrap_or("").trim().to_lowercase();
    web::Json(
        CPV_DIVISIONS
            .iter()
            .filter(|d| {
                needle.is_empty()
                    || d.code.starts_with(&needle)
                    || d.label.to_lowercase().contains(&needle)
            })
            .cloned()
            .collect(),
    )
}

/// The 101 French départements (2A/2B and overseas included).
#[utoipa::path(
    tag = "reference",
    responses((status = 200, description = "All départements, in INSEE order", body = Vec<DepartementEntry>))
)]
#[get("/reference/departements")]
pub async fn list_departements() -> web::Json<Vec<DepartementEntry>> {
    web::Json(DEPARTEMENTS.clone())
}
