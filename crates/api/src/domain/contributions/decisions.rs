//! The owner agent's decision on a contribution, with its rationale: a
//! clarification is "answered"; anything else accepted, partly or not.

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use shared::auth::Validator;
use shared::consultation::{
    ContributionDto, ContributionKind, ContributionStatus, DecisionKind, DecisionRequest,
    EventAction, limits,
};
use shared::mail::MailKind;
use shared::{FieldError, Named};
use uuid::Uuid;

use super::{load, view};
use crate::auth::Authenticated;
use crate::db::Db;
use crate::domain::consultations::locked;
use crate::domain::consultations::rounds::latest_head;
use crate::domain::consultations::status::Phase;
use crate::domain::journal::{self, About};
use crate::domain::text::text;
use crate::domain::{anonymity, mail};
use crate::entities::{consultation, contribution};
use crate::error::ApiError;

/// A clarification is answered; other kinds are accepted, partly or not.
fn check_decision_fits(v: &mut Validator, kind: ContributionKind, decision: Option<DecisionKind>) {
    let is_clarification = kind == ContributionKind::Clarification;
    match decision {
        None => v.push(FieldError::new(
            "decision",
            "required",
            "Choisissez une décision.",
        )),
        Some(DecisionKind::Answered) if !is_clarification => v.push(FieldError::new(
            "decision",
            "mismatch",
            "« Répondu » est réservé aux demandes de précision.",
        )),
        Some(DecisionKind::Accepted | DecisionKind::PartiallyAccepted | DecisionKind::Rejected)
            if is_clarification =>
        {
            v.push(FieldError::new(
                "decision",
                "mismatch",
                "Une demande de précision reçoit la décision « Répondu ».",
            ))
        }
        Some(_) => {}
    }
}

/// The revision that integrates a contribution exists, or is the next one
/// while the consultation can still be revised (in dialogue): its number is
/// the link once that revision is frozen.
async fn check_integration_round(
    conn: &impl ConnectionTrait,
    v: &mut Validator,
    consultation: &consultation::Model,
    round: Option<i32>,
) -> Result<(), ApiError> {
    if let Some(n) = round {
        let latest = latest_head(conn, consultation.id)
            .await?
            .map_or(0, |r| r.number);
        let next = match consultation.phase {
            Phase::Dialogue => latest.saturating_add(1),
            _ => latest,
        };
        if n < 1 || n > next {
            v.push(FieldError::new(
                "integrated_in_round",
                "unknown",
                format!(
                    "Indiquez une révision déjà publiée (1 à {latest}) ou la prochaine ({}).",
                    latest.saturating_add(1)
                ),
            ));
        }
    }
    Ok(())
}

fn withdrawn() -> ApiError {
    ApiError::Conflict("Une contribution retirée ne reçoit pas de décision.".into())
}

pub async fn decide(
    db: &Db,
    who: &Authenticated,
    id: Uuid,
    request: DecisionRequest,
) -> Result<ContributionDto, ApiError> {
    let (access, current) = load(db, who, id).await?;
    let owner = access.as_owner()?;
    let mut v = Validator::default();
    let rationale = v.field("rationale", text(&request.rationale, limits::BODY, true));
    check_decision_fits(&mut v, current.kind, request.decision);
    // The agent's words go to the company: no one's contact details in them.
    anonymity::guard(
        db,
        access.id(),
        owner.agent_id(),
        &[("rationale", request.rationale.as_str())],
        None,
    )
    .await?;
    let txn = db.begin_write().await?;
    // The decision replaced is the one stored now, read under the lock.
    let consultation = locked(&*txn, access.id()).await?;
    let current = contribution::Entity::find_by_id(current.id)
        .one(&*txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    check_integration_round(&*txn, &mut v, &consultation, request.integrated_in_round).await?;
    let rationale = v.finish(rationale).map_err(ApiError::Validation)?;
    if current.status != ContributionStatus::Active {
        return Err(withdrawn());
    }
    let author_id = current.author_id;
    // The trail keeps every decision: the one replaced is named in the new
    // event, and was itself recorded when it was made.
    let replaced = match (current.decision, &current.decision_rationale) {
        (Some(previous), rationale) => format!(
            " ; elle remplace « {} » (motif : {})",
            previous.label_fr(),
            rationale.as_deref().unwrap_or("")
        ),
        (None, _) => String::new(),
    };
    let detail = format!(
        "Décision « {} » sur la contribution {} (tour {}){replaced}",
        request.decision.map_or("", |d| d.label_fr()),
        current.id,
        current.round
    );
    let mut model = current.into_active_model();
    model.decision = Set(request.decision);
    model.decision_rationale = Set(Some(rationale));
    model.decision_round = Set(request.integrated_in_round);
    model.decided_at = Set(Some(Utc::now()));
    // A withdrawal committed meanwhile wins: decide only what is still active.
    let saved = match contribution::Entity::update(model)
        .validate()?
        .filter(contribution::Column::Status.eq(ContributionStatus::Active))
        .exec(&*txn)
        .await
    {
        Err(DbErr::RecordNotUpdated) => return Err(withdrawn()),
        other => other?,
    };
    journal::record(
        &*txn,
        access.id(),
        owner.agent_id(),
        EventAction::DecisionMade,
        detail,
    )
    .await?;
    let message = format!(
        "L'agent a rendu sa décision sur votre contribution à « {} ».",
        access.consultation().title
    );
    journal::notify(
        &*txn,
        [author_id],
        About::contribution(access.id(), id),
        &message,
    )
    .await?;
    let letter =
        super::replies::contribution_letter(&access, &saved, "Décision de l'agent", &message);
    mail::send(&*txn, author_id, MailKind::ContributionAnswered, letter).await?;
    txn.commit().await?;
    view(db, &access, saved.id).await
}
