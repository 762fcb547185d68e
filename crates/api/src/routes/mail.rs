//! The one-click unsubscribe links of messages (RFC 8058): no sign-in, the
//! token of the message is the proof.

use actix_web::{get, post, web};
use shared::mail::UnsubscribeDto;

use crate::domain::mail::preferences;
use crate::error::ApiError;
use crate::state::AppState;

/// What the link of a message would stop, without changing anything (mail
/// clients and link checkers fetch links; only a POST unsubscribes).
#[utoipa::path(
    tag = "mail",
    params(("token" = String, Path, description = "The token of the message's link")),
    responses(
        (status = 200, description = "The kinds of message the link stops", body = UnsubscribeDto),
        (status = 404, description = "Unknown link"),
    )
)]
#[get("/mail/unsubscribe/{token}")]
pub async fn preview_unsubscribe(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<web::Json<UnsubscribeDto>, ApiError> {
    Ok(web::Json(
        preferences::preview_unsubscribe(&state.db, &token).await?,
    ))
}

/// Stops the kind of message the link came with (for a digest: every kind
/// received as a digest). This is the `List-Unsubscribe` URL: mail clients
/// POST `List-Unsubscribe=One-Click` to it; any body is accepted.
#[utoipa::path(
    tag = "mail",
    params(("token" = String, Path, description = "The token of the message's link")),
    responses(
        (status = 200, description = "These kinds of message are off", body = UnsubscribeDto),
        (status = 404, description = "Unknown link"),
    )
)]
#[post("/mail/unsubscribe/{token}")]
pub async fn unsubscribe(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<web::Json<UnsubscribeDto>, ApiError> {
    Ok(web::Json(
        preferences::unsubscribe(&state.db, &token).await?,
    ))
}
