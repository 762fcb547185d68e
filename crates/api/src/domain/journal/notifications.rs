//! In-app notifications: written in the transaction of what they announce,
//! read and marked read by their recipient only.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::consultation::{NotificationDto, NotificationsDto};
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::db::Db;
use crate::entities::notification;
use crate::error::ApiError;

/// The newest notifications a person gets; older ones stay in the database.
const SHOWN: u64 = 100;

pub async fn notify(
    conn: &impl ConnectionTrait,
    user_ids: impl IntoIterator<Item = Uuid>,
    consultation_id: Uuid,
    message: &str,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let rows: Vec<notification::ActiveModel> = user_ids
        .into_iter()
        .map(|user_id| notification::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(user_id),
            consultation_id: Set(consultation_id),
            message: Set(message.to_owned()),
            read_at: Set(None),
            created_at: Set(now),
        })
        .collect();
    if !rows.is_empty() {
        notification::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

pub async fn list(db: &Db, who: &Authenticated) -> Result<NotificationsDto, ApiError> {
    let conn = db.conn();
    let unread = notification::Entity::find()
        .filter(notification::Column::UserId.eq(who.user_id()))
        .filter(notification::Column::ReadAt.is_null())
        .count(conn)
        .await?;
    let items = notification::Entity::find()
        .filter(notification::Column::UserId.eq(who.user_id()))
        .order_by_desc(notification::Column::CreatedAt)
        .limit(SHOWN)
        .all(conn)
        .await?
        .into_iter()
        .map(|n| NotificationDto {
            id: n.id,
            consultation_id: n.consultation_id,
            message: n.message,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        })
        .collect();
    Ok(NotificationsDto { unread, items })
}

pub async fn mark_read(db: &Db, who: &Authenticated, id: Uuid) -> Result<(), ApiError> {
    let txn = db.begin_write().await?;
    let updated = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::UserId.eq(who.user_id()))
        .exec(&*txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    if updated == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}
