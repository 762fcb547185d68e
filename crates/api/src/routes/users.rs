use actix_web::{HttpResponse, get, post, web};
use shared::auth::{AccountEventDto, BuyerDto, CreateUserRequest, Page, UserDto};
use uuid::Uuid;

use crate::auth::{Authenticated, RequireAdmin};
use crate::domain::access::AgentCapability;
use crate::domain::accounts;
use crate::domain::journal::account_events;
use crate::domain::pagination::PageQuery;
use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;

/// Create an agent, PFRA buyer or administrator account.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Account created", body = UserDto),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Caller is not an administrator"),
        (status = 422, description = "Invalid fields, or e-mail already used"),
    )
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    RequireAdmin(admin): RequireAdmin,
    body: Json<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let new_user = body.validate().map_err(ApiError::Validation)?;
    let created = accounts::create_user(&state.db, &admin, new_user).await?;
    Ok(HttpResponse::Created().json(created))
}

/// All accounts, by e-mail, paginated.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page of accounts", body = Page<UserDto>),
        (status = 400, description = "Invalid query parameters"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Caller is not an administrator"),
    )
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    RequireAdmin(admin): RequireAdmin,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<UserDto>>, ApiError> {
    Ok(web::Json(
        accounts::list_users(&state.db, &admin, query.resolve()).await?,
    ))
}

/// The PFRA buyers an agent can assign to a consultation (agents only).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every PFRA buyer, by name", body = Vec<BuyerDto>),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Caller is not an agent"),
    )
)]
#[get("/buyers")]
pub async fn list_buyers(
    state: web::Data<AppState>,
    who: Authenticated,
) -> Result<web::Json<Vec<BuyerDto>>, ApiError> {
    let agent = AgentCapability::require(&who)?;
    Ok(web::Json(accounts::list_buyers(&state.db, &agent).await?))
}

/// Disables an account: it can no longer sign in, its refresh tokens and
/// personal API tokens are refused at once, its access tokens stop at
/// their expiry (15 minutes at most). Written to the account's audit trail.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The account")),
    responses(
        (status = 200, description = "The account, disabled", body = UserDto),
        (status = 400, description = "Invalid identifier"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Caller is not an administrator"),
        (status = 404, description = "No such account"),
        (status = 409, description = "The administrator's own account"),
    )
)]
#[post("/users/{id}/disable")]
pub async fn disable_user(
    state: web::Data<AppState>,
    RequireAdmin(admin): RequireAdmin,
    id: web::Path<Uuid>,
) -> Result<web::Json<UserDto>, ApiError> {
    Ok(web::Json(
        accounts::set_disabled(&state.db, &admin, id.into_inner(), true).await?,
    ))
}

/// Enables a disabled account again (not a deleted one). Written to the
/// account's audit trail.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The account")),
    responses(
        (status = 200, description = "The account, enabled", body = UserDto),
        (status = 400, description = "Invalid identifier"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Caller is not an administrator"),
        (status = 404, description = "No such account"),
        (status = 409, description = "The account was deleted by its holder, or is the administrator's own"),
    )
)]
#[post("/users/{id}/enable")]
pub async fn enable_user(
    state: web::Data<AppState>,
    RequireAdmin(admin): RequireAdmin,
    id: web::Path<Uuid>,
) -> Result<web::Json<UserDto>, ApiError> {
    Ok(web::Json(
        accounts::set_disabled(&state.db, &admin, id.into_inner(), false).await?,
    ))
}

/// An account's audit trail (disabled, enabled, deleted, verified, reset).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The account"), PageQuery),
    responses(
        (status = 200, description = "One page of events, oldest first", body = Page<AccountEventDto>),
        (status = 400, description = "Invalid identifier or query parameters"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Caller is not an administrator"),
        (status = 404, description = "No such account"),
    )
)]
#[get("/users/{id}/events")]
pub async fn list_user_events(
    state: web::Data<AppState>,
    RequireAdmin(admin): RequireAdmin,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<AccountEventDto>>, ApiError> {
    Ok(web::Json(
        account_events::list(&state.db, &admin, id.into_inner(), query.resolve()).await?,
    ))
}
