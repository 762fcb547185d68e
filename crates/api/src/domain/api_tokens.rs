//! Personal API tokens: an integrator's program acts as the person who
//! created the token, never with more rights (read-only tokens only read),
//! without knowing the person's password. Shown once, stored as digests,
//! refused as soon as they are revoked or expire or the account is disabled.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use shared::FieldError;
use shared::auth::{ApiTokenDto, ApiTokenRequest, CreatedApiTokenDto, TokenAccess, Validator};
use shared::types::Role;
use uuid::Uuid;

use crate::auth::{Authenticated, refresh_token};
use crate::db::Db;
use crate::domain::text::text;
use crate::entities::{api_token, user};
use crate::error::ApiError;

/// Every personal token starts so, which tells it from an access JWT.
pub const PREFIX: &str = "jsf_";
const NAME_LIMIT: usize = 100;
/// Enough for every program of one person; more is a leak waiting to happen.
const PER_ACCOUNT: u64 = 20;
/// `last_used_at` is written at most this often (one write per request
/// would queue every read behind the SQLite writer).
const USE_RESOLUTION: Duration = Duration::minutes(1);

fn dto(t: api_token::Model) -> ApiTokenDto {
    ApiTokenDto {
        id: t.id,
        name: t.name,
        access: t.access,
        created_at: t.created_at,
        expires_at: t.expires_at,
        last_used_at: t.last_used_at,
    }
}

pub async fn create(
    db: &Db,
    who: &Authenticated,
    request: &ApiTokenRequest,
) -> Result<CreatedApiTokenDto, ApiError> {
    who.require_session()?;
    let mut v = Validator::default();
    let name = v.field("name", text(&request.name, NAME_LIMIT, true));
    if request.expires_at.is_some_and(|at| at <= Utc::now()) {
        v.push(FieldError::new(
            "expires_at",
            "past",
            "La date d'expiration doit être dans le futur.",
        ));
    }
    let name = v.finish(name).map_err(ApiError::Validation)?;
    let txn = db.begin_write().await?;
    let active = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(who.user_id()))
        .filter(api_token::Column::RevokedAt.is_null())
        .count(&*txn)
        .await?;
    if active >= PER_ACCOUNT {
        return Err(ApiError::Conflict(format!(
            "Vous avez déjà {PER_ACCOUNT} jetons actifs : révoquez ceux qui ne servent plus."
        )));
    }
    // The prefix is part of the secret: the digest covers what is presented.
    let token = format!("{PREFIX}{}", refresh_token::generate().token);
    let saved = api_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(who.user_id()),
        name: Set(name),
        access: Set(request.access),
        token_hash: Set(refresh_token::digest(&token)),
        created_at: Set(Utc::now()),
        expires_at: Set(request.expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(CreatedApiTokenDto {
        token,
        api_token: dto(saved),
    })
}

pub async fn list(db: &Db, who: &Authenticated) -> Result<Vec<ApiTokenDto>, ApiError> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(who.user_id()))
        .filter(api_token::Column::RevokedAt.is_null())
        .order_by_desc(api_token::Column::CreatedAt)
        .all(db.conn())
        .await?
        .into_iter()
        .map(dto)
        .collect())
}

pub async fn revoke(db: &Db, who: &Authenticated, id: Uuid) -> Result<(), ApiError> {
    let txn = db.begin_write().await?;
    let revoked = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::UserId.eq(who.user_id()))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(&*txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    if revoked == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// The person and rights behind a presented token.
pub async fn authenticate(db: &Db, presented: &str) -> Result<(Uuid, Role, TokenAccess), ApiError> {
    let now = Utc::now();
    let token = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(refresh_token::digest(presented)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db.conn())
        .await?
        .filter(|t| t.expires_at.is_none_or(|at| at > now))
        .ok_or(ApiError::InvalidToken)?;
    let account = user::Entity::find_by_id(token.user_id)
        .one(db.conn())
        .await?
        .ok_or(ApiError::InvalidToken)?;
    if account.disabled_at.is_some() {
        return Err(ApiError::AccountDisabled);
    }
    let stale = token.last_used_at.is_none_or(|at| {
        at.checked_add_signed(USE_RESOLUTION)
            .is_none_or(|t| t <= now)
    });
    if stale {
        let txn = db.begin_write().await?;
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(token.id))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
    }
    Ok((account.id, account.role, token.access))
}
