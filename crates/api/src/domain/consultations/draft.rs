//! The working draft of the CCTP: read by staff, saved by the owner agent
//! with optimistic concurrency (`If-Match` on its version), validated the
//! same way when saved and when frozen into a revision.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use shared::FieldError;
use shared::auth::Validator;
use shared::consultation::{
    CctpContent, Clause, Criterion, DraftDto, EventAction, Section, limits,
};
use uuid::Uuid;

use super::locked;
use crate::db::Db;
use crate::domain::access::{ConsultationAccess, OwnerCapability};
use crate::domain::journal;
use crate::domain::text::text_in_place;
use crate::entities::{consultation, consultation_draft};
use crate::error::ApiError;

/// Longest clause number ("2.3.1 bis").
const CLAUSE_NUMBER: usize = 20;

/// A CCTP as stored (draft or frozen revision).
pub fn parse_content(json: &str) -> Result<CctpContent, ApiError> {
    serde_json::from_str(json)
        .map_err(|e| ApiError::Unexpected(anyhow::Error::from(e).context("stored CCTP unreadable")))
}

/// A consultation's working draft, as stored.
pub async fn stored(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
) -> Result<CctpContent, ApiError> {
    let row = consultation_draft::Entity::find_by_id(consultation_id)
        .one(conn)
        .await?
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("consultation without a draft")))?;
    parse_content(&row.content)
}

/// The working draft; staff only, companies read published revisions.
pub async fn draft(db: &Db, access: &ConsultationAccess) -> Result<DraftDto, ApiError> {
    access.require_staff()?;
    Ok(DraftDto {
        version: access.consultation().draft_version,
        content: stored(db.conn(), access.id()).await?,
    })
}

fn at_most(v: &mut Validator, field: &str, count: usize, max: usize, what: &str) {
    if count > max {
        v.push(FieldError::new(
            field,
            "too_many",
            format!("Au plus {max} {what}."),
        ));
    }
}

/// Gives new items an id and reports an id used twice in one document.
#[derive(Default)]
struct Ids(HashSet<Uuid>);

impl Ids {
    fn assign(&mut self, v: &mut Validator, id: &mut Option<Uuid>, field: String) {
        let value = *id.get_or_insert_with(Uuid::new_v4);
        if !self.0.insert(value) {
            v.push(FieldError::new(
                field,
                "duplicate",
                "Cet identifiant est utilisé deux fois.",
            ));
        }
    }
}

fn validate_section(v: &mut Validator, ids: &mut Ids, i: usize, section: &mut Section) {
    let at = format!("sections[{i}]");
    ids.assign(v, &mut section.id, format!("{at}.id"));
    text_in_place(
        v,
        &format!("{at}.title"),
        &mut section.title,
        limits::TITLE,
        true,
    );
    at_most(
        v,
        &format!("{at}.clauses"),
        section.clauses.len(),
        limits::CLAUSES_PER_SECTION,
        "clauses par section",
    );
    for (j, clause) in section.clauses.iter_mut().enumerate() {
        validate_clause(v, ids, &format!("{at}.clauses[{j}]"), clause);
    }
}

fn validate_clause(v: &mut Validator, ids: &mut Ids, at: &str, clause: &mut Clause) {
    ids.assign(v, &mut clause.id, format!("{at}.id"));
    text_in_place(
        v,
        &format!("{at}.number"),
        &mut clause.number,
        CLAUSE_NUMBER,
        true,
    );
    text_in_place(
        v,
        &format!("{at}.title"),
        &mut clause.title,
        limits::TITLE,
        true,
    );
    text_in_place(
        v,
        &format!("{at}.text"),
        &mut clause.text,
        limits::CLAUSE_TEXT,
        true,
    );
}

