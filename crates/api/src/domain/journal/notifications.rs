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

/// What a notification is about: a consultation, or one contribution in it.
#[derive(Clone, Copy)]
pub struct About {
    pub consultation_id: Uuid,
    pub contribution_id: Option<Uuid>,
}

impl About {
    pub fn consultation(consultation_id: Uuid) -> Self {
        Self {
            consultation_id,
            contribution_id: None,
        }
    }

    pub fn contribution(consultation_id: Uuid, contribution_id: Uuid) -> Self {
        Self {
            consultation_id,
            contribution_id: Some(contribution_id),
        }
    }
}

pub async fn notify(
    conn: &impl ConnectionTrait,
    user_ids: impl IntoIterator<Item = Uuid>,
    about: About,
    message: &str,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let rows: Vec<notification::ActiveModel> = user_ids
        .into_iter()
        .map(|user_id| notification::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(user_id),
            consultation_id: Set(about.consultation_id),
            contribution_id: Set(about.contribution_id),
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
            contribution_id: n.contribution_id,
            message: n.message,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        })
        .collect();
    Ok(NotificationsDto { unread, items })
}

/// Marks one notification read (`Some(id)`) or all of the person's.
pub async fn mark_read(db: &Db, who: &Authenticated, id: Option<Uuid>) -> Result<(), ApiError> {
    let txn = db.begin_write().await?;
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::UserId.eq(who.user_id()));
    update = match id {
        Some(id) => update.filter(notification::Column::Id.eq(id)),
        // Marking again would move the read time of those read before.
        None => update.filter(notification::Column::ReadAt.is_null()),
    };
    let updated = update.exec(&*txn).await?.rows_affected;
    txn.commit().await?;
    if updated == 0 && id.is_some() {
        return Err(ApiError::NotFound);
    }
    Ok(())
}
