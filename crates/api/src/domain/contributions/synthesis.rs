//! The agent's overview: per round and target, counts by kind, cost
//! direction and decision.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::consultation::{
    ContributionKind, ContributionStatus, CostDirection, DecisionKind, SynthesisRow,
};

use crate::db::Db;
use crate::domain::access::ConsultationAccess;
use crate::entities::contribution;
use crate::error::ApiError;

fn count(row: &mut SynthesisRow, c: &contribution::Model) {
    let counter = match c.kind {
        ContributionKind::Solution => &mut row.solutions,
        ContributionKind::Clarification => &mut row.clarifications,
        ContributionKind::AlternativeClause | ContributionKind::AlternativeCriterion => {
            &mut row.alternatives
        }
    };
    *counter = counter.saturating_add(1);
    let counter = match c.cost_direction {
        Some(CostDirection::Increase) => Some(&mut row.cost_increase),
        Some(CostDirection::Decrease) => Some(&mut row.cost_decrease),
        Some(CostDirection::Neutral) => Some(&mut row.cost_neutral),
        Some(CostDirection::Unknown) => Some(&mut row.cost_unknown),
        None => None,
    };
    if let Some(counter) = counter {
        *counter = counter.saturating_add(1);
    }
    let counter = match c.decision {
        Some(DecisionKind::Accepted) => &mut row.accepted,
        Some(DecisionKind::PartiallyAccepted) => &mut row.partially_accepted,
        Some(DecisionKind::Rejected) => &mut row.rejected,
        Some(DecisionKind::Answered) => &mut row.answered,
        None => &mut row.undecided,
    };
    *counter = counter.saturating_add(1);
}

pub async fn synthesis(
    db: &Db,
    access: &ConsultationAccess,
) -> Result<Vec<SynthesisRow>, ApiError> {
    access.require_staff()?;
    let rows = contribution::Entity::find()
        .filter(contribution::Column::ConsultationId.eq(access.id()))
        .filter(contribution::Column::Status.eq(ContributionStatus::Active))
        .order_by_asc(contribution::Column::Round)
        .all(db.conn())
        .await?;
    let mut table: Vec<SynthesisRow> = Vec::new();
    for c in rows {
        let same_target = |r: &SynthesisRow| {
            r.round == c.round && r.target_id == c.target_id && r.target_kind == Some(c.target_kind)
        };
        match table.iter_mut().find(|r| same_target(r)) {
            Some(row) => count(row, &c),
            None => {
                let mut row = SynthesisRow {
                    round: c.round,
                    target_kind: Some(c.target_kind),
                    target_id: c.target_id,
                    ..Default::default()
                };
                count(&mut row, &c);
                table.push(row);
            }
        }
    }
    Ok(table)
}
