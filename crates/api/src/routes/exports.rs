//! Exports: files to download, each with a stable name
//! (`cctp-<slug>-v<revision>.docx`…), its media type and
//! `Content-Disposition: attachment`.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use shared::consultation::DocumentFormat;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};
use uuid::Uuid;

use super::consultation_access;
use crate::auth::Authenticated;
use crate::domain::exports::{ExportFile, cctp};
use crate::error::ApiError;
use crate::state::AppState;

/// The bytes of a downloaded file, as the documentation describes them.
pub struct FileBody;

impl PartialSchema for FileBody {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl ToSchema for FileBody {}

fn download(file: ExportFile) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(file.content_type)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(file.file_name)],
        })
        .body(file.bytes)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CctpQuery {
    /// File format (default `docx`).
    format: Option<DocumentFormat>,
    /// Revision number (default: the latest, which is the final revision
    /// once publication is requested).
    revision: Option<i32>,
}

/// The CCTP of a revision as a document: title page, numbered sections and
/// clauses, criteria with their weights. Staff export any revision;
/// companies that see the consultation export the final CCTP once published.
#[utoipa::path(
    tag = "exports", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), CctpQuery),
    responses(
        (status = 200, description = "The file, named `cctp-<slug>-v<revision>.<docx|odt|md>`",
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"cctp-<slug>-v<revision>.docx\"`")),
            content(
                (FileBody = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                (FileBody = "application/vnd.oasis.opendocument.text"),
                (String = "text/markdown"),
            )),
        (status = 400, description = "Unknown format or invalid revision number"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "A company asking for anything but the final CCTP of a published consultation"),
        (status = 404, description = "Unknown consultation or revision, or not visible"),
        (status = 409, description = "No revision yet"),
    )
)]
#[get("/consultations/{id}/exports/cctp")]
pub async fn export_cctp(
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    query: web::Query<CctpQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = consultation_access(&state, &who, *id).await?;
    let format = query.format.unwrap_or(DocumentFormat::Docx);
    Ok(download(
        cctp::export(&state.db, &access, query.revision, format).await?,
    ))
}
