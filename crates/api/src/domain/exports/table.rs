//! The contributions as a spreadsheet: CSV in UTF-8 with a byte order mark
//! and `;` between fields, which is what LibreOffice and a French Excel open
//! as columns without an import dialog. One row per active contribution;
//! dates as `2026-11-29 14:05` (UTC), which spreadsheets read and sort.

use chrono::{DateTime, Utc};
use shared::Named;
use shared::consultation::ContributionDto;

use super::{Export, ExportCache, ExportFile, TargetNames, revisions};
use crate::db::Db;
use crate::domain::access::ConsultationAccess;
use crate::domain::anonymity::Labels;
use crate::domain::contributions::views;
use crate::domain::text::slug;
use crate::error::ApiError;

const HEADER: [&str; 17] = [
    "Entreprise (pseudonyme)",
    "Tour",
    "Cible",
    "Passage",
    "Type",
    "Effet sur le coût",
    "Confidentielle",
    "Contribution",
    "Justification",
    "Rédaction proposée",
    "Pondération proposée",
    "Décision",
    "Motif de la décision",
    "Intégrée à la révision",
    "Déposée le (UTC)",
    "Répondue le (UTC)",
    "Décidée le (UTC)",
];

/// A date spreadsheets read as a date and sort: `2026-11-29 14:05`.
fn sortable(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

fn row(c: &ContributionDto, target: String) -> Vec<String> {
    let when = |at: Option<DateTime<Utc>>| at.map(sortable).unwrap_or_default();
    vec![
        c.author.label.clone(),
        c.round.to_string(),
        c.target_kind.label_fr().to_owned(),
        target,
        c.kind.label_fr().to_owned(),
        c.cost_direction
            .map(|d| d.label_fr().to_owned())
            .unwrap_or_default(),
        if c.confidential { "oui" } else { "non" }.to_owned(),
        c.body.clone(),
        c.justification.clone(),
        c.proposed_text.clone().unwrap_or_default(),
        c.proposed_weight
            .map(|w| format!("{w} %"))
            .unwrap_or_default(),
        c.decision
            .as_ref()
            .map(|d| d.decision.label_fr().to_owned())
            .unwrap_or_default(),
        c.decision
            .as_ref()
            .map(|d| d.rationale.clone())
            .unwrap_or_default(),
        c.decision
            .as_ref()
            .and_then(|d| d.integrated_in_round)
            .map(|n| n.to_string())
            .unwrap_or_default(),
        sortable(c.created_at),
        when(c.answered_at),
        when(c.decision.as_ref().map(|d| d.decided_at)),
    ]
}

/// The table of a consultation's active contributions (staff only).
pub async fn export(
    db: &Db,
    cache: &ExportCache,
    access: &ConsultationAccess,
) -> Result<ExportFile, ApiError> {
    access.require_staff()?;
    cache
        .get(db.conn(), access, Export::Contributions, || {
            build(db, access)
        })
        .await
}

async fn build(db: &Db, access: &ConsultationAccess) -> Result<ExportFile, ApiError> {
    let c = access.consultation();
    let revisions = revisions(db.conn(), c.id).await?;
    let targets = TargetNames::of(&revisions);
    let labels = Labels::for_record(db.conn(), c).await?;
    let contributions = views::for_record(db, &labels, access).await?;
    let failed = |e: csv::Error| ApiError::Unexpected(anyhow::anyhow!("writing the CSV: {e}"));
    // The byte order mark tells spreadsheets the file is UTF-8.
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(HEADER).map_err(failed)?;
    for contribution in &contributions {
        let target = targets.name(contribution);
        writer
            .write_record(row(contribution, target))
            .map_err(failed)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("writing the CSV: {e}")))?;
    Ok(ExportFile::new(
        format!("contributions-{}.csv", slug(&c.title)),
        "text/csv; charset=utf-8",
        bytes,
    ))
}
