//! What makes a contribution valid, checked against the revision of the
//! open round it reacts to.

use shared::FieldError;
use shared::auth::Validator;
use shared::consultation::{
    CctpContent, ContributionKind, ContributionRequest, CostDirection, TargetKind, limits,
};
use uuid::Uuid;

use crate::domain::text::text;
use crate::error::ApiError;

pub struct ValidContribution {
    pub target_kind: TargetKind,
    pub target_id: Option<Uuid>,
    pub kind: ContributionKind,
    pub body: String,
    pub justification: String,
    pub cost_direction: Option<CostDirection>,
    pub proposed_text: Option<String>,
    pub proposed_weight: Option<u32>,
    pub confidential: bool,
}

fn is_alternative(kind: ContributionKind) -> bool {
    matches!(
        kind,
        ContributionKind::AlternativeClause | ContributionKind::AlternativeCriterion
    )
}

/// The clause or criterion aimed at exists in the revision.
fn check_target(
    v: &mut Validator,
    target_kind: TargetKind,
    target_id: Option<Uuid>,
    revision: &CctpContent,
) {
    let found = |exists: bool| target_id.is_some() && exists;
    match target_kind {
        TargetKind::Document if target_id.is_some() => v.push(FieldError::new(
            "target_id",
            "unexpected",
            "Une contribution sur le document entier ne vise pas de clause.",
        )),
        TargetKind::Clause if !found(revision.clauses().any(|(_, c)| c.id == target_id)) => {
            v.push(FieldError::new(
                "target_id",
                "unknown",
                "Cette clause n'existe pas dans la révision en cours.",
            ))
        }
        TargetKind::Criterion if !found(revision.criteria.iter().any(|c| c.id == target_id)) => v
            .push(FieldError::new(
                "target_id",
                "unknown",
                "Ce critère n'existe pas dans la révision en cours.",
            )),
        TargetKind::Document | TargetKind::Clause | TargetKind::Criterion => {}
    }
}

/// An alternative replaces what it aims at, so it aims at the right kind.
fn check_kind_fits_target(v: &mut Validator, kind: ContributionKind, target_kind: TargetKind) {
    match kind {
        ContributionKind::AlternativeClause if target_kind != TargetKind::Clause => {
            v.push(FieldError::new(
                "target_kind",
                "mismatch",
                "Une rédaction alternative vise une clause.",
            ))
        }
        ContributionKind::AlternativeCriterion if target_kind != TargetKind::Criterion => {
            v.push(FieldError::new(
                "target_kind",
                "mismatch",
                "Un critère alternatif vise un critère.",
            ))
        }
        _ => {}
    }
}

/// An alternative criterion proposes a weight in percent; others none.
fn proposed_weight(
    v: &mut Validator,
    kind: ContributionKind,
    requested: Option<u32>,
) -> Option<u32> {
    if kind != ContributionKind::AlternativeCriterion {
        return None;
    }
    match requested {
        Some(w @ 1..=100) => Some(w),
        Some(_) => {
            v.push(FieldError::new(
                "proposed_weight",
                "range",
                "Le poids proposé est un pourcentage entre 1 et 100.",
            ));
            None
        }
        None => {
            v.push(FieldError::new(
                "proposed_weight",
                "required",
                "Indiquez le poids proposé : un pourcentage entre 1 et 100.",
            ));
            None
        }
    }
}

/// Cost direction (all but clarifications) and confidentiality (solutions only).
fn check_cost_and_confidentiality(
    v: &mut Validator,
    kind: ContributionKind,
    request: &ContributionRequest,
) {
    if kind != ContributionKind::Clarification && request.cost_direction.is_none() {
        v.push(FieldError::new(
            "cost_direction",
            "required",
            "Indiquez l'effet attendu sur le coût (hausse, baisse, neutre ou inconnu).",
        ));
    }
    if request.confidential && kind != ContributionKind::Solution {
        v.push(FieldError::new(
            "confidential",
            "not_allowed",
            "Seule une solution peut être confidentielle.",
        ));
    }
}

/// The rules of a contribution, against the revision of the open round.
pub fn validate(
    request: &ContributionRequest,
    revision: &CctpContent,
) -> Result<ValidContribution, ApiError> {
    let mut v = Validator::default();
    let body = v.field("body", text(&request.body, limits::BODY, true));
    let justification = v.field(
        "justification",
        text(&request.justification, limits::BODY, true),
    );
    let proposed_text = match request.proposed_text.as_deref() {
        Some(t) => v
            .field("proposed_text", text(t, limits::CLAUSE_TEXT, false))
            .filter(|t| !t.is_empty()),
        None => None,
    };
    let Some(kind) = request.kind else {
        v.push(FieldError::new(
            "kind",
            "required",
            "Choisissez le type de contribution.",
        ));
        return v.finish(None).map_err(ApiError::Validation);
    };
    let target_kind = request.target_kind.unwrap_or(TargetKind::Document);
    check_target(&mut v, target_kind, request.target_id, revision);
    check_kind_fits_target(&mut v, kind, target_kind);
    if is_alternative(kind) && proposed_text.is_none() {
        v.push(FieldError::new(
            "proposed_text",
            "required",
            "Proposez le texte de remplacement.",
        ));
    }
    let proposed_weight = proposed_weight(&mut v, kind, request.proposed_weight);
    check_cost_and_confidentiality(&mut v, kind, request);
    // Only solutions and alternatives carry a proposed text.
    let keeps_text = is_alternative(kind) || kind == ContributionKind::Solution;
    let valid = (|| {
        Some(ValidContribution {
            target_kind,
            target_id: request.target_id,
            kind,
            body: body?,
            justification: justification?,
            cost_direction: request.cost_direction,
            proposed_text: if keeps_text { proposed_text } else { None },
            proposed_weight,
            confidential: request.confidential,
        })
    })();
    v.finish(valid).map_err(ApiError::Validation)
}
