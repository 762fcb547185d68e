//! Accounts: company self-registration, staff accounts created by an
//! administrator, credential checks and the account views.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use shared::auth::{
    AccountAction, BuyerDto, ChangePasswordRequest, CompanyDto, CompanyProfileRequest,
    DeleteAccountRequest, Page, UserDto, ValidCompanyRegistration, ValidNewUser, Validator,
};
use shared::types::{CpvDivision, Departement, Email, Password, Role};
use shared::{FieldError, Named};
use uuid::Uuid;

use crate::auth::{AdminCapability, Authenticated, password};
use crate::db::Db;
use crate::domain::access::AgentCapability;
use crate::domain::journal::account_events;
use crate::domain::mail;
use crate::domain::pagination::PageRequest;
use crate::domain::recovery;
use crate::domain::sessions::{self, Session, SessionConfig};
use crate::entities::{
    api_token, company, company_cpv_division, company_departement, mail_message, mail_preference,
    notification, user,
};
use crate::error::ApiError;

/// Which identities of a registration already have an account.
struct Taken {
    by_email: Option<user::Model>,
    siret_owner: Option<user::Model>,
}

async fn taken(
    conn: &impl ConnectionTrait,
    email: &Email,
    siret: Option<&str>,
) -> Result<Taken, ApiError> {
    let by_email = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(conn)
        .await?;
    let siret_owner = match siret {
        Some(siret) => match company::Entity::find()
            .filter(company::Column::Siret.eq(siret))
            .one(conn)
            .await?
        {
            Some(c) => user::Entity::find_by_id(c.user_id).one(conn).await?,
            None => None,
        },
        None => None,
    };
    Ok(Taken {
        by_email,
        siret_owner,
    })
}

/// A staff account's e-mail must be free: the administrator who creates it
/// may know who uses the service.
async fn ensure_email_is_free(conn: &impl ConnectionTrait, email: &Email) -> Result<(), ApiError> {
    if taken(conn, email, None).await?.by_email.is_some() {
        return Err(ApiError::field(
            "email",
            "taken",
            "Un compte existe déjà avec cette adresse e-mail.",
        ));
    }
    Ok(())
}

/// A company registers. The answer is the same whether or not the e-mail or
/// the SIRET already has an account, so registering reveals nobody: a new
/// account gets its verification message, an existing one a warning.
pub async fn register_company(
    db: &Db,
    registration: ValidCompanyRegistration,
) -> Result<(), ApiError> {
    register(db, registration, false).await
}

/// A company account registered by whoever runs the server binary (the
/// demo data, the benchmark), who vouches for its address: verified.
pub async fn register_company_from_console(
    db: &Db,
    registration: ValidCompanyRegistration,
) -> Result<(), ApiError> {
    register(db, registration, true).await
}

