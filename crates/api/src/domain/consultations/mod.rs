//! Consultations: creation, description, lists and views. The CCTP draft,
//! rounds and publication each have their own module.

pub mod activity;
pub mod draft;
pub mod publication;
pub mod rounds;
pub mod status;

use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoIden, JoinType, LikeExpr, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait,
    FromQueryResult, IntoActiveModel, NotSet, QueryFilter, QuerySelect, QueryTrait, Set,
};
use shared::FieldError;
use shared::auth::{Page, Validator};
use shared::consultation::{
    CctpContent, ConsultationDto, ConsultationStatus, CpvCode, CreateConsultationRequest,
    EventAction, UpdateConsultationRequest, limits,
};
use shared::reference::{cpv_division_label, departement_name};
use shared::types::{Departement, Role, fold};
use uuid::Uuid;

pub use status::Phase;

use activity::Reader;

use crate::auth::Authenticated;
use crate::db::Db;
use crate::domain::access::{AgentCapability, ConsultationAccess, OwnerCapability, listing};
use crate::domain::anonymity::own_pseudonym;
use crate::domain::pagination::{Count, PageRequest};
use crate::domain::text::text;
use crate::domain::{cpv, journal};
use crate::entities::{consultation, consultation_draft, round, user};
use crate::error::ApiError;

/// A consultation as lists and pages read it: its row, its people's names,
/// its rounds' state and the reader's activity in it.
#[derive(Debug, FromQueryResult)]
struct Listed {
    #[sea_orm(nested)]
    consultation: consultation::Model,
    owner_name: String,
    buyer_name: String,
    #[sea_orm(nested(prefix = "round_"))]
    latest_round: Option<round::Head>,
    /// The number of the last round of dialogue, before any round for
    /// publication.
    last_dialogue_round: Option<i32>,
    #[sea_orm(nested)]
    activity: activity::Counted,
}

/// The consultations `condition` selects as `reader` sees them, in one
/// statement whatever their number: the rows with their agent's and
/// buyer's names, their latest round and the reader's activity.
async fn views(
    conn: &impl ConnectionTrait,
    reader: Reader,
    condition: Condition,
) -> Result<Vec<ConsultationDto>, ApiError> {
    let mut select = consultation::Entity::find().filter(condition);
    let statement = QueryTrait::query(&mut select);
    for (person, name, column) in [
        ("owner", "owner_name", consultation::Column::OwnerId),
        ("buyer", "buyer_name", consultation::Column::BuyerId),
    ] {
        let person = Alias::new(person);
        statement
            .join_as(
                JoinType::InnerJoin,
                user::Entity,
                person.clone(),
                Expr::col((person.clone(), user::Column::Id))
                    .equals((consultation::Entity, column)),
            )
            .expr_as(
                Expr::col((person, user::Column::DisplayName)),
                Alias::new(name),
            );
    }
    rounds::add_latest_round_columns(statement, "round_", "last_dialogue_round");
    activity::add_columns(statement, reader);
    let rows = select.into_model::<Listed>().all(conn).await?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|row| {
            let c = row.consultation;
            let current_round = row.latest_round.map(|round| rounds::round_dto(&round, now));
            let publication = publication::final_revision(
                c.phase,
                current_round.as_ref(),
                row.last_dialogue_round,
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
                owner_name: row.owner_name,
                buyer_name: row.buyer_name,
                current_round,
                you_appear_as: None,
                changes_requested: None,
                activity: row.activity.into(),
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

/// One consultation as `reader` sees it in a list.
pub async fn view(
    conn: &impl ConnectionTrait,
    reader: Reader,
    id: Uuid,
) -> Result<ConsultationDto, ApiError> {
    views(
        conn,
        reader,
        Condition::all().add(consultation::Column::Id.eq(id)),
    )
    .await?
    .pop()
    .ok_or(ApiError::NotFound)
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
    let mut dto = view(conn, Reader::of(who), access.id()).await?;
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
    view(db.conn(), Reader::staff(agent.agent_id()), model.id).await
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
    // An empty page reads nothing more. sea-orm binds an empty `IN` as
    // `$1 = $2`: PostgreSQL's plan made once for any value then skips the
    // join, but only after setting it up for every consultation (26 to
    // 39 ms, where a search matching nothing takes 1.5 ms).
    if ids.is_empty() {
        return Ok(page.page_counted(Vec::new(), total));
    }
    let mut items = views(
        conn,
        Reader::of(who),
        Condition::all().add(Column::Id.is_in(ids.iter().copied())),
    )
    .await?;
    items.sort_by_key(|item| ids.iter().position(|id| *id == item.id));
    Ok(page.page_counted(items, total))
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
    view(db.conn(), Reader::staff(owner.agent_id()), saved.id).await
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
