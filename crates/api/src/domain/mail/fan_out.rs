//! Announcements: what a whole audience hears (a round opens, a public
//! answer…). The change records one row in its own transaction; the worker
//! then writes the in-app notifications and the e-mails in batches of
//! `BATCH` recipients, one short transaction per batch, so that neither the
//! request nor the single SQLite writer waits for 20 000 recipients.
//!
//! A batch runs under the announcement's row lock (`FOR UPDATE SKIP LOCKED`
//! on PostgreSQL: another instance takes another announcement) and moves
//! the cursor in the same transaction as the rows it writes, so a crash
//! repeats nothing and skips nobody.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::sea_query::{LockBehavior, LockType, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::mail::MailKind;
use uuid::Uuid;

use super::letters::{Letter, consultation_path};
use super::{message, preferences, receives_mail};
use crate::db::Db;
use crate::domain::targeting;
use crate::entities::announcement::{self, Kind};
use crate::entities::{consultation, contribution, mail_message, notification, user};
use crate::error::ApiError;

/// Recipients written per transaction: small enough that the single SQLite
/// writer is never held long (about 50 ms), large enough to be quick.
pub const BATCH: u64 = 250;

/// What an audience must hear, recorded with the change that causes it.
pub struct Announcement {
    pub kind: Kind,
    pub consultation_id: Uuid,
    pub round_number: Option<i32>,
    pub contribution_id: Option<Uuid>,
    pub except_user_id: Option<Uuid>,
    /// The in-app notification.
    pub message: String,
}

impl Announcement {
    pub fn new(kind: Kind, consultation_id: Uuid, message: String) -> Self {
        Self {
            kind,
            consultation_id,
            round_number: None,
            contribution_id: None,
            except_user_id: None,
            message,
        }
    }
}

fn row(a: Announcement, dedup_key: Option<String>) -> announcement::ActiveModel {
    announcement::ActiveModel {
        id: Set(Uuid::new_v4()),
        kind: Set(a.kind),
        consultation_id: Set(a.consultation_id),
        round_number: Set(a.round_number),
        contribution_id: Set(a.contribution_id),
        except_user_id: Set(a.except_user_id),
        message: Set(a.message),
        dedup_key: Set(dedup_key),
        created_at: Set(Utc::now()),
        cursor: Set(None),
        done_at: Set(None),
    }
}

pub async fn announce(conn: &impl ConnectionTrait, a: Announcement) -> Result<(), ApiError> {
    row(a, None).insert(conn).await?;
    Ok(())
}

