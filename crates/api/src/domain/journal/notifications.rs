//! In-app notifications: written in the transaction of what they announce,
//! read and marked read by their recipient only. How many a person has, and
//! how many are unread, is tallied by the database (migration 12).
//!
//! On PostgreSQL, writing or marking notifications locks the tally row of
//! each person concerned. A transaction therefore notifies once, its
//! recipients in id order (as the fan-out of announcements does): two
//! transactions lock the rows they share in the same order and never wait
//! on each other.

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QueryTrait, Set,
};
use shared::auth::Page;
use shared::consultation::{NotificationDto, NotificationsDto};
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::db::Db;
use crate::domain::pagination::PageRequest;
use crate::entities::{notification, notification_tally};
use crate::error::ApiError;

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

/// Notifies `user_ids`, once each; at most once per transaction (see the
/// module's lock order).
pub async fn notify(
    conn: &impl ConnectionTrait,
    user_ids: impl IntoIterator<Item = Uuid>,
    about: About,
    message: &str,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let recipients: BTreeSet<Uuid> = user_ids.into_iter().collect();
    let rows: Vec<notification::ActiveModel> = recipients
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

/// A page of the person's notifications, newest first, with how many are
/// unread.
pub async fn list(
    db: &Db,
    who: &Authenticated,
    page: PageRequest,
) -> Result<NotificationsDto, ApiError> {
    let conn = db.conn();
    let tally = notification_tally::Entity::find_by_id(who.user_id())
        .one(conn)
        .await?;
    let (received, unread) = tally.map_or((0, 0), |t| (t.received, t.unread));
    let count = |n: i64| u64::try_from(n).unwrap_or_default();
    let query = notification::Entity::find()
        .filter(notification::Column::UserId.eq(who.user_id()))
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id);
    // The size is known already: the page's statement only carries it.
    let received = Query::select().expr(Expr::value(received)).to_owned();
    let (rows, total) = page
        .fetch_as::<notification::Model>(conn, query.into_query(), received)
        .await?;
    let items = rows
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
    let Page {
        items,
        page,
        per_page,
        total,
        // Exact: counted from the reader's tally.
        total_relation: _,
    } = page.page_of(items, total);
    Ok(NotificationsDto {
        unread: count(unread),
        items,
        page,
        per_page,
        total,
    })
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