async fn register(
    db: &Db,
    registration: ValidCompanyRegistration,
    vouched: bool,
) -> Result<(), ApiError> {
    let password_hash = password::hash(registration.password.expose().to_owned()).await?;
    let txn = db.begin_write().await?;
    let existing = taken(
        &*txn,
        &registration.email,
        Some(registration.siret.as_str()),
    )
    .await?;
    if let Some(owner) = existing.by_email.or(existing.siret_owner) {
        let letter = recovery::registration_attempt_letter(&owner, registration.siret.as_str());
        mail::send_about_account(
            &*txn,
            &owner,
            mail_message::Kind::RegistrationAttempt,
            letter,
        )
        .await?;
        txn.commit().await?;
        tracing::info!(user_id = %owner.id, "registration attempt for an existing account");
        return Ok(());
    }
    let now = Utc::now();
    let user_id = Uuid::new_v4();
    let company_id = Uuid::new_v4();
    let account = user::ActiveModel {
        id: Set(user_id),
        email: Set(registration.email.as_str().to_owned()),
        password_hash: Set(password_hash),
        role: Set(Role::Company),
        display_name: Set(registration.company_name.as_str().to_owned()),
        created_at: Set(now),
        email_verified_at: Set(vouched.then_some(now)),
        disabled_at: Set(None),
        deleted_at: Set(None),
    };
    let inserted = account.insert(&*txn).await;
    // The same registration sent twice at once: the first wins, the second
    // gets the same answer and nothing else.
    let account = match inserted.map_err(ApiError::from) {
        Err(ApiError::Validation(_)) => return Ok(()),
        other => other?,
    };
    company::ActiveModel {
        id: Set(company_id),
        user_id: Set(user_id),
        name: Set(registration.company_name.as_str().to_owned()),
        siret: Set(registration.siret.as_str().to_owned()),
        created_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    insert_targeting(
        &*txn,
        company_id,
        &registration.cpv_divisions,
        &registration.departements,
    )
    .await?;
    if !vouched {
        recovery::send_verification(&*txn, &account).await?;
    }
    txn.commit().await?;
    tracing::info!(%user_id, "company registered");
    Ok(())
}

/// The company's own profile replaced: its name (the account's display
/// name too) and the divisions and départements its targeting follows.
pub async fn update_company_profile(
    db: &Db,
    who: &Authenticated,
    request: &CompanyProfileRequest,
) -> Result<UserDto, ApiError> {
    // Staff have no company profile, whatever they send.
    if who.role() != Role::Company {
        return Err(ApiError::Forbidden);
    }
    let profile = request.validate().map_err(ApiError::Validation)?;
    let txn = db.begin_write().await?;
    let company = company::Entity::find()
        .filter(company::Column::UserId.eq(who.user_id()))
        .one(&*txn)
        .await?
        .ok_or(ApiError::Forbidden)?;
    let name = profile.company_name.as_str().to_owned();
    user::Entity::update_many()
        .col_expr(user::Column::DisplayName, Expr::value(name.clone()))
        .filter(user::Column::Id.eq(who.user_id()))
        .exec(&*txn)
        .await?;
    company::Entity::update_many()
        .col_expr(company::Column::Name, Expr::value(name))
        .filter(company::Column::Id.eq(company.id))
        .exec(&*txn)
        .await?;
    replace_targeting(
        &*txn,
        company.id,
        &profile.cpv_divisions,
        &profile.departements,
    )
    .await?;
    txn.commit().await?;
    user_view(db.conn(), who.user_id()).await
}

async fn replace_targeting(
    conn: &impl ConnectionTrait,
    company_id: Uuid,
    divisions: &[CpvDivision],
    departements: &[Departement],
) -> Result<(), ApiError> {
    company_cpv_division::Entity::delete_many()
        .filter(company_cpv_division::Column::CompanyId.eq(company_id))
        .exec(conn)
        .await?;
    company_departement::Entity::delete_many()
        .filter(company_departement::Column::CompanyId.eq(company_id))
        .exec(conn)
        .await?;
    insert_targeting(conn, company_id, divisions, departements).await
}

async fn insert_targeting(
    conn: &impl ConnectionTrait,
    company_id: Uuid,
    divisions: &[CpvDivision],
    departements: &[Departement],
) -> Result<(), ApiError> {
    company_cpv_division::Entity::insert_many(divisions.iter().map(|d| {
        company_cpv_division::ActiveModel {
            company_id: Set(company_id),
            division: Set(d.as_str().to_owned()),
        }
    }))
    .exec_without_returning(conn)
    .await?;
    company_departement::Entity::insert_many(departements.iter().map(|d| {
        company_departement::ActiveModel {
            company_id: Set(company_id),
            departement: Set(d.as_str().to_owned()),
        }
    }))
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// A staff account, created by an administrator.
pub async fn create_user(
    db: &Db,
    admin: &AdminCapability,
    new_user: ValidNewUser,
) -> Result<UserDto, ApiError> {
    let created = insert_user(db, new_user).await?;
    tracing::info!(user_id = %created.id, role = created.role.as_str(), created_by = %admin.admin_id(), "account created");
    Ok(created)
}

/// A staff account, created by whoever runs the server binary against its
/// database (`create-user`, the demo data): the first administrator of a
/// deployment cannot be created by an administrator.
pub async fn create_user_from_console(
    db: &Db,
    new_user: ValidNewUser,
) -> Result<UserDto, ApiError> {
    let created = insert_user(db, new_user).await?;
    tracing::info!(user_id = %created.id, role = created.role.as_str(), "account created from the console");
    Ok(created)
}

async fn insert_user(db: &Db, new_user: ValidNewUser) -> Result<UserDto, ApiError> {
    let password_hash = password::hash(new_user.password.expose().to_owned()).await?;
    let txn = db.begin_write().await?;
    ensure_email_is_free(&*txn, &new_user.email).await?;
    let user_id = Uuid::new_v4();
    let now = Utc::now();
    // Staff addresses are given by whoever creates the account: verified.
    user::ActiveModel {
        id: Set(user_id),
        email: Set(new_user.email.as_str().to_owned()),
        password_hash: Set(password_hash),
        role: Set(new_user.role),
        display_name: Set(new_user.display_name.as_str().to_owned()),
        created_at: Set(now),
        email_verified_at: Set(Some(now)),
        disabled_at: Set(None),
        deleted_at: Set(None),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    user_view(db.conn(), user_id).await
}

pub async fn list_users(
    db: &Db,
    _admin: &AdminCapability,
    page: PageRequest,
) -> Result<Page<UserDto>, ApiError> {
    let query = user::Entity::find().order_by_asc(user::Column::Email);
    let (users, total) = page.fetch(db.conn(), query).await?;
    Ok(page.page_of(user_views(db.conn(), users).await?, total))
}

/// The PFRA buyers, by name, for the agent who picks the one who will approve
/// a consultation. A region has a handful of them, so there is no paging.
pub async fn list_buyers(db: &Db, _agent: &AgentCapability) -> Result<Vec<BuyerDto>, ApiError> {
    Ok(user::Entity::find()
        .filter(user::Column::Role.eq(Role::Buyer))
        .order_by_asc(user::Column::DisplayName)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|u| BuyerDto {
            id: u.id,
            display_name: u.display_name,
        })
        .collect())
}

/// The account behind a pair of credentials. An unknown e-mail and a wrong
/// password are indistinguishable, in answer and in time.
pub async fn authenticate(db: &Db, email: &str, password: &str) -> Result<user::Model, ApiError> {
    let account = match Email::parse(email) {
        Ok(email) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(email.as_str()))
                .one(db.conn())
                .await?
        }
        Err(_) => None,
    };
    let hash = account.as_ref().map(|a| a.password_hash.clone());
    let password_matches = password::verify(password.to_owned(), hash).await?;
    match account {
        // Said only to whoever knows the password.
        Some(account) if password_matches && account.disabled_at.is_some() => {
            Err(ApiError::AccountDisabled)
        }
        Some(account) if password_matches => Ok(account),
        _ => Err(ApiError::InvalidCredentials),
    }
}

