//! E-mail, as the domain sees it: who receives what, written to the outbox
//! in the transaction of its cause. Sending is the worker's job (`mailer`).
//!
//! - a message to one person (`send`, `send_about_account`) is a row of
//!   `mail_messages` at once;
//! - a message to a whole audience (`fan_out::announce`) is one row of
//!   `announcements`, fanned out later in batches, so that a round opening
//!   for 20 000 companies writes one row inside the request's transaction.
//!
//! Only verified, enabled accounts receive the messages people choose; the
//! messages about the account itself (verification, reset) always go.

pub mod fan_out;
pub mod letters;
pub mod outbox;
pub mod preferences;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use shared::mail::{DeliveryMode, MailKind};
use uuid::Uuid;

use crate::entities::mail_message::{self, Status};
use crate::entities::user;
use crate::error::ApiError;
pub use letters::Letter;

impl From<MailKind> for mail_message::Kind {
    fn from(kind: MailKind) -> Self {
        match kind {
            MailKind::RoundOpened => Self::RoundOpened,
            MailKind::RoundClosingSoon => Self::RoundClosingSoon,
            MailKind::ContributionAnswered => Self::ContributionAnswered,
            MailKind::ClarificationAnswered => Self::ClarificationAnswered,
            MailKind::PublicationRequested => Self::PublicationRequested,
            MailKind::PublicationDecided => Self::PublicationDecided,
            MailKind::ContributionReceived => Self::ContributionReceived,
        }
    }
}

/// Whether an account gets the messages people choose: its address is
/// confirmed (a mistyped address is somebody else's) and it is enabled.
pub fn receives_mail(account: &user::Model) -> bool {
    account.email_verified_at.is_some() && account.disabled_at.is_none()
}

fn unsubscribe_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A message row, pending or held for the digest.
pub(crate) fn message(
    account: &user::Model,
    kind: mail_message::Kind,
    announcement_id: Option<Uuid>,
    letter: &Letter,
    mode: DeliveryMode,
    now: DateTime<Utc>,
) -> Result<Option<mail_message::ActiveModel>, ApiError> {
    let status = match mode {
        DeliveryMode::Off => return Ok(None),
        DeliveryMode::Digest => Status::Held,
        DeliveryMode::Immediate => Status::Pending,
    };
    let choosable = !matches!(
        kind,
        mail_message::Kind::EmailVerification
            | mail_message::Kind::PasswordReset
            | mail_message::Kind::RegistrationAttempt
    );
    Ok(Some(mail_message::ActiveModel {
        id: Set(Uuid::new_v4()),
        announcement_id: Set(announcement_id),
        user_id: Set(account.id),
        kind: Set(kind),
        to_address: Set(account.email.clone()),
        subject: Set(letter.subject.clone()),
        letter: Set(letter.to_json().map_err(anyhow::Error::from)?),
        unsubscribe_token: Set(choosable.then(unsubscribe_token)),
        status: Set(status),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claim: Set(None),
        claimed_until: Set(None),
        sent_at: Set(None),
        last_error: Set(None),
        created_at: Set(now),
    }))
}

/// A message of a kind people choose, to one account, as it chose.
pub async fn send(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    kind: MailKind,
    letter: Letter,
) -> Result<(), ApiError> {
    match Addressee::of(conn, user_id, kind).await? {
        Some(addressee) => addressee.send(conn, &letter).await,
        None => Ok(()),
    }
}

/// Somebody who receives messages of one kind, and how they chose to. Looked
/// up apart from the write on a hot path (every new contribution mails the
/// owner agent), so that SQLite's single writer is held for the insert
/// alone; a choice changed meanwhile applies from the next message, as for
/// a fanned-out announcement.
pub struct Addressee {
    account: user::Model,
    kind: MailKind,
    mode: DeliveryMode,
}

impl Addressee {
    /// `None` for an account that receives no such message.
    pub async fn of(
        conn: &impl ConnectionTrait,
        user_id: Uuid,
        kind: MailKind,
    ) -> Result<Option<Self>, ApiError> {
        let Some(account) = user::Entity::find_by_id(user_id).one(conn).await? else {
            return Ok(None);
        };
        if !receives_mail(&account) {
            return Ok(None);
        }
        let mode = preferences::mode(conn, user_id, kind).await?;
        Ok(Some(Self {
            account,
            kind,
            mode,
        }))
    }

    pub async fn send(&self, conn: &impl ConnectionTrait, letter: &Letter) -> Result<(), ApiError> {
        let row = message(
            &self.account,
            self.kind.into(),
            None,
            letter,
            self.mode,
            Utc::now(),
        )?;
        if let Some(row) = row {
            row.insert(conn).await?;
        }
        Ok(())
    }
}

/// A message about the account itself: always sent, even unverified.
pub async fn send_about_account(
    conn: &impl ConnectionTrait,
    account: &user::Model,
    kind: mail_message::Kind,
    letter: Letter,
) -> Result<(), ApiError> {
    if let Some(row) = message(
        account,
        kind,
        None,
        &letter,
        DeliveryMode::Immediate,
        Utc::now(),
    )? {
        row.insert(conn).await?;
    }
    Ok(())
}
