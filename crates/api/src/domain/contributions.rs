//! Contributions of companies, replies and the agent's decisions, with
//! pseudonyms so that no company's identity ever reaches another reader.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Serialize, de::DeserializeOwned};
use shared::FieldError;
use shared::auth::{Page, Validator};
use shared::consultation::{
    AuthorDto, ContributionDto, ContributionKind, ContributionRequest, ContributionStatus,
    CostDirection, DecisionDto, DecisionKind, DecisionRequest, ReplyDto, ReplyRequest,
    SynthesisRow, TargetKind, limits,
};
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::db::Db;
use crate::domain::access::{
    CompanyCapability, ConsultationAccess, PHASE_DIALOGUE, Viewer, round_is_open,
};
use crate::domain::consultations::{latest_round, text};
use crate::domain::journal;
use crate::entities::{contribution, participant, reply};
use crate::error::ApiError;

const STATUS_ACTIVE: &str = "active";
const STATUS_WITHDRAWN: &str = "withdrawn";

/// Enum ⇄ the snake_case string stored in the database, via serde.
fn to_db<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn from_db<T: DeserializeOwned>(value: &str) -> Result<T, ApiError> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).map_err(|e| {
        ApiError::Unexpected(anyhow::anyhow!("unexpected stored value {value:?}: {e}"))
    })
}

struct ValidContribution {
    target_kind: TargetKind,
    target_id: Option<Uuid>,
    kind: ContributionKind,
    body: String,
    justification: String,
    cost_direction: Option<CostDirection>,
    proposed_text: Option<String>,
    proposed_weight: Option<u32>,
    confidential: bool,
}

/// The rules of a contribution, against the revision of the open round.
fn validate(
    request: &ContributionRequest,
    revision: &shared::consultation::CctpContent,
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
    match (target_kind, request.target_id) {
        (TargetKind::Document, Some(_)) => v.push(FieldError::new(
            "target_id",
            "unexpected",
            "Une contribution sur le document entier ne vise pas de clause.",
        )),
        (TargetKind::Clause, id)
            if !id.is_some_and(|id| revision.clauses().any(|(_, c)| c.id == Some(id))) =>
        {
            v.push(FieldError::new(
                "target_id",
                "unknown",
                "Cette clause n'existe pas dans la révision en cours.",
            ))
        }
        (TargetKind::Criterion, id)
            if !id.is_some_and(|id| revision.criteria.iter().any(|c| c.id == Some(id))) =>
        {
            v.push(FieldError::new(
                "target_id",
                "unknown",
                "Ce critère n'existe pas dans la révision en cours.",
            ))
        }
        _ => {}
    }
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
    let is_alternative = matches!(
        kind,
        ContributionKind::AlternativeClause | ContributionKind::AlternativeCriterion
    );
    if is_alternative && proposed_text.is_none() {
        v.push(FieldError::new(
            "proposed_text",
            "required",
            "Proposez le texte de remplacement.",
        ));
    }
    let proposed_weight = if kind == ContributionKind::AlternativeCriterion {
        match request.proposed_weight {
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
                    "Proposez un poids pour ce critère.",
                ));
                None
            }
        }
    } else {
        None
    };
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
    let valid = (|| {
        Some(ValidContribution {
            target_kind,
            target_id: request.target_id,
            kind,
            body: body?,
            justification: justification?,
            cost_direction: request.cost_direction,
            proposed_text: if is_alternative || kind == ContributionKind::Solution {
                proposed_text
            } else {
                None
            },
            proposed_weight,
            confidential: request.confidential,
        })
    })();
    v.finish(valid).map_err(ApiError::Validation)
}

/// The revision of the open round; contributions are accepted only then.
async fn open_revision(
    conn: &impl ConnectionTrait,
    access: &ConsultationAccess,
) -> Result<(i32, shared::consultation::CctpContent), ApiError> {
    if access.consultation.phase != PHASE_DIALOGUE {
        return Err(ApiError::Conflict(
            "Cette consultation n'accepte pas de contribution pour le moment.".into(),
        ));
    }
    let round = latest_round(conn, access.id())
        .await?
        .filter(|r| round_is_open(r.closes_at, r.closed_early_at, Utc::now()));
    let round = round.ok_or_else(|| {
        ApiError::Conflict("Aucun tour n'est ouvert : les contributions sont closes.".into())
    })?;
    let content = serde_json::from_str(&round.content).map_err(anyhow::Error::from)?;
    Ok((round.number, content))
}

