//! Publication: requested by the owner agent, decided by the assigned PFRA buyer.

use actix_web::{post, web};
use shared::consultation::{ConsultationDto, PublicationDecisionRequest};
use uuid::Uuid;

use super::consultation_access;
use crate::auth::Authenticated;
use crate::domain::consultations::publication;
use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;

/// Asks the assigned PFRA buyer to approve publication (owner agent; no round open).
/// The draft is frozen as it stands as the final revision: the next number
/// (`for_publication`: readable by all, opening no round), named in `publication.revision`.
#[utoipa::path(
    tag = "publication", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    responses(
        (status = 200, description = "Now `awaiting_approval`", body = ConsultationDto),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not the owner agent"),
        (status = 404, description = "Unknown or not visible"),
        (status = 409, description = "A round is open, no round yet, or warnings of the tailored-specification detector not acknowledged"),
        (status = 422, description = "The draft is incomplete: no clause, or criteria weights not summing to 100"),
    )
)]
#[post("/consultations/{id}/publication-request")]
pub async fn request_publication(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<ConsultationDto>, ApiError> {
    let owner = consultation_access(&state, &who, *id).await?.as_owner()?;
    Ok(web::Json(
        publication::request_publication(&state.db, &owner, state.settings.fairness).await?,
    ))
}

/// The assigned buyer approves the final revision, naming it, or requests changes.
#[utoipa::path(
    tag = "publication", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    request_body = PublicationDecisionRequest,
    responses(
        (status = 200, description = "`published`, or back to `between_rounds`", body = ConsultationDto),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not the assigned buyer"),
        (status = 404, description = "Unknown or not visible"),
        (status = 409, description = "No publication request pending, or the named revision is not the one submitted"),
        (status = 422, description = "Comment missing when requesting changes, or revision missing when approving"),
    )
)]
#[post("/consultations/{id}/publication-decision")]
pub async fn decide_publication(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: Json<PublicationDecisionRequest>,
) -> Result<web::Json<ConsultationDto>, ApiError> {
    let buyer = consultation_access(&state, &who, *id).await?.as_buyer()?;
    Ok(web::Json(
        publication::decide_publication(&state.db, &buyer, body.into_inner()).await?,
    ))
}
