use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use shared::auth::Page;
use shared::reference::{
    CPV_DIVISIONS, CpvCodeEntry, CpvDivisionEntry, DEPARTEMENTS, DepartementEntry,
};
use utoipa::IntoParams;

use super::caching::Versioned;
use crate::domain::cpv;
use crate::domain::pagination::PageQuery;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Filters on the code prefix or on words of the label (accents matter).
    q: Option<String>,
}

/// The 45 CPV 2008 divisions with their official French labels.
#[utoipa::path(
    tag = "reference",
    params(SearchQuery, ("If-None-Match" = Option<String>, Header, description = "`ETag` of the copy held: `304` if it is still current")),
    responses(
        (status = 200, description = "Matching divisions, by code", body = Vec<CpvDivisionEntry>, headers(("ETag" = String, description = "Version of the reference data of this release"), ("Cache-Control" = String, description = "`public, max-age=86400`"))),
        (status = 304, description = "The copy named in `If-None-Match` is current (no body)"),
        (status = 400, description = "Invalid query parameters"),
    )
)]
#[get("/reference/cpv-divisions")]
pub async fn list_cpv_divisions(query: web::Query<SearchQuery>, req: HttpRequest) -> HttpResponse {
    let version = Versioned::reference();
    if let Some(unchanged) = version.unchanged_for(&req) {
        return unchanged;
    }
    let needle = query.q.as_deref().unwrap_or("").trim().to_lowercase();
    version.ok().json(
        CPV_DIVISIONS
            .iter()
            .filter(|d| {
                needle.is_empty()
                    || d.code.starts_with(&needle)
                    || d.label.to_lowercase().contains(&needle)
            })
            .collect::<Vec<_>>(),
    )
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CpvQuery {
    /// A code or its start (`7226`, `72260000-5`), or words of the label,
    /// accents and case aside (`logiciel`, `securite`). Absent: every code.
    q: Option<String>,
}

/// Searches the whole CPV 2008 nomenclature (9 454 codes): the exact code
/// first, then the codes it starts, then labels starting with the words,
/// then labels holding every word; each group in code order.
#[utoipa::path(
    tag = "reference",
    params(CpvQuery, PageQuery, ("If-None-Match" = Option<String>, Header, description = "`ETag` of the copy held: `304` if it is still current")),
    responses(
        (status = 200, description = "One page of matching codes, best first", body = Page<CpvCodeEntry>, headers(("ETag" = String, description = "Version of the reference data of this release"), ("Cache-Control" = String, description = "`public, max-age=86400`"))),
        (status = 304, description = "The copy named in `If-None-Match` is current (no body)"),
        (status = 400, description = "Invalid query parameters"),
    )
)]
#[get("/reference/cpv")]
pub async fn search_cpv(
    query: web::Query<CpvQuery>,
    page: web::Query<PageQuery>,
    req: HttpRequest,
) -> HttpResponse {
    let version = Versioned::reference();
    if let Some(unchanged) = version.unchanged_for(&req) {
        return unchanged;
    }
    version.ok().json(cpv::search(
        query.q.as_deref().unwrap_or_default(),
        page.into_inner().resolve(),
    ))
}

/// The 101 French départements (2A/2B and overseas included).
#[utoipa::path(
    tag = "reference",
    params(("If-None-Match" = Option<String>, Header, description = "`ETag` of the copy held: `304` if it is still current")),
    responses(
        (status = 200, description = "All départements, in INSEE order", body = Vec<DepartementEntry>, headers(("ETag" = String, description = "Version of the reference data of this release"), ("Cache-Control" = String, description = "`public, max-age=86400`"))),
        (status = 304, description = "The copy named in `If-None-Match` is current (no body)"),
    )
)]
#[get("/reference/departements")]
pub async fn list_departements(req: HttpRequest) -> HttpResponse {
    let version = Versioned::reference();
    version
        .unchanged_for(&req)
        .unwrap_or_else(|| version.ok().json(&*DEPARTEMENTS))
}
