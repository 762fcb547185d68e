//! Exports: files to download, each with a stable name
//! (`cctp-<slug>-v<revision>.docx`…), its media type and
//! `Content-Disposition: attachment`.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use shared::consultation::DocumentFormat;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};
use uuid::Uuid;

use super::caching::Versioned;
use super::consultation_access;
use crate::auth::Authenticated;
use crate::domain::exports::{ExportFile, cctp, ocds, report, table};
use crate::domain::pagination::PageQuery;
use crate::error::ApiError;
use crate::heavy::in_turn;
use crate::state::AppState;
use shared::auth::Page;

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

/// An OCDS 1.1 release package with the Enquiries extension, as specified at
/// <https://standard.open-contracting.org/1.1/en/schema/release_package/>.
pub struct OcdsPackage;

impl PartialSchema for OcdsPackage {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "OCDS 1.1 release package (Enquiries extension): `uri`, `version`, `extensions`, `publishedDate`, `publisher`, `releases`.",
            ))
            .property("version", ObjectBuilder::new().schema_type(Type::String))
            .property(
                "releases",
                utoipa::openapi::schema::ArrayBuilder::new()
                    .items(ObjectBuilder::new().schema_type(Type::Object)),
            )
            .required("version")
            .required("releases")
            .into()
    }
}

impl ToSchema for OcdsPackage {}

/// The file, or `304 Not Modified` when the client's copy (`If-None-Match`)
/// is this very file: asked after the access check, like the file itself.
fn download(req: &HttpRequest, file: ExportFile) -> HttpResponse {
    let version = Versioned::private(&[&file.digest]);
    if let Some(unchanged) = version.unchanged_for(req) {
        return unchanged;
    }
    version
        .ok()
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
    params(("id" = Uuid, Path, description = "Consultation id"), CctpQuery, ("If-None-Match" = Option<String>, Header, description = "`ETag` of the copy held: `304` if it is still this file")),
    responses(
        (status = 200, description = "The file, named `cctp-<slug>-v<revision>.<docx|odt|md>`",
            headers(("ETag" = String, description = "Version of this file: its SHA-256"), ("Cache-Control" = String, description = "`private, no-cache`"), ("Content-Disposition" = String, description = "`attachment; filename=\"cctp-<slug>-v<revision>.docx\"`")),
            content(
                (FileBody = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                (FileBody = "application/vnd.oasis.opendocument.text"),
                (String = "text/markdown"),
            )),
        (status = 304, description = "The copy named in `If-None-Match` is this file (no body)"),
        (status = 400, description = "Unknown format or invalid revision number"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "A company asking for anything but the final CCTP of a published consultation"),
        (status = 404, description = "Unknown consultation or revision, or not visible"),
        (status = 409, description = "No revision yet"),
    )
)]
#[get("/consultations/{id}/exports/cctp")]
pub async fn export_cctp(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    query: web::Query<CctpQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = consultation_access(&state, &who, *id).await?;
    let format = query.format.unwrap_or(DocumentFormat::Docx);
    let file = in_turn(cctp::export(&state.db, &access, query.revision, format)).await??;
    Ok(download(&req, file))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// File format (default `docx`).
    format: Option<DocumentFormat>,
}