fn validate_criterion(v: &mut Validator, ids: &mut Ids, i: usize, criterion: &mut Criterion) {
    let at = format!("criteria[{i}]");
    ids.assign(v, &mut criterion.id, format!("{at}.id"));
    text_in_place(
        v,
        &format!("{at}.name"),
        &mut criterion.name,
        limits::TITLE,
        true,
    );
    text_in_place(
        v,
        &format!("{at}.description"),
        &mut criterion.description,
        limits::BODY,
        false,
    );
    if !(1..=100).contains(&criterion.weight) {
        v.push(FieldError::new(
            format!("{at}.weight"),
            "range",
            "Le poids est un pourcentage entre 1 et 100.",
        ));
    }
}

/// Validates a CCTP and gives every new section, clause and criterion an id.
pub fn validate_content(mut content: CctpContent) -> Result<CctpContent, ApiError> {
    let mut v = Validator::default();
    let mut ids = Ids::default();
    let sections = content.sections.len();
    at_most(&mut v, "sections", sections, limits::SECTIONS, "sections");
    for (i, section) in content.sections.iter_mut().enumerate() {
        validate_section(&mut v, &mut ids, i, section);
    }
    let criteria = content.criteria.len();
    at_most(&mut v, "criteria", criteria, limits::CRITERIA, "critères");
    for (i, criterion) in content.criteria.iter_mut().enumerate() {
        validate_criterion(&mut v, &mut ids, i, criterion);
    }
    let length = text_length(&content);
    if length > limits::CCTP_TEXT {
        v.push(FieldError::new(
            "draft",
            "too_long",
            format!(
                "Le CCTP compte {length} caractères ; il en compte {} au plus.",
                limits::CCTP_TEXT
            ),
        ));
    }
    v.finish(Some(content)).map_err(ApiError::Validation)
}

/// Every character a reader of the CCTP reads.
fn text_length(content: &CctpContent) -> usize {
    let sections = content.sections.iter().flat_map(|s| {
        std::iter::once(s.title.as_str()).chain(
            s.clauses
                .iter()
                .flat_map(|c| [c.number.as_str(), c.title.as_str(), c.text.as_str()]),
        )
    });
    let criteria = content
        .criteria
        .iter()
        .flat_map(|c| [c.name.as_str(), c.description.as_str()]);
    sections
        .chain(criteria)
        .map(|t| t.chars().count())
        .fold(0, usize::saturating_add)
}

/// What a draft needs before companies or the buyer read it as a revision:
/// at least one clause, and weights summing to 100 %. A draft saved on the
/// way there may lack both.
pub fn ensure_complete(content: &CctpContent) -> Result<(), ApiError> {
    let mut v = Validator::default();
    if content.clauses().next().is_none() {
        v.push(FieldError::new(
            "draft",
            "empty",
            "Le CCTP doit contenir au moins une clause.",
        ));
    }
    // An invalid weight may be as large as u32 allows: the sum saturates
    // rather than overflowing.
    let total = content
        .criteria
        .iter()
        .fold(0u32, |sum, c| sum.saturating_add(c.weight));
    if !content.criteria.is_empty() && total != 100 {
        v.push(FieldError::new(
            "criteria",
            "weights_sum",
            format!("La somme des poids doit être 100 % (actuellement {total} %)."),
        ));
    }
    v.finish(Some(())).map_err(ApiError::Validation)
}

