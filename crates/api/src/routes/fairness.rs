//! The guards of a fair dialogue: notices to all companies, the
//! equal-information summary, the tailored-specification detector.

use actix_web::{HttpResponse, get, post, web};
use shared::consultation::{
    AcknowledgementRequest, EqualInformationDto, FairnessDto, NoticeDto, NoticeRequest,
};
use uuid::Uuid;

use super::consultation_access;
use crate::auth::Authenticated;
use crate::domain::fairness::{detector, equal_information, notices};
use crate::error::ApiError;
use crate::extract::Json;
use crate::heavy::in_turn;
use crate::state::AppState;

/// Publishes information to every company the consultation concerns,
/// optionally about a clause of the latest revision (owner agent, during
/// the dialogue). Every company is notified.
#[utoipa::path(
    tag = "fairness", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    request_body = NoticeRequest,
    responses(
        (status = 201, description = "Published; the companies are notified", body = NoticeDto),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not the owner agent"),
        (status = 404, description = "Unknown or not visible"),
        (status = 409, description = "Not in dialogue, no round yet, or too many notices"),
        (status = 422, description = "Body missing or too long, a company's phone or e-mail in it, or unknown clause"),
    )
)]
#[post("/consultations/{id}/notices")]
pub async fn publish_notice(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: Json<NoticeRequest>,
) -> Result<HttpResponse, ApiError> {
    let owner = consultation_access(&state, &who, *id).await?.as_owner()?;
    Ok(HttpResponse::Created().json(notices::publish(&state.db, &owner, body.into_inner()).await?))
}

/// Every notice to all companies, newest first (at most 200).
#[utoipa::path(
    tag = "fairness", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    responses(
        (status = 200, description = "Notices", body = Vec<NoticeDto>),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "Unknown or not visible"),
    )
)]
#[get("/consultations/{id}/notices")]
pub async fn list_notices(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<NoticeDto>>, ApiError> {
    let access = consultation_access(&state, &who, *id).await?;
    Ok(web::Json(notices::list(&state.db, &access).await?))
}

/// What every company was told and when, against the deadlines, and what
/// the agent told one company alone (owner agent and assigned buyer).
#[utoipa::path(
    tag = "fairness", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    responses(
        (status = 200, description = "Equal-information summary", body = EqualInformationDto),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Neither the owner agent nor the assigned buyer"),
        (status = 404, description = "Unknown or not visible"),
    )
)]
#[get("/consultations/{id}/equal-information")]
pub async fn get_equal_information(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<EqualInformationDto>, ApiError> {
    let access = consultation_access(&state, &who, *id).await?;
    Ok(web::Json(
        equal_information::summary(&state.db, &access, state.settings.fairness).await?,
    ))
}

/// The tailored-specification detector on the final revision, or on the
/// draft before publication is requested: provenance of the wording,
/// decisions applied or not, concentration, brands (owner agent and
/// assigned buyer).
#[utoipa::path(
    tag = "fairness", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    responses(
        (status = 200, description = "The detector's report", body = FairnessDto),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Neither the owner agent nor the assigned buyer"),
        (status = 404, description = "Unknown or not visible"),
        (status = 422, description = "A stored revision or draft cannot be read"),
    )
)]
#[get("/consultations/{id}/fairness")]
pub async fn get_fairness(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<FairnessDto>, ApiError> {
    let access = consultation_access(&state, &who, *id).await?;
    Ok(web::Json(
        detector::report(
            &state.db,
            &state.fairness_reports,
            &access,
            state.settings.fairness,
        )
        .await?,
    ))
}

/// The owner agent takes note of the detector's current warnings, with a
/// comment kept in the sourcing record; required before the publication
/// request while warnings remain.
#[utoipa::path(
    tag = "fairness", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    request_body = AcknowledgementRequest,
    responses(
        (status = 200, description = "Recorded; the report with the acknowledgement", body = FairnessDto),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not the owner agent"),
        (status = 404, description = "Unknown or not visible"),
        (status = 409, description = "Not in dialogue, no warning, or the draft changed meanwhile"),
        (status = 422, description = "Comment missing or too long"),
    )
)]
#[post("/consultations/{id}/fairness/acknowledgement")]
pub async fn acknowledge_fairness(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: Json<AcknowledgementRequest>,
) -> Result<web::Json<FairnessDto>, ApiError> {
    let owner = consultation_access(&state, &who, *id).await?.as_owner()?;
    Ok(web::Json(
        in_turn(detector::acknowledge(
            &state.db,
            &owner,
            state.settings.fairness,
            body.into_inner(),
        ))
        .await??,
    ))
}
