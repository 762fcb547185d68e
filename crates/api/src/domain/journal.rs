//! The append-only audit trail and in-app notifications.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::auth::Page;
use shared::consultation::{EventDto, NotificationDto, NotificationsDto, pseudonym};
use shared::types::Role;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::db::Db;
use crate::domain::access::ConsultationAccess;
use crate::entities::{
    company, company_cpv_division, company_departement, consultation, event, notification,
    participant, user,
};
use crate::error::ApiError;

/// Appends one event; events are never updated nor deleted.
pub async fn record(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
    actor_id: Uuid,
    action: &str,
    detail: impl Into<String>,
) -> Result<(), ApiError> {
    event::ActiveModel {
        id: Set(Uuid::new_v4()),
        consultation_id: Set(consultation_id),
        actor_id: Set(actor_id),
        action: Set(action.to_owned()),
        detail: Set(detail.into()),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

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

/// The company accounts a consultation concerns (its audience).
pub async fn audience(
    conn: &impl ConnectionTrait,
    consultation: &consultation::Model,
) -> Result<Vec<Uuid>, ApiError> {
    let mut companies = company::Entity::find();
    if consultation.visibility != "open" {
        let in_division = Query::select()
            .column(company_cpv_division::Column::CompanyId)
            .from(company_cpv_division::Entity)
            .and_where(
                Expr::col(company_cpv_division::Column::Division)
                    .eq(consultation.cpv_division.clone()),
            )
            .to_owned();
        let in_departement = Query::select()
            .column(company_departement::Column::CompanyId)
            .from(company_departement::Entity)
            .and_where(
                Expr::col(company_departement::Column::Departement)
                    .eq(consultation.departement.clone()),
            )
            .to_owned();
        companies = companies
            .filter(company::Column::Id.in_subquery(in_division))
            .filter(company::Column::Id.in_subquery(in_departement));
    }
    Ok(companies
        .all(conn)
        .await?
        .into_iter()
        .map(|c| c.user_id)
        .collect())
}

/// Pseudonyms of the companies taking part in a consultation, by user id.
pub async fn pseudonyms(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
) -> Result<HashMap<Uuid, String>, ApiError> {
    Ok(participant::Entity::find()
        .filter(participant::Column::ConsultationId.eq(consultation_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| {
            (
                p.company_user_id,
                pseudonym(u32::try_from(p.pseudonym_index).unwrap_or_default()),
            )
        })
        .collect())
}

/// The audit trail, readable by the owner agent, the assigned buyer and admins.
pub async fn events(
    db: &Db,
    access: &ConsultationAccess,
    page: u64,
    per_page: u64,
) -> Result<Page<EventDto>, ApiError> {
    access.require_staff()?;
    let conn = db.conn();
    let query = event::Entity::find().filter(event::Column::ConsultationId.eq(access.id()));
    let total = query.clone().count(conn).await?;
    let rows = query
        .order_by_asc(event::Column::CreatedAt)
        .order_by_asc(event::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(conn)
        .await?;
    let names = pseudonyms(conn, access.id()).await?;
    let actor_ids: Vec<Uuid> = rows.iter().map(|e| e.actor_id).collect();
    let roles: HashMap<Uuid, String> = user::Entity::find()
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
            actor: match roles.get(&e.actor_id).and_then(|r| Role::parse(r)) {
                Some(Role::Company) => names
                    .get(&e.actor_id)
                    .cloned()
                    .unwrap_or_else(|| "Une entreprise".into()),
                Some(Role::Agent) => "L'agent".into(),
                Some(Role::Buyer) => "L'acheteur PFRA".into(),
                Some(Role::Admin) | None => "Administration".into(),
            },
            action: e.action,
            detail: e.detail,
        })
        .collect();
    Ok(Page {
        items,
        page,
        per_page,
        total,
    })
}

pub async fn notifications(db: &Db, who: &Authenticated) -> Result<NotificationsDto, ApiError> {
    let conn = db.conn();
    let unread = notification::Entity::find()
        .filter(notification::Column::UserId.eq(who.user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(conn)
        .await?;
    let items = notification::Entity::find()
        .filter(notification::Column::UserId.eq(who.user_id))
        .order_by_desc(notification::Column::CreatedAt)
        .limit(100)
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
        .filter(notification::Column::UserId.eq(who.user_id))
        .exec(&*txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    if updated == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}
