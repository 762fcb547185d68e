//! Links sent by e-mail to prove one holds an address: verification of a
//! new company account (48 h, resendable) and password reset (1 h). Each
//! token is 256 random bits, stored only as a digest, and used once.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use shared::FieldError;
use shared::auth::{AccountAction, NewPasswordRequest, Validator};
use shared::types::{Email, Password};
use uuid::Uuid;

use crate::auth::{Authenticated, password, refresh_token};
use crate::db::Db;
use crate::domain::journal::account_events;
use crate::domain::mail::{self, Letter};
use crate::domain::sessions;
use crate::entities::account_token::{self, Purpose};
use crate::entities::{mail_message, user};
use crate::error::ApiError;

const VERIFICATION_LIFETIME: Duration = Duration::hours(48);
const RESET_LIFETIME: Duration = Duration::hours(1);

async fn issue(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    purpose: Purpose,
    lifetime: Duration,
) -> Result<String, ApiError> {
    let new = refresh_token::generate();
    let now = Utc::now();
    account_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        purpose: Set(purpose),
        token_hash: Set(new.hash),
        created_at: Set(now),
        expires_at: Set(now.checked_add_signed(lifetime).unwrap_or(now)),
        used_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(new.token)
}

/// Uses a token once: its account, or `None` when it is unknown, expired,
/// already used or for something else. Of two concurrent uses, one wins.
async fn consume(
    conn: &impl ConnectionTrait,
    token: &str,
    purpose: Purpose,
) -> Result<Option<user::Model>, ApiError> {
    let now = Utc::now();
    let Some(found) = account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(refresh_token::digest(token.trim())))
        .filter(account_token::Column::Purpose.eq(purpose))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let used = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(now))
        .filter(account_token::Column::Id.eq(found.id))
        .filter(account_token::Column::UsedAt.is_null())
        .filter(account_token::Column::ExpiresAt.gt(now))
        .exec(conn)
        .await?
        .rows_affected;
    if used == 0 {
        return Ok(None);
    }
    Ok(user::Entity::find_by_id(found.user_id)
        .one(conn)
        .await?
        .filter(|u| u.deleted_at.is_none()))
}

