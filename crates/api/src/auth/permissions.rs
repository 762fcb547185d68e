//! Request extractors that prove who is calling and what they may do.
//!
//! Operations reserved to a role take a capability value as an argument. Its
//! fields are private, so the only way to obtain one is the permission check
//! below: a handler cannot forget it.

use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use shared::auth::TokenAccess;
use shared::types::Role;
use uuid::Uuid;

use crate::db::Db;
use crate::domain::{accounts, api_tokens};
use crate::error::ApiError;
use crate::state::AppState;

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Credential {
    /// An access token of a session (a person signed in).
    Session,
    /// A personal API token (a program acting for the person).
    ApiToken,
}

/// Any signed-in person: from a valid access token, a personal API token,
/// or a password check (`sign_in`). The fields are private, so no code can
/// claim to be somebody without one of these checks.
#[derive(Debug, Clone, Copy)]
pub struct Authenticated {
    user_id: Uuid,
    role: Role,
    credential: Credential,
}

impl Authenticated {
    pub fn user_id(&self) -> Uuid {
        self.user_id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// What only the person may do, not a program holding their token:
    /// passwords, sessions, tokens, deleting the account.
    pub fn require_session(&self) -> Result<(), ApiError> {
        match self.credential {
            Credential::Session => Ok(()),
            Credential::ApiToken => Err(ApiError::Forbidden),
        }
    }

    /// The person behind a pair of credentials, as the login endpoint checks
    /// them; the demo data and the benchmark act through it too.
    pub async fn sign_in(db: &Db, email: &str, password: &str) -> Result<Self, ApiError> {
        let account = accounts::authenticate(db, email, password).await?;
        Ok(Self {
            user_id: account.id,
            role: account.role,
            credential: Credential::Session,
        })
    }
}

async fn authenticate(req: HttpRequest) -> Result<Authenticated, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("application state missing")))?;
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::Unauthenticated)?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::InvalidToken)?;
    if token.starts_with(api_tokens::PREFIX) {
        let (user_id, role, access) = api_tokens::authenticate(&state.db, token).await?;
        let reads = matches!(*req.method(), Method::GET | Method::HEAD);
        if access == TokenAccess::Read && !reads {
            return Err(ApiError::ReadOnlyToken);
        }
        return Ok(Authenticated {
            user_id,
            role,
            credential: Credential::ApiToken,
        });
    }
    let claims = state.jwt.verify(token)?;
    Ok(Authenticated {
        user_id: claims.sub,
        role: claims.role,
        credential: Credential::Session,
    })
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

/// Proof that the caller is an administrator.
#[derive(Debug, Clone, Copy)]
pub struct AdminCapability {
    admin_id: Uuid,
}

impl AdminCapability {
    pub fn admin_id(&self) -> Uuid {
        self.admin_id
    }
}

/// Extractor: an administrator, or 401/403.
pub struct RequireAdmin(pub AdminCapability);

impl FromRequest for RequireAdmin {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let who = authenticate(req).await?;
            match who.role {
                Role::Admin => Ok(Self(AdminCapability {
                    admin_id: who.user_id,
                })),
                _ => Err(ApiError::Forbidden),
            }
        })
    }
}
