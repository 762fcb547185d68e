//! Rounds of dialogue, their frozen revisions and the differences between them.

use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use shared::consultation::{DeadlineRequest, DiffDto, OpenRoundRequest, RevisionDto, RoundDto};
use utoipa::IntoParams;
use uuid::Uuid;

use super::caching::Versioned;
use super::consultation_access;
use crate::auth::Authenticated;
use crate::domain::consultations::rounds;
use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;

/// Publishes the draft as revision N and opens round N (owner agent only).
#[utoipa::path(
    tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    request_body = OpenRoundRequest,
    responses(
        (status = 201, description = "Round opened; matching companies are notified", body = RoundDto),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not the owner agent"),
        (status = 404, description = "Unknown or not visible"),
        (status = 409, description = "A round is already open, or the consultation is closed"),
        (status = 422, description = "Deadline missing or past; draft empty, invalid, or with criteria weights not summing to 100"),
    )
)]
#[post("/consultations/{id}/rounds")]
pub async fn open_round(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    body: Json<OpenRoundRequest>,
) -> Result<HttpResponse, ApiError> {
    let owner = consultation_access(&state, &who, *id).await?.as_owner()?;
    Ok(HttpResponse::Created()
        .json(rounds::open_round(&state.db, &owner, body.into_inner()).await?))
}

/// Pushes the open round's deadline back (owner agent), typically after
/// late information; recorded and told to every company.
#[utoipa::path(
    tag = "rounds", security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Consultation id"),
        ("n" = i32, Path, description = "Round number"),
    ),
    request_body = DeadlineRequest,
    responses(
        (status = 200, description = "The round with its new deadline; companies are notified", body = RoundDto),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not the owner agent"),
        (status = 404, description = "Unknown consultation or round"),
        (status = 409, description = "The round is closed"),
        (status = 422, description = "Deadline missing or not later than the current one"),
    )
)]
#[post("/consultations/{id}/rounds/{n}/deadline")]
pub async fn extend_deadline(
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<(Uuid, i32)>,
    body: Json<DeadlineRequest>,
) -> Result<web::Json<RoundDto>, ApiError> {
    let (id, n) = path.into_inner();
    let owner = consultation_access(&state, &who, id).await?.as_owner()?;
    Ok(web::Json(
        rounds::extend_deadline(&state.db, &owner, n, body.into_inner()).await?,
    ))
}

/// All rounds, oldest first.
#[utoipa::path(
    tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id")),
    responses(
        (status = 200, description = "Rounds", body = Vec<RoundDto>),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "Unknown or not visible"),
    )
)]
#[get("/consultations/{id}/rounds")]
pub async fn list_rounds(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<RoundDto>>, ApiError> {
    let access = consultation_access(&state, &who, *id).await?;
    Ok(web::Json(rounds::rounds(&state.db, &access).await?))
}

/// The frozen revision of round `n`.
#[utoipa::path(
    tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), ("n" = i32, Path, description = "Round number"), ("If-None-Match" = Option<String>, Header, description = "`ETag` of the copy held: `304` if it is still current")),
    responses(
        (status = 200, description = "The revision", body = RevisionDto, headers(
            ("ETag" = String, description = "Version of this answer: the frozen text and the round's state"),
            ("Cache-Control" = String, description = "`private, no-cache`: keep it, ask with `If-None-Match`"))),
        (status = 304, description = "The copy named in `If-None-Match` is current (no body)"),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "Unknown round or consultation"),
    )
)]
#[get("/consultations/{id}/rounds/{n}")]
pub async fn get_round(
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<(Uuid, i32)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, n) = path.into_inner();
    let access = consultation_access(&state, &who, id).await?;
    let revision = rounds::revision(&state.db, &access, n).await?;
    let version = Versioned::private(&[&revision.version()?]);
    if let Some(unchanged) = version.unchanged_for(&req) {
        return Ok(unchanged);
    }
    Ok(version.ok().json(revision.into_dto()?))
}

/// Closes round `n` before its deadline (owner agent only).
#[utoipa::path(
    tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), ("n" = i32, Path, description = "Round number")),
    responses(
        (status = 200, description = "Closed", body = RoundDto),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not the owner agent"),
        (status = 404, description = "Unknown round or consultation"),
        (status = 409, description = "Already closed"),
    )
)]
#[post("/consultations/{id}/rounds/{n}/close")]
pub async fn close_round(
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<(Uuid, i32)>,
) -> Result<web::Json<RoundDto>, ApiError> {
    let (id, n) = path.into_inner();
    let owner = consultation_access(&state, &who, id).await?.as_owner()?;
    Ok(web::Json(rounds::close_round(&state.db, &owner, n).await?))
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
    params(("id" = Uuid, Path, description = "Consultation id"), ("n" = i32, Path, description = "Round number"), DiffQuery, ("If-None-Match" = Option<String>, Header, description = "`ETag` of the copy held: `304` if it is still current")),
    responses(
        (status = 200, description = "Changes (unchanged items are omitted)", body = DiffDto, headers(
            ("ETag" = String, description = "Version of this answer, which never changes"),
            ("Cache-Control" = String, description = "`private, no-cache`: keep it, ask with `If-None-Match`"))),
        (status = 304, description = "The copy named in `If-None-Match` is current (no body)"),
        (status = 400, description = "Invalid query parameters"),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "Unknown round or consultation"),
    )
)]
#[get("/consultations/{id}/rounds/{n}/diff")]
pub async fn get_round_diff(
    state: web::Data<AppState>,
    who: Authenticated,
    path: web::Path<(Uuid, i32)>,
    query: web::Query<DiffQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, n) = path.into_inner();
    let access = consultation_access(&state, &who, id).await?;
    let from = query.from.unwrap_or(n.saturating_sub(1));
    let diff = rounds::diff(&state.db, &access, n, from).await?;
    // Both revisions are frozen and a diff is stored once: the pair names it.
    let version = Versioned::private(&[id.as_bytes(), &from.to_be_bytes(), &n.to_be_bytes()]);
    if let Some(unchanged) = version.unchanged_for(&req) {
        return Ok(unchanged);
    }
    Ok(version.ok().content_type(ContentType::json()).body(diff))
}
