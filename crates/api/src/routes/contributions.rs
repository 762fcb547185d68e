use actix_web::{HttpResponse, get, patch, post, put, web};
use serde::Deserialize;
use shared::ProblemDetails;
use shared::auth::Page;
use shared::consultation::{
    ContributionDto, ContributionKind, ContributionRequest, DecisionKind, DecisionRequest,
    NotificationsDto, ReplyRequest,
};
use utoipa::IntoParams;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::domain::access::ConsultationAccess;
use crate::domain::contributions::{self, ContributionFilter};
use crate::domain::journal;
use crate::domain::pagination::PageQuery;
use crate::error::ApiError;
use crate::startup::AppState;

/// A company reacts on a clause, a criterion or the whole document of the open round.
#[utoipa::path(
    tag = "contributions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    request_body = ContributionRequest,
    responses(
        (status = 201, description = "Contribution created; the author gets a pseudonym in this consultation", body = ContributionDto),
        (status = 400, description = "Malformed JSON", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Only companies contribute", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown consultation, or outside the company's targeting", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "No round open (draft, closed round, published)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: unknown clause, alternative without text, missing cost direction, texts over 10 000 characters…", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/consultations/{id}/contributions")]
pub async fn create(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<ContributionRequest>,
) -> Result<HttpResponse, ApiError> {
    let access = ConsultationAccess::load(state.db.conn(), &who, *id).await?;
    Ok(HttpResponse::Created()
        .json(contributions::create(&state.db, &access, body.into_inner()).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContributionQuery {
    round: Option<i32>,
    clause: Option<Uuid>,
    criterion: Option<Uuid>,
    kind: Option<ContributionKind>,
    decision: Option<DecisionKind>,
    /// Only the caller's own contributions.
    #[serde(default)]
    mine: bool,
    /// Page number, from 1 (default 1).
    page: Option<u64>,
    /// Items per page, 1 to 100 (default 20).
    per_page: Option<u64>,
}

/// Contributions the caller may see: all for staff; for a company its own
/// plus the others' non-confidential ones, under pseudonyms.
#[utoipa::path(
    tag = "contributions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), ContributionQuery),
    responses(
        (status = 200, description = "One page of contributions, oldest first", body = Page<ContributionDto>),
        (status = 400, description = "Invalid query parameters", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/consultations/{id}/contributions")]
pub async fn list(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    query: web::Query<ContributionQuery>,
) -> Result<web::Json<Page<ContributionDto>>, ApiError> {
    let access = ConsultationAccess::load(state.db.conn(), &who, *id).await?;
    let q = query.into_inner();
    let (page, per_page) = PageQuery {
        page: q.page,
        per_page: q.per_page,
    }
    .resolve();
    let filter = ContributionFilter {
        round: q.round,
        clause: q.clause,
        criterion: q.criterion,
        kind: q.kind,
        decision: q.decision,
        mine: q.mine,
    };
    Ok(web::Json(
        contributions::list(&state.db, &access, filter, page, per_page).await?,
    ))
}

/// One contribution with its replies and decision.
#[utoipa::path(
    tag = "contributions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Contribution id")),
    responses(
        (status = 200, description = "The contribution", body = ContributionDto),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible (e.g. another company's confidential solution)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/contributions/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<ContributionDto>, ApiError> {
    Ok(web::Json(contributions::get(&state.db, &who, *id).await?))
}

/// The author edits a contribution while its round is open.
#[utoipa::path(
    tag = "contributions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Contribution id")),
    request_body = ContributionRequest,
    responses(
        (status = 200, description = "Updated", body = ContributionDto),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not the author", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Round closed or contribution withdrawn", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/contributions/{id}")]
pub async fn edit(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<ContributionRequest>,
) -> Result<web::Json<ContributionDto>, ApiError> {
    Ok(web::Json(
        contributions::edit(&state.db, &who, *id, body.into_inner()).await?,
    ))
}

/// The author withdraws a contribution while its round is open.
#[utoipa::path(
    tag = "contributions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Contribution id")),
    responses(
        (status = 200, description = "Withdrawn", body = ContributionDto),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not the author", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Round closed or already withdrawn", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/contributions/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<ContributionDto>, ApiError> {
    Ok(web::Json(
        contributions::withdraw(&state.db, &who, *id).await?,
    ))
}

/// A reply in the thread of a contribution (owner agent or author). Replies to
/// clarifications are public to every company of the consultation.
#[utoipa::path(
    tag = "contributions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Contribution id")),
    request_body = ReplyRequest,
    responses(
        (status = 201, description = "The contribution with its thread", body = ContributionDto),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Neither the owner agent nor the author", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long (10 000 characters)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/contributions/{id}/replies")]
pub async fn reply(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<ReplyRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created()
        .json(contributions::reply(&state.db, &who, *id, body.into_inner()).await?))
}

/// The owner agent's decision, with its rationale.
#[utoipa::path(
    tag = "contributions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Contribution id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "Decided; the author is notified", body = ContributionDto),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner agent", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or not visible", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Contribution withdrawn", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Missing decision or rationale, decision not fitting the kind, unknown round", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[put("/contributions/{id}/decision")]
pub async fn decide(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<DecisionRequest>,
) -> Result<web::Json<ContributionDto>, ApiError> {
    Ok(web::Json(
        contributions::decide(&state.db, &who, *id, body.into_inner()).await?,
    ))
}

/// The caller's latest notifications and unread count.
#[utoipa::path(
    tag = "notifications", security(("bearer" = [])),
    responses(
        (status = 200, description = "Up to 100, newest first", body = NotificationsDto),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/notifications")]
pub async fn notifications(
    state: web::Data<AppState>,
    who: Authenticated,
) -> Result<web::Json<NotificationsDto>, ApiError> {
    Ok(web::Json(journal::notifications(&state.db, &who).await?))
}

/// Marks one of the caller's notifications as read.
#[utoipa::path(
    tag = "notifications", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Notification id")),
    responses(
        (status = 204, description = "Marked as read"),
        (status = 401, description = "Not signed in", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or someone else's", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/notifications/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    journal::mark_read(&state.db, &who, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
