use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use shared::reference::DeploymentDto;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    status: &'static str,
}

/// Liveness and database reachability.
#[utoipa::path(
    tag = "system",
    responses(
        (status = 200, description = "Service and database are up", body = Health),
        (status = 500, description = "Database unreachable"),
    )
)]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.db.conn().ping().await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}

/// Who runs this instance: publisher, director of publication, host,
/// contact and data protection officer, as the legal pages state them.
#[utoipa::path(
    tag = "system",
    responses(
        (status = 200, description = "The facts the deployment set (unset ones are null)", body = DeploymentDto),
    )
)]
#[get("/deployment")]
pub async fn deployment(state: web::Data<AppState>) -> web::Json<DeploymentDto> {
    let d = state.settings.deployment.clone();
    web::Json(DeploymentDto {
        publisher: d.publisher,
        publication_director: d.publication_director,
        host: d.host,
        contact: d.contact,
        data_protection_officer: d.data_protection_officer,
    })
}
