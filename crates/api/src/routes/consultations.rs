use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use serde::Deserialize;
use shared::ProblemDetails;
use shared::auth::Page;
use shared::consultation::{
    CctpContent, ConsultationDto, ConsultationStatus, CreateConsultationRequest, DiffDto, DraftDto,
    EventDto, OpenRoundRequest, PublicationDecisionRequest, RevisionDto, RoundDto, SynthesisRow,
    UpdateConsultationRequest,
};
use utoipa::IntoParams;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::domain::access::{AgentCapability, ConsultationAccess};
use crate::domain::consultations::{self, ListFilter};
use crate::domain::pagination::PageQuery;
use crate::domain::{contributions, journal};
use crate::error::ApiError;
use crate::startup::AppState;

async fn access(
    state: &AppState,
    who: &Authenticated,
    id: Uuid,
) -> Result<ConsultationAccess, ApiError> {
    ConsultationAccess::load(state.db.conn(), who, id).await
}

/// Starts a consultation (agents only); its CCTP draft starts empty.
#[utoipa::path(
    tag = "consultations", security(("bearer" = [])),
    request_body = CreateConsultationRequest,
    responses(
        (status = 201, description = "Created, in status `draft`", body = ConsultationDto),
        (status = 400, description = "Malformed JSON", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Only agents create consultations", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (title ≤ 200, summary ≤ 5 000 characters, CPV code, département, buyer)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/consultations")]
pub async fn create(
    state: web::Data<AppState>,
    who: Authenticated,
    body: web::Json<CreateConsultationRequest>,
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
    cpv: Option<String>,
    departement: Option<String>,
    /// Words of the title or summary.
    q: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

/// Consultations the caller may see: agents their own, buyers those assigned
/// to them, companies those of their domain and territory (or open), admins all.
#[utoipa::path(
    tag = "consultations", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "One page, most recently updated first", body = Page<ConsultationDto>),
        (status = 400, description = "Invalid query parameters", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/consultations")]
pub async fn list(
    state: web::Data<AppState>,
    who: Authenticated,
    query: web::Query<ListQuery>,
) -> Result<web::Json<Page<ConsultationDto>>, ApiError> {
    let query = query.into_inner();
    let (page, per_page) = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve();
    let filter = ListFilter {
        status: query.status,
        cpv: query.cpv,
        departement: query.departement,
        q: query.q,
    };
    Ok(web::Json(
        consultations::list(&state.db, &who, filter, page, per_page).await?,
    ))
}

/// One consultation (404 when it does not exist or is not visible).
#[utoipa::path(
    tag = "consultations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    responses(
        (status = 200, description = "The consultation", body = ConsultationDto),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/consultations/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<ConsultationDto>, ApiError> {
    let access = access(&state, &who, *id).await?;
    Ok(web::Json(
        consultations::view(state.db.conn(), access.consultation).await?,
    ))
}

/// Edits the title, summary or visibility, or abandons (owner agent only).
#[utoipa::path(
    tag = "consultations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    request_body = UpdateConsultationRequest,
    responses(
        (status = 200, description = "Updated", body = ConsultationDto),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner agent", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Already published or abandoned", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/consultations/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<UpdateConsultationRequest>,
) -> Result<web::Json<ConsultationDto>, ApiError> {
    let owner = access(&state, &who, *id).await?.as_owner()?;
    Ok(web::Json(
        consultations::update(&state.db, &owner, body.into_inner()).await?,
    ))
}

/// The working CCTP draft (owner, assigned buyer, admin). Its `ETag` is needed to save it.
#[utoipa::path(
    tag = "drafts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    responses(
        (status = 200, description = "The draft; header `ETag` carries its version", body = DraftDto),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Companies read published revisions, not the draft", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/consultations/{id}/draft")]
pub async fn get_draft(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let draft = consultations::draft(&access(&state, &who, *id).await?)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", draft.version)))
        .json(draft))
}

fn if_match(req: &HttpRequest) -> Result<i64, ApiError> {
    let value = req
        .headers()
        .get(header::IF_MATCH)
        .ok_or(ApiError::PreconditionRequired)?;
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse().ok())
        .ok_or(ApiError::PreconditionFailed)
}

