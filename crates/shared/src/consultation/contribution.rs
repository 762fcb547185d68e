//! Contributions of companies, replies, decisions, the synthesis and pseudonyms.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::named::named! {
    pub enum ContributionKind {
        Solution = "solution": "Solution",
        Clarification = "clarification": "Demande de précision",
        AlternativeClause = "alternative_clause": "Rédaction alternative",
        AlternativeCriterion = "alternative_criterion": "Critère alternatif",
    }
}

crate::named::named! {
    pub enum CostDirection {
        Increase = "increase": "↑ Hausse du coût",
        Decrease = "decrease": "↓ Baisse du coût",
        Neutral = "neutral": "= Sans effet sur le coût",
        Unknown = "unknown": "? Effet sur le coût inconnu",
    }
}

crate::named::named! {
    /// What a contribution reacts to.
    pub enum TargetKind {
        Clause = "clause": "Clause",
        Criterion = "criterion": "Critère",
        Document = "document": "Document entier",
    }
}

crate::named::named! {
    pub enum ContributionStatus {
        Active = "active": "Active",
        Withdrawn = "withdrawn": "Retirée",
    }
}

crate::named::named! {
    /// Who reads a reply. Equal treatment: what the agent tells one company
    /// about the need, it tells them all.
    pub enum ReplyAudience {
        Public = "public": "Toutes les entreprises",
        Author = "author": "L'auteur seulement",
    }
}

crate::named::named! {
    pub enum DecisionKind {
        Accepted = "accepted": "Retenue",
        PartiallyAccepted = "partially_accepted": "Retenue en partie",
        Rejected = "rejected": "Non retenue",
        Answered = "answered": "Répondu",
    }
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
#[serde(default, deny_unknown_fields)]
pub struct ContributionRequest {
    /// Absent for the whole document.
    pub target_kind: Option<TargetKind>,
    /// Clause or criterion id of the current revision; absent for the whole document.
    pub target_id: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub kind: Option<ContributionKind>,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub body: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub justification: String,
    /// Mandatory except for clarifications.
    pub cost_direction: Option<CostDirection>,
    /// Required for alternatives.
    pub proposed_text: Option<String>,
    /// Required for an alternative criterion (percent).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
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
    pub audience: ReplyAudience,
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
    /// When the owner agent first replied.
    pub answered_at: Option<DateTime<Utc>>,
    pub replies: Vec<ReplyDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ContributionDto {
    /// Answered or decided: the author may no longer edit or withdraw it (it
    /// may add a reply), so that an answer stays under its question.
    pub fn is_settled(&self) -> bool {
        self.answered_at.is_some() || self.decision.is_some()
    }

    /// Still waiting for the agent's decision: active and undecided (as the
    /// synthesis counts "sans décision").
    pub fn awaits_decision(&self) -> bool {
        self.status == ContributionStatus::Active && self.decision.is_none()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ReplyRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub body: String,
    /// The agent's choice: `public` by default and always for a
    /// clarification, `author` by default and always for a confidential
    /// solution. A company's reply reads as its contribution does (`public`).
    pub audience: Option<ReplyAudience>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "decision": "partially_accepted",
    "rationale": "Le délai passe à 8 h pour les postes non critiques seulement.",
    "integrated_in_round": 2
})))]
#[serde(default, deny_unknown_fields)]
pub struct DecisionRequest {
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub decision: Option<DecisionKind>,
    pub rationale: String,
    /// The revision that integrates it: one already frozen, or the next one
    /// (latest + 1) while the consultation can still be revised, so that
    /// "accepted, in the next revision" is recorded during the round.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub integrated_in_round: Option<i32>,
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
        let letter = u8::try_from(n % 26).unwrap_or(0);
        letters.push(char::from(b'A'.saturating_add(letter)));
        if n < 26 {
            break;
        }
        // n ≥ 26 here, so n / 26 ≥ 1: no underflow.
        n = (n / 26).saturating_sub(1);
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
}
