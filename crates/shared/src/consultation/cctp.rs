//! The CCTP itself: sections, clauses, weighted criteria; the working draft,
//! rounds, frozen revisions and the differences between them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Clause {
    /// Stable across revisions; omit it for a new clause.
    #[serde(default)]
    pub id: Option<Uuid>,
    /// Number such as `3.2`.
    pub number: String,
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Section {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub title: String,
    #[serde(default)]
    pub clauses: Vec<Clause>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Weight in percent (1 to 100); the weights sum to 100 in every revision
    /// (a draft may be saved before they do).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub weight: u32,
}

/// The CCTP: ordered sections of ordered clauses, and evaluation criteria.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "sections": [{"id": null, "title": "Objet", "clauses": [
        {"id": null, "number": "1.1", "title": "Périmètre", "text": "Le marché porte sur 400 postes."}
    ]}],
    "criteria": [
        {"id": null, "name": "Prix", "description": "", "weight": 40},
        {"id": null, "name": "Valeur technique", "description": "Méthodologie", "weight": 60}
    ]
})))]
#[serde(default, deny_unknown_fields)]
pub struct CctpContent {
    pub sections: Vec<Section>,
    pub criteria: Vec<Criterion>,
}

impl CctpContent {
    pub fn clauses(&self) -> impl Iterator<Item = (&Section, &Clause)> {
        self.sections
            .iter()
            .flat_map(|s| s.clauses.iter().map(move |c| (s, c)))
    }
}

/// The working draft; `version` is also its `ETag`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftDto {
    pub version: i64,
    pub content: CctpContent,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "closes_at": "2026-12-15T17:00:00Z",
    "changelog": "Prise en compte des remarques sur les délais d'intervention."
})))]
#[serde(default, deny_unknown_fields)]
pub struct OpenRoundRequest {
    /// Deadline for contributions; must be in the future.
    pub closes_at: Option<DateTime<Utc>>,
    pub changelog: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundDto {
    pub number: i32,
    pub opened_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// Set when the agent closed the round before its deadline.
    pub closed_early_at: Option<DateTime<Utc>>,
    pub changelog: String,
    /// Computed from the clock: open until the deadline or an early close.
    pub is_open: bool,
    /// A final revision, frozen when the agent requested publication:
    /// readable by everyone, opening no contribution window.
    pub for_publication: bool,
}

/// A frozen revision: the CCTP as published when round `number` opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevisionDto {
    pub round: RoundDto,
    pub content: CctpContent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Moved,
    Modified,
    MovedAndModified,
}

impl ChangeKind {
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Added => "Ajout",
            Self::Removed => "Suppression",
            Self::Moved => "Déplacement",
            Self::Modified => "Modification",
            Self::MovedAndModified => "Déplacement et modification",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WordOp {
    Equal,
    Insert,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WordChange {
    pub op: WordOp,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemChange {
    pub id: Uuid,
    pub change: ChangeKind,
    /// Clause number or criterion name, before and after.
    pub label_before: Option<String>,
    pub label_after: Option<String>,
    /// Word-level changes of the clause title or criterion name.
    pub title: Vec<WordChange>,
    /// Word-level changes of the text (clauses) or description (criteria),
    /// whitespace and line breaks included as typed.
    pub text: Vec<WordChange>,
    /// Criteria only.
    pub weight_before: Option<u32>,
    pub weight_after: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiffDto {
    pub from: i32,
    pub to: i32,
    pub clauses: Vec<ItemChange>,
    pub criteria: Vec<ItemChange>,
}