/// An announcement made once whoever schedules it first (two instances may
/// both see that a round closes soon): the key is unique.
pub async fn announce_once(
    conn: &impl ConnectionTrait,
    a: Announcement,
    key: String,
) -> Result<(), ApiError> {
    announcement::Entity::insert(row(a, Some(key)))
        .on_conflict(
            OnConflict::column(announcement::Column::DedupKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The e-mail kind an announcement sends, if any (closing early and the
/// publication are told in the app only).
fn mail_kind(kind: Kind) -> Option<MailKind> {
    match kind {
        Kind::RoundOpened => Some(MailKind::RoundOpened),
        Kind::RoundClosingSoon => Some(MailKind::RoundClosingSoon),
        // One preference for all the information given to every company.
        Kind::ClarificationAnswered | Kind::NoticePublished | Kind::DeadlineExtended => {
            Some(MailKind::ClarificationAnswered)
        }
        Kind::RoundClosedEarly | Kind::ConsultationPublished => None,
    }
}

/// The reminder is mail only: the app already shows the deadline.
fn in_app(kind: Kind) -> bool {
    kind != Kind::RoundClosingSoon
}

const AUDIENCE_REASON: &str = "Vous recevez ce message car le domaine (CPV) et le territoire de cette consultation correspondent au profil de votre entreprise.";

fn letter(a: &announcement::Model, c: &consultation::Model) -> Letter {
    let round = a.round_number.unwrap_or(1);
    let title = &c.title;
    let letter = match a.kind {
        Kind::RoundOpened if round == 1 => Letter::new(
            format!("Nouvelle consultation : {title}"),
            AUDIENCE_REASON,
        )
        .paragraph(format!(
            "Une administration prépare un marché qui concerne votre entreprise : « {title} » ({}). Elle ouvre le dialogue avant la publication et vous invite à réagir à son projet de cahier des charges (CCTP) : solutions, demandes de précision, clauses ou critères alternatifs.",
            c.departement
        ))
        .paragraph("Vos contributions sont anonymes : l'administration et les autres entreprises ne voient que votre pseudonyme."),
        Kind::RoundOpened => Letter::new(
            format!("Tour {round} ouvert : {title}"),
            AUDIENCE_REASON,
        )
        .paragraph(format!(
            "L'administration a révisé son projet de CCTP pour « {title} » et ouvre le tour {round} du dialogue. Les changements depuis le tour précédent sont surlignés sur la consultation."
        )),
        Kind::RoundClosingSoon => Letter::new(
            format!("Le tour {round} se clôt bientôt : {title}"),
            AUDIENCE_REASON,
        )
        .paragraph(format!(
            "Le tour {round} du dialogue sur « {title} » se clôt dans moins de deux jours et votre entreprise n'y a pas encore contribué."
        )),
        Kind::ClarificationAnswered => Letter::new(
            format!("Réponse publique à une demande de précision : {title}"),
            AUDIENCE_REASON,
        )
        .paragraph(format!(
            "L'administration a répondu à une demande de précision sur « {title} ». Par égalité de traitement, cette réponse est communiquée à toutes les entreprises concernées."
        )),
        Kind::NoticePublished => Letter::new(
            format!("Information à toutes les entreprises : {title}"),
            AUDIENCE_REASON,
        )
        .paragraph(format!(
            "L'administration a publié une information sur « {title} ». Par égalité de traitement, elle est communiquée à toutes les entreprises concernées en même temps."
        ))
        .paragraph(a.message.clone()),
        Kind::DeadlineExtended => {
            Letter::new(format!("Échéance reportée : {title}"), AUDIENCE_REASON)
                .paragraph(a.message.clone())
        }
        Kind::RoundClosedEarly | Kind::ConsultationPublished => {
            Letter::new(a.message.clone(), AUDIENCE_REASON)
        }
    };
    letter.action("Voir la consultation", consultation_path(c.id))
}

/// The next recipients of an announcement, after its cursor.
async fn recipients(
    conn: &impl ConnectionTrait,
    a: &announcement::Model,
    c: &consultation::Model,
) -> Result<(Vec<user::Model>, Option<Uuid>), ApiError> {
    let batch = targeting::audience_batch(conn, c, a.cursor, BATCH).await?;
    let last = batch.last().map(|u| u.id);
    let mut batch: Vec<user::Model> = batch
        .into_iter()
        .filter(|u| Some(u.id) != a.except_user_id)
        .collect();
    if a.kind == Kind::RoundClosingSoon {
        // Only those who have not contributed in this round.
        let ids: Vec<Uuid> = batch.iter().map(|u| u.id).collect();
        let contributed: HashSet<Uuid> = contribution::Entity::find()
            .select_only()
            .column(contribution::Column::AuthorId)
            .filter(contribution::Column::ConsultationId.eq(c.id))
            .filter(contribution::Column::Round.eq(a.round_number.unwrap_or_default()))
            .filter(contribution::Column::AuthorId.is_in(ids))
            .into_tuple::<Uuid>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        batch.retain(|u| !contributed.contains(&u.id));
    }
    Ok((batch, last))
}

/// Fans out one batch of the oldest unfinished announcement; `false` when
/// there is none left to fan out.
pub async fn fan_out_one_batch(db: &Db) -> Result<bool, ApiError> {
    let txn = db.begin_write().await?;
    let Some(a) = announcement::Entity::find()
        .filter(announcement::Column::DoneAt.is_null())
        .order_by_asc(announcement::Column::CreatedAt)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .one(&*txn)
        .await?
    else {
        return Ok(false);
    };
    let now = Utc::now();
    let Some(c) = consultation::Entity::find_by_id(a.consultation_id)
        .one(&*txn)
        .await?
    else {
        let mut done = a.into_active_model();
        done.done_at = Set(Some(now));
        done.update(&*txn).await?;
        txn.commit().await?;
        return Ok(true);
    };
    let (batch, last) = recipients(&*txn, &a, &c).await?;
    if in_app(a.kind) && !batch.is_empty() {
        notification::Entity::insert_many(batch.iter().map(|u| notification::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(u.id),
            consultation_id: Set(c.id),
            contribution_id: Set(a.contribution_id),
            message: Set(a.message.clone()),
            read_at: Set(None),
            created_at: Set(a.created_at),
        }))
        .exec_without_returning(&*txn)
        .await?;
    }
    if let Some(kind) = mail_kind(a.kind) {
        let receiving: Vec<&user::Model> = batch.iter().filter(|u| receives_mail(u)).collect();
        let ids: Vec<Uuid> = receiving.iter().map(|u| u.id).collect();
        let modes = preferences::modes(&*txn, &ids, kind).await?;
        let letter = letter(&a, &c);
        let mut rows = Vec::new();
        for account in receiving {
            let mode = modes
                .get(&account.id)
                .copied()
                .unwrap_or_else(|| kind.default_mode());
            if let Some(row) = message(account, kind.into(), Some(a.id), &letter, mode, now)? {
                rows.push(row);
            }
        }
        if !rows.is_empty() {
            mail_message::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([
                        mail_message::Column::AnnouncementId,
                        mail_message::Column::UserId,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&*txn)
                .await?;
        }
    }
    let finished = last.is_none();
    let mut progress = a.into_active_model();
    if let Some(last) = last {
        progress.cursor = Set(Some(last));
    }
    if finished {
        progress.done_at = Set(Some(now));
    }
    progress.update(&*txn).await?;
    txn.commit().await?;
    Ok(true)
}
