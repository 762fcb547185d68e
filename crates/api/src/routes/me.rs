use actix_web::{HttpResponse, delete, get, post, put, web};
use shared::auth::{
    ApiTokenDto, ApiTokenRequest, CompanyProfileRequest, CreatedApiTokenDto, DeleteAccountRequest,
    UserDto,
};
use shared::mail::MailPreferenceDto;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::domain::mail::preferences;
use crate::domain::{accounts, api_tokens};
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

/// How the signed-in person wants each kind of message their role receives.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One entry per kind of message", body = Vec<MailPreferenceDto>),
        (status = 401, description = "Missing, expired or invalid access token"),
    )
)]
#[get("/me/mail-preferences")]
pub async fn get_mail_preferences(
    state: web::Data<AppState>,
    who: Authenticated,
) -> Result<web::Json<Vec<MailPreferenceDto>>, ApiError> {
    Ok(web::Json(preferences::list(&state.db, &who).await?))
}

/// Changes some of the signed-in person's choices (immediate, digest, off).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = Vec<MailPreferenceDto>,
    responses(
        (status = 200, description = "Every kind, as now chosen", body = Vec<MailPreferenceDto>),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing, expired or invalid access token"),
        (status = 415, description = "Body is not JSON"),
        (status = 422, description = "A kind of message the role does not receive"),
    )
)]
#[put("/me/mail-preferences")]
pub async fn update_mail_preferences(
    state: web::Data<AppState>,
    who: Authenticated,
    body: Json<Vec<MailPreferenceDto>>,
) -> Result<web::Json<Vec<MailPreferenceDto>>, ApiError> {
    Ok(web::Json(
        preferences::update(&state.db, &who, &body).await?,
    ))
}

/// Deletes the signed-in company's account (RGPD): its identity (name,
/// SIRET, e-mail) is erased, its contributions stay in the consultations'
/// record under their pseudonym. Staff accounts are disabled by an
/// administrator instead (409).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = DeleteAccountRequest,
    responses(
        (status = 204, description = "Account deleted; the session cookies are cleared"),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing, expired or invalid access token"),
        (status = 403, description = "Called with a personal API token"),
        (status = 409, description = "Not a company account"),
        (status = 415, description = "Body is not JSON"),
        (status = 422, description = "Wrong password (field `password`)"),
    )
)]
#[post("/me/delete")]
pub async fn delete_account(
    state: web::Data<AppState>,
    who: Authenticated,
    body: Json<DeleteAccountRequest>,
) -> Result<HttpResponse, ApiError> {
    who.require_session()?;
    accounts::delete_own_account(&state.db, &who, &body).await?;
    Ok(super::auth::signed_out(&state))
}

/// The signed-in person's personal API tokens (never their secret).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Active tokens, newest first", body = Vec<ApiTokenDto>),
        (status = 401, description = "Missing, expired or invalid access token"),
    )
)]
#[get("/me/api-tokens")]
pub async fn list_api_tokens(
    state: web::Data<AppState>,
    who: Authenticated,
) -> Result<web::Json<Vec<ApiTokenDto>>, ApiError> {
    Ok(web::Json(api_tokens::list(&state.db, &who).await?))
}

/// Creates a personal API token, shown this once. Programs send it as
/// `Authorization: Bearer jsf_…` and act with the person's rights (GET only
/// for a read-only token).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = ApiTokenRequest,
    responses(
        (status = 201, description = "The token and its secret", body = CreatedApiTokenDto),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing, expired or invalid access token"),
        (status = 403, description = "Called with a personal API token: only the person creates tokens"),
        (status = 409, description = "Too many active tokens"),
        (status = 415, description = "Body is not JSON"),
        (status = 422, description = "Missing name, or expiry in the past"),
    )
)]
#[post("/me/api-tokens")]
pub async fn create_api_token(
    state: web::Data<AppState>,
    who: Authenticated,
    body: Json<ApiTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let created = api_tokens::create(&state.db, &who, &body).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Revokes one of the signed-in person's tokens, at once.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The token")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, description = "Invalid identifier"),
        (status = 401, description = "Missing, expired or invalid access token"),
        (status = 404, description = "No such active token of yours"),
    )
)]
#[delete("/me/api-tokens/{id}")]
pub async fn revoke_api_token(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    api_tokens::revoke(&state.db, &who, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
