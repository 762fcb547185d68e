//! Publication: the owner agent asks, the assigned PFRA buyer approves (the
//! final revision is frozen) or sends the CCTP back with a comment.

use chrono::Utc;
use shared::auth::Validator;
use shared::consultation::{ConsultationDto, EventAction, PublicationDecisionRequest, limits};

use super::rounds::{freezable_draft, has_open_round, submit_revision};
use super::status::{Phase, move_to};
use super::{locked, view};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::db::Db;
use crate::domain::access::{BuyerCapability, ConsultationAccess, OwnerCapability};
use crate::domain::journal::About;
use crate::domain::text::text;
use crate::domain::{journal, targeting};
use crate::entities::event;
use crate::error::ApiError;

pub async fn request_publication(
    db: &Db,
    owner: &OwnerCapability,
) -> Result<ConsultationDto, ApiError> {
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let current = locked(&*txn, owner.consultation_id()).await?;
    if current.phase != Phase::Dialogue {
        return Err(ApiError::Conflict(
            "La publication ne peut être demandée qu'après au moins un tour de dialogue.".into(),
        ));
    }
    if has_open_round(&*txn, current.id, now).await? {
        return Err(ApiError::Conflict(
            "Clôturez le tour en cours avant de demander la publication.".into(),
        ));
    }
    // What the buyer approves is the draft as it stands: revised after a
    // request for changes, it becomes a revision of its own, without a round.
    let content = freezable_draft(&current)?;
    let submitted = submit_revision(&*txn, &current, &content, now).await?;
    let buyer_id = current.buyer_id;
    let saved = move_to(&*txn, current, Phase::AwaitingApproval, now).await?;
    let detail = match submitted {
        Some(n) => format!("Publication demandée (révision {n}, sans tour de contributions)"),
        None => "Publication demandée".to_owned(),
    };
    journal::record(
        &*txn,
        saved.id,
        owner.agent_id(),
        EventAction::PublicationRequested,
        detail,
    )
    .await?;
    let message = format!("Publication demandée pour « {} ».", saved.title);
    journal::notify(&*txn, [buyer_id], About::consultation(saved.id), &message).await?;
    txn.commit().await?;
    view(db.conn(), saved).await
}

pub async fn decide_publication(
    db: &Db,
    buyer: &BuyerCapability,
    request: PublicationDecisionRequest,
) -> Result<ConsultationDto, ApiError> {
    let mut v = Validator::default();
    // A request for changes must say which; an approval may stay silent.
    let comment = v.field(
        "comment",
        text(&request.comment, limits::BODY, !request.approve),
    );
    let comment = v.finish(comment).map_err(ApiError::Validation)?;
    let txn = db.begin_write().await?;
    let current = locked(&*txn, buyer.consultation_id()).await?;
    if current.phase != Phase::AwaitingApproval {
        return Err(ApiError::Conflict(
            "Aucune demande de publication n'est en attente.".into(),
        ));
    }
    let owner_id = current.owner_id;
    let (phase, action, message) = if request.approve {
        (
            Phase::Published,
            EventAction::PublicationApproved,
            "La publication a été validée : le CCTP final est figé.".to_owned(),
        )
    } else {
        (
            Phase::Dialogue,
            EventAction::ChangesRequested,
            format!("L'acheteur demande des modifications : {comment}"),
        )
    };
    let saved = move_to(&*txn, current, phase, Utc::now()).await?;
    let detail = if comment.is_empty() {
        message.clone()
    } else {
        comment
    };
    journal::record(&*txn, saved.id, buyer.buyer_id(), action, detail).await?;
    journal::notify(&*txn, [owner_id], About::consultation(saved.id), &message).await?;
    if request.approve {
        let audience = targeting::audience(&*txn, &saved).await?;
        let message = format!(
            "Le CCTP de la consultation « {} » est validé : il sera publié pour la procédure formelle.",
            saved.title
        );
        journal::notify(&*txn, audience, About::consultation(saved.id), &message).await?;
    }
    txn.commit().await?;
    view(db.conn(), saved).await
}

/// The buyer's comment while the agent revises after a request for changes
/// (staff only: it is an exchange between the agent and the buyer).
pub async fn changes_requested(
    conn: &impl ConnectionTrait,
    access: &ConsultationAccess,
) -> Result<Option<String>, ApiError> {
    if !access.is_staff() || access.consultation().phase != Phase::Dialogue {
        return Ok(None);
    }
    let last = event::Entity::find()
        .filter(event::Column::ConsultationId.eq(access.id()))
        .filter(event::Column::Action.is_in([
            EventAction::PublicationRequested,
            EventAction::ChangesRequested,
        ]))
        .order_by_desc(event::Column::CreatedAt)
        .one(conn)
        .await?;
    Ok(last
        .filter(|e| e.action == EventAction::ChangesRequested)
        .map(|e| e.detail))
}