/// The sourcing report (compte rendu de sourçage) for the procurement file:
/// object, targeting, rounds, participation under pseudonyms, every
/// contribution with its decision and answers, the changes between
/// revisions, the final revision and the approval (staff only).
#[utoipa::path(
    tag = "exports", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), ReportQuery, ("If-None-Match" = Option<String>, Header, description = "`ETag` of the copy held: `304` if it is still this file")),
    responses(
        (status = 200, description = "The file, named `compte-rendu-sourcing-<slug>.<docx|odt|md>`",
            headers(("ETag" = String, description = "Version of this file: its SHA-256"), ("Cache-Control" = String, description = "`private, no-cache`"), ("Content-Disposition" = String, description = "`attachment; filename=\"compte-rendu-sourcing-<slug>.docx\"`")),
            content(
                (FileBody = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                (FileBody = "application/vnd.oasis.opendocument.text"),
                (String = "text/markdown"),
            )),
        (status = 304, description = "The copy named in `If-None-Match` is this file (no body)"),
        (status = 400, description = "Unknown format"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not staff of this consultation"),
        (status = 404, description = "Unknown or not visible"),
    )
)]
#[get("/consultations/{id}/exports/sourcing-report")]
pub async fn export_sourcing_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = consultation_access(&state, &who, *id).await?;
    let format = query.format.unwrap_or(DocumentFormat::Docx);
    let file = report::export(
        &state.db,
        &state.exports,
        &access,
        format,
        state.settings.fairness,
    )
    .await?;
    Ok(download(&req, file))
}

/// Every active contribution, one row each (staff only): CSV in UTF-8 with a
/// byte order mark, fields separated by `;`, opened as columns by
/// LibreOffice and Excel.
#[utoipa::path(
    tag = "exports", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), ("If-None-Match" = Option<String>, Header, description = "`ETag` of the copy held: `304` if it is still this file")),
    responses(
        (status = 200, description = "The file, named `contributions-<slug>.csv`",
            headers(("ETag" = String, description = "Version of this file: its SHA-256"), ("Cache-Control" = String, description = "`private, no-cache`"), ("Content-Disposition" = String, description = "`attachment; filename=\"contributions-<slug>.csv\"`")),
            content((String = "text/csv"))),
        (status = 304, description = "The copy named in `If-None-Match` is this file (no body)"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not staff of this consultation"),
        (status = 404, description = "Unknown or not visible"),
    )
)]
#[get("/consultations/{id}/exports/contributions")]
pub async fn export_contributions(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let access = consultation_access(&state, &who, *id).await?;
    Ok(download(
        &req,
        table::export(&state.db, &state.exports, &access).await?,
    ))
}

/// The consultation as an OCDS 1.1 release package: a planning release
/// during the dialogue, a tender release once published; clarification
/// requests and their answers as `tender.enquiries`, companies as
/// pseudonymous `enquirer` parties. Staff at any time; companies that see the
/// consultation once it is published.
#[utoipa::path(
    tag = "exports", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Consultation id"), ("If-None-Match" = Option<String>, Header, description = "`ETag` of the copy held: `304` if it is still this file")),
    responses(
        (status = 200, description = "The package, named `ocds-<slug>.json`", body = OcdsPackage,
            headers(("ETag" = String, description = "Version of this file: its SHA-256"), ("Cache-Control" = String, description = "`private, no-cache`"), ("Content-Disposition" = String, description = "`attachment; filename=\"ocds-<slug>.json\"`"))),
        (status = 304, description = "The copy named in `If-None-Match` is this file (no body)"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "A company, before publication"),
        (status = 404, description = "Unknown or not visible"),
    )
)]
#[get("/consultations/{id}/ocds")]
pub async fn export_ocds(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let access = consultation_access(&state, &who, *id).await?;
    Ok(download(
        &req,
        ocds::export(&state.db, &state.exports, &access, &state.settings).await?,
    ))
}

/// Published consultations for open-data harvesters (public), most recently
/// published first: one OCDS release package each.
#[utoipa::path(
    tag = "exports",
    params(PageQuery),
    responses(
        (status = 200, description = "One page of release packages", body = Page<OcdsPackage>),
        (status = 400, description = "Invalid query parameters"),
    )
)]
#[get("/open-data/ocds")]
pub async fn list_published_ocds(
    state: web::Data<AppState>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<serde_json::Value>>, ApiError> {
    let page = page.into_inner().resolve();
    Ok(web::Json(
        in_turn(ocds::published(&state.db, &state.settings, page)).await??,
    ))
}
