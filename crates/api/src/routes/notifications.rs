//! In-app notifications of the signed-in person.

use actix_web::{HttpResponse, get, post, web};
use shared::consultation::NotificationsDto;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::domain::journal::notifications;
use crate::domain::pagination::PageQuery;
use crate::error::ApiError;
use crate::state::AppState;

/// One page of the caller's notifications, and how many are unread.
#[utoipa::path(
    tag = "notifications", security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page, newest first", body = NotificationsDto),
        (status = 400, description = "Invalid query parameters"),
        (status = 401, description = "Not signed in"),
    )
)]
#[get("/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    who: Authenticated,
    page: web::Query<PageQuery>,
) -> Result<web::Json<NotificationsDto>, ApiError> {
    let page = page.into_inner().resolve();
    Ok(web::Json(notifications::list(&state.db, &who, page).await?))
}

/// Marks one of the caller's notifications as read.
#[utoipa::path(
    tag = "notifications", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Notification id")),
    responses(
        (status = 204, description = "Marked as read"),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "Unknown or someone else's"),
    )
)]
#[post("/notifications/{id}/read")]
pub async fn mark_notification_read(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    notifications::mark_read(&state.db, &who, Some(*id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Marks every unread notification of the signed-in person as read.
#[utoipa::path(
    tag = "notifications", security(("bearer" = [])),
    responses(
        (status = 204, description = "All marked as read"),
        (status = 401, description = "Not signed in"),
    )
)]
#[post("/notifications/read-all")]
pub async fn mark_all_notifications_read(
    state: web::Data<AppState>,
    who: Authenticated,
) -> Result<HttpResponse, ApiError> {
    notifications::mark_read(&state.db, &who, None).await?;
    Ok(HttpResponse::NoContent().finish())
}
