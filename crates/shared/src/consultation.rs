//! The pre-publication dialogue: consultations, CCTP drafts and revisions,
//! rounds, contributions, replies, decisions, diffs, events, notifications.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::types::Invalid;

/// Longest accepted texts, in characters (documented in the API).
pub mod limits {
    pub const TITLE: usize = 200;
    pub const SUMMARY: usize = 5_000;
    pub const CLAUSE_TEXT: usize = 20_000;
    pub const BODY: usize = 10_000;
    pub const CHANGELOG: usize = 5_000;
    pub const SECTIONS: usize = 100;
    pub const CLAUSES_PER_SECTION: usize = 200;
    pub const CRITERIA: usize = 30;
}

/// A full CPV 2008 code: 8 digits, a dash and a check digit (`72000000-5`),
/// whose division (first two digits) exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CpvCode(String);

impl CpvCode {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = input.trim();
        if code.is_empty() {
            return Err(Invalid {
                code: "required",
                message: "Ce champ est obligatoire.".into(),
            });
        }
        let bytes = code.as_bytes();
        let well_formed = bytes.len() == 10
            && bytes[8] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 8 || b.is_ascii_digit());
        if !well_formed {
            return Err(Invalid {
                code: "format",
                message: "Le code CPV doit avoir la forme 72000000-5 (8 chiffres, un tiret, un chiffre de contrôle).".into(),
            });
        }
        if crate::reference::cpv_division_label(&code[..2]).is_none() {
            return Err(Invalid {
                code: "unknown",
                message: format!("La division CPV « {} » n'existe pas.", &code[..2]),
            });
        }
        Ok(Self(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn division(&self) -> &str {
        &self.0[..2]
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Only companies whose CPV divisions and départements match.
    #[default]
    Targeted,
    /// Every registered company.
    Open,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsultationStatus {
    Draft,
    InDialogue,
    BetweenRounds,
    AwaitingApproval,
    Published,
    Abandoned,
}

impl ConsultationStatus {
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Draft => "Brouillon",
            Self::InDialogue => "Dialogue en cours",
            Self::BetweenRounds => "Entre deux tours",
            Self::AwaitingApproval => "En attente de validation",
            Self::Published => "Publiée",
            Self::Abandoned => "Abandonnée",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "title": "Maintenance du parc informatique de la préfecture",
    "summary": "Maintenance préventive et curative de 400 postes de travail.",
    "cpv_code": "72000000-5",
    "departement": "69",
    "buyer_id": "0f5c2c1e-6f1b-4a7e-9d1f-2b8c7a1d4e10",
    "visibility": "targeted"
})))]
#[serde(default)]
pub struct CreateConsultationRequest {
    /// 1 to 200 characters.
    pub title: String,
    /// Up to 5 000 characters.
    pub summary: String,
    pub cpv_code: String,
    pub departement: String,
    /// The PFRA buyer who will approve publication.
    pub buyer_id: Option<Uuid>,
    pub visibility: Visibility,
}

/// Changes to a consultation's description; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct UpdateConsultationRequest {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub visibility: Option<Visibility>,
    /// `true` abandons the consultation (irreversible).
    pub abandon: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationDto {
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    pub cpv_code: String,
    pub cpv_label: String,
    pub departement: String,
    pub departement_name: String,
    pub visibility: Visibility,
    pub status: ConsultationStatus,
    /// Name of the agent who runs the dialogue.
    pub owner_name: String,
    pub buyer_name: String,
    pub current_round: Option<RoundDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
pub struct Section {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub title: String,
    #[serde(default)]
    pub clauses: Vec<Clause>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Weight in percent; the weights of a draft sum to 100.
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
#[serde(default)]
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
#[serde(default)]
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
    /// Word-level changes of the text (clauses) or description (criteria).
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum ContributionKind {
    Solution,
    Clarification,
    AlternativeClause,
    AlternativeCriterion,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum CostDirection {
    Increase,
    Decrease,
    Neutral,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Clause,
    Criterion,
    Document,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum ContributionStatus {
    Active,
    Withdrawn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Accepted,
    PartiallyAccepted,
    Rejected,
    Answered,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "target_kind": "clause",
    "target_id": "6a1f0c7e-3b7d-4c55-9e0a-1d2f3a4b5c6d",
    "kind": "alternative_clause",
    "body": "Un délai d'intervention de 8 h ouvrées suffit pour les postes non critiques.",
    "justification": "Le délai de 4 h impose une astreinte coûteuse sans gain pour l'usager.",
    "cost_direction": "decrease",
    "proposed_text": "Le titulaire intervient sous 8 heures ouvrées.",
    "confidential": false
})))]
#[serde(default)]
pub struct ContributionRequest {
    pub target_kind: Option<TargetKind>,
    /// Clause or criterion id of the current revision; absent for the whole document.
    pub target_id: Option<Uuid>,
    pub kind: Option<ContributionKind>,
    pub body: String,
    pub justification: String,
    /// Mandatory except for clarifications.
    pub cost_direction: Option<CostDirection>,
    /// Required for alternatives.
    pub proposed_text: Option<String>,
    /// Required for an alternative criterion (percent).
    pub proposed_weight: Option<u32>,
    /// Solutions only: seen by the owner agent and the buyer alone.
    pub confidential: bool,
}

