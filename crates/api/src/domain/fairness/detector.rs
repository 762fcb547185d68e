//! The tailored-specification detector: what each revision took from whom
//! (`provenance`), whether decisions that named a revision were applied,
//! how much of all the changes one company accounts for, and brands or
//! processes named without "ou équivalent" (R2111-7). Warnings never block:
//! the agent acknowledges them with a comment before asking for publication,
//! and the acknowledgement stays in the sourcing record.
//!
//! What is examined is the final revision once publication is requested,
//! otherwise the working draft, as the revision it would become.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::Named;
use shared::auth::Validator;
use shared::brands::{BrandReason, brand_mentions, name_like_words};
use shared::consultation::{
    AcknowledgementDto, AcknowledgementRequest, BrandFlagDto, CctpContent, ContributionStatus,
    DecisionCheckDto, DecisionKind, DecisionOutcome, EventAction, FairnessDto, FairnessWarningDto,
    FairnessWarningKind, ProvenanceDto, ShareDto, TargetKind, limits,
};
use shared::types::fold;
use uuid::Uuid;

use super::provenance::{RevisionProvenance, Source, revision_provenance};
use crate::configuration::FairnessSettings;
use crate::db::Db;
use crate::domain::access::{ConsultationAccess, OwnerCapability};
use crate::domain::anonymity::Labels;
use crate::domain::consultations::draft::{parse_content, stored};
use crate::domain::consultations::{Phase, locked};
use crate::domain::editions::ByEdition;
use crate::domain::journal;
use crate::domain::text::text;
use crate::entities::{
    consultation, contribution, fairness_acknowledgement, revision_provenance, round,
};
use crate::error::ApiError;

/// A contribution as the detector needs it.
struct Contribution {
    source: Source,
    author_id: Uuid,
    decision: Option<DecisionKind>,
    decision_round: Option<i32>,
    target_kind: TargetKind,
}

/// One revision of the chain examined, with what it changed and took.
struct Examined {
    number: i32,
    content: CctpContent,
    provenance: RevisionProvenance,
}

async fn contributions(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
) -> Result<Vec<Contribution>, ApiError> {
    Ok(contribution::Entity::find()
        .filter(contribution::Column::ConsultationId.eq(consultation_id))
        .filter(contribution::Column::Status.eq(ContributionStatus::Active))
        .order_by_asc(contribution::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|c| Contribution {
            source: Source {
                id: c.id,
                kind: c.kind,
                round: c.round,
                target_id: c.target_id,
                proposed_text: c.proposed_text,
                body: c.body,
                proposed_weight: c.proposed_weight.map(i32::unsigned_abs),
            },
            author_id: c.author_id,
            decision: c.decision,
            decision_round: c.decision_round,
            target_kind: c.target_kind,
        })
        .collect())
}

/// The contributions a revision may take from: those of earlier rounds.
fn sources_before(all: &[Contribution], revision: i32) -> Vec<Source> {
    all.iter()
        .filter(|c| c.source.round < revision)
        .map(|c| c.source.clone())
        .collect()
}

async fn compute(
    before: CctpContent,
    after: CctpContent,
    sources: Vec<Source>,
) -> Result<RevisionProvenance, ApiError> {
    // Hundreds of clauses against hundreds of contributions: off the
    // async workers.
    Ok(
        tokio::task::spawn_blocking(move || revision_provenance(&before, &after, &sources))
            .await
            .map_err(anyhow::Error::new)?,
    )
}

