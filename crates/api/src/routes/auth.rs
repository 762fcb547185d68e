use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, post, web};
use shared::auth::{
    ChangePasswordRequest, LoginRequest, NewPasswordRequest, PasswordResetRequest, RefreshRequest,
    RefreshTokenDelivery, RegisterCompanyRequest, TokenResponse, VerifyEmailRequest,
};

use crate::auth::Authenticated;
use crate::auth::refresh_token::{COOKIE_NAME, COOKIE_PATH, MARKER_NAME};
use crate::domain::sessions::{self, Session, SessionConfig};
use crate::domain::{accounts, recovery};
use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;

fn session_config(state: &AppState) -> SessionConfig<'_> {
    SessionConfig {
        jwt: &state.jwt,
        refresh_ttl: state.settings.refresh_token_ttl,
    }
}

fn refresh_cookie(state: &AppState, value: String, max_age: time::Duration) -> Cookie<'static> {
    Cookie::build(COOKIE_NAME, value)
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.cookie_secure)
        .max_age(max_age)
        .finish()
}

fn marker_cookie(state: &AppState, max_age: time::Duration) -> Cookie<'static> {
    let value = if max_age.is_zero() { "" } else { "1" };
    Cookie::build(MARKER_NAME, value)
        .path("/")
        .same_site(SameSite::Strict)
        .secure(state.settings.cookie_secure)
        .max_age(max_age)
        .finish()
}

fn session_response(
    state: &AppState,
    mut response: HttpResponseBuilder,
    session: Session,
    delivery: RefreshTokenDelivery,
) -> HttpResponse {
    let refresh_token = match delivery {
        RefreshTokenDelivery::Body => Some(session.refresh_token),
        RefreshTokenDelivery::Cookie => {
            let max_age = time::Duration::seconds(
                i64::try_from(state.settings.refresh_token_ttl.as_secs()).unwrap_or(i64::MAX),
            );
            response.cookie(refresh_cookie(state, session.refresh_token, max_age));
            response.cookie(marker_cookie(state, max_age));
            None
        }
    };
    // Tokens are for this client only: no cache keeps them.
    response.insert_header((header::CACHE_CONTROL, "no-store"));
    response.json(TokenResponse {
        access_token: session.access_token,
        token_type: "Bearer".into(),
        expires_in: session.expires_in,
        refresh_token,
        user: session.user,
    })
}

/// 204 with both session cookies cleared.
pub(super) fn signed_out(state: &AppState) -> HttpResponse {
    HttpResponse::NoContent()
        .cookie(refresh_cookie(state, String::new(), time::Duration::ZERO))
        .cookie(marker_cookie(state, time::Duration::ZERO))
        .finish()
}

/// The presented refresh token: from the body, or else from the cookie.
fn presented_token(
    req: &HttpRequest,
    body: RefreshRequest,
) -> Option<(String, RefreshTokenDelivery)> {
    match body.refresh_token.filter(|t| !t.is_empty()) {
        Some(token) => Some((token, RefreshTokenDelivery::Body)),
        None => req
            .cookie(COOKIE_NAME)
            .map(|c| (c.value().to_owned(), RefreshTokenDelivery::Cookie)),
    }
}

/// A company registers itself and the account that acts for it. The answer
/// is the same whether or not the e-mail or SIRET already has an account: a
/// new account receives a verification message (link valid 48 hours), the
/// holder of an existing one a warning. The new account can sign in at
/// once, and contributes once its address is verified.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterCompanyRequest,
    responses(
        (status = 202, description = "Registration taken into account; a message is on its way to the address"),
        (status = 400, description = "Malformed JSON"),
        (status = 413, description = "Body larger than 64 KiB"),
        (status = 415, description = "Body is not JSON"),
        (status = 422, description = "Invalid fields (SIRET, CPV division, département, password…)"),
        (status = 429, description = "Too many attempts from this address; see `Retry-After`"),
    )
)]
#[post("/auth/register-company")]
pub async fn register_company(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RegisterCompanyRequest>,
) -> Result<HttpResponse, ApiError> {
    state.limits.check_address(&req)?;
    let registration = body.validate().map_err(ApiError::Validation)?;
    accounts::register_company(&state.db, registration).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Confirms an address with the token of the verification link.
#[utoipa::path(
    tag = "auth",
    request_body = VerifyEmailRequest,
    responses(
        (status = 204, description = "Address verified"),
        (status = 400, description = "Malformed JSON"),
        (status = 415, description = "Body is not JSON"),
        (status = 422, description = "Unknown, expired or already used token (field `token`)"),
        (status = 429, description = "Too many attempts from this address; see `Retry-After`"),
    )
)]
#[post("/auth/verify-email")]
pub async fn verify_email(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<VerifyEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    state.limits.check_address(&req)?;
    recovery::verify_email(&state.db, &body.token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sends a new verification link to the signed-in account's address.
#[utoipa::path(
    tag = "auth", security(("bearer" = [])),
    responses(
        (status = 202, description = "A new link is on its way"),
        (status = 401, description = "Not signed in"),
        (status = 409, description = "The address is already verified"),
        (status = 429, description = "Too many attempts from this address; see `Retry-After`"),
    )
)]
#[post("/auth/verify-email/resend")]
pub async fn resend_verification(
    state: web::Data<AppState>,
    req: HttpRequest,
    who: Authenticated,
) -> Result<HttpResponse, ApiError> {
    state.limits.check_address(&req)?;
    recovery::resend_verification(&state.db, &who).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// "Mot de passe oublié ?": sends a reset link (valid one hour, single use)
/// if the address has an account. The answer is the same either way.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the address has an account, a link is on its way"),
        (status = 400, description = "Malformed JSON"),
        (status = 415, description = "Body is not JSON"),
        (status = 422, description = "Not an e-mail address"),
        (status = 429, description = "Too many attempts from this address or for this account; see `Retry-After`"),
    )
)]
#[post("/auth/password-reset/request")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    state.limits.check_address(&req)?;
    state.limits.check_account(&body.email)?;
    recovery::request_password_reset(&state.db, &body.email).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sets a new password with the token of a reset link. Every session of
