//! How each person wants each kind of message, and the one-click
//! unsubscribe links (RFC 8058) that change one preference without signing in.

use std::collections::HashMap;

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use shared::mail::{DeliveryMode, MailKind, MailPreferenceDto, UnsubscribeDto};
use shared::types::Role;
use shared::{FieldError, Named};
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::db::Db;
use crate::entities::{mail_message, mail_preference, user};
use crate::error::ApiError;

/// One person's choice for one kind (the kind's default without one).
pub async fn mode(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    kind: MailKind,
) -> Result<DeliveryMode, ApiError> {
    Ok(modes(conn, &[user_id], kind)
        .await?
        .remove(&user_id)
        .unwrap_or_else(|| kind.default_mode()))
}

/// The explicit choices of a batch of people for one kind, in one query.
pub async fn modes(
    conn: &impl ConnectionTrait,
    user_ids: &[Uuid],
    kind: MailKind,
) -> Result<HashMap<Uuid, DeliveryMode>, ApiError> {
    Ok(mail_preference::Entity::find()
        .filter(mail_preference::Column::UserId.is_in(user_ids.iter().copied()))
        .filter(mail_preference::Column::Kind.eq(kind))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p.mode))
        .collect())
}

/// Every kind a role receives, with the person's choice (or the default).
async fn choices_of(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    role: Role,
) -> Result<Vec<MailPreferenceDto>, ApiError> {
    let chosen: HashMap<MailKind, DeliveryMode> = mail_preference::Entity::find()
        .filter(mail_preference::Column::UserId.eq(user_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.kind, p.mode))
        .collect();
    Ok(MailKind::for_role(role)
        .iter()
        .map(|&kind| MailPreferenceDto {
            kind,
            mode: chosen
                .get(&kind)
                .copied()
                .unwrap_or_else(|| kind.default_mode()),
        })
        .collect())
}

/// Every kind the person's role receives, with their choice.
pub async fn list(db: &Db, who: &Authenticated) -> Result<Vec<MailPreferenceDto>, ApiError> {
    choices_of(db.conn(), who.user_id(), who.role()).await
}

async fn set(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    choices: &[MailPreferenceDto],
) -> Result<(), ApiError> {
    if choices.is_empty() {
        return Ok(());
    }
    mail_preference::Entity::insert_many(choices.iter().map(|c| mail_preference::ActiveModel {
        user_id: Set(user_id),
        kind: Set(c.kind),
        mode: Set(c.mode),
    }))
    .on_conflict(
        OnConflict::columns([
            mail_preference::Column::UserId,
            mail_preference::Column::Kind,
        ])
        .update_column(mail_preference::Column::Mode)
        .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Changes some of the person's choices; a kind their role does not
/// receive is refused.
pub async fn update(
    db: &Db,
    who: &Authenticated,
    choices: &[MailPreferenceDto],
) -> Result<Vec<MailPreferenceDto>, ApiError> {
    let allowed = MailKind::for_role(who.role());
    let mut seen = Vec::new();
    let mut errors = Vec::new();
    for (i, c) in choices.iter().enumerate() {
        if !allowed.contains(&c.kind) {
            errors.push(FieldError::new(
                format!("[{i}].kind"),
                "not_for_role",
                format!(
                    "Votre compte ne reçoit pas les messages « {} ».",
                    c.kind.label_fr()
                ),
            ));
        } else if seen.contains(&c.kind) {
            // One choice per kind: two would leave the result to chance.
            errors.push(FieldError::new(
                format!("[{i}].kind"),
                "duplicate",
                format!(
                    "Les messages « {} » figurent deux fois : gardez un seul choix.",
                    c.kind.label_fr()
                ),
            ));
        }
        seen.push(c.kind);
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let txn = db.begin_write().await?;
    set(&*txn, who.user_id(), choices).await?;
    txn.commit().await?;
    list(db, who).await
}

/// The kinds an unsubscribe link stops: the message's own kind, or for a
/// digest every kind the person gets as a digest.
async fn covered(
    conn: &impl ConnectionTrait,
    token: &str,
) -> Result<(user::Model, Vec<MailKind>), ApiError> {
    let message = mail_message::Entity::find()
        .filter(mail_message::Column::UnsubscribeToken.eq(token))
        .one(conn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let account = user::Entity::find_by_id(message.user_id)
        .one(conn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let kinds: Vec<MailKind> = match message.kind {
        mail_message::Kind::Digest => choices_of(conn, account.id, account.role)
            .await?
            .into_iter()
            .filter(|c| c.mode == DeliveryMode::Digest)
            .map(|c| c.kind)
            .collect(),
        kind => MailKind::ALL
            .iter()
            .copied()
            .filter(|k| mail_message::Kind::from(*k) == kind)
            .collect(),
    };
    Ok((account, kinds))
}

/// What the link would stop, for the page that asks to confirm.
pub async fn preview_unsubscribe(db: &Db, token: &str) -> Result<UnsubscribeDto, ApiError> {
    let (_, kinds) = covered(db.conn(), token).await?;
    Ok(UnsubscribeDto { kinds })
}

/// Turns off the kinds the link covers; doing it twice changes nothing.
pub async fn unsubscribe(db: &Db, token: &str) -> Result<UnsubscribeDto, ApiError> {
    let txn = db.begin_write().await?;
    let (account, kinds) = covered(&*txn, token).await?;
    let off: Vec<MailPreferenceDto> = kinds
        .iter()
        .map(|&kind| MailPreferenceDto {
            kind,
            mode: DeliveryMode::Off,
        })
        .collect();
    set(&*txn, account.id, &off).await?;
    txn.commit().await?;
    tracing::info!(user_id = %account.id, kinds = ?kinds, "unsubscribed by link");
    Ok(UnsubscribeDto { kinds })
}