/// Replaces the working draft if it is still at `expected_version`.
pub async fn save_draft(
    db: &Db,
    owner: &OwnerCapability,
    expected_version: i64,
    content: CctpContent,
) -> Result<DraftDto, ApiError> {
    let content = validate_content(content)?;
    let json = serde_json::to_string(&content).map_err(anyhow::Error::from)?;
    let next_version = expected_version
        .checked_add(1)
        .ok_or(ApiError::PreconditionFailed)?;
    let txn = db.begin_write().await?;
    locked(&*txn, owner.consultation_id())
        .await?
        .phase
        .ensure_editable()?;
    // The version check and the write are one statement: of two agents
    // saving from the same version, exactly one wins and the other gets 412.
    let updated = consultation::Entity::update_many()
        .col_expr(
            consultation::Column::DraftVersion,
            Expr::value(next_version),
        )
        .col_expr(consultation::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(consultation::Column::Id.eq(owner.consultation_id()))
        .filter(consultation::Column::DraftVersion.eq(expected_version))
        .exec(&*txn)
        .await?
        .rows_affected;
    if updated == 0 {
        return Err(ApiError::PreconditionFailed);
    }
    consultation_draft::Entity::update(consultation_draft::ActiveModel {
        consultation_id: Set(owner.consultation_id()),
        content: Set(json),
    })
    .exec(&*txn)
    .await?;
    journal::record(
        &*txn,
        owner.consultation_id(),
        owner.agent_id(),
        EventAction::DraftSaved,
        format!("Brouillon enregistré (version {next_version})"),
    )
    .await?;
    txn.commit().await?;
    Ok(DraftDto {
        version: next_version,
        content,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(content: CctpContent) -> Vec<FieldError> {
        match validate_content(content) {
            Err(ApiError::Validation(errors)) => errors,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_draft_gets_ids_and_trimmed_texts() {
        let content = CctpContent {
            sections: vec![Section {
                id: None,
                title: " Objet ".into(),
                clauses: vec![Clause {
                    id: None,
                    number: "1.1".into(),
                    title: "Périmètre".into(),
                    text: "Texte".into(),
                }],
            }],
            criteria: vec![Criterion {
                id: None,
                name: "Prix".into(),
                description: String::new(),
                weight: 100,
            }],
        };
        let valid = validate_content(content).unwrap();
        assert_eq!(valid.sections[0].title, "Objet");
        assert!(valid.sections[0].id.is_some() && valid.sections[0].clauses[0].id.is_some());
        assert!(valid.criteria[0].id.is_some());
    }

    #[test]
    fn a_draft_is_complete_with_a_clause_and_weights_summing_to_100() {
        let mut content = CctpContent::default();
        let codes = |c: &CctpContent| match ensure_complete(c) {
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.code).collect(),
            Ok(()) => Vec::new(),
            Err(other) => panic!("unexpected {other:?}"),
        };
        assert_eq!(codes(&content), ["empty"]);
        content.sections.push(Section {
            id: None,
            title: "S".into(),
            clauses: vec![Clause {
                id: None,
                number: "1".into(),
                title: "T".into(),
                text: "Texte".into(),
            }],
        });
        let criterion = |weight| Criterion {
            id: None,
            name: "C".into(),
            description: String::new(),
            weight,
        };
        content.criteria = vec![criterion(40), criterion(50)];
        assert_eq!(codes(&content), ["weights_sum"]);
        content.criteria.push(criterion(10));
        assert!(codes(&content).is_empty());
    }

    #[test]
    fn limits_duplicate_ids_and_empty_texts_are_field_errors() {
        let criterion = Criterion {
            id: None,
            name: "C".into(),
            description: String::new(),
            weight: 3,
        };
        let too_many = CctpContent {
            sections: vec![],
            criteria: vec![criterion; limits::CRITERIA + 1],
        };
        let found = errors(too_many);
        assert!(
            found
                .iter()
                .any(|e| e.field == "criteria" && e.code == "too_many")
        );
        assert!(!found.iter().any(|e| e.code == "weights_sum"));

        let id = Some(uuid::Uuid::new_v4());
        let clause = Clause {
            id,
            number: "1".into(),
            title: "T".into(),
            text: " ".into(),
        };
        let duplicated = CctpContent {
            sections: vec![Section {
                id: None,
                title: "S".into(),
                clauses: vec![clause.clone(), clause],
            }],
            criteria: vec![],
        };
        let found = errors(duplicated);
        assert!(
            found
                .iter()
                .any(|e| e.field == "sections[0].clauses[1].id" && e.code == "duplicate")
        );
        assert!(
            found
                .iter()
                .any(|e| e.field == "sections[0].clauses[0].text" && e.code == "required")
        );
    }
}
