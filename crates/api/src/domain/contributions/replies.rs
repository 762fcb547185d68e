//! Replies on a contribution, from the owner agent or the author.
//!
//! Equal treatment: the agent's answer to a clarification request is public,
//! so every company the consultation concerns is told, not only the author.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use shared::auth::Validator;
use shared::consultation::{ContributionDto, ContributionKind, EventAction, ReplyRequest, limits};
use uuid::Uuid;

use super::{load, views::one_view};
use crate::auth::Authenticated;
use crate::db::Db;
use crate::domain::access::ConsultationAccess;
use crate::domain::journal::About;
use crate::domain::text::text;
use crate::domain::{journal, targeting};
use crate::entities::{contribution, reply};
use crate::error::ApiError;

pub async fn reply(
    db: &Db,
    who: &Authenticated,
    id: Uuid,
    request: ReplyRequest,
) -> Result<ContributionDto, ApiError> {
    let (access, mut c) = load(db, who, id).await?;
    let by_owner = access.as_owner().is_ok();
    if !by_owner && c.author_id != access.user_id() {
        return Err(ApiError::Forbidden);
    }
    let mut v = Validator::default();
    let body = v.field("body", text(&request.body, limits::BODY, true));
    let body = v.finish(body).map_err(ApiError::Validation)?;
    let now = Utc::now();
    let txn = db.begin_write().await?;
    reply::ActiveModel {
        id: Set(Uuid::new_v4()),
        contribution_id: Set(c.id),
        author_id: Set(access.user_id()),
        body: Set(body),
        created_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    journal::record(
        &*txn,
        access.id(),
        access.user_id(),
        EventAction::ReplyPosted,
        "Réponse publiée",
    )
    .await?;
    if by_owner {
        // Writing the row (not only a reply next to it) makes a concurrent
        // edit by the author wait for this answer, then find it settled.
        contribution::Entity::update_many()
            .col_expr(contribution::Column::AnsweredAt, Expr::value(now))
            .filter(contribution::Column::Id.eq(c.id))
            .filter(contribution::Column::AnsweredAt.is_null())
            .exec(&*txn)
            .await?;
        c.answered_at = c.answered_at.or(Some(now));
        notify_agent_reply(&*txn, &access, &c).await?;
    }
    txn.commit().await?;
    one_view(db, &access, c).await
}

async fn notify_agent_reply(
    conn: &impl ConnectionTrait,
    access: &ConsultationAccess,
    c: &contribution::Model,
) -> Result<(), ApiError> {
    let title = &access.consultation().title;
    let about = About::contribution(access.id(), c.id);
    journal::notify(
        conn,
        [c.author_id],
        about,
        &format!("L'agent a répondu à votre contribution sur « {title} »."),
    )
    .await?;
    if c.kind == ContributionKind::Clarification {
        let others: Vec<Uuid> = targeting::audience(conn, access.consultation())
            .await?
            .into_iter()
            .filter(|u| *u != c.author_id)
            .collect();
        journal::notify(
            conn,
            others,
            about,
            &format!("Nouvelle réponse publique à une demande de précision sur « {title} »."),
        )
        .await?;
    }
    Ok(())
}
