//! Equal information: what every company was told (public answers and
//! notices) and when, against the deadline of the round it fell in; and
//! what one company alone was told about a contribution every company can
//! read (private replies), for the buyer to check it says nothing of the need.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::consultation::{
    EqualInformationDto, LateInformationDto, PrivateReplyDto, PublicInformationDto,
    PublicInformationKind, ReplyAudience,
};
use uuid::Uuid;

use crate::configuration::FairnessSettings;
use crate::db::Db;
use crate::domain::access::ConsultationAccess;
use crate::domain::anonymity::Labels;
use crate::domain::consultations::status::is_open;
use crate::entities::{consultation, contribution, notice, reply, round};
use crate::error::ApiError;

/// Where a publication falls: the latest round opened before it.
fn round_at(rounds: &[round::Head], at: DateTime<Utc>) -> Option<&round::Head> {
    rounds.iter().rev().find(|r| r.opened_at <= at)
}

/// Late: published while its round was open, fewer than `days` before
/// that round's deadline as it stands.
fn is_late(r: &round::Head, at: DateTime<Utc>, days: u32) -> bool {
    let open_then = at < r.closes_at && r.closed_early_at.is_none_or(|closed| at < closed);
    open_then && r.closes_at.signed_duration_since(at) < Duration::days(i64::from(days))
}

fn placed(
    kind: PublicInformationKind,
    id: Uuid,
    body: String,
    published_at: DateTime<Utc>,
    rounds: &[round::Head],
    days: u32,
) -> Option<PublicInformationDto> {
    let r = round_at(rounds, published_at)?;
    Some(PublicInformationDto {
        kind,
        id,
        round: r.number,
        published_at,
        round_closes_at: r.closes_at,
        hours_before_deadline: r.closes_at.signed_duration_since(published_at).num_hours(),
        late: is_late(r, published_at, days),
        body,
    })
}

/// For the owner agent and the assigned buyer.
pub async fn summary(
    db: &Db,
    access: &ConsultationAccess,
    settings: FairnessSettings,
) -> Result<EqualInformationDto, ApiError> {
    access.require_responsible()?;
    let labels = Labels::for_reader(db.conn(), access).await?;
    of_consultation(db, access.consultation(), &labels, settings).await
}

/// The summary under the given labels (a reader's, or a record's).
pub async fn of_consultation(
    db: &Db,
    consultation: &consultation::Model,
    labels: &Labels,
    settings: FairnessSettings,
) -> Result<EqualInformationDto, ApiError> {
    let conn = db.conn();
    let days = settings.late_information_days;
    let rounds: Vec<round::Head> = round::Entity::find()
        .filter(round::Column::ConsultationId.eq(consultation.id))
        .filter(round::Column::ForPublication.eq(false))
        .order_by_asc(round::Column::Number)
        .into_partial_model::<round::Head>()
        .all(conn)
        .await?;
    let contributions: Vec<contribution::Model> = contribution::Entity::find()
        .filter(contribution::Column::ConsultationId.eq(consultation.id))
        .filter(
            contribution::Column::Id.in_subquery(
                Query::select()
                    .column(reply::Column::ContributionId)
                    .from(reply::Entity)
                    .and_where(reply::Column::AuthorId.eq(consultation.owner_id))
                    .to_owned(),
            ),
        )
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = contributions.iter().map(|c| c.id).collect();
    let replies = reply::Entity::find()
        .filter(reply::Column::AuthorId.eq(consultation.owner_id))
        .filter(reply::Column::ContributionId.is_in(ids))
        .order_by_asc(reply::Column::CreatedAt)
        .all(conn)
        .await?;
    let mut public_information = Vec::new();
    let mut private_replies = Vec::new();
    for r in replies {
        let Some(c) = contributions.iter().find(|c| c.id == r.contribution_id) else {
            continue;
        };
        match r.audience {
            ReplyAudience::Public => public_information.extend(placed(
                PublicInformationKind::Answer,
                c.id,
                r.body,
                r.created_at,
                &rounds,
                days,
            )),
            // A confidential solution is private by nature: nothing there
            // was for the others.
            ReplyAudience::Author if !c.confidential => private_replies.push(PrivateReplyDto {
                reply_id: r.id,
                contribution_id: c.id,
                contribution_round: c.round,
                contribution_kind: c.kind,
                addressee: labels.author(c.author_id),
                body: r.body,
                created_at: r.created_at,
            }),
            ReplyAudience::Author => {}
        }
    }
    for n in notice::Entity::find()
        .filter(notice::Column::ConsultationId.eq(consultation.id))
        .all(conn)
        .await?
    {
        public_information.extend(placed(
            PublicInformationKind::Notice,
            n.id,
            n.body,
            n.published_at,
            &rounds,
            days,
        ));
    }
    public_information.sort_by_key(|i| i.published_at);
    let late_in_open_round = late_in_open_round(&rounds, &public_information, days);
    Ok(EqualInformationDto {
        late_information_days: days,
        public_information,
        private_replies,
        late_in_open_round,
    })
}

/// The open round's late information, with the deadline that gives every
/// company `days` again after the latest of it.
fn late_in_open_round(
    rounds: &[round::Head],
    information: &[PublicInformationDto],
    days: u32,
) -> Option<LateInformationDto> {
    let open = rounds.last().filter(|r| is_open(r, Utc::now()))?;
    let late: Vec<&PublicInformationDto> = information
        .iter()
        .filter(|i| i.round == open.number && i.late)
        .collect();
    let latest = late.iter().map(|i| i.published_at).max()?;
    Some(LateInformationDto {
        round: open.number,
        closes_at: open.closes_at,
        suggested_closes_at: latest
            .checked_add_signed(Duration::days(i64::from(days)))
            .unwrap_or(latest),
        items: u32::try_from(late.len()).unwrap_or(u32::MAX),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(opened: DateTime<Utc>, closes: DateTime<Utc>) -> round::Head {
        round::Head {
            consultation_id: Uuid::nil(),
            number: 1,
            changelog: String::new(),
            opened_at: opened,
            closes_at: closes,
            closed_early_at: None,
            for_publication: false,
        }
    }

    #[test]
    fn information_is_late_within_the_days_before_an_open_rounds_deadline() {
        let opened = Utc::now() - Duration::days(10);
        let closes = opened + Duration::days(20);
        let r = round(opened, closes);
        assert!(!is_late(&r, closes - Duration::days(7), 6));
        assert!(is_late(&r, closes - Duration::days(5), 6));
        // After the deadline the round is closed: nothing to catch up on.
        assert!(!is_late(&r, closes + Duration::hours(1), 6));
        let closed_early = round::Head {
            closed_early_at: Some(closes - Duration::days(8)),
            ..r
        };
        assert!(!is_late(&closed_early, closes - Duration::days(5), 6));
    }
}
