//! Open data: a consultation as an OCDS 1.1 release, with the Enquiries
//! extension for the clarification requests and their public answers. A
//! planning release during the dialogue, a tender release once published.
//! Companies appear only as parties under their pseudonym, with the role
//! `enquirer`; confidential contributions never appear.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use shared::auth::Page;
use shared::consultation::{ContributionKind, ContributionStatus};
use shared::reference::departement_name;
use uuid::Uuid;

use super::{Export, ExportCache, ExportFile, TargetNames};
use crate::configuration::Settings;
use crate::db::Db;
use crate::domain::access::ConsultationAccess;
use crate::domain::anonymity::Labels;
use crate::domain::consultations::Phase;
use crate::domain::consultations::draft::parse_content;
use crate::domain::cpv;
use crate::domain::pagination::PageRequest;
use crate::domain::text::slug;
use crate::entities::{consultation, contribution, reply, round};
use crate::error::ApiError;

/// The Enquiries extension, as OCDS packages declare the extensions they use.
const ENQUIRY_EXTENSION: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/master/extension.json";

/// What the releases of several consultations are built from, read with
/// four queries whatever their number.
struct Sources {
    rounds: HashMap<Uuid, Vec<round::Model>>,
    clarifications: HashMap<Uuid, Vec<contribution::Model>>,
    answers: HashMap<Uuid, Vec<reply::Model>>,
    labels: HashMap<Uuid, Labels>,
}

impl Sources {
    async fn load(db: &Db, consultations: &[consultation::Model]) -> Result<Self, ApiError> {
        let conn = db.conn();
        let ids: Vec<Uuid> = consultations.iter().map(|c| c.id).collect();
        let mut rounds: HashMap<Uuid, Vec<round::Model>> = HashMap::new();
        for r in round::Entity::find()
            .filter(round::Column::ConsultationId.is_in(ids.clone()))
            .order_by_asc(round::Column::Number)
            .all(conn)
            .await?
        {
            rounds.entry(r.consultation_id).or_default().push(r);
        }
        // Clarifications are never confidential in substance: their answers
        // reach every company, so they are the enquiries of open data.
        let mut clarifications: HashMap<Uuid, Vec<contribution::Model>> = HashMap::new();
        for c in contribution::Entity::find()
            .filter(contribution::Column::ConsultationId.is_in(ids))
            .filter(contribution::Column::Kind.eq(ContributionKind::Clarification))
            .filter(contribution::Column::Status.eq(ContributionStatus::Active))
            .filter(contribution::Column::Confidential.eq(false))
            .order_by_asc(contribution::Column::CreatedAt)
            .order_by_asc(contribution::Column::Id)
            .all(conn)
            .await?
        {
            clarifications.entry(c.consultation_id).or_default().push(c);
        }
        let owners: HashMap<Uuid, Uuid> =
            consultations.iter().map(|c| (c.id, c.owner_id)).collect();
        let asked: HashMap<Uuid, Uuid> = clarifications
            .values()
            .flatten()
            .map(|c| (c.id, c.consultation_id))
            .collect();
        let mut answers: HashMap<Uuid, Vec<reply::Model>> = HashMap::new();
        for r in reply::Entity::find()
            .filter(reply::Column::ContributionId.is_in(asked.keys().copied()))
            .order_by_asc(reply::Column::CreatedAt)
            .all(conn)
            .await?
        {
            // Only the agent's replies are answers; the author's own are not.
            let by_owner = asked
                .get(&r.contribution_id)
                .and_then(|consultation| owners.get(consultation))
                .is_some_and(|owner| *owner == r.author_id);
            if by_owner {
                answers.entry(r.contribution_id).or_default().push(r);
            }
        }
        Ok(Self {
            rounds,
            clarifications,
            answers,
            labels: Labels::for_records(conn, consultations).await?,
        })
    }

