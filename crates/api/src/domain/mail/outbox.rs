//! The outbox as the worker works it: claim due messages, record what
//! happened to each, gather held messages into digests, schedule reminders.
//!
//! Claiming sets a lease (`claim`, `claimed_until`) in a short transaction
//! (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so two instances never claim the
//! same row); sending happens outside any transaction. A worker that dies
//! while sending leaves its lease to expire, and the message goes again:
//! at-least-once, with the same `Message-ID`.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use shared::mail::DeliveryMode;
use uuid::Uuid;

use super::fan_out::{Announcement, announce_once};
use super::letters::Letter;
use super::message;
use crate::db::Db;
use crate::domain::consultations::Phase;
use crate::entities::mail_message::{self, Kind, Status};
use crate::entities::{announcement, consultation, round, user};
use crate::error::ApiError;

/// How long a claimed message is reserved for the worker sending it.
const LEASE: chrono::Duration = chrono::Duration::minutes(2);
/// Retries wait longer each time, up to this.
const LONGEST_WAIT: Duration = Duration::from_secs(30 * 60);
/// Sent messages (their recipient and text) and finished announcements are
/// kept this long, then deleted; an unsubscribe link older than that is
/// unknown (the page then leads to "Mon compte").
pub const RETENTION: chrono::Duration = chrono::Duration::days(90);
/// News listed in one digest; the rest is counted.
const DIGEST_ITEMS: usize = 50;
/// A reminder goes this long before a round closes.
const REMINDER_AHEAD: chrono::Duration = chrono::Duration::days(2);
/// Rounds shorter than this get no reminder: it would follow the opening
/// message too closely.
const SHORTEST_REMINDED_ROUND: chrono::Duration = chrono::Duration::days(3);

fn lease_end(now: DateTime<Utc>) -> DateTime<Utc> {
    now.checked_add_signed(LEASE).unwrap_or(now)
}

/// Claims up to `limit` due messages for this worker.
pub async fn claim_due(db: &Db, limit: u64) -> Result<Vec<mail_message::Model>, ApiError> {
    let now = Utc::now();
    let claim = Uuid::new_v4();
    let txn = db.begin_write().await?;
    let due: Vec<Uuid> = mail_message::Entity::find()
        .select_only()
        .column(mail_message::Column::Id)
        .filter(mail_message::Column::Status.eq(Status::Pending))
        .filter(mail_message::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(mail_message::Column::ClaimedUntil.is_null())
                .add(mail_message::Column::ClaimedUntil.lt(now)),
        )
        .order_by_asc(mail_message::Column::NextAttemptAt)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .into_tuple()
        .all(&*txn)
        .await?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    mail_message::Entity::update_many()
        .col_expr(mail_message::Column::Claim, Expr::value(claim))
        .col_expr(
            mail_message::Column::ClaimedUntil,
            Expr::value(lease_end(now)),
        )
        .filter(mail_message::Column::Id.is_in(due))
        .exec(&*txn)
        .await?;
    let claimed = mail_message::Entity::find()
        .filter(mail_message::Column::Claim.eq(claim))
        .all(&*txn)
        .await?;
    txn.commit().await?;
    Ok(claimed)
}

/// The messages delivered by one claim.
pub async fn mark_sent(db: &Db, claim: Uuid, ids: Vec<Uuid>) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    let txn = db.begin_write().await?;
    mail_message::Entity::update_many()
        .col_expr(mail_message::Column::Status, Expr::value(Status::Sent))
        .col_expr(mail_message::Column::SentAt, Expr::value(Utc::now()))
        .col_expr(
            mail_message::Column::Claim,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(
            mail_message::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            mail_message::Column::Attempts,
            Expr::col(mail_message::Column::Attempts).add(Expr::value(1)),
        )
        .filter(mail_message::Column::Id.is_in(ids))
        .filter(mail_message::Column::Claim.eq(claim))
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// How long to wait before attempt number `attempts + 1`.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let factor = 1u32
        .checked_shl(std::cmp::min(u32::try_from(attempts).unwrap_or(0), 20))
        .unwrap_or(u32::MAX);
    base.checked_mul(factor)
        .unwrap_or(LONGEST_WAIT)
        .min(LONGEST_WAIT)
}