/// The provenance of frozen revision `number`, computed once and stored:
/// neither the revision nor the contributions of earlier (closed) rounds
/// change any more.
async fn frozen_provenance(
    db: &Db,
    consultation_id: Uuid,
    number: i32,
    before: &CctpContent,
    after: &CctpContent,
    all: &[Contribution],
) -> Result<RevisionProvenance, ApiError> {
    if let Some(stored) = revision_provenance::Entity::find_by_id((consultation_id, number))
        .one(db.conn())
        .await?
    {
        return Ok(serde_json::from_str(&stored.content).map_err(anyhow::Error::new)?);
    }
    let computed = compute(before.clone(), after.clone(), sources_before(all, number)).await?;
    let txn = db.begin_write().await?;
    // Two readers may compute it at once: the first stored wins, and both
    // are the same.
    revision_provenance::Entity::insert(revision_provenance::ActiveModel {
        consultation_id: Set(consultation_id),
        revision: Set(number),
        content: Set(serde_json::to_string(&computed).map_err(anyhow::Error::new)?),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([
            revision_provenance::Column::ConsultationId,
            revision_provenance::Column::Revision,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&*txn)
    .await?;
    txn.commit().await?;
    Ok(computed)
}

/// The chain of revisions examined: every frozen one, then the draft while
/// the consultation can still be revised. `None`: the last is the draft.
async fn chain(
    db: &Db,
    consultation: &consultation::Model,
    all: &[Contribution],
) -> Result<(Vec<Examined>, Option<i32>), ApiError> {
    let rounds = round::Entity::find()
        .filter(round::Column::ConsultationId.eq(consultation.id))
        .order_by_asc(round::Column::Number)
        .all(db.conn())
        .await?;
    let mut examined: Vec<Examined> = Vec::with_capacity(rounds.len().saturating_add(1));
    for r in &rounds {
        let content = parse_content(&r.content)?;
        let provenance = match examined.last() {
            Some(previous) => {
                frozen_provenance(
                    db,
                    consultation.id,
                    r.number,
                    &previous.content,
                    &content,
                    all,
                )
                .await?
            }
            None => RevisionProvenance::default(),
        };
        examined.push(Examined {
            number: r.number,
            content,
            provenance,
        });
    }
    let final_revision = matches!(
        consultation.phase,
        Phase::AwaitingApproval | Phase::Published
    );
    if final_revision {
        return Ok((examined, rounds.last().map(|r| r.number)));
    }
    let draft = stored(db.conn(), consultation.id).await?;
    let number = rounds.last().map_or(1, |r| r.number.saturating_add(1));
    let provenance = match examined.last() {
        Some(previous) => {
            compute(
                previous.content.clone(),
                draft.clone(),
                sources_before(all, number),
            )
            .await?
        }
        None => RevisionProvenance::default(),
    };
    examined.push(Examined {
        number,
        content: draft,
        provenance,
    });
    Ok((examined, None))
}

/// Folded names that only one company used in its contributions, and
/// that the first revision (written before any contribution) does not hold.
fn single_company_names(
    all: &[Contribution],
    first: Option<&CctpContent>,
) -> HashMap<String, Uuid> {
    let mut users: HashMap<String, HashSet<Uuid>> = HashMap::new();
    for c in all {
        let texts = [
            c.source.body.as_str(),
            c.source.proposed_text.as_deref().unwrap_or_default(),
        ];
        for name in texts.iter().flat_map(|t| name_like_words(t)) {
            users.entry(name).or_default().insert(c.author_id);
        }
    }
    let original: HashSet<String> = first
        .map(|content| {
            content
                .clauses()
                .flat_map(|(_, c)| super::provenance::words(&format!("{} {}", c.title, c.text)))
                .collect()
        })
        .unwrap_or_default();
    users
        .into_iter()
        .filter(|(name, authors)| authors.len() == 1 && !original.contains(name))
        .filter_map(|(name, authors)| Some((name, authors.into_iter().next()?)))
        .collect()
}

fn examine(
    examined: &[Examined],
    revision: Option<i32>,
    all: &[Contribution],
    labels: &Labels,
    settings: FairnessSettings,
) -> FairnessDto {
    let by_id: HashMap<Uuid, &Contribution> = all.iter().map(|c| (c.source.id, c)).collect();
    let mut warnings = Vec::new();

    let mut provenance = Vec::new();
    for e in examined {
        for link in &e.provenance.links {
            let Some(c) = by_id.get(&link.contribution_id) else {
                continue;
            };
            provenance.push(ProvenanceDto {
                revision: e.number,
                target_kind: link.target_kind,
                target_id: link.target_id,
                label: link.label.clone(),
                contribution_id: link.contribution_id,
                author: labels.author(c.author_id),
                contribution_round: c.source.round,
                similarity: link.similarity,
                weight_taken: link.weight_taken,
            });
        }
    }

    // Decisions that named a revision of the chain.
    let mut decisions = Vec::new();
    for c in all {
        let (
            Some(decision @ (DecisionKind::Accepted | DecisionKind::PartiallyAccepted)),
            Some(n),
            Some(target),
        ) = (c.decision, c.decision_round, c.source.target_id)
        else {
            continue;
        };
        let Some(e) = examined.iter().find(|e| e.number == n && n > 1) else {
            continue;
        };
        let change = e
            .provenance
            .changes
            .iter()
            .find(|ch| ch.target_id == target);
        let outcome = if e
            .provenance
            .links
            .iter()
            .any(|l| l.contribution_id == c.source.id)
        {
            DecisionOutcome::Taken
        } else if change.is_some() {
            DecisionOutcome::Changed
        } else {
            DecisionOutcome::Unchanged
        };
        let label = label_of(&e.content, c.target_kind, target);
        if outcome == DecisionOutcome::Unchanged {
            let what = if c.target_kind == TargetKind::Criterion {
                "le critère"
            } else {
                "la clause"
            };
            warnings.push(FairnessWarningDto {
                key: format!("decision:{}:{n}", c.source.id),
                kind: FairnessWarningKind::DecisionNotApplied,
                message: format!(
                    "La contribution d'{} (tour {}) est {} pour la révision {n}, mais {what} {label} n'a pas changé.",
                    labels.author(c.author_id).label,
                    c.source.round,
                    decision.label_fr().to_lowercase(),
                ),
                labels: vec![label.clone()],
            });
        }
        decisions.push(DecisionCheckDto {
            contribution_id: c.source.id,
            author: labels.author(c.author_id),
            decision,
            revision: n,
            label,
            outcome,
        });
    }

    // Concentration: each change goes to the company its best link names.
    let mut total: u64 = 0;
    let mut shares: BTreeMap<Uuid, (u64, Vec<String>)> = BTreeMap::new();
    for e in examined {
        for change in &e.provenance.changes {
            total = total.saturating_add(u64::from(change.changed_words));
            let best = e
                .provenance
                .links
                .iter()
                .filter(|l| l.target_id == change.target_id)
                .max_by_key(|l| (l.similarity, l.weight_taken));
            if let Some(author) = best
                .and_then(|l| by_id.get(&l.contribution_id))
                .map(|c| c.author_id)
            {
                let share = shares.entry(author).or_default();
                share.0 = share.0.saturating_add(u64::from(change.changed_words));
                if !share.1.contains(&change.label) {
                    share.1.push(change.label.clone());
                }
            }
        }
    }
    let mut shares: Vec<ShareDto> = shares
        .into_iter()
        .map(|(author, (words, labels_concerned))| ShareDto {
            author: labels.author(author),
            changed_words: u32::try_from(words).unwrap_or(u32::MAX),
            percent: u8::try_from(
                words
                    .saturating_mul(100)
                    .checked_div(total)
                    .unwrap_or(0)
                    .min(100),
            )
            .unwrap_or(100),
            labels: labels_concerned,
        })
        .collect();
    shares.sort_by_key(|s| std::cmp::Reverse(s.changed_words));
    for s in shares
        .iter()
        .filter(|s| s.percent > settings.concentration_threshold)
    {
        warnings.push(FairnessWarningDto {
            key: format!("concentration:{}", s.author.label),
            kind: FairnessWarningKind::Concentration,
            message: format!(
                "{} est à l'origine de {} % des changements du CCTP depuis la révision 1 (seuil : {} %).",
                s.author.label, s.percent, settings.concentration_threshold
            ),
            labels: s.labels.clone(),
        });
    }

    // A weight only one company proposed.
    for e in examined {
        let mut by_target: BTreeMap<Uuid, Vec<&super::provenance::Link>> = BTreeMap::new();
        for l in e.provenance.links.iter().filter(|l| l.weight_taken) {
            by_target.entry(l.target_id).or_default().push(l);
        }
        for (target, links) in by_target {
            let authors: HashSet<Uuid> = links
                .iter()
                .filter_map(|l| by_id.get(&l.contribution_id).map(|c| c.author_id))
                .collect();
            let (Some(link), 1) = (links.first(), authors.len()) else {
                continue;
            };
            let Some(c) = by_id.get(&link.contribution_id) else {
                continue;
            };
            warnings.push(FairnessWarningDto {
                key: format!("weight:{target}:{}", e.number),
                kind: FairnessWarningKind::WeightFromAlternative,
                message: format!(
                    "La pondération du critère « {} » dans la révision {} ({} %) est celle que proposait {} (tour {}), seule entreprise à la proposer.",
                    link.label,
                    e.number,
                    c.source.proposed_weight.unwrap_or_default(),
                    labels.author(c.author_id).label,
                    c.source.round
                ),
                labels: vec![link.label.clone()],
            });
        }
    }

    // Brands and processes in the revision examined.
    let names = single_company_names(all, examined.first().map(|e| &e.content));
    let name_list: Vec<String> = names.keys().cloned().collect();
    let mut brands = Vec::new();
    if let Some(subject) = examined.last() {
        for (_, clause) in subject.content.clauses() {
            let Some(id) = clause.id else { continue };
            for mention in brand_mentions(&clause.text, &name_list) {
                let author = (mention.reason == BrandReason::SingleCompany)
                    .then(|| names.get(&fold(&mention.text)).map(|a| labels.author(*a)))
                    .flatten();
                warnings.push(FairnessWarningDto {
                    key: format!("brand:{id}:{}", fold(&mention.text)),
                    kind: FairnessWarningKind::Brand,
                    message: format!("Clause {} : {}", clause.number, mention.explain()),
                    labels: vec![clause.number.clone()],
                });
                brands.push(BrandFlagDto {
                    target_id: id,
                    label: clause.number.clone(),
                    reason: mention.reason,
                    text: mention.text,
                    author,
                });
            }
        }
    }

    FairnessDto {
        revision,
        concentration_threshold: settings.concentration_threshold,
        provenance,
        decisions,
        shares,
        brands,
        warnings,
        acknowledgement: None,
        unacknowledged: Vec::new(),
    }
}

fn label_of(content: &CctpContent, kind: TargetKind, id: Uuid) -> String {
    let found = match kind {
        TargetKind::Criterion => content
            .criteria
            .iter()
            .find(|c| c.id == Some(id))
            .map(|c| c.name.clone()),
        _ => content
            .clauses()
            .find(|(_, c)| c.id == Some(id))
            .map(|(_, c)| c.number.clone()),
    };
    found.unwrap_or_else(|| "supprimée".into())
}

async fn latest_acknowledgement(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
) -> Result<Option<AcknowledgementDto>, ApiError> {
    let Some(row) = fairness_acknowledgement::Entity::find()
        .filter(fairness_acknowledgement::Column::ConsultationId.eq(consultation_id))
        .order_by_desc(fairness_acknowledgement::Column::CreatedAt)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(AcknowledgementDto {
        comment: row.comment,
        keys: serde_json::from_str(&row.warnings).map_err(anyhow::Error::new)?,
        at: row.created_at,
    }))
}

/// The detector's report on a consultation as it stands.
pub async fn examine_consultation(
    db: &Db,
    consultation: &consultation::Model,
    settings: FairnessSettings,
) -> Result<FairnessDto, ApiError> {
    let conn = db.conn();
    let all = contributions(conn, consultation.id).await?;
    let (examined, revision) = chain(db, consultation, &all).await?;
    let labels = Labels::for_record(conn, consultation).await?;
    let mut report = examine(&examined, revision, &all, &labels, settings);
    report.acknowledgement = latest_acknowledgement(conn, consultation.id).await?;
    let covered: &[String] = report
        .acknowledgement
        .as_ref()
        .map_or(&[], |a| a.keys.as_slice());
    report.unacknowledged = report
        .warnings
        .iter()
        .map(|w| w.key.clone())
        .filter(|k| !covered.contains(k))
        .collect();
    Ok(report)
}

/// The examinations this instance made, kept by edition: the national
/// consultation's took 185 ms, and its agent's page asks for it at each
/// visit.
pub type Reports = ByEdition<(), FairnessDto>;

/// Reports kept at most per instance (about 30 kB each on the national
/// data set).
const KEPT_REPORTS: u64 = 256;

impl Default for Reports {
    fn default() -> Self {
        Self::new(KEPT_REPORTS, |_| 1)
    }
}

/// For the owner agent and the assigned buyer.
pub async fn report(
    db: &Db,
    reports: &Reports,
    access: &ConsultationAccess,
    settings: FairnessSettings,
) -> Result<FairnessDto, ApiError> {
    access.require_responsible()?;
    reports
        .get(db.conn(), access, (), || {
            examine_consultation(db, access.consultation(), settings)
        })
        .await
}

/// The agent takes note of the warnings of the draft, with a comment.
pub async fn acknowledge(
    db: &Db,
    owner: &OwnerCapability,
    settings: FairnessSettings,
    request: AcknowledgementRequest,
) -> Result<FairnessDto, ApiError> {
    let mut v = Validator::default();
    let comment = v.field("comment", text(&request.comment, limits::BODY, true));
    let comment = v.finish(comment).map_err(ApiError::Validation)?;
    let snapshot = consultation::Entity::find_by_id(owner.consultation_id())
        .one(db.conn())
        .await?
        .ok_or(ApiError::NotFound)?;
    if snapshot.phase != Phase::Dialogue {
        return Err(ApiError::Conflict(
            "Les alertes s'examinent avant la demande de publication.".into(),
        ));
    }
    let mut report = examine_consultation(db, &snapshot, settings).await?;
    if report.warnings.is_empty() {
        return Err(ApiError::Conflict("Aucune alerte à examiner.".into()));
    }
    let keys: Vec<String> = report.warnings.iter().map(|w| w.key.clone()).collect();
    let txn = db.begin_write().await?;
    let current = locked(&*txn, snapshot.id).await?;
    if current.draft_version != snapshot.draft_version {
        return Err(ApiError::Conflict(
            "Le brouillon a changé pendant l'examen des alertes : relisez-les.".into(),
        ));
    }
    let saved = fairness_acknowledgement::ActiveModel {
        id: Set(Uuid::new_v4()),
        consultation_id: Set(current.id),
        author_id: Set(owner.agent_id()),
        comment: Set(comment.clone()),
        warnings: Set(serde_json::to_string(&keys).map_err(anyhow::Error::new)?),
        created_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    journal::record(
        &*txn,
        current.id,
        owner.agent_id(),
        EventAction::FairnessAcknowledged,
        format!("{} alerte(s) examinée(s) : {comment}", keys.len()),
    )
    .await?;
    txn.commit().await?;
    // The report just examined, now covered: the draft it read is the one
    // locked above, so examining it again would only repeat the work.
    report.acknowledgement = Some(AcknowledgementDto {
        comment: saved.comment,
        keys,
        at: saved.created_at,
    });
    report.unacknowledged.clear();
    Ok(report)
}

/// The warnings of the draft the agent has not acknowledged, for the
/// publication request; `consultation` is the snapshot they were computed
/// on (the request checks its draft did not change since).
pub async fn unacknowledged(
    db: &Db,
    consultation: &consultation::Model,
    settings: FairnessSettings,
) -> Result<usize, ApiError> {
    Ok(examine_consultation(db, consultation, settings)
        .await?
        .unacknowledged
        .len())
}
