//! The RFC 9457 problem body every non-2xx API answer carries.

use serde::{Deserialize, Serialize};

use crate::disclosure::DisclosureSpan;

/// Stable, machine-readable error codes. The UI matches on them; the
/// `type` URI of a problem is derived from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    ValidationFailed,
    /// A company's text would reveal who wrote it (its name, SIRET, e-mail,
    /// a phone number, a web address): each field error lists the spans.
    IdentityDisclosure,
    MalformedBody,
    UnsupportedMediaType,
    PayloadTooLarge,
    BadRequest,
    Unauthenticated,
    InvalidCredentials,
    InvalidToken,
    Forbidden,
    /// A company whose address is not verified yet cannot contribute.
    EmailNotVerified,
    /// The account was disabled by an administrator.
    AccountDisabled,
    /// A read-only personal API token used to change something.
    ReadOnlyToken,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PreconditionFailed,
    PreconditionRequired,
    /// Too many attempts (sign-in, registration, reset…) in a short time.
    TooManyRequests,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ValidationFailed => "validation_failed",
            Self::IdentityDisclosure => "identity_disclosure",
            Self::MalformedBody => "malformed_body",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge => "payload_too_large",
            Self::BadRequest => "bad_request",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid_credentials",
            Self::InvalidToken => "invalid_token",
            Self::Forbidden => "forbidden",
            Self::EmailNotVerified => "email_not_verified",
            Self::AccountDisabled => "account_disabled",
            Self::ReadOnlyToken => "read_only_token",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict => "conflict",
            Self::PreconditionFailed => "precondition_failed",
            Self::PreconditionRequired => "precondition_required",
            Self::TooManyRequests => "too_many_requests",
            Self::Internal => "internal",
        }
    }

    /// The `type` member of the problem: a stable URN, one per code.
    pub fn type_uri(self) -> String {
        format!("urn:jesaisfaire:problem:{}", self.as_str())
    }
}

/// One invalid field of a request, with a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Name of the request field, as in the JSON body (`siret`, `cpv_divisions[2]`…).
    #[cfg_attr(feature = "openapi", schema(example = "siret"))]
    pub field: String,
    /// Machine-readable reason (`required`, `checksum`, `too_short`…).
    #[cfg_attr(feature = "openapi", schema(example = "checksum"))]
    pub code: String,
    /// French message shown next to the field.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Le numéro SIRET n'est pas valide (clé de contrôle incorrecte).")
    )]
    pub message: String,
    /// Where in the field's text the problem lies (`identity_disclosure`),
    /// so that a form can highlight it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<DisclosureSpan>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
            spans: Vec::new(),
        }
    }
}

/// `application/problem+json` body (RFC 9457).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "urn:jesaisfaire:problem:validation_failed",
    "title": "Données invalides",
    "status": 422,
    "detail": "Certains champs sont invalides : corrigez-les puis réessayez.",
    "code": "validation_failed",
    "errors": [{"field": "siret", "code": "checksum", "message": "Le numéro SIRET n'est pas valide (clé de contrôle incorrecte)."}]
})))]
pub struct ProblemDetails {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ProblemDetails {
    /// The message for one field, if the problem names it.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}
