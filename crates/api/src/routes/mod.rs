//! HTTP handlers under `/api/v1`: parse, call the domain, answer DTOs.

pub mod auth;
mod caching;
pub mod consultations;
pub mod contributions;
pub mod drafts;
pub mod exports;
pub mod fairness;
pub mod health;
pub mod mail;
pub mod me;
pub mod methods;
pub mod notifications;
pub mod publication;
pub mod reference;
pub mod rounds;
pub mod users;

use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, PathItem, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::domain::access::ConsultationAccess;
use crate::error::{ApiError, PROBLEM_JSON};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::health)
        .service(health::deployment)
        .service(auth::register_company)
        .service(auth::login)
        .service(auth::refresh_session)
        .service(auth::logout)
        .service(auth::change_password)
        .service(auth::logout_everywhere)
        .service(auth::verify_email)
        .service(auth::resend_verification)
        .service(auth::request_password_reset)
        .service(auth::reset_password)
        .service(me::get_me)
        .service(me::update_company_profile)
        .service(me::get_mail_preferences)
        .service(me::update_mail_preferences)
        .service(me::delete_account)
        .service(me::list_api_tokens)
        .service(me::create_api_token)
        .service(me::revoke_api_token)
        .service(mail::preview_unsubscribe)
        .service(mail::unsubscribe)
        .service(users::create_user)
        .service(users::list_users)
        .service(users::disable_user)
        .service(users::enable_user)
        .service(users::list_user_events)
        .service(users::list_buyers)
        .service(reference::list_cpv_divisions)
        .service(reference::search_cpv)
        .service(reference::list_departements)
        .service(consultations::create_consultation)
        .service(consultations::list_consultations)
        .service(consultations::get_consultation)
        .service(consultations::update_consultation)
        .service(consultations::get_synthesis)
        .service(consultations::list_events)
        .service(drafts::get_draft)
        .service(drafts::save_draft)
        .service(rounds::open_round)
        .service(rounds::list_rounds)
        .service(rounds::get_round)
        .service(rounds::close_round)
        .service(rounds::get_round_diff)
        .service(rounds::extend_deadline)
        .service(fairness::publish_notice)
        .service(fairness::list_notices)
        .service(fairness::get_equal_information)
        .service(fairness::get_fairness)
        .service(fairness::acknowledge_fairness)
        .service(publication::request_publication)
        .service(publication::decide_publication)
        .service(exports::export_cctp)
        .service(exports::export_sourcing_report)
        .service(exports::export_contributions)
        .service(exports::export_ocds)
        .service(exports::list_published_ocds)
        .service(contributions::create_contribution)
        .service(contributions::list_contributions)
        .service(contributions::get_contribution)
        .service(contributions::edit_contribution)
        .service(contributions::withdraw_contribution)
        .service(contributions::reply_to_contribution)
        .service(contributions::decide_contribution)
        .service(notifications::list_notifications)
        .service(notifications::mark_notification_read)
        .service(notifications::mark_all_notifications_read);
}

/// Every dialogue handler starts here: the consultation as the caller may
/// see it, or 404.
async fn consultation_access(
    state: &AppState,
    who: &Authenticated,
    id: Uuid,
) -> Result<ConsultationAccess, ApiError> {
    ConsultationAccess::load(state.db.conn(), who, id).await
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "JeSaisFaire API",
        description = "Dialogue structuré entre acheteurs publics et PME avant la publication d'un marché.\n\n\
Every error is an RFC 9457 `application/problem+json` body with a stable `code` and, \
for validation failures, field-level `errors` in French.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    // Paths carry their `/api/v1` prefix; the server is wherever the document was read.
    servers((url = "/", description = "The server that serves this document")),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Inscription, connexion et sessions"),
        (name = "users", description = "Comptes (administration)"),
        (name = "consultations", description = "Consultations : création, liste, synthèse, journal"),
        (name = "drafts", description = "Brouillon du CCTP (ETag / If-Match)"),
        (name = "rounds", description = "Tours de dialogue, révisions figées et différences"),
        (name = "contributions", description = "Contributions, réponses et décisions"),
        (name = "publication", description = "Demande et validation de publication"),
        (name = "fairness", description = "Égalité de traitement : informations à toutes les entreprises, synthèse des informations données, détecteur de cahier des charges orienté"),
        (name = "exports", description = "CCTP, compte rendu de sourçage, contributions (CSV), données ouvertes (OCDS)"),
        (name = "notifications", description = "Notifications dans l'application"),
        (name = "mail", description = "Messages électroniques : désabonnement en un clic"),
        (name = "reference", description = "Nomenclatures : divisions CPV, départements"),
        (name = "system", description = "État du service"),
    ),
    components(schemas(
        shared::ProblemDetails,
        shared::FieldError,
        shared::ErrorCode,
        exports::FileBody,
        exports::OcdsPackage,
        shared::consultation::DocumentFormat
    ))
)]
pub struct ApiDoc;

