use actix_web::{get, web};
use shared::auth::UserDto;

use crate::auth::Authenticated;
use crate::domain::accounts;
use crate::error::ApiError;
use crate::state::AppState;

/// The signed-in account.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The current account", body = UserDto),
        (status = 401, description = "Missing, expired or invalid access token"),
    )
)]
#[get("/me")]
pub async fn get_me(
    state: web::Data<AppState>,
    who: Authenticated,
) -> Result<web::Json<UserDto>, ApiError> {
    Ok(web::Json(
        accounts::user_view(state.db.conn(), who.user_id()).await?,
    ))
}
