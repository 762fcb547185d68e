//! What a reader sees of contributions: authors under the labels of
//! `anonymity`, replies in order, decisions.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, SelectStatement};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QueryTrait, Select,
};
use shared::consultation::{
    ContributionDto, ContributionStatus, DecisionDto, ReplyAudience, ReplyDto,
};
use uuid::Uuid;

use crate::db::Db;
use crate::domain::access::{ConsultationAccess, Viewer};
use crate::domain::anonymity::{Labels, add_pseudonym_column};
use crate::entities::{contribution, reply};
use crate::error::ApiError;

/// A contribution as a view reads it: its row and its author's pseudonym.
#[derive(Debug, FromQueryResult)]
pub struct Listed {
    #[sea_orm(nested)]
    contribution: contribution::Model,
    pseudonym_index: Option<i32>,
}

/// A reply as a view reads it: its row and its author's pseudonym.
#[derive(Debug, FromQueryResult)]
struct ListedReply {
    #[sea_orm(nested)]
    reply: reply::Model,
    pseudonym_index: Option<i32>,
}

/// The statement reading the contributions `chosen` selects as views read
/// them: oldest first, each with its author's pseudonym.
pub fn listing(chosen: Select<contribution::Entity>) -> SelectStatement {
    let mut statement = chosen
        .order_by_asc(contribution::Column::CreatedAt)
        .order_by_asc(contribution::Column::Id)
        .into_query();
    add_pseudonym_column(
        &mut statement,
        Expr::col((contribution::Entity, contribution::Column::ConsultationId)),
        Expr::col((contribution::Entity, contribution::Column::AuthorId)),
    );
    statement
}

/// Views of several contributions with one more query, for their replies,
/// whatever their number: the rows carry their authors' pseudonyms, and
/// the replies theirs, so a page costs the same in a consultation of ten
/// companies as in one of thousands.
pub async fn views(
    db: &Db,
    access: &ConsultationAccess,
    rows: Vec<Listed>,
) -> Result<Vec<ContributionDto>, ApiError> {
    let replies = replies_of(db, access.id(), rows.iter().map(|row| row.contribution.id)).await?;
    let labels = Labels::of_people(
        access,
        rows.iter()
            .map(|row| (row.contribution.author_id, row.pseudonym_index))
            .chain(
                replies
                    .iter()
                    .map(|r| (r.reply.author_id, r.pseudonym_index)),
            ),
    );
    let rows = rows.into_iter().map(|row| row.contribution).collect();
    let mut dtos = labelled(&labels, access, rows, by_contribution(replies));
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
    let replies = replies_of(db, reader.id(), rows.iter().map(|c| c.id)).await?;
    let replies = by_contribution(replies);
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

/// The replies to the contributions `ids` of the consultation
/// `consultation_id`, in order, each with its author's pseudonym, with one
/// query (none for no contribution).
async fn replies_of(
    db: &Db,
    consultation_id: Uuid,
    ids: impl ExactSizeIterator<Item = Uuid>,
) -> Result<Vec<ListedReply>, ApiError> {
    if ids.len() == 0 {
        return Ok(Vec::new());
    }
    let mut statement = reply::Entity::find()
        .filter(reply::Column::ContributionId.is_in(ids))
        .order_by_asc(reply::Column::CreatedAt)
        .order_by_asc(reply::Column::Id)
        .into_query();
    add_pseudonym_column(
        &mut statement,
        Expr::value(consultation_id),
        Expr::col((reply::Entity, reply::Column::AuthorId)),
    );
    Ok(
        ListedReply::find_by_statement(db.conn().get_database_backend().build(&statement))
            .all(db.conn())
            .await?,
    )
}

/// Replies grouped under their contributions, in order.
fn by_contribution(replies: Vec<ListedReply>) -> HashMap<Uuid, Vec<reply::Model>> {
    let mut grouped: HashMap<Uuid, Vec<reply::Model>> = HashMap::new();
    for r in replies {
        grouped
            .entry(r.reply.contribution_id)
            .or_default()
            .push(r.reply);
    }
    grouped
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

/// The view of one contribution of `access`'s consultation, if its reader
/// may see it (`visible` selects what it may).
pub async fn one_view(
    db: &Db,
    access: &ConsultationAccess,
    visible: Select<contribution::Entity>,
) -> Result<ContributionDto, ApiError> {
    let statement = listing(visible);
    let rows = Listed::find_by_statement(db.conn().get_database_backend().build(&statement))
        .all(db.conn())
        .await?;
    views(db, access, rows)
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}
