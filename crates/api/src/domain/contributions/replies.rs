//! Replies on a contribution, from the owner agent or the author.
//!
//! Equal treatment: the agent's answer to a clarification request is public,
//! so every company the consultation concerns is told, not only the author.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use shared::Named;
use shared::auth::Validator;
use shared::consultation::{
    ContributionDto, ContributionKind, EventAction, ReplyAudience, ReplyRequest, limits,
};
use shared::mail::MailKind;
use shared::types::Invalid;
use uuid::Uuid;

use super::{load, view};
use crate::auth::Authenticated;
use crate::db::Db;
use crate::domain::access::ConsultationAccess;
use crate::domain::consultations::locked;
use crate::domain::journal::About;
use crate::domain::mail::fan_out::{self, Announcement};
use crate::domain::mail::letters::consultation_path;
use crate::domain::mail::{self, Letter};
use crate::domain::text::text;
use crate::domain::{anonymity, journal};
use crate::entities::announcement;
use crate::entities::{contribution, reply};
use crate::error::ApiError;

pub async fn reply(
    db: &Db,
    who: &Authenticated,
    id: Uuid,
    request: ReplyRequest,
) -> Result<ContributionDto, ApiError> {
    let (access, c) = load(db, who, id).await?;
    let by_owner = access.as_owner().is_ok();
    if !by_owner && c.author_id != access.user_id() {
        return Err(ApiError::Forbidden);
    }
    // The author is a company: verified, and its own identity is looked
    // for in its text too.
    let author = if by_owner {
        None
    } else {
        Some(anonymity::verified_author(db.conn(), access.user_id()).await?)
    };
    let mut v = Validator::default();
    let body = v.field("body", text(&request.body, limits::BODY, true));
    let audience = v.field("audience", audience(by_owner, &c, request.audience));
    let (body, audience) = v
        .finish((|| Some((body?, audience?)))())
        .map_err(ApiError::Validation)?;
    anonymity::guard(
        db,
        access.id(),
        access.user_id(),
        &[("body", request.body.as_str())],
        author.as_ref(),
    )
    .await?;
    let now = Utc::now();
    let txn = db.begin_write().await?;
    // Under the consultation's lock, so that the quota holds for replies
    // sent at once.
    locked(&*txn, access.id()).await?;
    let replies = reply::Entity::find()
        .filter(reply::Column::ContributionId.eq(c.id))
        .count(&*txn)
        .await?;
    if replies >= limits::REPLIES_PER_CONTRIBUTION {
        return Err(ApiError::Conflict(format!(
            "Cette contribution a déjà {} réponses, le maximum.",
            limits::REPLIES_PER_CONTRIBUTION
        )));
    }
    reply::ActiveModel {
        id: Set(Uuid::new_v4()),
        contribution_id: Set(c.id),
        author_id: Set(access.user_id()),
        audience: Set(audience),
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
        notify_agent_reply(&*txn, &access, &c, audience).await?;
    }
    txn.commit().await?;
    view(db, &access, c.id).await
}

/// Who reads a reply. The agent's answer to a clarification reaches every
/// company (equal treatment), to a confidential solution its author alone;
/// otherwise the agent chooses, public by default. A company does not
/// choose: its reply reads as its contribution does.
fn audience(
    by_owner: bool,
    c: &contribution::Model,
    requested: Option<ReplyAudience>,
) -> Result<ReplyAudience, Invalid> {
    let private_by_nature = if c.confidential {
        ReplyAudience::Author
    } else {
        ReplyAudience::Public
    };
    match requested {
        None => Ok(private_by_nature),
        Some(_) if !by_owner => Err(Invalid::new(
            "agent_only",
            "Seul l'agent choisit le destinataire d'une réponse : la vôtre se lit comme votre contribution.",
        )),
        Some(ReplyAudience::Public) if c.confidential => Err(Invalid::new(
            "confidential",
            "Une solution confidentielle ne se discute qu'avec son auteur : la réponse va à l'auteur seulement.",
        )),
        Some(ReplyAudience::Author) if c.kind == ContributionKind::Clarification => {
            Err(Invalid::new(
                "public_required",
                "La réponse à une demande de précision va à toutes les entreprises (égalité de traitement).",
            ))
        }
        Some(chosen) => Ok(chosen),
    }
}

async fn notify_agent_reply(
    conn: &impl ConnectionTrait,
    access: &ConsultationAccess,
    c: &contribution::Model,
    audience: ReplyAudience,
) -> Result<(), ApiError> {
    let title = &access.consultation().title;
    let about = About::contribution(access.id(), c.id);
    let message = format!("L'agent a répondu à votre contribution sur « {title} ».");
    journal::notify(conn, [c.author_id], about, &message).await?;
    mail::send(
        conn,
        c.author_id,
        MailKind::ContributionAnswered,
        contribution_letter(access, c, "Réponse de l'agent", &message),
    )
    .await?;
    if c.kind == ContributionKind::Clarification && audience == ReplyAudience::Public {
        let mut announcement = Announcement::new(
            announcement::Kind::ClarificationAnswered,
            access.id(),
            format!("Nouvelle réponse publique à une demande de précision sur « {title} »."),
        );
        announcement.contribution_id = Some(c.id);
        announcement.except_user_id = Some(c.author_id);
        fan_out::announce(conn, announcement).await?;
    }
    Ok(())
}

/// The message to a company about its own contribution. It names the
/// contribution by its round and kind, never by anyone's identity.
pub(super) fn contribution_letter(
    access: &ConsultationAccess,
    c: &contribution::Model,
    subject: &str,
    message: &str,
) -> Letter {
    let title = &access.consultation().title;
    Letter::new(
        format!("{subject} : {title}"),
        "Vous recevez ce message car votre entreprise a contribué à cette consultation.",
    )
    .paragraph(message)
    .paragraph(format!(
        "Contribution du tour {} ({}).",
        c.round,
        c.kind.label_fr().to_lowercase()
    ))
    .action(
        "Lire la réponse",
        format!("{}#contribution-{}", consultation_path(access.id()), c.id),
    )
}