/// the account ends.
#[utoipa::path(
    tag = "auth",
    request_body = NewPasswordRequest,
    responses(
        (status = 204, description = "Password changed; sign in with it"),
        (status = 400, description = "Malformed JSON"),
        (status = 415, description = "Body is not JSON"),
        (status = 422, description = "Invalid password, or unknown, expired or used token (field `token`)"),
        (status = 429, description = "Too many attempts from this address; see `Retry-After`"),
    )
)]
#[post("/auth/password-reset")]
pub async fn reset_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<NewPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    state.limits.check_address(&req)?;
    recovery::reset_password(&state.db, &body).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Exchanges credentials for an access token and a refresh token.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in. With `refresh_token_delivery: cookie` the refresh token is set as the HttpOnly cookie `jsf_refresh` instead of being in the body, with the readable cookie `jsf_signed_in=1` of the same lifetime (it tells a web client there is a session to restore).", body = TokenResponse),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Unknown e-mail or wrong password (same answer for both)"),
        (status = 403, description = "Right password, but the account is disabled (`account_disabled`)"),
        (status = 429, description = "Too many attempts from this address or for this account; see `Retry-After`"),
        (status = 415, description = "Body is not JSON"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest {
        email,
        password,
        refresh_token_delivery,
    } = body.into_inner();
    state.limits.check_address(&req)?;
    state.limits.check_account(&email)?;
    let account = accounts::authenticate(&state.db, &email, &password).await?;
    let session = sessions::open(&state.db, &session_config(&state), &account).await?;
    Ok(session_response(
        &state,
        HttpResponse::Ok(),
        session,
        refresh_token_delivery,
    ))
}

/// Rotates the refresh token and issues a new access token. Presenting an
/// already used refresh token revokes every token of its session.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens; the refresh token comes back the way it was sent (body or cookie)", body = TokenResponse),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing, unknown, expired, revoked or reused refresh token"),
        (status = 429, description = "Too many attempts from this address; see `Retry-After`"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh_session(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    state.limits.check_address(&req)?;
    let (token, delivery) =
        presented_token(&req, body.into_inner()).ok_or(ApiError::InvalidToken)?;
    let session = sessions::refresh(&state.db, &session_config(&state), &token).await?;
    Ok(session_response(
        &state,
        HttpResponse::Ok(),
        session,
        delivery,
    ))
}

/// Ends the session: its refresh tokens are revoked and the cookie cleared.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out (also when the token was already invalid)"),
        (status = 400, description = "Malformed JSON"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    if let Some((token, _)) = presented_token(&req, body.into_inner()) {
        sessions::close(&state.db, &token).await?;
    }
    Ok(signed_out(&state))
}

/// Changes the signed-in account's password. Every session of the account
/// ends (refresh tokens revoked at once) and a new one starts for the caller.
#[utoipa::path(
    tag = "auth", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Password changed; the new session's tokens, delivered as at login", body = TokenResponse),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Not signed in"),
        (status = 415, description = "Body is not JSON"),
        (status = 422, description = "Wrong current password, or new password too short or too long"),
    )
)]
#[post("/auth/change-password")]
pub async fn change_password(
    state: web::Data<AppState>,
    who: Authenticated,
    body: Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let session =
        accounts::change_password(&state.db, &session_config(&state), &who, &request).await?;
    Ok(session_response(
        &state,
        HttpResponse::Ok(),
        session,
        request.refresh_token_delivery,
    ))
}

/// Ends every session of the signed-in account, on every device: refresh
/// tokens are revoked at once, access tokens die at their expiry.
#[utoipa::path(
    tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out everywhere; the cookies are cleared"),
        (status = 401, description = "Not signed in"),
    )
)]
#[post("/auth/logout-everywhere")]
pub async fn logout_everywhere(
    state: web::Data<AppState>,
    who: Authenticated,
) -> Result<HttpResponse, ApiError> {
    who.require_session()?;
    sessions::close_all(state.db.conn(), who.user_id()).await?;
    Ok(signed_out(&state))
}