/// A failed attempt: tried again later, or given up when the server
/// refused the message for good (logged as an error, kept as `failed`).
pub async fn mark_failed(
    db: &Db,
    m: &mail_message::Model,
    error: &str,
    permanent: bool,
    base: Duration,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let wait = chrono::Duration::from_std(backoff(base, m.attempts))
        .unwrap_or(chrono::Duration::minutes(30));
    let txn = db.begin_write().await?;
    let mut update = mail_message::Entity::update_many()
        .col_expr(
            mail_message::Column::Attempts,
            Expr::value(m.attempts.saturating_add(1)),
        )
        .col_expr(mail_message::Column::LastError, Expr::value(error))
        .col_expr(
            mail_message::Column::Claim,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(
            mail_message::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    update = if permanent {
        update.col_expr(mail_message::Column::Status, Expr::value(Status::Failed))
    } else {
        update.col_expr(
            mail_message::Column::NextAttemptAt,
            Expr::value(now.checked_add_signed(wait).unwrap_or(now)),
        )
    };
    update
        .filter(mail_message::Column::Id.eq(m.id))
        .filter(mail_message::Column::Claim.eq(m.claim))
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Gathers the held messages of everyone whose oldest one has waited
/// `interval` into one digest each. Returns how many digests were written.
pub async fn compose_digests(db: &Db, interval: Duration) -> Result<usize, ApiError> {
    let now = Utc::now();
    let cutoff = chrono::Duration::from_std(interval)
        .ok()
        .and_then(|i| now.checked_sub_signed(i))
        .unwrap_or(now);
    let waiting: Vec<Uuid> = mail_message::Entity::find()
        .select_only()
        .column(mail_message::Column::UserId)
        .distinct()
        .filter(mail_message::Column::Status.eq(Status::Held))
        .filter(mail_message::Column::CreatedAt.lte(cutoff))
        .limit(200)
        .into_tuple()
        .all(db.conn())
        .await?;
    let mut written = 0usize;
    for user_id in waiting {
        if compose_digest(db, user_id).await? {
            written = written.saturating_add(1);
        }
    }
    Ok(written)
}

async fn compose_digest(db: &Db, user_id: Uuid) -> Result<bool, ApiError> {
    let txn = db.begin_write().await?;
    let Some(account) = user::Entity::find_by_id(user_id).one(&*txn).await? else {
        return Ok(false);
    };
    let held = mail_message::Entity::find()
        .filter(mail_message::Column::UserId.eq(user_id))
        .filter(mail_message::Column::Status.eq(Status::Held))
        .order_by_asc(mail_message::Column::CreatedAt)
        .all(&*txn)
        .await?;
    if held.is_empty() {
        return Ok(false);
    }
    let ids: Vec<Uuid> = held.iter().map(|m| m.id).collect();
    // Of two instances composing the same digest, the second finds the
    // messages taken and writes nothing.
    let taken = mail_message::Entity::update_many()
        .col_expr(mail_message::Column::Status, Expr::value(Status::Digested))
        .filter(mail_message::Column::Id.is_in(ids.clone()))
        .filter(mail_message::Column::Status.eq(Status::Held))
        .exec(&*txn)
        .await?
        .rows_affected;
    if usize::try_from(taken).ok() != Some(ids.len()) {
        return Ok(false);
    }
    let mut letter = Letter::new(
        format!("Votre résumé JeSaisFaire : {} nouveautés", held.len()),
        "Vous recevez ce résumé quotidien car vous l'avez choisi pour ces messages dans « Mon compte ».",
    );
    // Each piece of news in a line (what its own message would have said
    // first), leading where that message would have; a long day is cut.
    for m in held.iter().take(DIGEST_ITEMS) {
        let held_letter = Letter::from_json(&m.letter).ok();
        let text = held_letter
            .as_ref()
            .and_then(|l| l.paragraphs.first().cloned())
            .unwrap_or_else(|| m.subject.clone())
            .trim_end_matches('.')
            .to_owned();
        let path = held_letter.and_then(|l| l.action).map(|(_, path)| path);
        letter = letter.item(text, path);
    }
    if let Some(more) = held.len().checked_sub(DIGEST_ITEMS).filter(|n| *n > 0) {
        letter = letter.paragraph(format!(
            "… et {more} autres, à retrouver dans l'application."
        ));
    }
    let letter = letter.action("Ouvrir JeSaisFaire", "/consultations");
    if let Some(row) = message(
        &account,
        Kind::Digest,
        None,
        &letter,
        DeliveryMode::Immediate,
        Utc::now(),
    )? {
        row.insert(&*txn).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// Deletes what `RETENTION` no longer keeps; answers how many messages went.
pub async fn purge_expired(db: &Db) -> Result<u64, ApiError> {
    let now = Utc::now();
    let Some(cutoff) = now.checked_sub_signed(RETENTION) else {
        return Ok(0);
    };
    let txn = db.begin_write().await?;
    let purged = mail_message::Entity::delete_many()
        .filter(mail_message::Column::Status.is_in([
            Status::Sent,
            Status::Digested,
            Status::Failed,
        ]))
        .filter(mail_message::Column::CreatedAt.lt(cutoff))
        .exec(&*txn)
        .await?
        .rows_affected;
    announcement::Entity::delete_many()
        .filter(announcement::Column::DoneAt.lt(cutoff))
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(purged)
}

/// Schedules the reminder of every round closing within two days (once per
/// round, whichever instance sees it first).
pub async fn schedule_reminders(db: &Db) -> Result<(), ApiError> {
    let now = Utc::now();
    let Some(horizon) = now.checked_add_signed(REMINDER_AHEAD) else {
        return Ok(());
    };
    let conn = db.conn();
    let closing: Vec<round::Head> = round::Entity::find()
        .filter(round::Column::ClosesAt.gt(now))
        .filter(round::Column::ClosesAt.lte(horizon))
        .filter(round::Column::ClosedEarlyAt.is_null())
        .filter(round::Column::ForPublication.eq(false))
        .into_partial_model::<round::Head>()
        .all(conn)
        .await?
        .into_iter()
        .filter(|r| {
            r.opened_at
                .checked_add_signed(SHORTEST_REMINDED_ROUND)
                .is_some_and(|t| t <= r.closes_at)
        })
        .collect();
    let key = |r: &round::Head| format!("round_closing_soon:{}:{}", r.consultation_id, r.number);
    // This runs every half minute for two days per round: what is already
    // scheduled is skipped with one read, not one write each time.
    let scheduled: HashSet<String> = announcement::Entity::find()
        .select_only()
        .column(announcement::Column::DedupKey)
        .filter(announcement::Column::DedupKey.is_in(closing.iter().map(key)))
        .into_tuple::<Option<String>>()
        .all(conn)
        .await?
        .into_iter()
        .flatten()
        .collect();
    let due: Vec<&round::Head> = closing
        .iter()
        .filter(|r| !scheduled.contains(&key(r)))
        .collect();
    if due.is_empty() {
        return Ok(());
    }
    let titles: HashMap<Uuid, String> = consultation::Entity::find()
        .filter(consultation::Column::Id.is_in(due.iter().map(|r| r.consultation_id)))
        .filter(consultation::Column::Phase.eq(Phase::Dialogue))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c.title))
        .collect();
    let txn = db.begin_write().await?;
    for r in due {
        let Some(title) = titles.get(&r.consultation_id) else {
            continue;
        };
        let mut a = Announcement::new(
            announcement::Kind::RoundClosingSoon,
            r.consultation_id,
            format!("Le tour {} de « {title} » se clôt bientôt.", r.number),
        );
        a.round_number = Some(r.number);
        announce_once(&*txn, a, key(r)).await?;
    }
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_half_an_hour() {
        let base = Duration::from_secs(5);
        assert_eq!(backoff(base, 0), Duration::from_secs(5));
        assert_eq!(backoff(base, 3), Duration::from_secs(40));
        assert_eq!(backoff(base, 40), LONGEST_WAIT);
    }
}
