//! The audit trail: one event per change, never updated nor deleted.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::auth::Page;
use shared::consultation::{EventAction, EventDto};
use shared::types::Role;
use uuid::Uuid;

use crate::db::Db;
use crate::domain::access::ConsultationAccess;
use crate::domain::anonymity::Labels;
use crate::domain::pagination::PageRequest;
use crate::entities::{event, user};
use crate::error::ApiError;

/// Appends one event, in the transaction of the change it records.
pub async fn record(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
    actor_id: Uuid,
    action: EventAction,
    detail: impl Into<String>,
) -> Result<(), ApiError> {
    event::ActiveModel {
        id: Set(Uuid::new_v4()),
        consultation_id: Set(consultation_id),
        actor_id: Set(actor_id),
        action: Set(action),
        detail: Set(detail.into()),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The audit trail, readable by the owner agent, the assigned buyer and admins.
pub async fn list(
    db: &Db,
    access: &ConsultationAccess,
    page: PageRequest,
) -> Result<Page<EventDto>, ApiError> {
    access.require_staff()?;
    let conn = db.conn();
    let query = event::Entity::find()
        .filter(event::Column::ConsultationId.eq(access.id()))
        .order_by_asc(event::Column::CreatedAt)
        .order_by_asc(event::Column::Id);
    let (rows, total) = page.fetch(conn, query).await?;
    let actor_ids: Vec<Uuid> = rows.iter().map(|e| e.actor_id).collect();
    let labels = Labels::for_people(conn, access, actor_ids.iter().copied()).await?;
    let roles: HashMap<Uuid, Role> = user::Entity::find()
        .filter(user::Column::Id.is_in(actor_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.role))
        .collect();
    let items = rows
        .into_iter()
        .map(|e| EventDto {
            at: e.created_at,
            actor: labels.actor(e.actor_id, roles.get(&e.actor_id).copied()),
            action: e.action,
            detail: e.detail,
        })
        .collect();
    Ok(page.page_of(items, total))
}
