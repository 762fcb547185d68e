//! Contributions, their replies and the agent's decisions.

use actix_web::{HttpResponse, get, patch, post, put, web};
use serde::Deserialize;
use shared::auth::Page;
use shared::consultation::{
    ContributionDto, ContributionKind, ContributionRequest, DecisionKind, DecisionRequest,
    ReplyRequest,
};
use utoipa::IntoParams;
use uuid::Uuid;

use super::consultation_access;
use crate::auth::Authenticated;
use crate::domain::contributions::{self, ContributionFilter, decisions, replies};
use crate::domain::pagination::PageQuery;
use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;

/// A company reacts on a clause, a criterion or the whole document of the open round.
#[utoipa::path(
    tag = "contributions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    request_body = ContributionRequest,
    responses(
        (status = 201, description = "Contribution created; the author gets a pseudonym in this consultation", body = ContributionDto),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Only companies contribute"),
        (status = 404, description = "Unknown consultation, or outside the company's targeting"),
        (status = 409, description = "No round open (draft, closed round, published), or the company already made 100 contributions in this round"),
        (status = 422, description = "Invalid fields: unknown clause, alternative without text, missing cost direction, texts over 10 000 characters…"),
    )
)]
#[post("/consultations/{id}/contributions")]
pub async fn create_contribution(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: Json<ContributionRequest>,
) -> Result<HttpResponse, ApiError> {
    let access = consultation_access(&state, &who, *id).await?;
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
}

/// Contributions the caller may see: all for staff; for a company its own
/// plus the others' non-confidential ones, under pseudonyms.
#[utoipa::path(
    tag = "contributions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), ContributionQuery, PageQuery),
    responses(
        (status = 200, description = "One page of contributions, oldest first", body = Page<ContributionDto>),
        (status = 400, description = "Invalid query parameters"),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "Unknown or not visible"),
    )
)]
#[get("/consultations/{id}/contributions")]
pub async fn list_contributions(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    query: web::Query<ContributionQuery>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<ContributionDto>>, ApiError> {
    let access = consultation_access(&state, &who, *id).await?;
    let q = query.into_inner();
    let filter = ContributionFilter {
        round: q.round,
        clause: q.clause,
        criterion: q.criterion,
        kind: q.kind,
        decision: q.decision,
        mine: q.mine,
    };
    Ok(web::Json(
        contributions::list(&state.db, &access, filter, page.resolve()).await?,
    ))
}

/// One contribution with its replies and decision.
#[utoipa::path(
    tag = "contributions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Contribution id")),
    responses(
        (status = 200, description = "The contribution", body = ContributionDto),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "Unknown or not visible (e.g. another company's confidential solution)"),
    )
)]
#[get("/contributions/{id}")]
pub async fn get_contribution(
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
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not the author"),
        (status = 404, description = "Unknown or not visible"),
        (status = 409, description = "Round closed or contribution withdrawn"),
        (status = 422, description = "Invalid fields"),
    )
)]
#[patch("/contributions/{id}")]
pub async fn edit_contribution(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: Json<ContributionRequest>,
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
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not the author"),
        (status = 404, description = "Unknown or not visible"),
        (status = 409, description = "Round closed or already withdrawn"),
    )
)]
#[post("/contributions/{id}/withdraw")]
pub async fn withdraw_contribution(
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
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Neither the owner agent nor the author, or the author's address is not verified (`email_not_verified`)"),
        (status = 404, description = "Unknown or not visible"),
        (status = 409, description = "The contribution already has 200 replies"),
        (status = 422, description = "Empty or too long (10 000 characters)"),
    )
)]
#[post("/contributions/{id}/replies")]
pub async fn reply_to_contribution(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: Json<ReplyRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(
        HttpResponse::Created()
            .json(replies::reply(&state.db, &who, *id, body.into_inner()).await?),
    )
}

/// The owner agent's decision, with its rationale.
#[utoipa::path(
    tag = "contributions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Contribution id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "Decided; the author is notified", body = ContributionDto),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not the owner agent"),
        (status = 404, description = "Unknown or not visible"),
        (status = 409, description = "Contribution withdrawn"),
        (status = 422, description = "Missing decision or rationale, decision not fitting the kind, unknown round"),
    )
)]
#[put("/contributions/{id}/decision")]
pub async fn decide_contribution(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: Json<DecisionRequest>,
) -> Result<web::Json<ContributionDto>, ApiError> {
    Ok(web::Json(
        decisions::decide(&state.db, &who, *id, body.into_inner()).await?,
    ))
}
