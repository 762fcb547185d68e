use actix_web::{get, put, web};
use shared::auth::{CompanyProfileRequest, UserDto};

use crate::auth::Authenticated;
use crate::domain::accounts;
use crate::error::ApiError;
use crate::extract::Json;
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

/// Replaces the signed-in company's name, CPV divisions and départements;
/// the consultations it is targeted by follow at once.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = CompanyProfileRequest,
    responses(
        (status = 200, description = "The updated account", body = UserDto),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing, expired or invalid access token"),
        (status = 403, description = "Not a company account"),
        (status = 413, description = "Body larger than 64 KiB"),
        (status = 415, description = "Body is not JSON"),
        (status = 422, description = "Invalid fields, each with a French message"),
    )
)]
#[put("/me/company")]
pub async fn update_company_profile(
    state: web::Data<AppState>,
    who: Authenticated,
    body: Json<CompanyProfileRequest>,
) -> Result<web::Json<UserDto>, ApiError> {
    Ok(web::Json(
        accounts::update_company_profile(&state.db, &who, &body).await?,
    ))
}