pub async fn user_view(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<UserDto, ApiError> {
    let account = user::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    user_views(conn, vec![account])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("user view vanished")))
}

/// Account views for a batch of users, with four queries whatever their number.
pub async fn user_views(
    conn: &impl ConnectionTrait,
    users: Vec<user::Model>,
) -> Result<Vec<UserDto>, ApiError> {
    let user_ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    let companies = company::Entity::find()
        .filter(company::Column::UserId.is_in(user_ids))
        .all(conn)
        .await?;
    let company_ids: Vec<Uuid> = companies.iter().map(|c| c.id).collect();
    let mut divisions: HashMap<Uuid, Vec<String>> = HashMap::new();
    for row in company_cpv_division::Entity::find()
        .filter(company_cpv_division::Column::CompanyId.is_in(company_ids.clone()))
        .order_by_asc(company_cpv_division::Column::Division)
        .all(conn)
        .await?
    {
        divisions
            .entry(row.company_id)
            .or_default()
            .push(row.division);
    }
    let mut departements: HashMap<Uuid, Vec<String>> = HashMap::new();
    for row in company_departement::Entity::find()
        .filter(company_departement::Column::CompanyId.is_in(company_ids))
        .order_by_asc(company_departement::Column::Departement)
        .all(conn)
        .await?
    {
        departements
            .entry(row.company_id)
            .or_default()
            .push(row.departement);
    }
    let mut by_user: HashMap<Uuid, CompanyDto> = companies
        .into_iter()
        .map(|c| {
            let dto = CompanyDto {
                cpv_divisions: divisions.remove(&c.id).unwrap_or_default(),
                departements: departements.remove(&c.id).unwrap_or_default(),
                name: c.name,
                siret: c.siret,
            };
            (c.user_id, dto)
        })
        .collect();
    Ok(users
        .into_iter()
        .map(|u| UserDto {
            role: u.role,
            company: by_user.remove(&u.id),
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            email_verified: u.email_verified_at.is_some(),
            disabled: u.disabled_at.is_some(),
        })
        .collect())
}

/// A new password for the signed-in account, given the current one. Every
/// session of the account ends, and a new one starts for the device that
/// asked.
pub async fn change_password(
    db: &Db,
    config: &SessionConfig<'_>,
    who: &Authenticated,
    request: &ChangePasswordRequest,
) -> Result<Session, ApiError> {
    who.require_session()?;
    let mut v = Validator::default();
    let new = v.field("new_password", Password::parse(&request.new_password));
    let new = v.finish(new).map_err(ApiError::Validation)?;
    let account = user::Entity::find_by_id(who.user_id())
        .one(db.conn())
        .await?
        .ok_or(ApiError::InvalidToken)?;
    let matches = password::verify(
        request.current_password.clone(),
        Some(account.password_hash.clone()),
    )
    .await?;
    if !matches {
        return Err(ApiError::Validation(vec![FieldError::new(
            "current_password",
            "wrong",
            "Le mot de passe actuel est incorrect.",
        )]));
    }
    let hash = password::hash(new.expose().to_owned()).await?;
    let txn = db.begin_write().await?;
    let mut model = account.into_active_model();
    model.password_hash = Set(hash);
    let account = model.update(&*txn).await?;
    sessions::close_all(&*txn, account.id).await?;
    txn.commit().await?;
    sessions::open(db, config, &account).await
}

