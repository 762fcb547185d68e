//! The pre-publication dialogue on the wire: consultations (here), the CCTP
//! and its rounds (`cctp`), contributions and their answers (`contribution`),
//! the audit trail and notifications (`journal`), export formats (`export`),
//! the guards of a fair dialogue (`fairness`). Everything is re-exported
//! here, so clients name `shared::consultation::X` whatever the file.

mod cctp;
mod contribution;
mod export;
mod fairness;
mod journal;

pub use cctp::*;
pub use contribution::*;
pub use export::*;
pub use fairness::*;
pub use journal::*;

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
    /// All the texts of one CCTP together: twice the largest real ones
    /// (150 pages, about 500 000 characters).
    pub const CCTP_TEXT: usize = 1_000_000;
    /// Contributions one company makes in one round: far above any real
    /// dialogue, a stop to a script flooding the agent.
    pub const CONTRIBUTIONS_PER_ROUND: u64 = 100;
    /// Replies on one contribution.
    pub const REPLIES_PER_CONTRIBUTION: u64 = 200;
    /// Notices to all companies in one consultation.
    pub const NOTICES_PER_CONSULTATION: u64 = 200;
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
            && bytes.get(8) == Some(&b'-')
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

crate::named::named! {
    /// Which companies a consultation concerns.
    #[derive(Default)]
    pub enum Visibility {
        /// Only companies whose CPV divisions and départements match.
        #[default]
        Targeted = "targeted": "Entreprises du domaine et du territoire",
        /// Every registered company.
        Open = "open": "Toutes les entreprises",
    }
}

crate::named::named! {
    pub enum ConsultationStatus {
        Draft = "draft": "Brouillon",
        InDialogue = "in_dialogue": "Dialogue en cours",
        BetweenRounds = "between_rounds": "Entre deux tours",
        AwaitingApproval = "awaiting_approval": "En attente de validation",
        Published = "published": "Publiée",
        Abandoned = "abandoned": "Abandonnée",
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
#[serde(default, deny_unknown_fields)]
pub struct CreateConsultationRequest {
    /// 1 to 200 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 200)
    )]
    pub title: String,
    /// Up to 5 000 characters.
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub summary: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub cpv_code: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub departement: String,
    /// The PFRA buyer who will approve publication.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub buyer_id: Option<Uuid>,
    pub visibility: Visibility,
}

/// Changes to a consultation's description; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct UpdateConsultationRequest {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub visibility: Option<Visibility>,
    /// `true` abandons the consultation (irreversible).
    pub abandon: bool,
}

/// What awaits the reader in a consultation: the work to do at a glance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityDto {
    /// Active contributions (staff only).
    pub contributions: Option<u64>,
    /// Active contributions without a decision yet (staff only).
    pub undecided: Option<u64>,
    /// The reader's unread notifications about this consultation (new
    /// answers, decisions, rounds).
    pub unread: u64,
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
    /// For a company reading one consultation: its pseudonym there, once it
    /// has contributed ("Entreprise B"). Absent in lists and for staff.
    pub you_appear_as: Option<String>,
    /// For staff reading one consultation sent back by the buyer: the
    /// buyer's comment, until publication is requested again.
    pub changes_requested: Option<String>,
    /// The final revision, once the agent requested publication: what the
    /// buyer approves, and once published, the CCTP that leaves the tool.
    pub publication: Option<PublicationDto>,
    pub activity: ActivityDto,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The final revision of a consultation whose publication was requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicationDto {
    /// Number of the final revision, frozen when publication was requested.
    pub revision: i32,
    /// The latest round companies contributed to: the final revision is
    /// compared with it. Absent when there was none.
    pub last_round: Option<i32>,
    /// Whether the buyer approved it (the consultation is published).
    pub approved: bool,
}

impl PublicationDto {
    /// The round to compare the final revision with, when they differ.
    pub fn compared_with(&self) -> Option<i32> {
        self.last_round.filter(|n| *n < self.revision)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct PublicationDecisionRequest {
    /// `true` approves and freezes the final revision; `false` requests changes.
    pub approve: bool,
    /// Mandatory when requesting changes.
    pub comment: String,
    /// The final revision the buyer read and decides on. Mandatory to
    /// approve; a decision naming another revision is refused (409).
    pub revision: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpv_codes_need_eight_digits_a_dash_a_check_digit_and_a_known_division() {
        assert_eq!(CpvCode::parse("72000000-5").unwrap().division(), "72");
        assert_eq!(CpvCode::parse("72000000").unwrap_err().code, "format");
        assert_eq!(CpvCode::parse("99000000-1").unwrap_err().code, "unknown");
    }
}
