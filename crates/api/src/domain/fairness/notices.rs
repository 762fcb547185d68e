//! "Informations à toutes les entreprises": what the agent tells every
//! company the consultation concerns at once, optionally about one clause,
//! instead of answering one of them (R2111-2: an advantage one participant
//! gained is neutralised by telling everyone).

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use shared::FieldError;
use shared::auth::Validator;
use shared::consultation::{EventAction, NoticeDto, NoticeRequest, limits};
use uuid::Uuid;

use crate::db::Db;
use crate::domain::access::{ConsultationAccess, OwnerCapability};
use crate::domain::consultations::draft::parse_content;
use crate::domain::consultations::rounds::latest_round;
use crate::domain::consultations::{Phase, locked};
use crate::domain::mail::fan_out::{self, Announcement};
use crate::domain::text::text;
use crate::domain::{anonymity, journal};
use crate::entities::{announcement, notice};
use crate::error::ApiError;

/// Clause numbers by id in the latest revision (ids are stable across
/// revisions, numbers may move).
async fn clause_numbers(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
) -> Result<HashMap<Uuid, String>, ApiError> {
    match latest_round(conn, consultation_id).await? {
        Some(latest) => numbers_in(&latest.content),
        None => Ok(HashMap::new()),
    }
}

fn numbers_in(revision: &str) -> Result<HashMap<Uuid, String>, ApiError> {
    Ok(parse_content(revision)?
        .clauses()
        .filter_map(|(_, c)| Some((c.id?, c.number.clone())))
        .collect())
}

fn dto(n: notice::Model, numbers: &HashMap<Uuid, String>) -> NoticeDto {
    NoticeDto {
        id: n.id,
        round: n.round,
        clause_number: n.clause_id.and_then(|id| numbers.get(&id).cloned()),
        clause_id: n.clause_id,
        body: n.body,
        published_at: n.published_at,
    }
}

/// The excerpt of a notice that its in-app notification carries.
fn excerpt(body: &str) -> String {
    const LENGTH: usize = 300;
    if body.chars().count() <= LENGTH {
        return body.to_owned();
    }
    let cut: String = body.chars().take(LENGTH).collect();
    format!("{cut}…")
}

pub async fn publish(
    db: &Db,
    owner: &OwnerCapability,
    request: NoticeRequest,
) -> Result<NoticeDto, ApiError> {
    let mut v = Validator::default();
    let body = v.field("body", text(&request.body, limits::BODY, true));
    let body = v.finish(body).map_err(ApiError::Validation)?;
    // Staff texts get the generic part of the anonymity guard: no company's
    // phone number or e-mail address in what everyone reads.
    anonymity::guard(
        db,
        owner.consultation_id(),
        owner.agent_id(),
        &[("body", body.as_str())],
        None,
    )
    .await?;
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let consultation = locked(&*txn, owner.consultation_id()).await?;
    if consultation.phase != Phase::Dialogue {
        return Err(ApiError::Conflict(
            "Les informations à toutes les entreprises se publient pendant le dialogue.".into(),
        ));
    }
    let Some(round) = latest_round(&*txn, consultation.id).await? else {
        return Err(ApiError::Conflict(
            "Ouvrez un premier tour avant de publier une information.".into(),
        ));
    };
    let numbers = numbers_in(&round.content)?;
    if let Some(id) = request.clause_id
        && !numbers.contains_key(&id)
    {
        return Err(ApiError::Validation(vec![FieldError::new(
            "clause_id",
            "unknown",
            "Cette clause n'existe pas dans la dernière révision.",
        )]));
    }
    let published = notice::Entity::find()
        .filter(notice::Column::ConsultationId.eq(consultation.id))
        .count(&*txn)
        .await?;
    if published >= limits::NOTICES_PER_CONSULTATION {
        return Err(ApiError::Conflict(format!(
            "Cette consultation a déjà {} informations publiées, le maximum.",
            limits::NOTICES_PER_CONSULTATION
        )));
    }
    let saved = notice::ActiveModel {
        id: Set(Uuid::new_v4()),
        consultation_id: Set(consultation.id),
        round: Set(round.number),
        clause_id: Set(request.clause_id),
        body: Set(body),
        author_id: Set(owner.agent_id()),
        published_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    let about = match request.clause_id.and_then(|id| numbers.get(&id)) {
        Some(number) => format!(" (clause {number})"),
        None => String::new(),
    };
    journal::record(
        &*txn,
        consultation.id,
        owner.agent_id(),
        EventAction::NoticePublished,
        format!("Information à toutes les entreprises{about}"),
    )
    .await?;
    let mut announcement = Announcement::new(
        announcement::Kind::NoticePublished,
        consultation.id,
        format!(
            "Information à toutes les entreprises sur « {} »{about} : {}",
            consultation.title,
            excerpt(&saved.body)
        ),
    );
    announcement.round_number = Some(round.number);
    fan_out::announce(&*txn, announcement).await?;
    txn.commit().await?;
    Ok(dto(saved, &numbers))
}

/// Every notice of a consultation, newest first; whoever sees the
/// consultation reads them all. A consultation holds at most
/// `NOTICES_PER_CONSULTATION`, so the list needs no pages.
pub async fn list(db: &Db, access: &ConsultationAccess) -> Result<Vec<NoticeDto>, ApiError> {
    let conn = db.conn();
    let numbers = clause_numbers(conn, access.id()).await?;
    Ok(notice::Entity::find()
        .filter(notice::Column::ConsultationId.eq(access.id()))
        .order_by_desc(notice::Column::PublishedAt)
        .order_by_desc(notice::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|n| dto(n, &numbers))
        .collect())
}
