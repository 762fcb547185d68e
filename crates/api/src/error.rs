//! The one error type of the API and its mapping to RFC 9457 problems.
//!
//! Unexpected errors are logged with their whole chain and answered with an
//! opaque 500; everything a client caused gets a precise French explanation.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use sea_orm::{DbErr, SqlErr};
use shared::{ErrorCode, FieldError, ProblemDetails};

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    #[error("identity disclosed: {0:?}")]
    IdentityDisclosure(Vec<FieldError>),
    #[error("malformed body: {0}")]
    MalformedBody(String),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("authentication required")]
    Unauthenticated,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("invalid or expired token")]
    InvalidToken,
    #[error("forbidden")]
    Forbidden,
    #[error("e-mail address not verified")]
    EmailNotVerified,
    #[error("account disabled")]
    AccountDisabled,
    #[error("read-only token")]
    ReadOnlyToken,
    #[error("not found")]
    NotFound,
    /// The action does not fit the current state (round closed, already published…).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("stale version")]
    PreconditionFailed,
    #[error("If-Match header missing")]
    PreconditionRequired,
    /// Come back after this long.
    #[error("too many requests")]
    TooManyRequests(std::time::Duration),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Unique constraints whose violation is the client's fault, by the name
/// PostgreSQL reports and the `table.column` SQLite reports.
const UNIQUE_FIELDS: &[(&str, &str, &str, &str)] = &[
    (
        "uq_users_email",
        "users.email",
        "email",
        "Un compte existe déjà avec cette adresse e-mail.",
    ),
    (
        "uq_companies_siret",
        "companies.siret",
        "siret",
        "Une entreprise est déjà inscrite avec ce numéro SIRET.",
    ),
];

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(message)) = err.sql_err()
            && let Some((_, _, field, text)) = UNIQUE_FIELDS
                .iter()
                .find(|(pg, sqlite, _, _)| message.contains(pg) || message.contains(sqlite))
        {
            return Self::Validation(vec![FieldError::new(*field, "taken", *text)]);
        }
        Self::Unexpected(anyhow::Error::new(err).context("database error"))
    }
}

impl ApiError {
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    fn code(&self) -> ErrorCode {
        match self {
            Self::Validation(_) => ErrorCode::ValidationFailed,
            Self::IdentityDisclosure(_) => ErrorCode::IdentityDisclosure,
            Self::MalformedBody(_) => ErrorCode::MalformedBody,
            Self::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            Self::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            Self::BadRequest(_) => ErrorCode::BadRequest,
            Self::Unauthenticated => ErrorCode::Unauthenticated,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::InvalidToken => ErrorCode::InvalidToken,
            Self::Forbidden => ErrorCode::Forbidden,
            Self::EmailNotVerified => ErrorCode::EmailNotVerified,
            Self::AccountDisabled => ErrorCode::AccountDisabled,
            Self::ReadOnlyToken => ErrorCode::ReadOnlyToken,
            Self::NotFound => ErrorCode::NotFound,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::PreconditionFailed => ErrorCode::PreconditionFailed,
            Self::PreconditionRequired => ErrorCode::PreconditionRequired,
            Self::TooManyRequests(_) => ErrorCode::TooManyRequests,
            Self::Unexpected(_) => ErrorCode::Internal,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Validation(_) => {
                "Certains champs sont invalides : corrigez-les puis réessayez.".into()
            }
            Self::IdentityDisclosure(_) => {
                "Votre texte permettrait de vous identifier : retirez les passages signalés, les échanges restent anonymes.".into()
            }
            Self::MalformedBody(detail) | Self::BadRequest(detail) | Self::Conflict(detail) => {
                detail.clone()
            }
            Self::InvalidCredentials => "Adresse e-mail ou mot de passe incorrect.".into(),
            Self::InvalidToken => "Votre session n'est plus valide : reconnectez-vous.".into(),
            Self::TooManyRequests(wait) => format!(
                "Trop de tentatives en peu de temps : réessayez dans {} secondes.",
                retry_after(*wait)
            ),
            other => default_detail(other.code()).into(),
        }
    }

