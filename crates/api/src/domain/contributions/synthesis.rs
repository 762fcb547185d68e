//! The agent's overview: per round and target, counts by kind, cost
//! direction and decision.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};
use shared::consultation::{
    ContributionKind, ContributionStatus, CostDirection, DecisionKind, SynthesisRow, TargetKind,
};
use uuid::Uuid;

use crate::db::Db;
use crate::domain::access::ConsultationAccess;
use crate::entities::contribution;
use crate::error::ApiError;

/// How many active contributions share all these values: the database
/// counts, so the work and the memory grow with the number of targets, not
/// with the number of contributions.
#[derive(FromQueryResult)]
struct Group {
    round: i32,
    target_kind: TargetKind,
    target_id: Option<Uuid>,
    kind: ContributionKind,
    cost_direction: Option<CostDirection>,
    decision: Option<DecisionKind>,
    contributions: i64,
}

fn add(row: &mut SynthesisRow, group: &Group) {
    let n = u32::try_from(group.contributions).unwrap_or(u32::MAX);
    let counter = match group.kind {
        ContributionKind::Solution => &mut row.solutions,
        ContributionKind::Clarification => &mut row.clarifications,
        ContributionKind::AlternativeClause | ContributionKind::AlternativeCriterion => {
            &mut row.alternatives
        }
    };
    *counter = counter.saturating_add(n);
    let counter = match group.cost_direction {
        Some(CostDirection::Increase) => Some(&mut row.cost_increase),
        Some(CostDirection::Decrease) => Some(&mut row.cost_decrease),
        Some(CostDirection::Neutral) => Some(&mut row.cost_neutral),
        Some(CostDirection::Unknown) => Some(&mut row.cost_unknown),
        None => None,
    };
    if let Some(counter) = counter {
        *counter = counter.saturating_add(n);
    }
    let counter = match group.decision {
        Some(DecisionKind::Accepted) => &mut row.accepted,
        Some(DecisionKind::PartiallyAccepted) => &mut row.partially_accepted,
        Some(DecisionKind::Rejected) => &mut row.rejected,
        Some(DecisionKind::Answered) => &mut row.answered,
        None => &mut row.undecided,
    };
    *counter = counter.saturating_add(n);
}

/// One row per round and target, in round order.
pub async fn synthesis(
    db: &Db,
    access: &ConsultationAccess,
) -> Result<Vec<SynthesisRow>, ApiError> {
    use contribution::Column;
    access.require_staff()?;
    let groups = contribution::Entity::find()
        .select_only()
        .columns([
            Column::Round,
            Column::TargetKind,
            Column::TargetId,
            Column::Kind,
            Column::CostDirection,
            Column::Decision,
        ])
        // COUNT(*), not of a column the index lacks: read from the index alone.
        .column_as(Expr::cust("COUNT(*)"), "contributions")
        .filter(Column::ConsultationId.eq(access.id()))
        .filter(Column::Status.eq(ContributionStatus::Active))
        .group_by(Column::Round)
        .group_by(Column::TargetKind)
        .group_by(Column::TargetId)
        .group_by(Column::Kind)
        .group_by(Column::CostDirection)
        .group_by(Column::Decision)
        .order_by_asc(Column::Round)
        .order_by_asc(Column::TargetKind)
        .order_by_asc(Column::TargetId)
        .into_model::<Group>()
        .all(db.conn())
        .await?;
    let mut table: Vec<SynthesisRow> = Vec::new();
    for group in &groups {
        // Groups of one target follow each other (the order above).
        let same_target = table.last().is_some_and(|r| {
            r.round == group.round
                && r.target_kind == Some(group.target_kind)
                && r.target_id == group.target_id
        });
        if !same_target {
            table.push(SynthesisRow {
                round: group.round,
                target_kind: Some(group.target_kind),
                target_id: group.target_id,
                ..Default::default()
            });
        }
        if let Some(row) = table.last_mut() {
            add(row, group);
        }
    }
    Ok(table)
}
