//! Consultations: creation, description, lists and views. The CCTP draft,
//! rounds and publication each have their own module.

pub mod activity;
pub mod draft;
pub mod publication;
pub mod rounds;
pub mod status;

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, IntoIden, LikeExpr, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait,
    IntoActiveModel, NotSet, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::FieldError;
use shared::auth::{Page, Validator};
use shared::consultation::{
    ActivityDto, CctpContent, ConsultationDto, ConsultationStatus, CpvCode,
    CreateConsultationRequest, EventAction, RoundDto, UpdateConsultationRequest, limits,
};
use shared::reference::{cpv_division_label, departement_name};
use shared::types::{Departement, Role, fold};
use uuid::Uuid;

pub use status::Phase;

use crate::auth::Authenticated;
use crate::db::Db;
use crate::domain::access::{AgentCapability, ConsultationAccess, OwnerCapability, listing};
use crate::domain::anonymity::own_pseudonym;
use crate::domain::pagination::{Count, PageRequest};
use crate::domain::text::text;
use crate::domain::{cpv, journal};
use crate::entities::{consultation, consultation_draft, round, user};
use crate::error::ApiError;

/// Views of several consultations with two queries, whatever their number.
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
    let mut last_round: HashMap<Uuid, i32> = HashMap::new();
    for r in round::Entity::find()
        .filter(round::Column::ConsultationId.is_in(ids))
        .order_by_asc(round::Column::Number)
        .into_partial_model::<round::Head>()
        .all(conn)
        .await?
    {
        if !r.for_publication {
            last_round.insert(r.consultation_id, r.number);
        }
        latest.insert(r.consultation_id, rounds::round_dto(&r, now));
    }
    let name = |id: &Uuid| names.get(id).cloned().unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|c| {
            let current_round = latest.remove(&c.id);
            let publication = publication::final_revision(
                c.phase,
                current_round.as_ref(),
                last_round.get(&c.id).copied(),
            );
            ConsultationDto {
                publication,
                id: c.id,
                status: status::status(c.phase, current_round.as_ref()),
                // The code's own label; the division's for a code the
                // nomenclature lacks (none is accepted any more).
                cpv_label: cpv::label(&c.cpv_code)
                    .or_else(|| cpv_division_label(&c.cpv_division))
                    .unwrap_or_default()
                    .into(),
                departement_name: departement_name(&c.departement).unwrap_or_default().into(),
                visibility: c.visibility,
                owner_name: name(&c.owner_id),
                buyer_name: name(&c.buyer_id),
                current_round,
                you_appear_as: None,
                changes_requested: None,
                activity: ActivityDto::default(),
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

/// One consultation as its reader sees it: a company with its pseudonym,
/// staff with the buyer's pending request for changes.
pub async fn get(
    db: &Db,
    who: &Authenticated,
    access: ConsultationAccess,
) -> Result<ConsultationDto, ApiError> {
    let conn = db.conn();
    let you_appear_as = own_pseudonym(conn, &access).await?;
    let changes_requested = publication::changes_requested(conn, &access).await?;
    let activity = activity::of(conn, who, &[access.id()]).await?;
    let mut dto = with_activity(view(conn, access.into_consultation()).await?, &activity);
    dto.you_appear_as = you_appear_as;
    dto.changes_requested = changes_requested;
    Ok(dto)
}

/// The PFRA buyer an agent names, or the field error to show.
async fn assigned_buyer(
    conn: &impl ConnectionTrait,
    v: &mut Validator,
    buyer_id: Option<Uuid>,
) -> Result<Option<user::Model>, ApiError> {
    let Some(id) = buyer_id else {
        v.push(FieldError::new(
            "buyer_id",
            "required",
            "Choisissez l'acheteur PFRA qui validera la publication.",
        ));
        return Ok(None);
    };
    let found = user::Entity::find_by_id(id)
        .filter(user::Column::Role.eq(Role::Buyer))
        .one(conn)
        .await?;
    if found.is_none() {
        v.push(FieldError::new(
            "buyer_id",
            "unknown",
            "Cet acheteur PFRA n'existe pas.",
        ));
    }
    Ok(found)
}

pub async fn create(
    db: &Db,
    agent: &AgentCapability,
    request: CreateConsultationRequest,
) -> Result<ConsultationDto, ApiError> {
    let mut v = Validator::default();
    let title = v.field("title", text(&request.title, limits::TITLE, true));
    let summary = v.field("summary", text(&request.summary, limits::SUMMARY, false));
    let cpv = v.field("cpv_code", CpvCode::parse(&request.cpv_code)).filter(|code| {
        let known = cpv::label(code.as_str()).is_some();
        if !known {
            v.push(FieldError::new(
                "cpv_code",
                "unknown",
                "Ce code n'existe pas dans la nomenclature CPV 2008 : vérifiez ses chiffres et son chiffre de contrôle.",
            ));
        }
        known
    });
    let departement = v.field("departement", Departement::parse(&request.departement));
    let buyer = assigned_buyer(db.conn(), &mut v, request.buyer_id).await?;
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
        visibility: Set(request.visibility),
        phase: Set(Phase::Draft),
        owner_id: Set(agent.agent_id()),
        buyer_id: Set(buyer.id),
        draft_version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        // Kept from its rounds by the database; a draft has none.
        open_round_until: Set(None),
        // Written from the title and the summary as it is saved.
        search_text: NotSet,
    }
    .insert(&*txn)
    .await?;
    consultation_draft::ActiveModel {
        consultation_id: Set(model.id),
        content: Set(serde_json::to_string(&CctpContent::default()).map_err(anyhow::Error::from)?),
    }
    .insert(&*txn)
    .await?;
    journal::record(
        &*txn,
        model.id,
        agent.agent_id(),
        EventAction::ConsultationCreated,
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

impl ListFilter {
    /// The words searched in titles and summaries, if any.
    fn words(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }

    fn condition(&self) -> Condition {
        let mut condition = Condition::all();
        if let Some(status) = self.status {
            condition = condition.add(status::status_condition(status, Utc::now()));
        }
        if let Some(cpv) = self.cpv.as_deref().filter(|c| !c.trim().is_empty()) {
            condition = condition.add(consultation::Column::CpvCode.starts_with(cpv.trim()));
        }
        if let Some(dep) = self.departement.as_deref().filter(|d| !d.trim().is_empty()) {
            condition = condition
                .add(consultation::Column::Departement.eq(dep.trim().to_ascii_uppercase()));
        }
        if let Some(words) = self.words() {
            condition = condition.add(holds(words));
        }
        condition
    }
}

/// The title or the summary holds `words`, case and accents aside: folded
/// words within the folded text the consultation keeps (migration 16),
/// with `%` and `_` meaning themselves.
fn holds(words: &str) -> Expr {
    let escaped = fold(words)
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Expr::col(consultation::Column::SearchText)
        .like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

/// A search counts its matches up to this many (ten pages of twenty), then
/// answers "more than": a common word matches most of a list, and an
/// exact count would read every match.
const SEARCH_COUNTED_UP_TO: u64 = 200;

pub async fn list(
    db: &Db,
    who: &Authenticated,
    filter: ListFilter,
    page: PageRequest,
) -> Result<Page<ConsultationDto>, ApiError> {
    use consultation::Column;
    let conn = db.conn();
    let filter_words = filter.words().is_some();
    let filter = filter.condition();
    // A search tests each consultation's search text (on SQLite on the
    // listing index's entry, migration 17): counted up to a bound. The
    // other filters are answered by the indexes; a company's whole list by
    // the tallies of its pairs.
    let listing = listing(conn, who).await?;
    let count = match (filter_words, listing.kept_total) {
        (true, _) => Count::UpTo(SEARCH_COUNTED_UP_TO),
        (false, Some(total)) if filter.is_empty() => Count::Tallied(total),
        _ => Count::Apart,
    };
    let parts = listing
        .parts
        .into_iter()
        .map(|part| {
            Query::select()
                .columns([Column::Id, Column::UpdatedAt])
                .from(consultation::Entity)
                .cond_where(part.add(filter.clone()))
                .to_owned()
        })
        .collect();
    // Newest first, ties by id the same way, so that each listing index,
    // walked backwards, gives the order itself. With ties the other way
    // PostgreSQL's plan made once for any company sorted a whole part: it
    // planned the page again at each request instead (1 ms, the most
    // costly step of a company's list).
    let order = vec![
        (Column::UpdatedAt.into_iden(), Order::Desc),
        (Column::Id.into_iden(), Order::Desc),
    ];
    let (ids, total) = page
        .fetch_keys::<Uuid>(conn, parts, Column::Id, order, count)
        .await?;
    let mut rows = consultation::Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
    let activity = activity::of(conn, who, &ids).await?;
    let items = views(conn, rows)
        .await?
        .into_iter()
        .map(|c| with_activity(c, &activity))
        .collect();
    Ok(page.page_counted(items, total))
}

fn with_activity(mut c: ConsultationDto, activity: &HashMap<Uuid, ActivityDto>) -> ConsultationDto {
    c.activity = activity.get(&c.id).cloned().unwrap_or_default();
    c
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
    if current.phase.is_closed() {
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
        model.visibility = Set(visibility);
    }
    let now = Utc::now();
    model.updated_at = Set(now);
    let mut saved = model.update(&*txn).await?;
    if request.abandon {
        saved = status::move_to(&*txn, saved, Phase::Abandoned, now).await?;
    }
    let action = if request.abandon {
        EventAction::ConsultationAbandoned
    } else {
        EventAction::ConsultationUpdated
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

/// The consultation's lock alone, for a write that reads what it checks in
/// statements of its own: the row lock on PostgreSQL. On SQLite the write
/// transaction (`BEGIN IMMEDIATE`, one writer) holds the whole database
/// already, and the single writer is spared a statement.
pub(crate) async fn lock(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), ApiError> {
    if conn.get_database_backend() == DbBackend::Sqlite {
        return Ok(());
    }
    locked(conn, id).await.map(drop)
}

/// The consultation, read and locked inside the write transaction that will
/// change it: every change of a consultation's state takes this lock first,
/// so two of them (a save and a publication request, an approval and an
/// abandon, a contribution and an early close) happen one after the other.
pub(crate) async fn locked(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<consultation::Model, ApiError> {
    // FOR UPDATE on PostgreSQL (instances serialise on the row); SQLite has
    // one writer at a time, and no such clause.
    consultation::Entity::find_by_id(id)
        .lock_exclusive()
        .one(conn)
        .await?
        .ok_or(ApiError::NotFound)
}
