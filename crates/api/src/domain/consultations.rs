//! Consultations, their working draft, rounds and publication.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::FieldError;
use shared::auth::{Page, Validator};
use shared::consultation::{
    CctpContent, ConsultationDto, ConsultationStatus, CpvCode, CreateConsultationRequest, DiffDto,
    DraftDto, OpenRoundRequest, PublicationDecisionRequest, RevisionDto, RoundDto,
    UpdateConsultationRequest, Visibility, limits,
};
use shared::reference::{cpv_division_label, departement_name};
use shared::types::{Departement, Invalid, Role};
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::db::Db;
use crate::domain::access::{
    AgentCapability, BuyerCapability, ConsultationAccess, OwnerCapability, PHASE_ABANDONED,
    PHASE_AWAITING_APPROVAL, PHASE_DIALOGUE, PHASE_DRAFT, PHASE_PUBLISHED, round_is_open,
    visibility,
};
use crate::domain::{diff, journal};
use crate::entities::{consultation, round, user};
use crate::error::ApiError;

pub fn text(value: &str, max: usize, required: bool) -> Result<String, Invalid> {
    let trimmed = value.trim();
    if required && trimmed.is_empty() {
        return Err(Invalid {
            code: "required",
            message: "Ce champ est obligatoire.".into(),
        });
    }
    if trimmed.chars().count() > max {
        return Err(Invalid {
            code: "too_long",
            message: format!("Ce texte ne peut pas dépasser {max} caractères."),
        });
    }
    Ok(trimmed.to_owned())
}

fn visibility_str(v: Visibility) -> &'static str {
    match v {
        Visibility::Targeted => "targeted",
        Visibility::Open => "open",
    }
}

fn round_dto(r: &round::Model, now: chrono::DateTime<Utc>) -> RoundDto {
    RoundDto {
        number: r.number,
        opened_at: r.opened_at,
        closes_at: r.closes_at,
        closed_early_at: r.closed_early_at,
        changelog: r.changelog.clone(),
        is_open: round_is_open(r.closes_at, r.closed_early_at, now),
    }
}

fn status(c: &consultation::Model, latest: Option<&RoundDto>) -> ConsultationStatus {
    match c.phase.as_str() {
        PHASE_DRAFT => ConsultationStatus::Draft,
        PHASE_AWAITING_APPROVAL => ConsultationStatus::AwaitingApproval,
        PHASE_PUBLISHED => ConsultationStatus::Published,
        PHASE_ABANDONED => ConsultationStatus::Abandoned,
        _ if latest.is_some_and(|r| r.is_open) => ConsultationStatus::InDialogue,
        _ => ConsultationStatus::BetweenRounds,
    }
}

/// Views of several consultations with three queries, whatever their number.
async fn views(
    conn: &impl ConnectionTrait,
    rows: Vec<consultation::Model>,
) -> Result<Vec<ConsultationDto>, ApiError> {
    let ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
    let people: HashSet<Uuid> = rows.iter().flat_map(|c| [c.owner_id, c.buyer_id]).collect();
    let names: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(people))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let now = Utc::now();
    let mut latest: HashMap<Uuid, RoundDto> = HashMap::new();
    for r in round::Entity::find()
        .filter(round::Column::ConsultationId.is_in(ids))
        .order_by_asc(round::Column::Number)
        .all(conn)
        .await?
    {
        latest.insert(r.consultation_id, round_dto(&r, now));
    }
    Ok(rows
        .into_iter()
        .map(|c| {
            let current_round = latest.remove(&c.id);
            ConsultationDto {
                id: c.id,
                status: status(&c, current_round.as_ref()),
                cpv_label: cpv_division_label(&c.cpv_division)
                    .unwrap_or_default()
                    .into(),
                departement_name: departement_name(&c.departement).unwrap_or_default().into(),
                visibility: if c.visibility == "open" {
                    Visibility::Open
                } else {
                    Visibility::Targeted
                },
                owner_name: names.get(&c.owner_id).cloned().unwrap_or_default(),
                buyer_name: names.get(&c.buyer_id).cloned().unwrap_or_default(),
                current_round,
                title: c.title,
                summary: c.summary,
                cpv_code: c.cpv_code,
                departement: c.departement,
                created_at: c.created_at,
                updated_at: c.updated_at,
            }
        })
        .collect())
}