/// A company account must have confirmed its address before it takes part.
pub async fn require_verified(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<(), ApiError> {
    verified(user::Entity::find_by_id(user_id).one(conn).await?.as_ref())
}

/// The rule of `require_verified`, on an account already read.
pub fn verified(account: Option<&user::Model>) -> Result<(), ApiError> {
    if account.is_some_and(|u| u.email_verified_at.is_some()) {
        Ok(())
    } else {
        Err(ApiError::EmailNotVerified)
    }
}

/// An administrator disables (or enables again) an account. Disabling ends
/// its sessions at once (refresh tokens revoked; personal API tokens and
/// sign-in refused); access tokens already issued expire within their
/// lifetime. Both are written to the account's audit trail.
pub async fn set_disabled(
    db: &Db,
    admin: &AdminCapability,
    user_id: Uuid,
    disabled: bool,
) -> Result<UserDto, ApiError> {
    if user_id == admin.admin_id() {
        return Err(ApiError::Conflict(
            "Vous ne pouvez pas désactiver votre propre compte.".into(),
        ));
    }
    let txn = db.begin_write().await?;
    let account = user::Entity::find_by_id(user_id)
        .one(&*txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    if account.deleted_at.is_some() {
        return Err(ApiError::Conflict(
            "Ce compte a été supprimé à la demande de son titulaire : il ne peut pas être réactivé."
                .into(),
        ));
    }
    if account.disabled_at.is_some() == disabled {
        txn.commit().await?;
        return user_view(db.conn(), user_id).await;
    }
    let now = Utc::now();
    let mut model = account.into_active_model();
    model.disabled_at = Set(disabled.then_some(now));
    model.update(&*txn).await?;
    let action = if disabled {
        sessions::close_all(&*txn, user_id).await?;
        AccountAction::Disabled
    } else {
        AccountAction::Enabled
    };
    account_events::record(&*txn, user_id, admin.admin_id(), action, "").await?;
    txn.commit().await?;
    tracing::info!(%user_id, admin_id = %admin.admin_id(), disabled, "account status changed");
    user_view(db.conn(), user_id).await
}

/// A company deletes its account (RGPD). Its contributions stay in the
/// consultations' record under their pseudonym; its identity (name, SIRET,
/// e-mail), its targeting, its messages and its tokens are erased. Staff
/// accounts are disabled by an administrator instead: what they did is the
/// administration's record.
pub async fn delete_own_account(
    db: &Db,
    who: &Authenticated,
    request: &DeleteAccountRequest,
) -> Result<(), ApiError> {
    if who.role() != Role::Company {
        return Err(ApiError::Conflict(
            "Les comptes des agents et des acheteurs ne se suppriment pas : un administrateur les désactive.".into(),
        ));
    }
    let account = user::Entity::find_by_id(who.user_id())
        .one(db.conn())
        .await?
        .ok_or(ApiError::InvalidToken)?;
    if !password::verify(
        request.password.clone(),
        Some(account.password_hash.clone()),
    )
    .await?
    {
        return Err(ApiError::field(
            "password",
            "wrong",
            "Le mot de passe est incorrect.",
        ));
    }
    let now = Utc::now();
    let id = account.id;
    let txn = db.begin_write().await?;
    let mut model = account.into_active_model();
    model.email = Set(format!("{id}@compte-supprime.invalid"));
    model.display_name = Set("Compte supprimé".into());
    // No password hashes to this: nobody signs in again.
    model.password_hash = Set("!".into());
    model.disabled_at = Set(Some(now));
    model.deleted_at = Set(Some(now));
    model.update(&*txn).await?;
    if let Some(c) = company::Entity::find()
        .filter(company::Column::UserId.eq(id))
        .one(&*txn)
        .await?
    {
        replace_targeting(&*txn, c.id, &[], &[]).await?;
        let mut erased = c.into_active_model();
        erased.name = Set("Entreprise supprimée".into());
        // Unique and 14 characters like a SIRET, but never a valid one.
        erased.siret = Set(format!(
            "X{}",
            id.simple().to_string().chars().take(13).collect::<String>()
        ));
        erased.update(&*txn).await?;
    }
    mail_message::Entity::delete_many()
        .filter(mail_message::Column::UserId.eq(id))
        .exec(&*txn)
        .await?;
    mail_preference::Entity::delete_many()
        .filter(mail_preference::Column::UserId.eq(id))
        .exec(&*txn)
        .await?;
    notification::Entity::delete_many()
        .filter(notification::Column::UserId.eq(id))
        .exec(&*txn)
        .await?;
    api_token::Entity::delete_many()
        .filter(api_token::Column::UserId.eq(id))
        .exec(&*txn)
        .await?;
    recovery::forget_tokens(&*txn, id).await?;
    sessions::close_all(&*txn, id).await?;
    account_events::record(&*txn, id, id, AccountAction::Deleted, "").await?;
    txn.commit().await?;
    tracing::info!(user_id = %id, "account deleted by its holder");
    Ok(())
}