struct BearerAuth;

const API_TOKEN_SCHEME: &str = "api_token";

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT")
                        .description(Some("Access token from /api/v1/auth/login (15 minutes)."))
                        .build(),
                ),
            );
            components.add_security_scheme(
                API_TOKEN_SCHEME,
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("jsf_…")
                        .description(Some(
                            "Personal API token created in « Mon compte » (POST /api/v1/me/api-tokens): \
                             the rights of its owner, GET only when read-only. Refused once revoked, \
                             expired, or its owner's account disabled.",
                        ))
                        .build(),
                ),
            );
        }
    }
}

/// What the routing tree cannot say operation by operation, applied once the
/// routes have been added to the document:
/// - every error answer is an RFC 9457 problem, so handlers document only the
///   status and why, and the body is filled in here for all of them;
/// - operations without a bearer requirement are public, and say so with an
///   explicit empty `security` rather than by omission.
pub fn complete_spec(openapi: &mut utoipa::openapi::OpenApi) {
    for path in openapi.paths.paths.values_mut() {
        for operation in operations(path) {
            let security = operation.security.get_or_insert_with(Vec::new);
            if !security.is_empty() {
                // Every operation open to a session is open to a personal
                // token of the same person, which can be refused with 403.
                security.push(SecurityRequirement::new(
                    API_TOKEN_SCHEME,
                    Vec::<String>::new(),
                ));
                let forbidden = operation
                    .responses
                    .responses
                    .entry("403".to_owned())
                    .or_insert_with(|| {
                        RefOr::T(
                            ResponseBuilder::new()
                                .description("Refused to this caller")
                                .build(),
                        )
                    });
                if let RefOr::T(response) = forbidden {
                    response.description.push_str(
                        "; with a personal API token: read-only token used to change something (`read_only_token`) or owner's account disabled (`account_disabled`)",
                    );
                }
            }
            for (status, description) in answers_of_every_extractor(operation) {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| {
                        RefOr::T(ResponseBuilder::new().description(description).build())
                    });
            }
            for (status, response) in &mut operation.responses.responses {
                let is_error = status.starts_with('4') || status.starts_with('5');
                if let (true, RefOr::T(response)) = (is_error, response) {
                    response.content.insert(
                        PROBLEM_JSON.to_owned(),
                        RefOr::T(Content::new(Some(Ref::from_schema_name("ProblemDetails")))),
                    );
                }
            }
        }
    }
}

/// The refusals the shared extractors give before a handler runs, whatever
/// the handler documents: a JSON body (`extract::Json`), query parameters
/// (`error::query_error`) and path parameters (`error::path_error`).
fn answers_of_every_extractor(
    operation: &utoipa::openapi::path::Operation,
) -> Vec<(&'static str, &'static str)> {
    let mut answers = Vec::new();
    if operation.request_body.is_some() {
        answers.extend([
            ("400", "The body is not well-formed JSON (`malformed_body`)"),
            ("413", "The body is larger than this operation accepts (`payload_too_large`)"),
            ("415", "The body is not sent as `application/json` (`unsupported_media_type`)"),
            (
                "422",
                "A field is missing, unknown, of the wrong type or invalid (`validation_failed`, with field errors)",
            ),
        ]);
    }
    let kinds: Vec<ParameterIn> = operation
        .parameters
        .iter()
        .flatten()
        .filter_map(|parameter| match parameter {
            RefOr::T(parameter) => Some(parameter.parameter_in.clone()),
            RefOr::Ref(_) => None,
        })
        .collect();
    if kinds.contains(&ParameterIn::Query) {
        answers.push(("400", "A query parameter is invalid (`bad_request`)"));
    }
    if kinds.contains(&ParameterIn::Path) {
        answers.push(("404", "Nothing exists at this address (`not_found`)"));
    }
    answers
}

fn operations(path: &mut PathItem) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    [
        &mut path.get,
        &mut path.put,
        &mut path.post,
        &mut path.delete,
        &mut path.patch,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}