pub async fn view(
    conn: &impl ConnectionTrait,
    c: consultation::Model,
) -> Result<ConsultationDto, ApiError> {
    views(conn, vec![c])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("consultation view vanished")))
}

pub async fn create(
    db: &Db,
    agent: &AgentCapability,
    request: CreateConsultationRequest,
) -> Result<ConsultationDto, ApiError> {
    let mut v = Validator::default();
    let title = v.field("title", text(&request.title, limits::TITLE, true));
    let summary = v.field("summary", text(&request.summary, limits::SUMMARY, false));
    let cpv = v.field("cpv_code", CpvCode::parse(&request.cpv_code));
    let departement = v.field("departement", Departement::parse(&request.departement));
    let buyer = match request.buyer_id {
        None => {
            v.push(FieldError::new(
                "buyer_id",
                "required",
                "Choisissez l'acheteur PFRA qui validera la publication.",
            ));
            None
        }
        Some(id) => {
            let found = user::Entity::find_by_id(id)
                .filter(user::Column::Role.eq(Role::Buyer.as_str()))
                .one(db.conn())
                .await?;
            if found.is_none() {
                v.push(FieldError::new(
                    "buyer_id",
                    "unknown",
                    "Cet acheteur PFRA n'existe pas.",
                ));
            }
            found
        }
    };
    let (title, summary, cpv, departement, buyer) = v
        .finish((|| Some((title?, summary?, cpv?, departement?, buyer?)))())
        .map_err(ApiError::Validation)?;
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let model = consultation::ActiveModel {
        id: Set(Uuid::new_v4()),
        title: Set(title),
        summary: Set(summary),
        cpv_division: Set(cpv.division().to_owned()),
        cpv_code: Set(cpv.as_str().to_owned()),
        departement: Set(departement.as_str().to_owned()),
        visibility: Set(visibility_str(request.visibility).to_owned()),
        phase: Set(PHASE_DRAFT.to_owned()),
        owner_id: Set(agent.agent_id()),
        buyer_id: Set(buyer.id),
        draft: Set(serde_json::to_string(&CctpContent::default()).map_err(anyhow::Error::from)?),
        draft_version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    journal::record(
        &*txn,
        model.id,
        agent.agent_id(),
        "consultation_created",
        "Consultation créée",
    )
    .await?;
    txn.commit().await?;
    view(db.conn(), model).await
}

#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    pub status: Option<ConsultationStatus>,
    pub cpv: Option<String>,
    pub departement: Option<String>,
    pub q: Option<String>,
}

pub async fn list(
    db: &Db,
    who: &Authenticated,
    filter: ListFilter,
    page: u64,
    per_page: u64,
) -> Result<Page<ConsultationDto>, ApiError> {
    let conn = db.conn();
    let now = Utc::now();
    let mut condition = Condition::all().add(visibility(conn, who).await?);
    let open_round = Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(round::Entity)
            .and_where(
                Expr::col((round::Entity, round::Column::ConsultationId))
                    .equals((consultation::Entity, consultation::Column::Id)),
            )
            .and_where(Expr::col((round::Entity, round::Column::ClosedEarlyAt)).is_null())
            .and_where(Expr::col((round::Entity, round::Column::ClosesAt)).gt(now))
            .to_owned(),
    );
    if let Some(status) = filter.status {
        condition = match status {
            ConsultationStatus::Draft => condition.add(consultation::Column::Phase.eq(PHASE_DRAFT)),
            ConsultationStatus::AwaitingApproval => {
                condition.add(consultation::Column::Phase.eq(PHASE_AWAITING_APPROVAL))
            }
            ConsultationStatus::Published => {
                condition.add(consultation::Column::Phase.eq(PHASE_PUBLISHED))
            }
            ConsultationStatus::Abandoned => {
                condition.add(consultation::Column::Phase.eq(PHASE_ABANDONED))
            }
            ConsultationStatus::InDialogue => condition
                .add(consultation::Column::Phase.eq(PHASE_DIALOGUE))
                .add(open_round),
            ConsultationStatus::BetweenRounds => condition
                .add(consultation::Column::Phase.eq(PHASE_DIALOGUE))
                .add(open_round.not()),
        };
    }
    if let Some(cpv) = filter.cpv.filter(|c| !c.is_empty()) {
        condition = condition.add(consultation::Column::CpvCode.starts_with(cpv.trim()));
    }
    if let Some(dep) = filter.departement.filter(|d| !d.is_empty()) {
        condition =
            condition.add(consultation::Column::Departement.eq(dep.trim().to_ascii_uppercase()));
    }
    if let Some(q) = filter.q.filter(|q| !q.trim().is_empty()) {
        let q = q.trim().to_owned();
        condition = condition.add(
            Condition::any()
                .add(consultation::Column::Title.contains(&q))
                .add(consultation::Column::Summary.contains(&q)),
        );
    }
    let query = consultation::Entity::find().filter(condition);
    let total = query.clone().count(conn).await?;
    let rows = query
        .order_by_desc(consultation::Column::UpdatedAt)
        .order_by_asc(consultation::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(conn)
        .await?;
    Ok(Page {
        items: views(conn, rows).await?,
        page,
        per_page,
        total,
    })
}

