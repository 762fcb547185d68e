//! The agent's overview: per round and target, counts by kind, cost
//! direction and decision.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::consultation::SynthesisRow;

use crate::db::Db;
use crate::domain::access::ConsultationAccess;
use crate::entities::synthesis_tally;
use crate::error::ApiError;

/// One row per round and target, in round order. The database keeps the
/// counts as contributions are written (`synthesis_tallies`), so reading
/// them costs one row per target, whatever the number of contributions.
pub async fn synthesis(
    db: &Db,
    access: &ConsultationAccess,
) -> Result<Vec<SynthesisRow>, ApiError> {
    use synthesis_tally::Column;
    access.require_staff()?;
    let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    Ok(synthesis_tally::Entity::find()
        .filter(Column::ConsultationId.eq(access.id()))
        // A target whose contributions were all withdrawn keeps a row of zeros.
        .filter(Column::Contributions.gt(0))
        .order_by_asc(Column::Round)
        .order_by_asc(Column::TargetKind)
        .order_by_asc(Column::TargetId)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|t| SynthesisRow {
            round: t.round,
            target_kind: Some(t.target_kind),
            target_id: (!t.target_id.is_nil()).then_some(t.target_id),
            solutions: count(t.solutions),
            clarifications: count(t.clarifications),
            alternatives: count(t.alternatives),
            cost_increase: count(t.cost_increase),
            cost_decrease: count(t.cost_decrease),
            cost_neutral: count(t.cost_neutral),
            cost_unknown: count(t.cost_unknown),
            accepted: count(t.accepted),
            partially_accepted: count(t.partially_accepted),
            rejected: count(t.rejected),
            answered: count(t.answered),
            undecided: count(t.undecided),
        })
        .collect())
}