/// The company's pseudonym in this consultation, assigned at first contribution.
async fn ensure_participant(
    conn: &impl ConnectionTrait,
    company: &CompanyCapability,
) -> Result<(), ApiError> {
    let existing =
        participant::Entity::find_by_id((company.consultation_id(), company.company_user_id()))
            .one(conn)
            .await?;
    if existing.is_none() {
        let count = participant::Entity::find()
            .filter(participant::Column::ConsultationId.eq(company.consultation_id()))
            .count(conn)
            .await?;
        participant::ActiveModel {
            consultation_id: Set(company.consultation_id()),
            company_user_id: Set(company.company_user_id()),
            pseudonym_index: Set(i32::try_from(count).map_err(anyhow::Error::from)?),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

pub async fn create(
    db: &Db,
    access: &ConsultationAccess,
    request: ContributionRequest,
) -> Result<ContributionDto, ApiError> {
    let company = access.as_company()?;
    let txn = db.begin_write().await?;
    let (round, revision) = open_revision(&*txn, access).await?;
    let valid = validate(&request, &revision)?;
    ensure_participant(&*txn, &company).await?;
    let now = Utc::now();
    let saved = contribution::ActiveModel {
        id: Set(Uuid::new_v4()),
        consultation_id: Set(access.id()),
        round: Set(round),
        author_id: Set(company.company_user_id()),
        target_kind: Set(to_db(valid.target_kind)),
        target_id: Set(valid.target_id),
        kind: Set(to_db(valid.kind)),
        body: Set(valid.body),
        justification: Set(valid.justification),
        cost_direction: Set(valid.cost_direction.map(to_db)),
        proposed_text: Set(valid.proposed_text),
        proposed_weight: Set(valid.proposed_weight.map(|w| w as i32)),
        confidential: Set(valid.confidential),
        status: Set(STATUS_ACTIVE.to_owned()),
        decision: Set(None),
        decision_rationale: Set(None),
        decision_round: Set(None),
        decided_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    journal::record(
        &*txn,
        access.id(),
        company.company_user_id(),
        "contribution_created",
        format!("Contribution déposée au tour {round}"),
    )
    .await?;
    txn.commit().await?;
    one_view(db, access, saved).await
}

/// The contributions a reader may see: all of them for staff; for a company
/// its own and the others' active, non-confidential ones.
fn visible_to(access: &ConsultationAccess) -> Condition {
    let in_consultation =
        Condition::all().add(contribution::Column::ConsultationId.eq(access.id()));
    match access.viewer {
        Viewer::Owner | Viewer::AssignedBuyer | Viewer::Admin => in_consultation,
        Viewer::Company => in_consultation.add(
            Condition::any()
                .add(contribution::Column::AuthorId.eq(access.user_id))
                .add(
                    Condition::all()
                        .add(contribution::Column::Confidential.eq(false))
                        .add(contribution::Column::Status.eq(STATUS_ACTIVE)),
                ),
        ),
    }
}

async fn views(
    db: &Db,
    access: &ConsultationAccess,
    rows: Vec<contribution::Model>,
) -> Result<Vec<ContributionDto>, ApiError> {
    let conn = db.conn();
    let names = journal::pseudonyms(conn, access.id()).await?;
    let ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
    let mut replies: HashMap<Uuid, Vec<reply::Model>> = HashMap::new();
    for r in reply::Entity::find()
        .filter(reply::Column::ContributionId.is_in(ids))
        .order_by_asc(reply::Column::CreatedAt)
        .order_by_asc(reply::Column::Id)
        .all(conn)
        .await?
    {
        replies.entry(r.contribution_id).or_default().push(r);
    }
    let author = |id: Uuid| -> AuthorDto {
        if id == access.user_id {
            AuthorDto {
                label: "Vous".into(),
                is_you: true,
            }
        } else if id == access.consultation.owner_id {
            AuthorDto {
                label: "L'agent".into(),
                is_you: false,
            }
        } else {
            AuthorDto {
                label: names
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| "Une entreprise".into()),
                is_you: false,
            }
        }
    };
    rows.into_iter()
        .map(|c| {
            Ok(ContributionDto {
                id: c.id,
                consultation_id: c.consultation_id,
                round: c.round,
                target_kind: from_db(&c.target_kind)?,
                target_id: c.target_id,
                kind: from_db(&c.kind)?,
                cost_direction: c.cost_direction.as_deref().map(from_db).transpose()?,
                proposed_weight: c.proposed_weight.map(|w| w.unsigned_abs()),
                status: if c.status == STATUS_WITHDRAWN {
                    ContributionStatus::Withdrawn
                } else {
                    ContributionStatus::Active
                },
                author: author(c.author_id),
                decision: match (c.decision.as_deref(), c.decided_at) {
                    (Some(d), Some(at)) => Some(DecisionDto {
                        decision: from_db(d)?,
                        rationale: c.decision_rationale.clone().unwrap_or_default(),
                        integrated_in_round: c.decision_round,
                        decided_at: at,
                    }),
                    _ => None,
                },
                replies: replies
                    .remove(&c.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| ReplyDto {
                        id: r.id,
                        author: author(r.author_id),
                        body: r.body,
                        created_at: r.created_at,
                    })
                    .collect(),
                body: c.body,
                justification: c.justification,
                proposed_text: c.proposed_text,
                confidential: c.confidential,
                created_at: c.created_at,
                updated_at: c.updated_at,
            })
        })
        .collect()
}

async fn one_view(
    db: &Db,
    access: &ConsultationAccess,
    c: contribution::Model,
) -> Result<ContributionDto, ApiError> {
    views(db, access, vec![c])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("contribution view vanished")))
}

#[derive(Debug, Default, Clone)]
pub struct ContributionFilter {
    pub round: Option<i32>,
    pub clause: Option<Uuid>,
    pub criterion: Option<Uuid>,
    pub kind: Option<ContributionKind>,
    pub decision: Option<DecisionKind>,
    pub mine: bool,
}

pub async fn list(
    db: &Db,
    access: &ConsultationAccess,
    filter: ContributionFilter,
    page: u64,
    per_page: u64,
) -> Result<Page<ContributionDto>, ApiError> {
    let mut query = contribution::Entity::find().filter(visible_to(access));
    if let Some(round) = filter.round {
        query = query.filter(contribution::Column::Round.eq(round));
    }
    if let Some(id) = filter.clause {
        query = query
            .filter(contribution::Column::TargetKind.eq(to_db(TargetKind::Clause)))
            .filter(contribution::Column::TargetId.eq(id));
    }
    if let Some(id) = filter.criterion {
        query = query
            .filter(contribution::Column::TargetKind.eq(to_db(TargetKind::Criterion)))
            .filter(contribution::Column::TargetId.eq(id));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(contribution::Column::Kind.eq(to_db(kind)));
    }
    if let Some(decision) = filter.decision {
        query = query.filter(contribution::Column::Decision.eq(to_db(decision)));
    }
    if filter.mine {
        query = query.filter(contribution::Column::AuthorId.eq(access.user_id));
    }
    let total = query.clone().count(db.conn()).await?;
    let rows = query
        .order_by_asc(contribution::Column::CreatedAt)
        .order_by_asc(contribution::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db.conn())
        .await?;
    Ok(Page {
        items: views(db, access, rows).await?,
        page,
        per_page,
        total,
    })
}

/// A contribution and the access to its consultation, or 404 when either is not visible.
pub async fn load(
    db: &Db,
    who: &Authenticated,
    id: Uuid,
) -> Result<(ConsultationAccess, contribution::Model), ApiError> {
    let c = contribution::Entity::find_by_id(id)
        .one(db.conn())
        .await?
        .ok_or(ApiError::NotFound)?;
    let access = ConsultationAccess::load(db.conn(), who, c.consultation_id).await?;
    let c = contribution::Entity::find_by_id(c.id)
        .filter(visible_to(&access))
        .one(db.conn())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((access, c))
}

pub async fn get(db: &Db, who: &Authenticated, id: Uuid) -> Result<ContributionDto, ApiError> {
    let (access, c) = load(db, who, id).await?;
    one_view(db, &access, c).await
}

/// Edits by the author, while the round of the contribution is open.
pub async fn edit(
    db: &Db,
    who: &Authenticated,
    id: Uuid,
    request: ContributionRequest,
) -> Result<ContributionDto, ApiError> {
    let (access, current) = load(db, who, id).await?;
    let company = access.as_company()?;
    if current.author_id != company.company_user_id() {
        return Err(ApiError::Forbidden);
    }
    let txn = db.begin_write().await?;
    let (round, revision) = open_revision(&*txn, &access).await?;
    if current.round != round || current.status != STATUS_ACTIVE {
        return Err(ApiError::Conflict(
            "Cette contribution ne peut plus être modifiée.".into(),
        ));
    }
    let valid = validate(&request, &revision)?;
    let mut model = current.into_active_model();
    model.target_kind = Set(to_db(valid.target_kind));
    model.target_id = Set(valid.target_id);
    model.kind = Set(to_db(valid.kind));
    model.body = Set(valid.body);
    model.justification = Set(valid.justification);
    model.cost_direction = Set(valid.cost_direction.map(to_db));
    model.proposed_text = Set(valid.proposed_text);
    model.proposed_weight = Set(valid.proposed_weight.map(|w| w as i32));
    model.confidential = Set(valid.confidential);
    model.updated_at = Set(Utc::now());
    let saved = model.update(&*txn).await?;
    journal::record(
        &*txn,
        access.id(),
        company.company_user_id(),
        "contribution_edited",
        "Contribution modifiée",
    )
    .await?;
    txn.commit().await?;
    one_view(db, &access, saved).await
}

pub async fn withdraw(db: &Db, who: &Authenticated, id: Uuid) -> Result<ContributionDto, ApiError> {
    let (access, current) = load(db, who, id).await?;
    let company = access.as_company()?;
    if current.author_id != company.company_user_id() {
        return Err(ApiError::Forbidden);
    }
    let txn = db.begin_write().await?;
    let (round, _) = open_revision(&*txn, &access).await?;
    if current.round != round || current.status != STATUS_ACTIVE {
        return Err(ApiError::Conflict(
            "Cette contribution ne peut plus être retirée.".into(),
        ));
    }
    let mut model = current.into_active_model();
    model.status = Set(STATUS_WITHDRAWN.to_owned());
    model.updated_at = Set(Utc::now());
    let saved = model.update(&*txn).await?;
    journal::record(
        &*txn,
        access.id(),
        company.company_user_id(),
        "contribution_withdrawn",
        "Contribution retirée",
    )
    .await?;
    txn.commit().await?;
    one_view(db, &access, saved).await
}

/// Replies come from the owner agent or the contribution's author.
pub async fn reply(
    db: &Db,
    who: &Authenticated,
    id: Uuid,
    request: ReplyRequest,
) -> Result<ContributionDto, ApiError> {
    let (access, c) = load(db, who, id).await?;
    let by_owner = access.as_owner().is_ok();
    if !by_owner && c.author_id != access.user_id {
        return Err(ApiError::Forbidden);
    }
    let mut v = Validator::default();
    let body = v.field("body", text(&request.body, limits::BODY, true));
    let body = v.finish(body).map_err(ApiError::Validation)?;
    let txn = db.begin_write().await?;
    reply::ActiveModel {
        id: Set(Uuid::new_v4()),
        contribution_id: Set(c.id),
        author_id: Set(access.user_id),
        body: Set(body),
        created_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    journal::record(
        &*txn,
        access.id(),
        access.user_id,
        "reply_posted",
        "Réponse publiée",
    )
    .await?;
    if by_owner {
        let title = &access.consultation.title;
        journal::notify(
            &*txn,
            [c.author_id],
            access.id(),
            &format!("L'agent a répondu à votre contribution sur « {title} »."),
        )
        .await?;
        if c.kind == to_db(ContributionKind::Clarification) {
            // Equal treatment: a clarification's answer is for every company concerned.
            let others: Vec<Uuid> = journal::audience(&*txn, &access.consultation)
                .await?
                .into_iter()
                .filter(|u| *u != c.author_id)
                .collect();
            journal::notify(
                &*txn,
                others,
                access.id(),
                &format!("Nouvelle réponse publique à une demande de précision sur « {title} »."),
            )
            .await?;
        }
    }
    txn.commit().await?;
    one_view(db, &access, c).await
}

pub async fn decide(
    db: &Db,
    who: &Authenticated,
    id: Uuid,
    request: DecisionRequest,
) -> Result<ContributionDto, ApiError> {
    let (access, current) = load(db, who, id).await?;
    let owner = access.as_owner()?;
    let mut v = Validator::default();
    let rationale = v.field("rationale", text(&request.rationale, limits::BODY, true));
    let is_clarification = current.kind == to_db(ContributionKind::Clarification);
    match request.decision {
        None => v.push(FieldError::new(
            "decision",
            "required",
            "Choisissez une décision.",
        )),
        Some(DecisionKind::Answered) if !is_clarification => v.push(FieldError::new(
            "decision",
            "mismatch",
            "« Répondu » est réservé aux demandes de précision.",
        )),
        Some(DecisionKind::Accepted | DecisionKind::PartiallyAccepted | DecisionKind::Rejected)
            if is_clarification =>
        {
            v.push(FieldError::new(
                "decision",
                "mismatch",
                "Une demande de précision reçoit la décision « Répondu ».",
            ))
        }
        Some(_) => {}
    }
    let txn = db.begin_write().await?;
    if let Some(n) = request.integrated_in_round {
        let latest = latest_round(&*txn, access.id())
            .await?
            .map_or(0, |r| r.number);
        if n < 1 || n > latest {
            v.push(FieldError::new(
                "integrated_in_round",
                "unknown",
                "Ce tour n'existe pas.",
            ));
        }
    }
    let rationale = v.finish(rationale).map_err(ApiError::Validation)?;
    if current.status != STATUS_ACTIVE {
        return Err(ApiError::Conflict(
            "Une contribution retirée ne reçoit pas de décision.".into(),
        ));
    }
    let author_id = current.author_id;
    let mut model = current.into_active_model();
    model.decision = Set(request.decision.map(to_db));
    model.decision_rationale = Set(Some(rationale));
    model.decision_round = Set(request.integrated_in_round);
    model.decided_at = Set(Some(Utc::now()));
    let saved = model.update(&*txn).await?;
    journal::record(
        &*txn,
        access.id(),
        owner.agent_id(),
        "decision_made",
        "Décision rendue sur une contribution",
    )
    .await?;
    journal::notify(
        &*txn,
        [author_id],
        access.id(),
        &format!(
            "L'agent a rendu sa décision sur votre contribution à « {} ».",
            access.consultation.title
        ),
    )
    .await?;
    txn.commit().await?;
    one_view(db, &access, saved).await
}

/// Per round and target: counts by kind, cost direction and decision.
pub async fn synthesis(
    db: &Db,
    access: &ConsultationAccess,
) -> Result<Vec<SynthesisRow>, ApiError> {
    access.require_staff()?;
    let rows = contribution::Entity::find()
        .filter(contribution::Column::ConsultationId.eq(access.id()))
        .filter(contribution::Column::Status.eq(STATUS_ACTIVE))
        .order_by_asc(contribution::Column::Round)
        .all(db.conn())
        .await?;
    let mut table: Vec<SynthesisRow> = Vec::new();
    for c in rows {
        let target_kind: TargetKind = from_db(&c.target_kind)?;
        let index = match table.iter().position(|r| {
            r.round == c.round && r.target_id == c.target_id && r.target_kind == Some(target_kind)
        }) {
            Some(i) => i,
            None => {
                table.push(SynthesisRow {
                    round: c.round,
                    target_kind: Some(target_kind),
                    target_id: c.target_id,
                    ..Default::default()
                });
                table.len() - 1
            }
        };
        let row = &mut table[index];
        match from_db::<ContributionKind>(&c.kind)? {
            ContributionKind::Solution => row.solutions += 1,
            ContributionKind::Clarification => row.clarifications += 1,
            ContributionKind::AlternativeClause | ContributionKind::AlternativeCriterion => {
                row.alternatives += 1
            }
        }
        match c
            .cost_direction
            .as_deref()
            .map(from_db::<CostDirection>)
            .transpose()?
        {
            Some(CostDirection::Increase) => row.cost_increase += 1,
            Some(CostDirection::Decrease) => row.cost_decrease += 1,
            Some(CostDirection::Neutral) => row.cost_neutral += 1,
            Some(CostDirection::Unknown) => row.cost_unknown += 1,
            None => {}
        }
        match c
            .decision
            .as_deref()
            .map(from_db::<DecisionKind>)
            .transpose()?
        {
            Some(DecisionKind::Accepted) => row.accepted += 1,
            Some(DecisionKind::PartiallyAccepted) => row.partially_accepted += 1,
            Some(DecisionKind::Rejected) => row.rejected += 1,
            Some(DecisionKind::Answered) => row.answered += 1,
            None => row.undecided += 1,
        }
    }
    Ok(table)
}