pub async fn update(
    db: &Db,
    owner: &OwnerCapability,
    request: UpdateConsultationRequest,
) -> Result<ConsultationDto, ApiError> {
    let mut v = Validator::default();
    let title = request
        .title
        .as_deref()
        .map(|t| v.field("title", text(t, limits::TITLE, true)));
    let summary = request
        .summary
        .as_deref()
        .map(|s| v.field("summary", text(s, limits::SUMMARY, false)));
    v.finish(Some(())).map_err(ApiError::Validation)?;
    let txn = db.begin_write().await?;
    let current = locked(&*txn, owner.consultation_id()).await?;
    if matches!(current.phase.as_str(), PHASE_PUBLISHED | PHASE_ABANDONED) {
        return Err(ApiError::Conflict(
            "Une consultation publiée ou abandonnée ne peut plus être modifiée.".into(),
        ));
    }
    let mut model = current.into_active_model();
    if let Some(Some(title)) = title {
        model.title = Set(title);
    }
    if let Some(Some(summary)) = summary {
        model.summary = Set(summary);
    }
    if let Some(visibility) = request.visibility {
        model.visibility = Set(visibility_str(visibility).to_owned());
    }
    if request.abandon {
        model.phase = Set(PHASE_ABANDONED.to_owned());
    }
    model.updated_at = Set(Utc::now());
    let saved = model.update(&*txn).await?;
    let action = if request.abandon {
        "consultation_abandoned"
    } else {
        "consultation_updated"
    };
    journal::record(
        &*txn,
        saved.id,
        owner.agent_id(),
        action,
        "Description de la consultation modifiée",
    )
    .await?;
    txn.commit().await?;
    view(db.conn(), saved).await
}

async fn locked(conn: &impl ConnectionTrait, id: Uuid) -> Result<consultation::Model, ApiError> {
    consultation::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(ApiError::NotFound)
}

fn parse_content(json: &str) -> Result<CctpContent, ApiError> {
    serde_json::from_str(json)
        .map_err(|e| ApiError::Unexpected(anyhow::Error::from(e).context("stored CCTP unreadable")))
}

/// The working draft; staff only, companies read published revisions.
pub fn draft(access: &ConsultationAccess) -> Result<DraftDto, ApiError> {
    access.require_staff()?;
    Ok(DraftDto {
        version: access.consultation.draft_version,
        content: parse_content(&access.consultation.draft)?,
    })
}

