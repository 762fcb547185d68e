//! Consultations: create, list, read, describe; their synthesis and audit trail.

use actix_web::{HttpResponse, get, patch, post, web};
use serde::Deserialize;
use shared::auth::Page;
use shared::consultation::{
    ConsultationDto, ConsultationStatus, CreateConsultationRequest, EventDto, SynthesisRow,
    UpdateConsultationRequest,
};
use utoipa::IntoParams;
use uuid::Uuid;

use super::consultation_access;
use crate::auth::Authenticated;
use crate::domain::access::AgentCapability;
use crate::domain::consultations::{self, ListFilter};
use crate::domain::contributions::synthesis;
use crate::domain::journal::events;
use crate::domain::pagination::PageQuery;
use crate::domain::text::search_words;
use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;

/// Starts a consultation (agents only); its CCTP draft starts empty.
#[utoipa::path(
    tag = "consultations", security(("bearer" = [])),
    request_body = CreateConsultationRequest,
    responses(
        (status = 201, description = "Created, in status `draft`", body = ConsultationDto),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Only agents create consultations"),
        (status = 422, description = "Invalid fields (title ≤ 200, summary ≤ 5 000 characters, CPV code, département, buyer)"),
    )
)]
#[post("/consultations")]
pub async fn create_consultation(
    state: web::Data<AppState>,
    who: Authenticated,
    body: Json<CreateConsultationRequest>,
) -> Result<HttpResponse, ApiError> {
    let agent = AgentCapability::require(&who)?;
    let created = consultations::create(&state.db, &agent, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(created))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    status: Option<ConsultationStatus>,
    /// Prefix of the CPV code (`72`, `7226`…).
    #[serde(default, deserialize_with = "search_words")]
    cpv: Option<String>,
    #[serde(default, deserialize_with = "search_words")]
    departement: Option<String>,
    /// Words of the title or summary. A search counts its matches up to
    /// 200 (or the end of the page asked, if further): beyond, `total` is
    /// that bound and `total_relation` is `more_than`.
    #[serde(default, deserialize_with = "search_words")]
    q: Option<String>,
}

/// Consultations the caller may see: agents their own, buyers those assigned
/// to them, companies those of their domain and territory (or open), admins all.
#[utoipa::path(
    tag = "consultations", security(("bearer" = [])),
    params(ListQuery, PageQuery),
    responses(
        (status = 200, description = "One page, most recently updated first", body = Page<ConsultationDto>),
        (status = 400, description = "Invalid query parameters"),
        (status = 401, description = "Not signed in"),
    )
)]
#[get("/consultations")]
pub async fn list_consultations(
    state: web::Data<AppState>,
    who: Authenticated,
    query: web::Query<ListQuery>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<ConsultationDto>>, ApiError> {
    let query = query.into_inner();
    let filter = ListFilter {
        status: query.status,
        cpv: query.cpv,
        departement: query.departement,
        q: query.q,
    };
    Ok(web::Json(
        consultations::list(&state.db, &who, filter, page.resolve()).await?,
    ))
}

/// One consultation (404 when it does not exist or is not visible).
#[utoipa::path(
    tag = "consultations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    responses(
        (status = 200, description = "The consultation", body = ConsultationDto),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "Unknown or not visible"),
    )
)]
#[get("/consultations/{id}")]
pub async fn get_consultation(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<ConsultationDto>, ApiError> {
    let access = consultation_access(&state, &who, *id).await?;
    Ok(web::Json(
        consultations::get(&state.db, &who, access).await?,
    ))
}

/// Edits the title, summary or visibility, or abandons (owner agent only).
#[utoipa::path(
    tag = "consultations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    request_body = UpdateConsultationRequest,
    responses(
        (status = 200, description = "Updated", body = ConsultationDto),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not the owner agent"),
        (status = 404, description = "Unknown or not visible"),
        (status = 409, description = "Already published or abandoned"),
        (status = 422, description = "Invalid fields"),
    )
)]
#[patch("/consultations/{id}")]
pub async fn update_consultation(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: Json<UpdateConsultationRequest>,
) -> Result<web::Json<ConsultationDto>, ApiError> {
    let owner = consultation_access(&state, &who, *id).await?.as_owner()?;
    Ok(web::Json(
        consultations::update(&state.db, &owner, body.into_inner()).await?,
    ))
}

/// Per round and target: contributions by kind, cost direction and decision (staff only).
#[utoipa::path(
    tag = "consultations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    responses(
        (status = 200, description = "Synthesis rows", body = Vec<SynthesisRow>),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Companies do not see the synthesis"),
        (status = 404, description = "Unknown or not visible"),
    )
)]
#[get("/consultations/{id}/synthesis")]
pub async fn get_synthesis(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<SynthesisRow>>, ApiError> {
    let access = consultation_access(&state, &who, *id).await?;
    Ok(web::Json(synthesis::synthesis(&state.db, &access).await?))
}

/// The audit trail (owner agent, assigned buyer, admins); companies appear by pseudonym.
#[utoipa::path(
    tag = "consultations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), PageQuery),
    responses(
        (status = 200, description = "One page of events, oldest first", body = Page<EventDto>),
        (status = 400, description = "Invalid query parameters"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Companies do not read the audit trail"),
        (status = 404, description = "Unknown or not visible"),
    )
)]
#[get("/consultations/{id}/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<EventDto>>, ApiError> {
    let access = consultation_access(&state, &who, *id).await?;
    Ok(web::Json(
        events::list(&state.db, &access, query.resolve()).await?,
    ))
}
