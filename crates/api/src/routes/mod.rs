//! HTTP handlers under `/api/v1`: parse, call the domain, answer DTOs.

pub mod auth;
pub mod consultations;
pub mod contributions;
pub mod health;
pub mod me;
pub mod reference;
pub mod users;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::health)
        .service(auth::register_company)
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(me::me)
        .service(users::create_user)
        .service(users::list_users)
        .service(users::list_buyers)
        .service(reference::cpv_divisions)
        .service(reference::departements)
        .service(consultations::create)
        .service(consultations::list)
        .service(consultations::get_one)
        .service(consultations::update)
        .service(consultations::get_draft)
        .service(consultations::put_draft)
        .service(consultations::open_round)
        .service(consultations::list_rounds)
        .service(consultations::get_round)
        .service(consultations::close_round)
        .service(consultations::diff)
        .service(consultations::request_publication)
        .service(consultations::decide_publication)
        .service(consultations::synthesis)
        .service(consultations::events)
        .service(contributions::create)
        .service(contributions::list)
        .service(contributions::get_one)
        .service(contributions::edit)
        .service(contributions::withdraw)
        .service(contributions::reply)
        .service(contributions::decide)
        .service(contributions::notifications)
        .service(contributions::mark_read);
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "JeSaisFaire API",
        description = "Dialogue structuré entre acheteurs publics et PME avant la publication d'un marché.\n\n\
Every error is an RFC 9457 `application/problem+json` body with a stable `code` and, \
for validation failures, field-level `errors` in French.",
        license(name = "EUPL-1.2"),
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Inscription, connexion et sessions"),
        (name = "users", description = "Comptes (administration)"),
        (name = "consultations", description = "Consultations : création, liste, synthèse, journal"),
        (name = "drafts", description = "Brouillon du CCTP (ETag / If-Match)"),
        (name = "rounds", description = "Tours de dialogue, révisions figées et différences"),
        (name = "contributions", description = "Contributions, réponses et décisions"),
        (name = "publication", description = "Demande et validation de publication"),
        (name = "notifications", description = "Notifications dans l'application"),
        (name = "reference", description = "Nomenclatures : divisions CPV, départements"),
        (name = "system", description = "État du service"),
    ),
    components(schemas(shared::ProblemDetails, shared::FieldError, shared::ErrorCode))
)]
pub struct ApiDoc;

struct BearerAuth;

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
        }
    }
}
