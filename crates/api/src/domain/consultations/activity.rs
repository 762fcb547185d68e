//! The work awaiting a reader in each consultation of a list, with one
//! query per measure, whatever the number of consultations.

use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use shared::consultation::ActivityDto;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::entities::{consultation_tally, notification};
use crate::error::ApiError;

pub async fn of(
    conn: &impl ConnectionTrait,
    reader: &Authenticated,
    consultations: &[Uuid],
) -> Result<HashMap<Uuid, ActivityDto>, ApiError> {
    let mut activity: HashMap<Uuid, ActivityDto> = HashMap::new();
    let count = |n: i64| u64::try_from(n).unwrap_or_default();
    // Counting contributions is the staff's view; a company counts only
    // what is new to it, never the others' contributions (some confidential).
    if reader.role().is_staff() {
        // Tallied by the database as contributions are written: one row
        // per consultation, however many contributions it holds.
        let tallies = consultation_tally::Entity::find()
            .filter(consultation_tally::Column::ConsultationId.is_in(consultations.iter().copied()))
            .all(conn)
            .await?;
        for id in consultations {
            let entry = activity.entry(*id).or_default();
            entry.contributions = Some(0);
            entry.undecided = Some(0);
        }
        for tally in tallies {
            let entry = activity.entry(tally.consultation_id).or_default();
            entry.contributions = Some(count(tally.active));
            entry.undecided = Some(count(tally.undecided));
        }
    }
    let unread: Vec<(Uuid, i64)> = notification::Entity::find()
        .select_only()
        .column(notification::Column::ConsultationId)
        // COUNT(*): read from the unread index alone.
        .column_as(Expr::cust("COUNT(*)"), "unread")
        .filter(notification::Column::UserId.eq(reader.user_id()))
        .filter(notification::Column::ReadAt.is_null())
        .filter(notification::Column::ConsultationId.is_in(consultations.iter().copied()))
        .group_by(notification::Column::ConsultationId)
        .into_tuple()
        .all(conn)
        .await?;
    for (id, n) in unread {
        activity.entry(id).or_default().unread = count(n);
    }
    Ok(activity)
}
