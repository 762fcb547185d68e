//! The working CCTP draft, read and saved with `ETag` / `If-Match`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use shared::consultation::{CctpContent, DraftDto};
use uuid::Uuid;

use super::consultation_access;
use crate::auth::Authenticated;
use crate::domain::consultations::draft;
use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;

/// The working CCTP draft (owner, assigned buyer, admin). Its `ETag` is needed to save it.
#[utoipa::path(
    tag = "drafts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    responses(
        (status = 200, description = "The draft; header `ETag` carries its version", body = DraftDto,
            headers(("ETag" = String, description = "Version of the draft, to send back in `If-Match` (e.g. `\"3\"`)"))),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Companies read published revisions, not the draft"),
        (status = 404, description = "Unknown or not visible"),
    )
)]
#[get("/consultations/{id}/draft")]
pub async fn get_draft(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let draft = draft::draft(&state.db, &consultation_access(&state, &who, *id).await?).await?;
    Ok(with_etag(draft))
}

/// The draft with its version as `ETag`, to send back in `If-Match`.
fn with_etag(draft: DraftDto) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", draft.version)))
        .json(draft)
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

/// The largest draft body: 1 000 000 characters of text (`limits::CCTP_TEXT`)
/// of up to 4 bytes each in UTF-8, with room for the JSON around them.
const DRAFT_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Replaces the working draft. Requires `If-Match` with the `ETag` read last.
/// Limits: 100 sections, 200 clauses per section, 30 criteria, clause text ≤ 20 000 characters,
/// 1 000 000 characters in all, a body of 8 MiB.
/// A draft may be saved unfinished (weights summing to anything); the weights must sum to 100
/// when a round opens or publication is requested.
#[utoipa::path(
    tag = "drafts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), ("If-Match" = String, Header, description = "ETag of the draft being edited, e.g. \"3\"")),
    request_body = CctpContent,
    responses(
        (status = 200, description = "Saved; header `ETag` carries the new version", body = DraftDto,
            headers(("ETag" = String, description = "The new version of the draft"))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not the owner agent"),
        (status = 404, description = "Unknown or not visible"),
        (status = 409, description = "Draft frozen (publication requested or done)"),
        (status = 412, description = "Someone saved another version first"),
        (status = 413, description = "Body larger than 8 MiB"),
        (status = 415, description = "Body is not JSON"),
        (status = 422, description = "Invalid content (empty texts, duplicate ids, limits, weights outside 1–100)"),
        (status = 428, description = "If-Match missing"),
    )
)]
#[put("/consultations/{id}/draft")]
pub async fn save_draft(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    req: HttpRequest,
    body: Json<CctpContent, DRAFT_BODY_LIMIT>,
) -> Result<HttpResponse, ApiError> {
    let owner = consultation_access(&state, &who, *id).await?.as_owner()?;
    let version = if_match(&req)?;
    let draft = draft::save_draft(&state.db, &owner, version, body.into_inner()).await?;
    Ok(with_etag(draft))
}