/// Replaces the working draft. Requires `If-Match` with the `ETag` read last.
/// Limits: 100 sections, 200 clauses per section, 30 criteria, clause text ≤ 20 000 characters; weights sum to 100.
#[utoipa::path(
    tag = "drafts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), ("If-Match" = String, Header, description = "ETag of the draft being edited, e.g. \"3\"")),
    request_body = CctpContent,
    responses(
        (status = 200, description = "Saved; header `ETag` carries the new version", body = DraftDto),
        (status = 400, description = "Malformed JSON", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner agent", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Draft frozen (publication requested or done)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 412, description = "Someone saved another version first", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid content (weights not summing to 100, empty texts, limits)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[put("/consultations/{id}/draft")]
pub async fn put_draft(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    req: HttpRequest,
    body: web::Json<CctpContent>,
) -> Result<HttpResponse, ApiError> {
    let owner = access(&state, &who, *id).await?.as_owner()?;
    let version = if_match(&req)?;
    let draft = consultations::save_draft(&state.db, &owner, version, body.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", draft.version)))
        .json(draft))
}

/// Publishes the draft as revision N and opens round N (owner agent only).
#[utoipa::path(
    tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    request_body = OpenRoundRequest,
    responses(
        (status = 201, description = "Round opened; matching companies are notified", body = RoundDto),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner agent", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "A round is already open, or the consultation is closed", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Deadline missing or past, empty or invalid draft", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/consultations/{id}/rounds")]
pub async fn open_round(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<OpenRoundRequest>,
) -> Result<HttpResponse, ApiError> {
    let owner = access(&state, &who, *id).await?.as_owner()?;
    Ok(HttpResponse::Created()
        .json(consultations::open_round(&state.db, &owner, body.into_inner()).await?))
}

/// All rounds, oldest first.
#[utoipa::path(
    tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    responses(
        (status = 200, description = "Rounds", body = Vec<RoundDto>),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/consultations/{id}/rounds")]
pub async fn list_rounds(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<RoundDto>>, ApiError> {
    let access = access(&state, &who, *id).await?;
    Ok(web::Json(consultations::rounds(&state.db, &access).await?))
}

/// The frozen revision of round `n`.
#[utoipa::path(
    tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), ("n" = i32, Path, description = "Round number")),
    responses(
        (status = 200, description = "The revision", body = RevisionDto),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown round or consultation", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/consultations/{id}/rounds/{n}")]
pub async fn get_round(
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<(Uuid, i32)>,
) -> Result<web::Json<RevisionDto>, ApiError> {
    let (id, n) = path.into_inner();
    let access = access(&state, &who, id).await?;
    Ok(web::Json(
        consultations::revision(&state.db, &access, n).await?,
    ))
}

/// Closes round `n` before its deadline (owner agent only).
#[utoipa::path(
    tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), ("n" = i32, Path, description = "Round number")),
    responses(
        (status = 200, description = "Closed", body = RoundDto),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner agent", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown round or consultation", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Already closed", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/consultations/{id}/rounds/{n}/close")]
pub async fn close_round(
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<(Uuid, i32)>,
) -> Result<web::Json<RoundDto>, ApiError> {
    let (id, n) = path.into_inner();
    let owner = access(&state, &who, id).await?.as_owner()?;
    Ok(web::Json(
        consultations::close_round(&state.db, &owner, n).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// Earlier round to compare with (default: the previous one).
    from: Option<i32>,
}

/// Clause- and criterion-level changes from round `from` to round `n`, with word-level changes.
#[utoipa::path(
    tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), ("n" = i32, Path, description = "Round number"), DiffQuery),
    responses(
        (status = 200, description = "Changes (unchanged items are omitted)", body = DiffDto),
        (status = 400, description = "Invalid query parameters", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown round or consultation", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/consultations/{id}/rounds/{n}/diff")]
pub async fn diff(
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<(Uuid, i32)>,
    query: web::Query<DiffQuery>,
) -> Result<web::Json<DiffDto>, ApiError> {
    let (id, n) = path.into_inner();
    let access = access(&state, &who, id).await?;
    let from = query.from.unwrap_or(n - 1);
    Ok(web::Json(
        consultations::diff(&state.db, &access, n, from).await?,
    ))
}

/// Asks the assigned PFRA buyer to approve publication (owner agent; no round open).
#[utoipa::path(
    tag = "publication", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    responses(
        (status = 200, description = "Now `awaiting_approval`", body = ConsultationDto),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner agent", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "A round is open, or no round yet", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/consultations/{id}/publication-request")]
pub async fn request_publication(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<ConsultationDto>, ApiError> {
    let owner = access(&state, &who, *id).await?.as_owner()?;
    Ok(web::Json(
        consultations::request_publication(&state.db, &owner).await?,
    ))
}

/// The assigned buyer approves (final revision frozen) or requests changes.
#[utoipa::path(
    tag = "publication", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    request_body = PublicationDecisionRequest,
    responses(
        (status = 200, description = "`published`, or back to `between_rounds`", body = ConsultationDto),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not the assigned buyer", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "No publication request pending", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Comment missing when requesting changes", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/consultations/{id}/publication-decision")]
pub async fn decide_publication(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<PublicationDecisionRequest>,
) -> Result<web::Json<ConsultationDto>, ApiError> {
    let buyer = access(&state, &who, *id).await?.as_buyer()?;
    Ok(web::Json(
        consultations::decide_publication(&state.db, &buyer, body.into_inner()).await?,
    ))
}

/// Per round and target: contributions by kind, cost direction and decision (staff only).
#[utoipa::path(
    tag = "consultations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    responses(
        (status = 200, description = "Synthesis rows", body = Vec<SynthesisRow>),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Companies do not see the synthesis", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/consultations/{id}/synthesis")]
pub async fn synthesis(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<SynthesisRow>>, ApiError> {
    let access = access(&state, &who, *id).await?;
    Ok(web::Json(
        contributions::synthesis(&state.db, &access).await?,
    ))
}

/// The audit trail (owner agent, assigned buyer, admins); companies appear by pseudonym.
#[utoipa::path(
    tag = "consultations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), PageQuery),
    responses(
        (status = 200, description = "One page of events, oldest first", body = Page<EventDto>),
        (status = 400, description = "Invalid query parameters", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Companies do not read the audit trail", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/consultations/{id}/events")]
pub async fn events(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<EventDto>>, ApiError> {
    let access = access(&state, &who, *id).await?;
    let (page, per_page) = query.into_inner().resolve();
    Ok(web::Json(
        journal::events(&state.db, &access, page, per_page).await?,
    ))
}
