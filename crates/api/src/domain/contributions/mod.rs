//! Contributions of companies on a clause, a criterion or the whole
//! document: who may see which, and the author's own life cycle of one
//! (create, edit, withdraw). Replies, decisions and the synthesis have their
//! own modules; every label comes from `anonymity`.

pub mod decisions;
pub mod replies;
pub mod rules;
pub mod synthesis;
pub mod views;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Select, Set,
};
use shared::Named;
use shared::auth::Page;
use shared::consultation::{
    CctpContent, ContributionDto, ContributionKind, ContributionRequest, ContributionStatus,
    DecisionKind, EventAction, TargetKind, limits,
};
use shared::disclosure::AuthorIdentity;
use shared::mail::MailKind;
use shared::types::Role;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::db::Db;
use crate::domain::access::{ConsultationAccess, Viewer};
use crate::domain::anonymity::{self, ensure_pseudonym, own_pseudonym};
use crate::domain::consultations::rounds::{open_revision, open_round_for};
use crate::domain::consultations::{lock, locked};
use crate::domain::journal;
use crate::domain::mail::letters::consultation_path;
use crate::domain::mail::{Addressee, Letter};
use crate::domain::pagination::{PageRequest, count_of};
use crate::entities::{consultation_tally, contribution};
use crate::error::ApiError;
use rules::{ValidContribution, validate};