/// Replaces a text by its trimmed form when valid, records the error otherwise.
fn text_in_place(v: &mut Validator, field: &str, value: &mut String, max: usize, required: bool) {
    if let Some(valid) = v.field(field, text(value, max, required)) {
        *value = valid;
    }
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

/// Validates a CCTP and gives every new section, clause and criterion an id.
pub fn validate_content(mut content: CctpContent) -> Result<CctpContent, ApiError> {
    let mut v = Validator::default();
    let mut seen = HashSet::new();
    let mut fresh_id = |id: &mut Option<Uuid>, field: String, v: &mut Validator| {
        let value = *id.get_or_insert_with(Uuid::new_v4);
        if !seen.insert(value) {
            v.push(FieldError::new(
                field,
                "duplicate",
                "Cet identifiant est utilisé deux fois.",
            ));
        }
    };
    at_most(
        &mut v,
        "sections",
        content.sections.len(),
        limits::SECTIONS,
        "sections",
    );
    for (i, section) in content.sections.iter_mut().enumerate() {
        fresh_id(&mut section.id, format!("sections[{i}].id"), &mut v);
        text_in_place(
            &mut v,
            &format!("sections[{i}].title"),
            &mut section.title,
            limits::TITLE,
            true,
        );
        at_most(
            &mut v,
            &format!("sections[{i}].clauses"),
            section.clauses.len(),
            limits::CLAUSES_PER_SECTION,
            "clauses par section",
        );
        for (j, clause) in section.clauses.iter_mut().enumerate() {
            let at = format!("sections[{i}].clauses[{j}]");
            fresh_id(&mut clause.id, format!("{at}.id"), &mut v);
            text_in_place(
                &mut v,
                &format!("{at}.number"),
                &mut clause.number,
                20,
                true,
            );
            text_in_place(
                &mut v,
                &format!("{at}.title"),
                &mut clause.title,
                limits::TITLE,
                true,
            );
            text_in_place(
                &mut v,
                &format!("{at}.text"),
                &mut clause.text,
                limits::CLAUSE_TEXT,
                true,
            );
        }
    }
    at_most(
        &mut v,
        "criteria",
        content.criteria.len(),
        limits::CRITERIA,
        "critères",
    );
    for (i, criterion) in content.criteria.iter_mut().enumerate() {
        fresh_id(&mut criterion.id, format!("criteria[{i}].id"), &mut v);
        text_in_place(
            &mut v,
            &format!("criteria[{i}].name"),
            &mut criterion.name,
            limits::TITLE,
            true,
        );
        text_in_place(
            &mut v,
            &format!("criteria[{i}].description"),
            &mut criterion.description,
            limits::BODY,
            false,
        );
        if criterion.weight == 0 || criterion.weight > 100 {
            v.push(FieldError::new(
                format!("criteria[{i}].weight"),
                "range",
                "Le poids est un pourcentage entre 1 et 100.",
            ));
        }
    }
    let total: u32 = content.criteria.iter().map(|c| c.weight).sum();
    if !content.criteria.is_empty() && total != 100 {
        v.push(FieldError::new(
            "criteria",
            "weights_sum",
            format!("La somme des poids doit être 100 % (actuellement {total} %)."),
        ));
    }
    v.finish(Some(content)).map_err(ApiError::Validation)
}

fn ensure_editable(c: &consultation::Model) -> Result<(), ApiError> {
    match c.phase.as_str() {
        PHASE_DRAFT | PHASE_DIALOGUE => Ok(()),
        PHASE_AWAITING_APPROVAL => Err(ApiError::Conflict("La publication est demandée : le brouillon est figé jusqu'à la décision de l'acheteur.".into())),
        _ => Err(ApiError::Conflict("Cette consultation est close : son CCTP ne peut plus changer.".into())),
    }
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
    let txn = db.begin_write().await?;
    ensure_editable(&locked(&*txn, owner.consultation_id()).await?)?;
    let updated = consultation::Entity::update_many()
        .col_expr(consultation::Column::Draft, Expr::value(json))
        .col_expr(
            consultation::Column::DraftVersion,
            Expr::value(expected_version + 1),
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
    journal::record(
        &*txn,
        owner.consultation_id(),
        owner.agent_id(),
        "draft_saved",
        format!("Brouillon enregistré (version {})", expected_version + 1),
    )
    .await?;
    txn.commit().await?;
    Ok(DraftDto {
        version: expected_version + 1,
        content,
    })
}

async fn rounds_of(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
) -> Result<Vec<round::Model>, ApiError> {
    Ok(round::Entity::find()
        .filter(round::Column::ConsultationId.eq(consultation_id))
        .order_by_asc(round::Column::Number)
        .all(conn)
        .await?)
}

pub async fn latest_round(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
) -> Result<Option<round::Model>, ApiError> {
    Ok(round::Entity::find()
        .filter(round::Column::ConsultationId.eq(consultation_id))
        .order_by_desc(round::Column::Number)
        .one(conn)
        .await?)
}

/// Freezes the draft as revision N and opens round N.
pub async fn open_round(
    db: &Db,
    owner: &OwnerCapability,
    request: OpenRoundRequest,
) -> Result<RoundDto, ApiError> {
    let now = Utc::now();
    let mut v = Validator::default();
    let changelog = v.field(
        "changelog",
        text(&request.changelog, limits::CHANGELOG, false),
    );
    match request.closes_at {
        None => v.push(FieldError::new(
            "closes_at",
            "required",
            "Indiquez la date limite des contributions.",
        )),
        Some(at) if at <= now => v.push(FieldError::new(
            "closes_at",
            "past",
            "La date limite doit être dans le futur.",
        )),
        Some(_) => {}
    }
    let changelog = v.finish(changelog).map_err(ApiError::Validation)?;
    let closes_at = request.closes_at.unwrap_or(now);
    let txn = db.begin_write().await?;
    let current = locked(&*txn, owner.consultation_id()).await?;
    ensure_editable(&current)?;
    let content = validate_content(parse_content(&current.draft)?)?;
    if content.clauses().next().is_none() {
        return Err(ApiError::field(
            "draft",
            "empty",
            "Le brouillon doit contenir au moins une clause avant d'ouvrir un tour.",
        ));
    }
    let previous = latest_round(&*txn, current.id).await?;
    if previous
        .as_ref()
        .is_some_and(|r| round_is_open(r.closes_at, r.closed_early_at, now))
    {
        return Err(ApiError::Conflict(
            "Un tour est déjà ouvert : clôturez-le avant d'en ouvrir un autre.".into(),
        ));
    }
    let number = previous.map_or(1, |r| r.number + 1);
    let opened = round::ActiveModel {
        id: Set(Uuid::new_v4()),
        consultation_id: Set(current.id),
        number: Set(number),
        content: Set(current.draft.clone()),
        changelog: Set(changelog),
        opened_at: Set(now),
        closes_at: Set(closes_at),
        closed_early_at: Set(None),
    }
    .insert(&*txn)
    .await?;
    let mut model = current.clone().into_active_model();
    model.phase = Set(PHASE_DIALOGUE.to_owned());
    model.updated_at = Set(now);
    let saved = model.update(&*txn).await?;
    journal::record(
        &*txn,
        saved.id,
        owner.agent_id(),
        "round_opened",
        format!("Tour {number} ouvert"),
    )
    .await?;
    let audience = journal::audience(&*txn, &saved).await?;
    journal::notify(
        &*txn,
        audience,
        saved.id,
        &format!(
            "Le tour {number} de la consultation « {} » est ouvert.",
            saved.title
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(round_dto(&opened, now))
}

pub async fn rounds(db: &Db, access: &ConsultationAccess) -> Result<Vec<RoundDto>, ApiError> {
    let now = Utc::now();
    Ok(rounds_of(db.conn(), access.id())
        .await?
        .iter()
        .map(|r| round_dto(r, now))
        .collect())
}

async fn round_by_number(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
    number: i32,
) -> Result<round::Model, ApiError> {
    round::Entity::find()
        .filter(round::Column::ConsultationId.eq(consultation_id))
        .filter(round::Column::Number.eq(number))
        .one(conn)
        .await?
        .ok_or(ApiError::NotFound)
}

pub async fn revision(
    db: &Db,
    access: &ConsultationAccess,
    number: i32,
) -> Result<RevisionDto, ApiError> {
    let r = round_by_number(db.conn(), access.id(), number).await?;
    Ok(RevisionDto {
        round: round_dto(&r, Utc::now()),
        content: parse_content(&r.content)?,
    })
}

pub async fn close_round(
    db: &Db,
    owner: &OwnerCapability,
    number: i32,
) -> Result<RoundDto, ApiError> {
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let r = round_by_number(&*txn, owner.consultation_id(), number).await?;
    if !round_is_open(r.closes_at, r.closed_early_at, now) {
        return Err(ApiError::Conflict("Ce tour est déjà clos.".into()));
    }
    let mut model = r.into_active_model();
    model.closed_early_at = Set(Some(now));
    let closed = model.update(&*txn).await?;
    journal::record(
        &*txn,
        owner.consultation_id(),
        owner.agent_id(),
        "round_closed",
        format!("Tour {number} clos avant l'échéance"),
    )
    .await?;
    txn.commit().await?;
    Ok(round_dto(&closed, now))
}

pub async fn diff(
    db: &Db,
    access: &ConsultationAccess,
    to: i32,
    from: i32,
) -> Result<DiffDto, ApiError> {
    let conn = db.conn();
    let before = parse_content(&round_by_number(conn, access.id(), from).await?.content)?;
    let after = parse_content(&round_by_number(conn, access.id(), to).await?.content)?;
    Ok(diff::between(from, &before, to, &after))
}

pub async fn request_publication(
    db: &Db,
    owner: &OwnerCapability,
) -> Result<ConsultationDto, ApiError> {
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let current = locked(&*txn, owner.consultation_id()).await?;
    if current.phase != PHASE_DIALOGUE {
        return Err(ApiError::Conflict(
            "La publication ne peut être demandée qu'après au moins un tour de dialogue.".into(),
        ));
    }
    if latest_round(&*txn, current.id)
        .await?
        .is_some_and(|r| round_is_open(r.closes_at, r.closed_early_at, now))
    {
        return Err(ApiError::Conflict(
            "Clôturez le tour en cours avant de demander la publication.".into(),
        ));
    }
    let buyer_id = current.buyer_id;
    let mut model = current.into_active_model();
    model.phase = Set(PHASE_AWAITING_APPROVAL.to_owned());
    model.updated_at = Set(now);
    let saved = model.update(&*txn).await?;
    journal::record(
        &*txn,
        saved.id,
        owner.agent_id(),
        "publication_requested",
        "Publication demandée",
    )
    .await?;
    journal::notify(
        &*txn,
        [buyer_id],
        saved.id,
        &format!("Publication demandée pour « {} ».", saved.title),
    )
    .await?;
    txn.commit().await?;
    view(db.conn(), saved).await
}

pub async fn decide_publication(
    db: &Db,
    buyer: &BuyerCapability,
    request: PublicationDecisionRequest,
) -> Result<ConsultationDto, ApiError> {
    let mut v = Validator::default();
    let comment = v.field(
        "comment",
        text(&request.comment, limits::BODY, !request.approve),
    );
    let comment = v.finish(comment).map_err(ApiError::Validation)?;
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let current = locked(&*txn, buyer.consultation_id()).await?;
    if current.phase != PHASE_AWAITING_APPROVAL {
        return Err(ApiError::Conflict(
            "Aucune demande de publication n'est en attente.".into(),
        ));
    }
    let owner_id = current.owner_id;
    let mut model = current.into_active_model();
    let (phase, action, message) = if request.approve {
        (
            PHASE_PUBLISHED,
            "publication_approved",
            "La publication a été validée : le CCTP final est figé.".to_owned(),
        )
    } else {
        (
            PHASE_DIALOGUE,
            "changes_requested",
            format!("L'acheteur demande des modifications : {comment}"),
        )
    };
    model.phase = Set(phase.to_owned());
    model.updated_at = Set(now);
    let saved = model.update(&*txn).await?;
    journal::record(
        &*txn,
        saved.id,
        buyer.buyer_id(),
        action,
        if comment.is_empty() {
            message.clone()
        } else {
            comment.clone()
        },
    )
    .await?;
    journal::notify(&*txn, [owner_id], saved.id, &message).await?;
    txn.commit().await?;
    view(db.conn(), saved).await
}

#[cfg(test)]
mod tests {
    use shared::consultation::{Clause, Criterion, Section};

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
        assert!(
            found
                .iter()
                .any(|e| e.field == "criteria" && e.code == "weights_sum")
        );

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