    fn release(&self, c: &consultation::Model, settings: &Settings) -> Result<Value, ApiError> {
        let none = Vec::new();
        let rounds = self.rounds.get(&c.id).unwrap_or(&none);
        let revisions = rounds
            .iter()
            .map(|r| Ok((r.clone(), parse_content(&r.content)?)))
            .collect::<Result<Vec<_>, ApiError>>()?;
        let targets = TargetNames::of(&revisions);
        let (tag, status) = match c.phase {
            Phase::Published => ("tender", "planned"),
            Phase::Abandoned => ("planning", "withdrawn"),
            Phase::Draft | Phase::Dialogue | Phase::AwaitingApproval => ("planning", "planning"),
        };
        let buyer_id = format!("acheteur-{}", c.departement);
        let buyer_name = format!(
            "Services de l'État — {}",
            departement_name(&c.departement).unwrap_or_default()
        );
        let labels = self.labels.get(&c.id);
        let mut parties = vec![json!({"id": buyer_id, "name": buyer_name, "roles": ["buyer"]})];
        let mut enquirers: Vec<String> = Vec::new();
        let mut enquiries = Vec::new();
        for question in self.clarifications.get(&c.id).unwrap_or(&Vec::new()) {
            let author = labels
                .map(|l| l.author(question.author_id).label)
                .unwrap_or_default();
            let party_id = slug(&author);
            if !enquirers.contains(&author) {
                parties.push(json!({"id": party_id, "name": author, "roles": ["enquirer"]}));
                enquirers.push(author.clone());
            }
            let answers = self
                .answers
                .get(&question.id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let answer = (!answers.is_empty()).then(|| {
                answers
                    .iter()
                    .map(|a| a.body.as_str())
                    .collect::<Vec<_>>()
                    .join("\n\n")
            });
            enquiries.push(json!({
                "id": question.id.to_string(),
                "date": question.created_at.to_rfc3339(),
                "author": {"id": party_id, "name": author},
                "title": targets.name_of(question.target_kind, question.target_id),
                "description": question.body,
                "answer": answer,
                "dateAnswered": answers.first().map(|a| a.created_at.to_rfc3339()),
            }));
        }
        let mut tender = serde_json::Map::new();
        tender.insert("id".into(), json!(c.id.to_string()));
        tender.insert("title".into(), json!(c.title));
        tender.insert("description".into(), json!(c.summary));
        tender.insert("status".into(), json!(status));
        tender.insert(
            "items".into(),
            json!([{
                "id": "1",
                "description": c.title,
                "classification": {
                    "scheme": "CPV",
                    "id": c.cpv_code,
                    "description": cpv::label(&c.cpv_code).unwrap_or_default(),
                },
            }]),
        );
        tender.insert("hasEnquiries".into(), json!(!enquiries.is_empty()));
        tender.insert("enquiries".into(), json!(enquiries));
        if let (Some((first, _)), Some((latest, content))) = (revisions.first(), revisions.last()) {
            let criteria: Vec<String> = content
                .criteria
                .iter()
                .map(|k| format!("{} : {} %", k.name, k.weight))
                .collect();
            tender.insert("awardCriteria".into(), json!("ratedCriteria"));
            tender.insert("awardCriteriaDetails".into(), json!(criteria.join(" ; ")));
            tender.insert(
                "enquiryPeriod".into(),
                json!({
                    "startDate": first.opened_at.to_rfc3339(),
                    "endDate": latest.closed_early_at.unwrap_or(latest.closes_at).to_rfc3339(),
                }),
            );
            tender.insert(
                "documents".into(),
                json!([{
                    "id": format!("cctp-v{}", latest.number),
                    "documentType": "technicalSpecifications",
                    "title": format!("CCTP — révision {}", latest.number),
                    "datePublished": latest.opened_at.to_rfc3339(),
                    "language": "fr",
                }]),
            );
        }
        Ok(json!({
            "ocid": format!("{}-{}", settings.ocid_prefix, c.id),
            "id": format!("{}-{}-{}", c.id, tag, c.updated_at.timestamp()),
            "date": c.updated_at.to_rfc3339(),
            "tag": [tag],
            "initiationType": "tender",
            "language": "fr",
            "parties": parties,
            "buyer": {"id": buyer_id, "name": buyer_name},
            "planning": {"rationale": c.summary},
            "tender": tender,
        }))
    }
}

fn package(uri: String, releases: Vec<Value>) -> Value {
    json!({
        "uri": uri,
        "version": "1.1",
        "extensions": [ENQUIRY_EXTENSION],
        "publishedDate": Utc::now().to_rfc3339(),
        "publisher": {"name": "JeSaisFaire"},
        "releases": releases,
    })
}

/// The release package of one consultation as a file: staff at any time,
/// companies that see it once it is published. Everyone reads the same
/// package: it is open data.
pub async fn export(
    db: &Db,
    cache: &ExportCache,
    access: &ConsultationAccess,
    settings: &Settings,
) -> Result<ExportFile, ApiError> {
    let c = access.consultation();
    if !access.is_staff() && c.phase != Phase::Published {
        return Err(ApiError::Forbidden);
    }
    cache
        .get(db.conn(), access, Export::Ocds, || async {
            let sources = Sources::load(db, std::slice::from_ref(c)).await?;
            let package = package(
                format!("{}/api/v1/consultations/{}/ocds", settings.public_url, c.id),
                vec![sources.release(c, settings)?],
            );
            let bytes = serde_json::to_vec(&package)
                .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("serialising OCDS: {e}")))?;
            Ok(ExportFile::new(
                format!("ocds-{}.json", slug(&c.title)),
                "application/json",
                bytes,
            ))
        })
        .await
}

/// Published consultations, most recent first, as release packages for
/// open-data harvesters (public).
pub async fn published(
    db: &Db,
    settings: &Settings,
    page: PageRequest,
) -> Result<Page<Value>, ApiError> {
    let query = consultation::Entity::find()
        .filter(consultation::Column::Phase.eq(Phase::Published))
        .order_by_desc(consultation::Column::UpdatedAt)
        .order_by_desc(consultation::Column::Id);
    let (rows, total) = page.fetch(db.conn(), query).await?;
    let sources = Sources::load(db, &rows).await?;
    let packages = rows
        .iter()
        .map(|c| {
            Ok(package(
                format!("{}/api/v1/consultations/{}/ocds", settings.public_url, c.id),
                vec![sources.release(c, settings)?],
            ))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(page.page_of(packages, total))
}
