//! Sessions: an access JWT plus a rotating refresh token.
//!
//! Each login starts a token family. Refreshing consumes the presented token
//! and issues the next one of the family; presenting a consumed token again
//! (later than a few seconds, the time two tabs take to renew together)
//! means it leaked, so the whole family is revoked. A family expires a fixed
//! time after its login, however often it is renewed.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use shared::auth::UserDto;
use uuid::Uuid;

use crate::auth::{JwtKeys, refresh_token};
use crate::db::Db;
use crate::domain::accounts;
use crate::entities::{refresh_token as token_entity, user};
use crate::error::ApiError;

/// How long after its use a refresh token is still honoured once more.
const REUSE_GRACE: chrono::Duration = chrono::Duration::seconds(10);

pub struct Session {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: String,
    pub user: UserDto,
}

pub struct SessionConfig<'a> {
    pub jwt: &'a JwtKeys,
    pub refresh_ttl: std::time::Duration,
}

async fn store_token(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    family_id: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<String, ApiError> {
    let new = refresh_token::generate();
    let now = Utc::now();
    token_entity::ActiveModel {
        id: Set(Uuid::new_v4()),
        family_id: Set(family_id),
        user_id: Set(user_id),
        token_hash: Set(new.hash),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(new.token)
}

async fn session_for(
    db: &Db,
    config: &SessionConfig<'_>,
    account_id: Uuid,
    refresh_token: String,
) -> Result<Session, ApiError> {
    let user = accounts::user_view(db.conn(), account_id).await?;
    Ok(Session {
        access_token: config.jwt.issue(user.id, user.role)?,
        expires_in: config.jwt.ttl_seconds(),
        refresh_token,
        user,
    })
}

pub async fn open(
    db: &Db,
    config: &SessionConfig<'_>,
    account: &user::Model,
) -> Result<Session, ApiError> {
    let expires_at = chrono::Duration::from_std(config.refresh_ttl)
        .ok()
        .and_then(|ttl| Utc::now().checked_add_signed(ttl))
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("refresh TTL out of range")))?;
    let txn = db.begin_write().await?;
    let token = store_token(&*txn, account.id, Uuid::new_v4(), expires_at).await?;
    txn.commit().await?;
    session_for(db, config, account.id, token).await
}

/// Ends every session of an account: its refresh tokens are revoked at once;
/// access tokens already issued die at their expiry (15 minutes).
pub async fn close_all(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<(), ApiError> {
    token_entity::Entity::update_many()
        .col_expr(token_entity::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(token_entity::Column::UserId.eq(user_id))
        .filter(token_entity::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

async fn revoke_family(conn: &impl ConnectionTrait, family_id: Uuid) -> Result<(), ApiError> {
    token_entity::Entity::update_many()
        .col_expr(token_entity::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(token_entity::Column::FamilyId.eq(family_id))
        .filter(token_entity::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn refresh(
    db: &Db,
    config: &SessionConfig<'_>,
    presented: &str,
) -> Result<Session, ApiError> {
    let txn = db.begin_write().await?;
    let Some(current) = token_entity::Entity::find()
        .filter(token_entity::Column::TokenHash.eq(refresh_token::digest(presented)))
        .one(&*txn)
        .await?
    else {
        return Err(ApiError::InvalidToken);
    };
    let now = Utc::now();
    if current.revoked_at.is_some() || current.expires_at <= now {
        return Err(ApiError::InvalidToken);
    }
    // Disabling revokes the tokens; this also refuses one issued meanwhile.
    let enabled = user::Entity::find_by_id(current.user_id)
        .one(&*txn)
        .await?
        .is_some_and(|u| u.disabled_at.is_none());
    if !enabled {
        revoke_family(&*txn, current.family_id).await?;
        txn.commit().await?;
        return Err(ApiError::InvalidToken);
    }
    // Conditional update: of two concurrent uses of one token, only one wins.
    let consumed = token_entity::Entity::update_many()
        .col_expr(token_entity::Column::UsedAt, Expr::value(now))
        .filter(token_entity::Column::Id.eq(current.id))
        .filter(token_entity::Column::UsedAt.is_null())
        .filter(token_entity::Column::RevokedAt.is_null())
        .exec(&*txn)
        .await?
        .rows_affected;
    // Two tabs of one browser renewing at the same moment present the same
    // token: the second, within seconds of the first, gets the family's next
    // token too. A token replayed later means it leaked.
    let in_grace = current.used_at.is_some_and(|used| {
        used.checked_add_signed(REUSE_GRACE)
            .is_some_and(|end| now <= end)
    });
    if consumed == 0 && !in_grace {
        revoke_family(&*txn, current.family_id).await?;
        txn.commit().await?;
        tracing::warn!(user_id = %current.user_id, family_id = %current.family_id,
            "refresh token reused: session family revoked");
        return Err(ApiError::InvalidToken);
    }
    // Consumed now, or by the other tab within the grace window. The next
    // token keeps the family's expiry: renewing never extends a session.
    let next = store_token(
        &*txn,
        current.user_id,
        current.family_id,
        current.expires_at,
    )
    .await?;
    txn.commit().await?;
    session_for(db, config, current.user_id, next).await
}

/// Logout: revokes the family of the presented token. Unknown tokens are
/// ignored so that logging out twice is harmless.
pub async fn close(db: &Db, presented: &str) -> Result<(), ApiError> {
    let txn = db.begin_write().await?;
    if let Some(current) = token_entity::Entity::find()
        .filter(token_entity::Column::TokenHash.eq(refresh_token::digest(presented)))
        .one(&*txn)
        .await?
    {
        revoke_family(&*txn, current.family_id).await?;
    }
    txn.commit().await?;
    Ok(())
}
