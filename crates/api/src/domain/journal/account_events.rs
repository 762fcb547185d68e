//! The audit trail of accounts: disabled, enabled, deleted, verified,
//! reset. Append-only, read by administrators.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::auth::{AccountAction, AccountEventDto, Page};
use uuid::Uuid;

use crate::auth::AdminCapability;
use crate::db::Db;
use crate::domain::pagination::PageRequest;
use crate::entities::{account_event, user};
use crate::error::ApiError;

pub async fn record(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    actor_id: Uuid,
    action: AccountAction,
    detail: &str,
) -> Result<(), ApiError> {
    account_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        actor_id: Set(actor_id),
        action: Set(action),
        detail: Set(detail.to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// One account's trail, oldest first.
pub async fn list(
    db: &Db,
    _admin: &AdminCapability,
    user_id: Uuid,
    page: PageRequest,
) -> Result<Page<AccountEventDto>, ApiError> {
    let conn = db.conn();
    user::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let query = account_event::Entity::find()
        .filter(account_event::Column::UserId.eq(user_id))
        .order_by_asc(account_event::Column::CreatedAt)
        .order_by_asc(account_event::Column::Id);
    let (rows, total) = page.fetch(conn, query).await?;
    let names: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(rows.iter().map(|e| e.actor_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let items = rows
        .into_iter()
        .map(|e| AccountEventDto {
            at: e.created_at,
            action: e.action,
            actor: if e.actor_id == e.user_id {
                "Le titulaire du compte".into()
            } else {
                names
                    .get(&e.actor_id)
                    .cloned()
                    .unwrap_or_else(|| "Administrateur".into())
            },
            detail: e.detail,
        })
        .collect();
    Ok(page.page_of(items, total))
}