    pub fn problem(&self) -> ProblemDetails {
        let code = self.code();
        ProblemDetails {
            type_uri: code.type_uri(),
            title: title(code).into(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            code,
            errors: match self {
                Self::Validation(errors) | Self::IdentityDisclosure(errors) => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

fn status_for(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::ValidationFailed | ErrorCode::IdentityDisclosure => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ErrorCode::MalformedBody | ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
        ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::Unauthenticated | ErrorCode::InvalidCredentials | ErrorCode::InvalidToken => {
            StatusCode::UNAUTHORIZED
        }
        ErrorCode::Forbidden
        | ErrorCode::EmailNotVerified
        | ErrorCode::AccountDisabled
        | ErrorCode::ReadOnlyToken => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
        ErrorCode::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
        ErrorCode::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn title(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::ValidationFailed => "Données invalides",
        ErrorCode::IdentityDisclosure => "Anonymat à préserver",
        ErrorCode::MalformedBody => "Requête illisible",
        ErrorCode::UnsupportedMediaType => "Format non pris en charge",
        ErrorCode::PayloadTooLarge => "Requête trop volumineuse",
        ErrorCode::BadRequest => "Requête incorrecte",
        ErrorCode::Unauthenticated => "Authentification requise",
        ErrorCode::InvalidCredentials => "Identifiants incorrects",
        ErrorCode::InvalidToken => "Session invalide",
        ErrorCode::Forbidden => "Accès refusé",
        ErrorCode::EmailNotVerified => "Adresse e-mail à vérifier",
        ErrorCode::AccountDisabled => "Compte désactivé",
        ErrorCode::ReadOnlyToken => "Jeton en lecture seule",
        ErrorCode::NotFound => "Introuvable",
        ErrorCode::MethodNotAllowed => "Méthode non autorisée",
        ErrorCode::Conflict => "Action impossible dans l'état actuel",
        ErrorCode::PreconditionFailed => "Modifié entre-temps",
        ErrorCode::PreconditionRequired => "Version requise",
        ErrorCode::TooManyRequests => "Trop de tentatives",
        ErrorCode::Internal => "Erreur interne",
    }
}

fn default_detail(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::UnsupportedMediaType => {
            "Envoyez le corps de la requête en JSON (en-tête Content-Type: application/json)."
        }
        ErrorCode::PayloadTooLarge => "Le corps de la requête dépasse la taille autorisée.",
        ErrorCode::Unauthenticated => {
            "Connectez-vous pour accéder à cette ressource (en-tête Authorization: Bearer …)."
        }
        ErrorCode::Forbidden => "Votre rôle ne permet pas cette action.",
        ErrorCode::EmailNotVerified => {
            "Confirmez d'abord votre adresse e-mail avec le lien que nous vous avons envoyé (vous pouvez le renvoyer depuis « Mon compte »)."
        }
        ErrorCode::AccountDisabled => {
            "Ce compte est désactivé. Contactez l'administrateur de la plateforme."
        }
        ErrorCode::ReadOnlyToken => {
            "Ce jeton d'API est en lecture seule : seules les requêtes GET sont permises."
        }
        ErrorCode::NotFound => "La ressource demandée n'existe pas ou ne vous est pas accessible.",
        ErrorCode::MethodNotAllowed => "Cette méthode HTTP n'est pas acceptée à cette adresse.",
        ErrorCode::Conflict => "La ressource a été modifiée entre-temps.",
        ErrorCode::PreconditionFailed => {
            "Quelqu'un a enregistré une autre version entre-temps : rechargez le brouillon avant de le modifier."
        }
        ErrorCode::PreconditionRequired => {
            "Indiquez la version modifiée dans l'en-tête If-Match (valeur de l'ETag reçu à la lecture)."
        }
        ErrorCode::TooManyRequests => "Trop de tentatives en peu de temps : réessayez plus tard.",
        ErrorCode::Internal => {
            "Une erreur inattendue s'est produite. Réessayez ; si elle persiste, contactez le support."
        }
        ErrorCode::ValidationFailed
        | ErrorCode::IdentityDisclosure
        | ErrorCode::MalformedBody
        | ErrorCode::BadRequest
        | ErrorCode::InvalidCredentials
        | ErrorCode::InvalidToken => "La requête n'a pas pu être traitée.",
    }
}

pub fn problem_response(problem: &ProblemDetails) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    response.content_type(PROBLEM_JSON);
    if status == StatusCode::UNAUTHORIZED {
        response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"jesaisfaire\""));
    }
    response.json(problem)
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_for(self.code())
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Unexpected(err) = self {
            tracing::error!(error = ?err, "request failed unexpectedly");
        }
        let mut response = problem_response(&self.problem());
        if let Self::TooManyRequests(wait) = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after(*wait)));
        }
        response
    }
}

/// Whole seconds to wait, at least one.
fn retry_after(wait: std::time::Duration) -> u64 {
    wait.as_secs().saturating_add(1)
}

/// Problem for a status produced outside our handlers (unknown route, wrong
/// method, actix extractor defaults…).
pub fn problem_for_status(status: StatusCode) -> ProblemDetails {
    let code = match status {
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNAUTHORIZED => ErrorCode::Unauthenticated,
        StatusCode::FORBIDDEN => ErrorCode::Forbidden,
        StatusCode::CONFLICT => ErrorCode::Conflict,
        StatusCode::PRECONDITION_FAILED => ErrorCode::PreconditionFailed,
        StatusCode::TOO_MANY_REQUESTS => ErrorCode::TooManyRequests,
        s if s.is_client_error() => ErrorCode::BadRequest,
        _ => ErrorCode::Internal,
    };
    ProblemDetails {
        type_uri: code.type_uri(),
        title: title(code).into(),
        status: status.as_u16(),
        detail: default_detail(code).into(),
        code,
        errors: Vec::new(),
    }
}

/// Middleware hook: turns every error answer that is not already a problem
/// into one, so no client ever sees an empty or HTML error body.
pub fn ensure_problem_body<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == HeaderValue::from_static(PROBLEM_JSON));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let problem = problem_for_status(res.status());
    let (req, original) = res.into_parts();
    let mut replacement = problem_response(&problem);
    // Keep headers such as `Allow` on 405.
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            replacement
                .headers_mut()
                .insert(name.clone(), value.clone());
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, replacement).map_into_right_body(),
    ))
}

/// Extractor error handlers: malformed query strings and paths (JSON bodies
/// have their own extractor, `extract::Json`).
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &HttpRequest,
) -> actix_web::Error {
    ApiError::BadRequest(format!("Paramètres de requête invalides : {err}.")).into()
}

/// A path that does not parse (a malformed id) names nothing that exists.
pub fn path_error(_err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound.into()
}
