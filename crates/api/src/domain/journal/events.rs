//! The audit trail: one event per change, never updated nor deleted.

use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QueryTrait, Set,
};
use shared::auth::Page;
use shared::consultation::{EventAction, EventDto};
use shared::types::Role;
use uuid::Uuid;

use crate::db::Db;
use crate::domain::access::ConsultationAccess;
use crate::domain::anonymity::{Labels, add_pseudonym_column};
use crate::domain::pagination::{PageRequest, count_of};
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

/// An event as the trail reads it: its row, its actor's role and, for a
/// company, its pseudonym.
#[derive(Debug, FromQueryResult)]
struct Listed {
    #[sea_orm(nested)]
    event: event::Model,
    actor_role: Option<Role>,
    pseudonym_index: Option<i32>,
}

/// The audit trail, readable by the owner agent, the assigned buyer and admins.
pub async fn list(
    db: &Db,
    access: &ConsultationAccess,
    page: PageRequest,
) -> Result<Page<EventDto>, ApiError> {
    access.require_staff()?;
    let chosen = event::Entity::find().filter(event::Column::ConsultationId.eq(access.id()));
    let total = count_of(&chosen);
    let mut statement = chosen
        .order_by_asc(event::Column::CreatedAt)
        .order_by_asc(event::Column::Id)
        .into_query();
    statement
        .join(
            JoinType::LeftJoin,
            user::Entity,
            Expr::col((user::Entity, user::Column::Id))
                .equals((event::Entity, event::Column::ActorId)),
        )
        .expr_as(
            Expr::col((user::Entity, user::Column::Role)),
            Alias::new("actor_role"),
        );
    add_pseudonym_column(
        &mut statement,
        Expr::col((event::Entity, event::Column::ConsultationId)),
        Expr::col((event::Entity, event::Column::ActorId)),
    );
    let (rows, total) = page.fetch_as::<Listed>(db.conn(), statement, total).await?;
    let labels = Labels::of_people(
        access,
        rows.iter()
            .map(|row| (row.event.actor_id, row.pseudonym_index)),
    );
    let items = rows
        .into_iter()
        .map(|row| EventDto {
            actor: labels.actor(row.event.actor_id, row.actor_role),
            at: row.event.created_at,
            action: row.event.action,
            detail: row.event.detail,
        })
        .collect();
    Ok(page.page_of(items, total))
}
