//! The CCTP of a revision as a document: a title page (consultation, CPV
//! code and label, département, version, date), numbered sections and
//! clauses, the criteria table with weights.

use shared::consultation::{CctpContent, DocumentFormat};
use shared::reference::departement_name;

use super::document::Document;
use super::{ExportFile, date};
use crate::db::Db;
use crate::domain::access::ConsultationAccess;
use crate::domain::consultations::Phase;
use crate::domain::consultations::draft::parse_content;
use crate::domain::consultations::rounds::{latest_head, round_by_number};
use crate::domain::cpv;
use crate::domain::text::slug;
use crate::entities::{consultation, round};
use crate::error::ApiError;

/// The revision a reader may export: staff any (by default the latest, which
/// is the final one once publication is requested); a company only the final
/// revision of a published consultation.
async fn exportable(
    db: &Db,
    access: &ConsultationAccess,
    asked: Option<i32>,
) -> Result<round::Model, ApiError> {
    let latest = latest_head(db.conn(), access.id())
        .await?
        .ok_or_else(|| ApiError::Conflict("Aucune révision du CCTP n'est encore publiée.".into()))?
        .number;
    let number = asked.unwrap_or(latest);
    if !access.is_staff() {
        let published = access.consultation().phase == Phase::Published;
        if !published || number != latest {
            return Err(ApiError::Forbidden);
        }
    }
    round_by_number(db.conn(), access.id(), number).await
}

pub fn document(
    c: &consultation::Model,
    revision: &round::Model,
    content: &CctpContent,
) -> Document {
    let version = match (revision.for_publication, c.phase) {
        (true, Phase::Published) => format!("Révision {} — CCTP final validé", revision.number),
        (true, _) => format!("Révision {} — soumise pour publication", revision.number),
        (false, _) => format!(
            "Révision {} — projet soumis au tour {}",
            revision.number, revision.number
        ),
    };
    let mut doc = Document {
        title: c.title.clone(),
        title_page: vec![
            "Cahier des clauses techniques particulières (CCTP)".to_owned(),
            format!(
                "Code CPV : {} — {}",
                c.cpv_code,
                cpv::label(&c.cpv_code).unwrap_or_default()
            ),
            format!(
                "Département : {} ({})",
                departement_name(&c.departement).unwrap_or_default(),
                c.departement
            ),
            format!("Version : {version}"),
            format!("Date : {}", date(revision.opened_at)),
            format!("Objet : {}", c.summary),
        ],
        blocks: Vec::new(),
    };
    for (index, section) in content.sections.iter().enumerate() {
        doc.heading(1, format!("{}. {}", index.saturating_add(1), section.title));
        for clause in &section.clauses {
            doc.heading(2, format!("{} — {}", clause.number, clause.title));
            doc.paragraph(clause.text.clone());
        }
    }
    doc.heading(1, "Critères de jugement des offres");
    doc.table(
        &["Critère", "Description", "Pondération"],
        content
            .criteria
            .iter()
            .map(|k| {
                vec![
                    k.name.clone(),
                    k.description.clone(),
                    format!("{} %", k.weight),
                ]
            })
            .collect(),
    );
    doc
}

pub async fn export(
    db: &Db,
    access: &ConsultationAccess,
    asked: Option<i32>,
    format: DocumentFormat,
) -> Result<ExportFile, ApiError> {
    let revision = exportable(db, access, asked).await?;
    let content = parse_content(&revision.content)?;
    let c = access.consultation();
    Ok(ExportFile::new(
        format!(
            "cctp-{}-v{}.{}",
            slug(&c.title),
            revision.number,
            format.extension()
        ),
        format.content_type(),
        document(c, &revision, &content).render(format)?,
    ))
}
