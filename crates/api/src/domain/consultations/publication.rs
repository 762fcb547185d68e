//! Publication: the owner agent asks, which freezes the draft as the final
//! revision; the assigned PFRA buyer approves that very revision, or sends
//! the CCTP back with a comment.

use chrono::Utc;
use shared::FieldError;
use shared::auth::Validator;
use shared::consultation::{
    ConsultationDto, EventAction, PublicationDecisionRequest, PublicationDto, RoundDto, limits,
};
use shared::mail::MailKind;

use super::activity::Reader;
use super::rounds::{freezable_draft, freeze_final_revision, has_open_round, latest_head};
use super::status::{Phase, move_to};
use super::{locked, view};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::configuration::FairnessSettings;
use crate::db::Db;
use crate::domain::access::{BuyerCapability, ConsultationAccess, OwnerCapability};
use crate::domain::fairness::detector;
use crate::domain::journal;
use crate::domain::journal::About;
use crate::domain::mail::fan_out::{self, Announcement};
use crate::domain::mail::letters::consultation_path;
use crate::domain::mail::{self, Letter};
use crate::domain::text::text;
use crate::entities::event;
use crate::entities::{announcement, consultation};
use crate::error::ApiError;
use crate::heavy::in_turn;

pub async fn request_publication(
    db: &Db,
    owner: &OwnerCapability,
    fairness: FairnessSettings,
) -> Result<ConsultationDto, ApiError> {
    // The detector reads the whole dialogue: outside the write transaction,
    // on a snapshot whose draft must still be the one frozen below.
    let snapshot = consultation::Entity::find_by_id(owner.consultation_id())
        .one(db.conn())
        .await?
        .ok_or(ApiError::NotFound)?;
    // The other refusals come first, as the transaction below gives them.
    let requestable = snapshot.phase == Phase::Dialogue
        && !has_open_round(db.conn(), snapshot.id, Utc::now()).await?
        && freezable_draft(db.conn(), &snapshot).await.is_ok();
    let pending = if requestable {
        // In turn with the other heavy reads, as the fairness report runs.
        in_turn(detector::unacknowledged(db, &snapshot, fairness)).await??
    } else {
        0
    };
    if pending > 0 {
        return Err(ApiError::Conflict(format!(
            "Le détecteur d'égalité de traitement signale {pending} alerte(s) que vous n'avez pas examinée(s) : prenez-en acte avec un commentaire avant de demander la publication."
        )));
    }
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let current = locked(&*txn, owner.consultation_id()).await?;
    if current.draft_version != snapshot.draft_version {
        return Err(ApiError::Conflict(
            "Le brouillon a changé pendant la vérification des alertes : redemandez la publication."
                .into(),
        ));
    }
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
    // What the buyer approves is the draft as it stands, frozen: a save or
    // a later request cannot change the text under the buyer's eyes.
    let content = freezable_draft(&*txn, &current).await?;
    let number = freeze_final_revision(&*txn, &current, &content, now).await?;
    let buyer_id = current.buyer_id;
    let saved = move_to(&*txn, current, Phase::AwaitingApproval, now).await?;
    let detail = format!("Publication demandée : révision finale {number}");
    journal::record(
        &*txn,
        saved.id,
        owner.agent_id(),
        EventAction::PublicationRequested,
        detail,
    )
    .await?;
    let message = format!(
        "Publication demandée pour « {} » : révision finale {number}.",
        saved.title
    );
    journal::notify(&*txn, [buyer_id], About::consultation(saved.id), &message).await?;
    let letter = Letter::new(
        format!("Publication à valider : {}", saved.title),
        "Vous recevez ce message car vous êtes l'acheteur désigné pour valider cette consultation.",
    )
    .paragraph(format!(
        "L'agent demande la publication du CCTP « {} » : la révision finale {number} attend votre validation. Vous pouvez la valider ou demander des modifications.",
        saved.title
    ))
    .action("Relire la révision finale", consultation_path(saved.id));
    mail::send(&*txn, buyer_id, MailKind::PublicationRequested, letter).await?;
    txn.commit().await?;
    view(db.conn(), Reader::staff(owner.agent_id()), saved.id).await
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
    if request.approve && request.revision.is_none() {
        v.push(FieldError::new(
            "revision",
            "required",
            "Indiquez le numéro de la révision que vous validez.",
        ));
    }
    let comment = v.finish(comment).map_err(ApiError::Validation)?;
    let txn = db.begin_write().await?;
    let current = locked(&*txn, buyer.consultation_id()).await?;
    if current.phase != Phase::AwaitingApproval {
        return Err(ApiError::Conflict(
            "Aucune demande de publication n'est en attente.".into(),
        ));
    }
    // The request froze the final revision as the latest one.
    let submitted = latest_head(&*txn, current.id)
        .await?
        .map_or(0, |r| r.number);
    if let Some(named) = request.revision
        && named != submitted
    {
        return Err(ApiError::Conflict(format!(
            "La révision soumise pour publication est la révision {submitted}, non la révision {named} : relisez-la avant de décider."
        )));
    }
    let owner_id = current.owner_id;
    let (phase, action, message) = if request.approve {
        (
            Phase::Published,
            EventAction::PublicationApproved,
            format!("La publication a été validée : la révision {submitted} est le CCTP final."),
        )
    } else {
        (
            Phase::Dialogue,
            EventAction::ChangesRequested,
            format!("L'acheteur demande des modifications : {comment}"),
        )
    };
    let saved = move_to(&*txn, current, phase, Utc::now()).await?;
    let detail = match (request.approve, comment.is_empty()) {
        (true, true) => format!("Révision finale {submitted} validée"),
        (true, false) => format!("Révision finale {submitted} validée : {comment}"),
        (false, _) => comment,
    };
    journal::record(&*txn, saved.id, buyer.buyer_id(), action, detail).await?;
    journal::notify(&*txn, [owner_id], About::consultation(saved.id), &message).await?;
    let subject = if request.approve {
        format!("Publication validée : {}", saved.title)
    } else {
        format!("Modifications demandées : {}", saved.title)
    };
    let letter = Letter::new(
        subject,
        "Vous recevez ce message car vous êtes l'agent responsable de cette consultation.",
    )
    .paragraph(message)
    .action("Voir la consultation", consultation_path(saved.id));
    mail::send(&*txn, owner_id, MailKind::PublicationDecided, letter).await?;
    if request.approve {
        fan_out::announce(
            &*txn,
            Announcement::new(
                announcement::Kind::ConsultationPublished,
                saved.id,
                format!(
                    "Le CCTP de la consultation « {} » est validé (révision {submitted}) : il sera publié pour la procédure formelle.",
                    saved.title
                ),
            ),
        )
        .await?;
    }
    txn.commit().await?;
    view(db.conn(), Reader::staff(buyer.buyer_id()), saved.id).await
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

/// The final revision of a consultation whose publication was requested or
/// approved: its latest revision, frozen by the request.
pub fn final_revision(
    phase: Phase,
    latest: Option<&RoundDto>,
    last_round: Option<i32>,
) -> Option<PublicationDto> {
    let approved = match phase {
        Phase::AwaitingApproval => false,
        Phase::Published => true,
        Phase::Draft | Phase::Dialogue | Phase::Abandoned => return None,
    };
    latest.map(|r| PublicationDto {
        revision: r.number,
        last_round,
        approved,
    })
}