pub async fn create(
    db: &Db,
    access: &ConsultationAccess,
    request: ContributionRequest,
) -> Result<ContributionDto, ApiError> {
    let company = access.as_company()?;
    let author = anonymity::verified_author(db.conn(), company.company_user_id()).await?;
    guard_texts(
        db,
        access.id(),
        company.company_user_id(),
        &author,
        &request,
    )
    .await?;
    // Checked against the open revision before the write transaction: the
    // revision of a round never changes, and SQLite's single writer should
    // not wait while a large one is parsed.
    let (round, revision) = open_revision(db.conn(), access.consultation()).await?;
    let valid = validate(&request, &revision)?;
    // Likewise read before: a pseudonym, once given, stays (only the first
    // one is given under the lock), and the owner's mail choices.
    let known_pseudonym = own_pseudonym(db.conn(), access).await?;
    let owner = Addressee::of(
        db.conn(),
        access.consultation().owner_id,
        MailKind::ContributionReceived,
    )
    .await?;
    let txn = db.begin_write().await?;
    // Under the consultation's lock: the phase and the open round are read
    // as they are now (an early close waits, or is waited for), the
    // author's count cannot be raised by a request of its own meanwhile, and
    // two companies taking their first pseudonym at once are served in turn.
    lock(&*txn, access.id()).await?;
    let (open, already) = open_round_for(&*txn, access.id(), company.company_user_id()).await?;
    if open != round {
        return Err(ApiError::Conflict(
            "Un nouveau tour s'est ouvert pendant l'envoi : relisez la révision en cours avant de contribuer."
                .into(),
        ));
    }
    if already >= limits::CONTRIBUTIONS_PER_ROUND {
        return Err(ApiError::Conflict(format!(
            "Votre entreprise a déjà déposé {} contributions à ce tour, le maximum : complétez les existantes par une réponse.",
            limits::CONTRIBUTIONS_PER_ROUND
        )));
    }
    let pseudonym = match known_pseudonym {
        Some(pseudonym) => pseudonym,
        None => {
            ensure_pseudonym(&*txn, company.consultation_id(), company.company_user_id()).await?
        }
    };
    let now = Utc::now();
    let mut model = contribution::ActiveModel {
        id: Set(Uuid::new_v4()),
        consultation_id: Set(access.id()),
        round: Set(round),
        author_id: Set(company.company_user_id()),
        status: Set(ContributionStatus::Active),
        decision: Set(None),
        decision_rationale: Set(None),
        decision_round: Set(None),
        decided_at: Set(None),
        answered_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    set_content(&mut model, valid);
    let saved = model.insert(&*txn).await?;
    journal::record(
        &*txn,
        access.id(),
        company.company_user_id(),
        EventAction::ContributionCreated,
        format!("Contribution déposée au tour {round}"),
    )
    .await?;
    let title = &access.consultation().title;
    let letter = Letter::new(
        format!("Nouvelle contribution : {title}"),
        "Vous recevez ce message car vous êtes l'agent responsable de cette consultation.",
    )
    .paragraph(format!(
        "{pseudonym} a déposé une contribution au tour {round} de « {title} » ({}).",
        saved.kind.label_fr().to_lowercase()
    ))
    .action(
        "Lire la contribution",
        format!(
            "{}#contribution-{}",
            consultation_path(access.id()),
            saved.id
        ),
    );
    if let Some(owner) = owner {
        owner.send(&*txn, &letter).await?;
    }
    txn.commit().await?;
    Ok(views::created(access, saved))
}

/// The fields the author writes, at creation and at each edit.
fn set_content(model: &mut contribution::ActiveModel, valid: ValidContribution) {
    model.target_kind = Set(valid.target_kind);
    model.target_id = Set(valid.target_id);
    model.kind = Set(valid.kind);
    model.body = Set(valid.body);
    model.justification = Set(valid.justification);
    model.cost_direction = Set(valid.cost_direction);
    model.proposed_text = Set(valid.proposed_text);
    model.proposed_weight = Set(valid.proposed_weight.and_then(|w| i32::try_from(w).ok()));
    model.confidential = Set(valid.confidential);
}

/// The contributions a reader may see: all of them for staff; for a company
/// its own and the others' active, non-confidential ones.
fn visible_to(access: &ConsultationAccess) -> Condition {
    let in_consultation =
        Condition::all().add(contribution::Column::ConsultationId.eq(access.id()));
    match access.viewer() {
        Viewer::Owner | Viewer::AssignedBuyer | Viewer::Admin => in_consultation,
        Viewer::Company => in_consultation.add(
            Condition::any()
                .add(contribution::Column::AuthorId.eq(access.user_id()))
                .add(
                    Condition::all()
                        .add(contribution::Column::Confidential.eq(false))
                        .add(contribution::Column::Status.eq(ContributionStatus::Active)),
                ),
        ),
    }
}

/// How many contributions the reader of `access` sees in the whole
/// consultation (what `visible_to` selects), from the tally the database
/// keeps rather than by counting them: staff see every one; a company the
/// public ones, and its own others (confidential or withdrawn), a count
/// bounded by what one company may write. One number, read by the page's
/// own statement.
fn visible_total(access: &ConsultationAccess) -> SelectStatement {
    let tally = |column: consultation_tally::Column| {
        let kept = Query::select()
            .column(column)
            .from(consultation_tally::Entity)
            .and_where(consultation_tally::Column::ConsultationId.eq(access.id()))
            .to_owned();
        // No tally row yet: no contribution yet.
        Expr::from(Func::coalesce([Expr::from(kept), Expr::value(0)]))
    };
    let total = match access.viewer() {
        Viewer::Owner | Viewer::AssignedBuyer | Viewer::Admin => {
            tally(consultation_tally::Column::Written)
        }
        Viewer::Company => {
            let own_others = contribution::Entity::find()
                .filter(contribution::Column::ConsultationId.eq(access.id()))
                .filter(contribution::Column::AuthorId.eq(access.user_id()))
                .filter(
                    Condition::any()
                        .add(contribution::Column::Confidential.eq(true))
                        .add(contribution::Column::Status.ne(ContributionStatus::Active)),
                );
            tally(consultation_tally::Column::Public).add(Expr::from(count_of(&own_others)))
        }
    };
    Query::select().expr(total).to_owned()
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ContributionFilter {
    pub round: Option<i32>,
    pub clause: Option<Uuid>,
    pub criterion: Option<Uuid>,
    pub kind: Option<ContributionKind>,
    pub decision: Option<DecisionKind>,
    pub mine: bool,
}

impl ContributionFilter {
    fn condition(self, reader_id: Uuid) -> Condition {
        let target = |kind: TargetKind, id: Uuid| {
            Condition::all()
                .add(contribution::Column::TargetKind.eq(kind))
                .add(contribution::Column::TargetId.eq(id))
        };
        let mut condition = Condition::all();
        if let Some(round) = self.round {
            condition = condition.add(contribution::Column::Round.eq(round));
        }
        if let Some(id) = self.clause {
            condition = condition.add(target(TargetKind::Clause, id));
        }
        if let Some(id) = self.criterion {
            condition = condition.add(target(TargetKind::Criterion, id));
        }
        if let Some(kind) = self.kind {
            condition = condition.add(contribution::Column::Kind.eq(kind));
        }
        if let Some(decision) = self.decision {
            condition = condition.add(contribution::Column::Decision.eq(decision));
        }
        if self.mine {
            condition = condition.add(contribution::Column::AuthorId.eq(reader_id));
        }
        condition
    }
}

pub async fn list(
    db: &Db,
    access: &ConsultationAccess,
    filter: ContributionFilter,
    page: PageRequest,
) -> Result<Page<ContributionDto>, ApiError> {
    let unfiltered = filter == ContributionFilter::default();
    let chosen = contribution::Entity::find()
        .filter(visible_to(access))
        .filter(filter.condition(access.user_id()));
    let total = if unfiltered {
        visible_total(access)
    } else {
        count_of(&chosen)
    };
    let (rows, total) = page
        .fetch_as::<views::Listed>(db.conn(), views::listing(chosen), total)
        .await?;
    Ok(page.page_of(views::views(db, access, rows).await?, total))
}

/// The contribution `id` if the reader of `access` may see it.
fn visible_one(access: &ConsultationAccess, id: Uuid) -> Select<contribution::Entity> {
    contribution::Entity::find_by_id(id).filter(visible_to(access))
}

/// The access to the consultation of the contribution `id`, or 404.
async fn access_to_consultation_of(
    db: &Db,
    who: &Authenticated,
    id: Uuid,
) -> Result<ConsultationAccess, ApiError> {
    let consultation_id = contribution::Entity::find_by_id(id)
        .select_only()
        .column(contribution::Column::ConsultationId)
        .into_tuple::<Uuid>()
        .one(db.conn())
        .await?
        .ok_or(ApiError::NotFound)?;
    ConsultationAccess::load(db.conn(), who, consultation_id).await
}

/// A contribution and the access to its consultation, or 404 when either is not visible.
pub async fn load(
    db: &Db,
    who: &Authenticated,
    id: Uuid,
) -> Result<(ConsultationAccess, contribution::Model), ApiError> {
    let access = access_to_consultation_of(db, who, id).await?;
    let c = visible_one(&access, id)
        .one(db.conn())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((access, c))
}

pub async fn get(db: &Db, who: &Authenticated, id: Uuid) -> Result<ContributionDto, ApiError> {
    let access = access_to_consultation_of(db, who, id).await?;
    view(db, &access, id).await
}

/// The contribution `id` as the reader of `access` sees it, or 404.
async fn view(db: &Db, access: &ConsultationAccess, id: Uuid) -> Result<ContributionDto, ApiError> {
    views::one_view(db, access, visible_one(access, id)).await
}

/// The author's change to its own contribution, allowed only while the
/// contribution is active, its round is the open one, and the agent has
/// neither answered nor decided it: an answer must stay under the question
/// it answers.
struct OwnChange<'a> {
    /// Why the change is refused once the round has moved on.
    refused: &'a str,
    action: EventAction,
    detail: &'a str,
}

/// Why the author may not change this contribution now, if it may not.
fn refusal(c: &contribution::Model, open_round: i32, what: &OwnChange<'_>) -> Option<ApiError> {
    if c.answered_at.is_some() || c.decision.is_some() {
        return Some(ApiError::Conflict(
            "L'agent a déjà répondu à cette contribution ou rendu sa décision : elle ne peut plus \
             être modifiée ni retirée. Vous pouvez la compléter par une réponse."
                .into(),
        ));
    }
    (c.round != open_round || c.status != ContributionStatus::Active)
        .then(|| ApiError::Conflict(what.refused.into()))
}

/// The same rule as `refusal`, as the condition of the update itself: an
/// answer or a decision committed by a concurrent request wins over the edit.
fn still_changeable(open_round: i32) -> Condition {
    Condition::all()
        .add(contribution::Column::Round.eq(open_round))
        .add(contribution::Column::Status.eq(ContributionStatus::Active))
        .add(contribution::Column::AnsweredAt.is_null())
        .add(contribution::Column::Decision.is_null())
}

async fn change_own(
    db: &Db,
    who: &Authenticated,
    id: Uuid,
    what: OwnChange<'_>,
    change: impl FnOnce(&mut contribution::ActiveModel, &CctpContent) -> Result<(), ApiError>,
) -> Result<ContributionDto, ApiError> {
    let (access, current) = load(db, who, id).await?;
    let company = access.as_company()?;
    if current.author_id != company.company_user_id() {
        return Err(ApiError::Forbidden);
    }
    let txn = db.begin_write().await?;
    // Under the consultation's lock, as every change of the dialogue: an
    // early close either waits for this change or is seen by it.
    let consultation = locked(&*txn, access.id()).await?;
    let (round, revision) = open_revision(&*txn, &consultation).await?;
    if let Some(refused) = refusal(&current, round, &what) {
        return Err(refused);
    }
    let mut model = current.into_active_model();
    change(&mut model, &revision)?;
    model.updated_at = Set(Utc::now());
    let saved = match contribution::Entity::update(model)
        .validate()?
        .filter(still_changeable(round))
        .exec(&*txn)
        .await
    {
        Ok(saved) => saved,
        Err(DbErr::RecordNotUpdated) => {
            let now = contribution::Entity::find_by_id(id)
                .one(&*txn)
                .await?
                .ok_or(ApiError::NotFound)?;
            return Err(refusal(&now, round, &what)
                .unwrap_or_else(|| ApiError::Conflict(what.refused.into())));
        }
        Err(other) => return Err(other.into()),
    };
    let author = company.company_user_id();
    journal::record(&*txn, access.id(), author, what.action, what.detail).await?;
    txn.commit().await?;
    view(db, &access, saved.id).await
}

/// The anonymity guard on a company's texts, as it sent them (the spans
/// point into what its form holds).
async fn guard_texts(
    db: &Db,
    consultation_id: Uuid,
    company_user_id: Uuid,
    author: &AuthorIdentity,
    request: &ContributionRequest,
) -> Result<(), ApiError> {
    let mut fields = vec![
        ("body", request.body.as_str()),
        ("justification", request.justification.as_str()),
    ];
    if let Some(proposed) = &request.proposed_text {
        fields.push(("proposed_text", proposed.as_str()));
    }
    anonymity::guard(db, consultation_id, company_user_id, &fields, Some(author)).await
}

/// Edits by the author, while the round of the contribution is open.
pub async fn edit(
    db: &Db,
    who: &Authenticated,
    id: Uuid,
    request: ContributionRequest,
) -> Result<ContributionDto, ApiError> {
    // Only a company edits, its own contribution; anyone else is refused
    // below, without the guard's word on their texts.
    let own = contribution::Entity::find_by_id(id)
        .filter(contribution::Column::AuthorId.eq(who.user_id()))
        .one(db.conn())
        .await?;
    if let Some(own) = own.filter(|_| who.role() == Role::Company) {
        let author = anonymity::author_identity(db.conn(), who.user_id()).await?;
        guard_texts(db, own.consultation_id, who.user_id(), &author, &request).await?;
    }
    let what = OwnChange {
        refused: "Cette contribution ne peut plus être modifiée.",
        action: EventAction::ContributionEdited,
        detail: "Contribution modifiée",
    };
    change_own(db, who, id, what, |model, revision| {
        set_content(model, validate(&request, revision)?);
        Ok(())
    })
    .await
}

pub async fn withdraw(db: &Db, who: &Authenticated, id: Uuid) -> Result<ContributionDto, ApiError> {
    let what = OwnChange {
        refused: "Cette contribution ne peut plus être retirée.",
        action: EventAction::ContributionWithdrawn,
        detail: "Contribution retirée",
    };
    change_own(db, who, id, what, |model, _| {
        model.status = Set(ContributionStatus::Withdrawn);
        Ok(())
    })
    .await
}
