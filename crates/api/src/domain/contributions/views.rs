//! What a reader sees of contributions: authors under the labels of
//! `anonymity`, replies in order, decisions.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::consultation::{
    ContributionDto, ContributionStatus, DecisionDto, ReplyAudience, ReplyDto,
};
use uuid::Uuid;

use crate::db::Db;
use crate::domain::access::{ConsultationAccess, Viewer};
use crate::domain::anonymity::Labels;
use crate::entities::{contribution, reply};
use crate::error::ApiError;

/// Views of several contributions with two queries, whatever their number.
/// Only the people they show are named: a page costs the same in a
/// consultation of ten companies as in one of thousands.
pub async fn views(
    db: &Db,
    access: &ConsultationAccess,
    rows: Vec<contribution::Model>,
) -> Result<Vec<ContributionDto>, ApiError> {
    let replies = replies_of(db, &rows).await?;
    let people = rows
        .iter()
        .map(|c| c.author_id)
        .chain(replies.values().flatten().map(|r| r.author_id));
    let labels = Labels::for_people(db.conn(), access, people).await?;
    let mut dtos = labelled(&labels, access, rows, replies);
    withhold_confidential(access, &mut dtos);
    Ok(dtos)
}

const WITHHELD: &str = "Solution confidentielle : son contenu n'est visible que de l'agent responsable et de l'acheteur désigné.";

/// Administrators run the platform but are no party to the dialogue: they
/// see that a confidential solution exists, not what it says (nor what was
/// answered to it). Its readers are the owner agent and the assigned buyer.
fn withhold_confidential(reader: &ConsultationAccess, contributions: &mut [ContributionDto]) {
    if reader.viewer() != Viewer::Admin {
        return;
    }
    for c in contributions.iter_mut().filter(|c| c.confidential) {
        c.body = WITHHELD.into();
        c.justification = String::new();
        c.proposed_text = None;
        for r in &mut c.replies {
            r.body = WITHHELD.into();
        }
    }
}

/// Every active contribution of a consultation, oldest round first, under
/// the labels of a document kept outside the tool.
pub async fn for_record(
    db: &Db,
    labels: &Labels,
    reader: &ConsultationAccess,
) -> Result<Vec<ContributionDto>, ApiError> {
    let rows = contribution::Entity::find()
        .filter(contribution::Column::ConsultationId.eq(reader.id()))
        .filter(contribution::Column::Status.eq(ContributionStatus::Active))
        .order_by_asc(contribution::Column::Round)
        .order_by_asc(contribution::Column::CreatedAt)
        .order_by_asc(contribution::Column::Id)
        .all(db.conn())
        .await?;
    let replies = replies_of(db, &rows).await?;
    let mut dtos = labelled(labels, reader, rows, replies);
    withhold_confidential(reader, &mut dtos);
    Ok(dtos)
}

/// A reply to the author only is not for the other companies.
fn reads(reader: &ConsultationAccess, c: &contribution::Model, r: &reply::Model) -> bool {
    r.audience == ReplyAudience::Public
        || reader.viewer() != Viewer::Company
        || c.author_id == reader.user_id()
}

/// The replies to each contribution, in order, with one query.
async fn replies_of(
    db: &Db,
    rows: &[contribution::Model],
) -> Result<HashMap<Uuid, Vec<reply::Model>>, ApiError> {
    let mut replies: HashMap<Uuid, Vec<reply::Model>> = HashMap::new();
    for r in reply::Entity::find()
        .filter(reply::Column::ContributionId.is_in(rows.iter().map(|c| c.id)))
        .order_by_asc(reply::Column::CreatedAt)
        .order_by_asc(reply::Column::Id)
        .all(db.conn())
        .await?
    {
        replies.entry(r.contribution_id).or_default().push(r);
    }
    Ok(replies)
}

fn labelled(
    labels: &Labels,
    reader: &ConsultationAccess,
    rows: Vec<contribution::Model>,
    mut replies: HashMap<Uuid, Vec<reply::Model>>,
) -> Vec<ContributionDto> {
    rows.into_iter()
        .map(|c| {
            let mut replies = replies.remove(&c.id).unwrap_or_default();
            replies.retain(|r| reads(reader, &c, r));
            view(labels, c, replies)
        })
        .collect()
}

fn view(labels: &Labels, c: contribution::Model, replies: Vec<reply::Model>) -> ContributionDto {
    ContributionDto {
        id: c.id,
        consultation_id: c.consultation_id,
        round: c.round,
        target_kind: c.target_kind,
        target_id: c.target_id,
        kind: c.kind,
        cost_direction: c.cost_direction,
        proposed_weight: c.proposed_weight.map(i32::unsigned_abs),
        status: c.status,
        answered_at: c.answered_at,
        author: labels.author(c.author_id),
        decision: match (c.decision, c.decided_at) {
            (Some(decision), Some(at)) => Some(DecisionDto {
                decision,
                rationale: c.decision_rationale.unwrap_or_default(),
                integrated_in_round: c.decision_round,
                decided_at: at,
            }),
            _ => None,
        },
        replies: replies
            .into_iter()
            .map(|r| ReplyDto {
                id: r.id,
                author: labels.author(r.author_id),
                audience: r.audience,
                body: r.body,
                created_at: r.created_at,
            })
            .collect(),
        body: c.body,
        justification: c.justification,
        proposed_text: c.proposed_text,
        confidential: c.confidential,
        created_at: c.created_at,
        updated_at: c.updated_at,
    }
}

/// The view of a contribution its author has just created: no reply yet,
/// and its author reads it as "Vous", so it needs no query.
pub fn created(author: &ConsultationAccess, c: contribution::Model) -> ContributionDto {
    view(&Labels::of_author(author), c, Vec::new())
}

pub async fn one_view(
    db: &Db,
    access: &ConsultationAccess,
    c: contribution::Model,
) -> Result<ContributionDto, ApiError> {
    views(db, access, vec![c])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("contribution view vanished")))
}
