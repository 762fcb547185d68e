//! The guards of a fair dialogue (code de la commande publique, R2111-1,
//! R2111-2, R2111-7): what every company was told and when (equal
//! information), and what the specification took from whom (the
//! tailored-specification detector).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{AuthorDto, ContributionKind, DecisionKind, TargetKind};
use crate::brands::BrandReason;

/// Information the agent gives every company at once.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "body": "Le parc compte 420 postes et non 400 : l'inventaire est joint au CCTP.",
    "clause_id": null
})))]
#[serde(default, deny_unknown_fields)]
pub struct NoticeRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub body: String,
    /// A clause of the latest revision the notice is about, if any.
    pub clause_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeDto {
    pub id: Uuid,
    /// The latest round when it was published.
    pub round: i32,
    pub clause_id: Option<Uuid>,
    /// The clause's number in that round's revision ("3.2").
    pub clause_number: Option<String>,
    pub body: String,
    pub published_at: DateTime<Utc>,
}

/// A new deadline for the open round; later than the current one.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "closes_at": "2026-12-22T17:00:00Z"
})))]
#[serde(default, deny_unknown_fields)]
pub struct DeadlineRequest {
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub closes_at: Option<DateTime<Utc>>,
}

crate::named::named! {
    /// Information every company received.
    pub enum PublicInformationKind {
        Answer = "answer": "Réponse publique",
        Notice = "notice": "Information à toutes les entreprises",
    }
}

/// A public answer or notice, placed against the deadline of the round
/// during which it was published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicInformationDto {
    pub kind: PublicInformationKind,
    /// The notice, or the contribution answered.
    pub id: Uuid,
    pub round: i32,
    pub published_at: DateTime<Utc>,
    /// That round's deadline as it stands (after any extension).
    pub round_closes_at: DateTime<Utc>,
    /// Whole hours from publication to that deadline (negative: after it).
    pub hours_before_deadline: i64,
    /// Published while the round was open, less than the configured number
    /// of days before its deadline: companies had little time to use it.
    pub late: bool,
    pub body: String,
}

/// A reply of the agent to one company only, about a contribution every
/// company can read: the buyer checks it gave no information on the need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrivateReplyDto {
    pub reply_id: Uuid,
    pub contribution_id: Uuid,
    pub contribution_round: i32,
    pub contribution_kind: ContributionKind,
    /// The contribution's author, by pseudonym.
    pub addressee: AuthorDto,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// Late information in the open round, and the deadline that would give
/// every company the configured number of days again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LateInformationDto {
    pub round: i32,
    pub closes_at: DateTime<Utc>,
    /// The latest late publication plus the configured days.
    pub suggested_closes_at: DateTime<Utc>,
    /// How many public answers and notices are late.
    pub items: u32,
}

/// What the companies were told, and how: for the owner agent and the
/// assigned buyer (at approval).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EqualInformationDto {
    /// Information published fewer days than this before a deadline is late.
    pub late_information_days: u32,
    pub public_information: Vec<PublicInformationDto>,
    pub private_replies: Vec<PrivateReplyDto>,
    /// Set while the open round has late information and its deadline was
    /// not pushed back far enough.
    pub late_in_open_round: Option<LateInformationDto>,
}

/// A new or changed clause or criterion whose wording comes from a
/// contribution of an earlier round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvenanceDto {
    /// The revision that made the change.
    pub revision: i32,
    pub target_kind: TargetKind,
    pub target_id: Uuid,
    /// Clause number or criterion name in that revision.
    pub label: String,
    pub contribution_id: Uuid,
    pub author: AuthorDto,
    pub contribution_round: i32,
    /// How much of the new wording the contribution's text accounts for,
    /// in percent (word-level similarity); 0 when only the weight was taken.
    pub similarity: u8,
    /// Criteria: the new weight is the one this alternative proposed.
    pub weight_taken: bool,
}

impl ProvenanceDto {
    /// "reprend la proposition d'Entreprise B (tour 1) à 87 %".
    pub fn sentence(&self) -> String {
        let who = format!("{} (tour {})", self.author.label, self.contribution_round);
        let whose = format!("la proposition d'{who}");
        match (self.similarity, self.weight_taken) {
            (0, _) => format!("reprend le poids proposé par {who}"),
            (s, true) => format!("reprend {whose} à {s} %, poids compris"),
            (s, false) => format!("reprend {whose} à {s} %"),
        }
    }
}

crate::named::named! {
    /// What became of a decision that named a revision.
    pub enum DecisionOutcome {
        /// The revision takes the contribution's wording.
        Taken = "taken": "Reprise dans la révision",
        /// The target changed, but not from this contribution's wording.
        Changed = "changed": "Clause modifiée autrement",
        /// The target did not change at all.
        Unchanged = "unchanged": "Acceptée mais la clause n'a pas changé",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionCheckDto {
    pub contribution_id: Uuid,
    pub author: AuthorDto,
    pub decision: DecisionKind,
    pub revision: i32,
    pub label: String,
    pub outcome: DecisionOutcome,
}

/// The part of the changes since the first revision one company accounts for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareDto {
    pub author: AuthorDto,
    /// Changed words (inserted or deleted) attributed to it.
    pub changed_words: u32,
    pub percent: u8,
    /// Clause numbers and criterion names concerned.
    pub labels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrandFlagDto {
    pub target_id: Uuid,
    /// Clause number.
    pub label: String,
    pub reason: BrandReason,
    /// The words found, as written.
    pub text: String,
    /// For a name only one company used: that company.
    pub author: Option<AuthorDto>,
}

crate::named::named! {
    pub enum FairnessWarningKind {
        Concentration = "concentration": "Concentration des apports",
        WeightFromAlternative = "weight_from_alternative": "Pondération reprise d'une seule entreprise",
        Brand = "brand": "Marque ou procédé sans « ou équivalent »",
        DecisionNotApplied = "decision_not_applied": "Décision sans effet sur la clause",
    }
}

/// A warning of the detector. It never blocks; the agent acknowledges it
/// with a comment before asking for publication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FairnessWarningDto {
    /// Stable while the cause stays: what an acknowledgement covers.
    pub key: String,
    pub kind: FairnessWarningKind,
    pub message: String,
    pub labels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcknowledgementDto {
    pub comment: String,
    /// The warnings it covers, by key.
    pub keys: Vec<String>,
    pub at: DateTime<Utc>,
}

/// What the specification took from whom: for the owner agent and the
/// assigned buyer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FairnessDto {
    /// The revision examined: the final one once publication is requested;
    /// absent when the examination is of the working draft.
    pub revision: Option<i32>,
    /// Above this share of the changes from one company, a warning.
    pub concentration_threshold: u8,
    pub provenance: Vec<ProvenanceDto>,
    pub decisions: Vec<DecisionCheckDto>,
    pub shares: Vec<ShareDto>,
    pub brands: Vec<BrandFlagDto>,
    pub warnings: Vec<FairnessWarningDto>,
    pub acknowledgement: Option<AcknowledgementDto>,
    /// Warnings the latest acknowledgement does not cover.
    pub unacknowledged: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct AcknowledgementRequest {
    /// Why the warnings do not distort competition, or what was done.
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub comment: String,
}