/// Who wrote something, as the reader may know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthorDto {
    /// "Entreprise B", "L'agent", or "Vous".
    pub label: String,
    /// True when the reader wrote it.
    pub is_you: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyDto {
    pub id: Uuid,
    pub author: AuthorDto,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionDto {
    pub decision: DecisionKind,
    pub rationale: String,
    pub integrated_in_round: Option<i32>,
    pub decided_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContributionDto {
    pub id: Uuid,
    pub consultation_id: Uuid,
    pub round: i32,
    pub target_kind: TargetKind,
    pub target_id: Option<Uuid>,
    pub kind: ContributionKind,
    pub body: String,
    pub justification: String,
    pub cost_direction: Option<CostDirection>,
    pub proposed_text: Option<String>,
    pub proposed_weight: Option<u32>,
    pub confidential: bool,
    pub status: ContributionStatus,
    pub author: AuthorDto,
    pub decision: Option<DecisionDto>,
    pub replies: Vec<ReplyDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReplyRequest {
    pub body: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "decision": "partially_accepted",
    "rationale": "Le délai passe à 8 h pour les postes non critiques seulement.",
    "integrated_in_round": 2
})))]
#[serde(default)]
pub struct DecisionRequest {
    pub decision: Option<DecisionKind>,
    pub rationale: String,
    pub integrated_in_round: Option<i32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PublicationDecisionRequest {
    /// `true` approves and freezes the final revision; `false` requests changes.
    pub approve: bool,
    /// Mandatory when requesting changes.
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventDto {
    pub at: DateTime<Utc>,
    /// "L'agent", "L'acheteur", "Entreprise B", "Administrateur".
    pub actor: String,
    pub action: EventAction,
    pub detail: String,
}

/// What an entry of the audit trail records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum EventAction {
    ConsultationCreated,
    ConsultationUpdated,
    ConsultationAbandoned,
    DraftSaved,
    RoundOpened,
    RoundClosed,
    ContributionCreated,
    ContributionEdited,
    ContributionWithdrawn,
    ReplyPosted,
    DecisionMade,
    PublicationRequested,
    PublicationApproved,
    ChangesRequested,
}

impl EventAction {
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::ConsultationCreated => "Consultation créée",
            Self::ConsultationUpdated => "Consultation modifiée",
            Self::ConsultationAbandoned => "Consultation abandonnée",
            Self::DraftSaved => "Brouillon enregistré",
            Self::RoundOpened => "Tour ouvert",
            Self::RoundClosed => "Tour clos",
            Self::ContributionCreated => "Contribution déposée",
            Self::ContributionEdited => "Contribution modifiée",
            Self::ContributionWithdrawn => "Contribution retirée",
            Self::ReplyPosted => "Réponse publiée",
            Self::DecisionMade => "Décision rendue",
            Self::PublicationRequested => "Publication demandée",
            Self::PublicationApproved => "Publication validée",
            Self::ChangesRequested => "Modifications demandées",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationDto {
    pub id: Uuid,
    pub consultation_id: Uuid,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationsDto {
    pub unread: u64,
    pub items: Vec<NotificationDto>,
}

/// Counts for one target (clause, criterion or the document) in one round.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SynthesisRow {
    pub round: i32,
    pub target_kind: Option<TargetKind>,
    pub target_id: Option<Uuid>,
    pub solutions: u32,
    pub clarifications: u32,
    pub alternatives: u32,
    pub cost_increase: u32,
    pub cost_decrease: u32,
    pub cost_neutral: u32,
    pub cost_unknown: u32,
    pub accepted: u32,
    pub partially_accepted: u32,
    pub rejected: u32,
    pub answered: u32,
    pub undecided: u32,
}

/// The n-th company of a consultation: A, B, … Z, AA, AB…
pub fn pseudonym(index: u32) -> String {
    let mut n = index;
    let mut letters = Vec::new();
    loop {
        letters.push(char::from(b'A' + (n % 26) as u8));
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    letters.reverse();
    format!("Entreprise {}", letters.into_iter().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_run_from_a_to_z_then_aa() {
        assert_eq!(pseudonym(0), "Entreprise A");
        assert_eq!(pseudonym(1), "Entreprise B");
        assert_eq!(pseudonym(25), "Entreprise Z");
        assert_eq!(pseudonym(26), "Entreprise AA");
        assert_eq!(pseudonym(27), "Entreprise AB");
    }

    #[test]
    fn cpv_codes_need_eight_digits_a_dash_a_check_digit_and_a_known_division() {
        assert_eq!(CpvCode::parse("72000000-5").unwrap().division(), "72");
        assert_eq!(CpvCode::parse("72000000").unwrap_err().code, "format");
        assert_eq!(CpvCode::parse("99000000-1").unwrap_err().code, "unknown");
    }
}
