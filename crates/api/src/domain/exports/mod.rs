//! Files that leave the tool for the formal procedure, the procurement file
//! and open-data platforms: the CCTP of a revision (`cctp`), the sourcing
//! report (`report`), the contributions as a table (`table`) and the OCDS
//! release package (`ocds`). Text documents are built once (`document`) and
//! rendered in each format.
//!
//! No export names a company: companies appear under their pseudonym, as in
//! every response of the API.

pub mod cctp;
pub mod document;
mod docx;
mod markdown;
pub mod ocds;
mod odt;
pub mod report;
pub mod table;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};
use shared::consultation::{CctpContent, ContributionDto, DocumentFormat, TargetKind};
use std::collections::HashMap;
use uuid::Uuid;

use crate::domain::consultations::draft::parse_content;
use crate::domain::editions::ByEdition;
use crate::entities::round;
use crate::error::ApiError;

/// A dialogue-wide export, kept by edition (`editions`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Export {
    Contributions,
    SourcingReport(DocumentFormat),
    Ocds,
}

/// The dialogue-wide exports this instance built.
pub type ExportCache = ByEdition<Export, ExportFile>;

/// The bytes kept at most per instance. The files of the national data
/// set's 5 000-contribution consultation weigh 0.1 MB (sourcing report,
/// DOCX) to 1.5 MB (the same in Markdown); the table 1.2 MB and the OCDS
/// package 0.4 MB. The whole stays within the service's 100 MB.
const KEPT_BYTES: u64 = 24 * 1024 * 1024;

impl Default for ExportCache {
    fn default() -> Self {
        Self::new(KEPT_BYTES, |file| {
            u32::try_from(file.bytes.len()).unwrap_or(u32::MAX)
        })
    }
}

/// A file to download, with the name it is saved under.
#[derive(Clone)]
pub struct ExportFile {
    pub file_name: String,
    pub content_type: &'static str,
    /// Shared, not copied, when a kept file is sent again.
    pub bytes: Bytes,
    /// The bytes' SHA-256, computed once with them: the file's version,
    /// which a client holding a copy sends back to skip the download.
    pub digest: [u8; 32],
}

impl ExportFile {
    pub fn new(file_name: String, content_type: &'static str, bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        Self {
            digest: Sha256::digest(&bytes).into(),
            file_name,
            content_type,
            bytes,
        }
    }
}

/// `29/11/2026`, as French administrative documents write dates.
pub fn date(at: DateTime<Utc>) -> String {
    at.format("%d/%m/%Y").to_string()
}

/// `29/11/2026 à 14 h 05 (UTC)`.
pub fn date_time(at: DateTime<Utc>) -> String {
    at.format("%d/%m/%Y à %H h %M (UTC)").to_string()
}

/// Every revision of a consultation, oldest first, with its content.
pub async fn revisions(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
) -> Result<Vec<(round::Model, CctpContent)>, ApiError> {
    round::Entity::find()
        .filter(round::Column::ConsultationId.eq(consultation_id))
        .order_by_asc(round::Column::Number)
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            let content = parse_content(&r.content)?;
            Ok((r, content))
        })
        .collect()
}

/// How the passage a contribution reacts to is named in a document
/// ("Clause 1.2 — Délais"), from the latest revision that holds it.
pub struct TargetNames(HashMap<Uuid, String>);

impl TargetNames {
    pub fn of(revisions: &[(round::Model, CctpContent)]) -> Self {
        let mut names = HashMap::new();
        for (_, content) in revisions {
            for clause in content.sections.iter().flat_map(|s| &s.clauses) {
                if let Some(id) = clause.id {
                    names.insert(id, format!("Clause {} — {}", clause.number, clause.title));
                }
            }
            for criterion in &content.criteria {
                if let Some(id) = criterion.id {
                    names.insert(id, format!("Critère « {} »", criterion.name));
                }
            }
        }
        Self(names)
    }

    pub fn name(&self, contribution: &ContributionDto) -> String {
        self.name_of(contribution.target_kind, contribution.target_id)
    }

    pub fn name_of(&self, kind: TargetKind, id: Option<Uuid>) -> String {
        match (kind, id) {
            (TargetKind::Document, _) | (_, None) => "Le CCTP dans son ensemble".to_owned(),
            (_, Some(id)) => self
                .0
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "Passage supprimé depuis".to_owned()),
        }
    }
}