/// Forgets every pending link of an account (deleted account).
pub async fn forget_tokens(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<(), ApiError> {
    account_token::Entity::delete_many()
        .filter(account_token::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Writes the verification message of a new company account.
pub async fn send_verification(
    conn: &impl ConnectionTrait,
    account: &user::Model,
) -> Result<(), ApiError> {
    let token = issue(
        conn,
        account.id,
        Purpose::EmailVerification,
        VERIFICATION_LIFETIME,
    )
    .await?;
    let letter = Letter::new(
        "Confirmez votre adresse e-mail",
        "Vous recevez ce message car cette adresse vient d'être utilisée pour inscrire une entreprise sur JeSaisFaire.",
    )
    .paragraph(format!(
        "Pour terminer l'inscription de « {} », confirmez votre adresse e-mail. Ce lien est valable 48 heures ; vous pourrez en demander un autre depuis « Mon compte ».",
        account.display_name
    ))
    .paragraph("Tant que votre adresse n'est pas confirmée, vous pouvez lire les consultations mais pas y contribuer.")
    .paragraph("Si vous n'êtes pas à l'origine de cette inscription, ignorez ce message.")
    .action("Confirmer mon adresse", format!("/verifier-email?jeton={token}"));
    mail::send_about_account(conn, account, mail_message::Kind::EmailVerification, letter).await
}

/// What the holder of an account learns when somebody registers again with
/// its e-mail or SIRET (the person registering learns nothing).
pub fn registration_attempt_letter(owner: &user::Model, siret: &str) -> Letter {
    Letter::new(
        "Tentative d'inscription avec votre compte",
        "Vous recevez ce message car vous êtes titulaire de ce compte JeSaisFaire.",
    )
    .paragraph(format!(
        "Quelqu'un vient de demander l'inscription d'une entreprise (SIRET {siret}) avec votre adresse e-mail ou avec le SIRET de votre entreprise, déjà inscrite sous le compte « {} ».",
        owner.display_name
    ))
    .paragraph("Si c'était vous, connectez-vous avec votre compte existant ; si vous avez oublié votre mot de passe, réinitialisez-le. Sinon, vous pouvez ignorer ce message : rien n'a été modifié.")
    .action("Mot de passe oublié ?", "/mot-de-passe-oublie")
}

pub async fn verify_email(db: &Db, token: &str) -> Result<(), ApiError> {
    let txn = db.begin_write().await?;
    let account = consume(&*txn, token, Purpose::EmailVerification)
        .await?
        .ok_or_else(|| {
            ApiError::field(
                "token",
                "invalid",
                "Ce lien de confirmation n'est plus valable (déjà utilisé ou expiré) : demandez-en un nouveau depuis « Mon compte ».",
            )
        })?;
    if account.email_verified_at.is_none() {
        let id = account.id;
        let mut model = account.into_active_model();
        model.email_verified_at = Set(Some(Utc::now()));
        model.update(&*txn).await?;
        account_events::record(&*txn, id, id, AccountAction::EmailVerified, "").await?;
    }
    txn.commit().await?;
    Ok(())
}

pub async fn resend_verification(db: &Db, who: &Authenticated) -> Result<(), ApiError> {
    let txn = db.begin_write().await?;
    let account = user::Entity::find_by_id(who.user_id())
        .one(&*txn)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    if account.email_verified_at.is_some() {
        return Err(ApiError::Conflict(
            "Votre adresse e-mail est déjà confirmée.".into(),
        ));
    }
    send_verification(&*txn, &account).await?;
    txn.commit().await?;
    Ok(())
}

/// "Mot de passe oublié ?": a link if the address has an account, and the
/// same answer either way.
pub async fn request_password_reset(db: &Db, email: &str) -> Result<(), ApiError> {
    let mut v = Validator::default();
    let email = v.field("email", Email::parse(email));
    let email = v.finish(email).map_err(ApiError::Validation)?;
    let txn = db.begin_write().await?;
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&*txn)
        .await?
        .filter(|u| u.disabled_at.is_none());
    if let Some(account) = account {
        let token = issue(&*txn, account.id, Purpose::PasswordReset, RESET_LIFETIME).await?;
        let letter = Letter::new(
            "Réinitialisation de votre mot de passe",
            "Vous recevez ce message car une réinitialisation du mot de passe de votre compte JeSaisFaire a été demandée.",
        )
        .paragraph("Pour choisir un nouveau mot de passe, suivez ce lien, valable une heure et une seule fois. Toutes vos sessions ouvertes seront fermées.")
        .paragraph("Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.")
        .action("Choisir un nouveau mot de passe", format!("/reinitialiser-mot-de-passe?jeton={token}"));
        mail::send_about_account(&*txn, &account, mail_message::Kind::PasswordReset, letter)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A new password through a reset link: every session of the account ends.
/// Following the link also proves the address, so it counts as verified.
pub async fn reset_password(db: &Db, request: &NewPasswordRequest) -> Result<(), ApiError> {
    let mut v = Validator::default();
    let new = v.field("new_password", Password::parse(&request.new_password));
    if request.token.trim().is_empty() {
        v.push(FieldError::new(
            "token",
            "required",
            "Le lien de réinitialisation est incomplet.",
        ));
    }
    let new = v.finish(new).map_err(ApiError::Validation)?;
    let hash = password::hash(new.expose().to_owned()).await?;
    let txn = db.begin_write().await?;
    let account = consume(&*txn, &request.token, Purpose::PasswordReset)
        .await?
        .filter(|u| u.disabled_at.is_none())
        .ok_or_else(|| {
            ApiError::field(
                "token",
                "invalid",
                "Ce lien de réinitialisation n'est plus valable (déjà utilisé ou expiré) : demandez-en un nouveau.",
            )
        })?;
    let id = account.id;
    let verified = account.email_verified_at.unwrap_or_else(Utc::now);
    let mut model = account.into_active_model();
    model.password_hash = Set(hash);
    model.email_verified_at = Set(Some(verified));
    model.update(&*txn).await?;
    sessions::close_all(&*txn, id).await?;
    account_events::record(&*txn, id, id, AccountAction::PasswordReset, "").await?;
    txn.commit().await?;
    Ok(())
}
