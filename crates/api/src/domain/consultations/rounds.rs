//! Rounds of dialogue: opening one freezes the draft as revision N; the
//! round closes at its deadline or earlier, by the agent's choice.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, JoinType, OnConflict, Query, SelectStatement,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, IdenStatic,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::FieldError;
use shared::auth::Validator;
use shared::consultation::{
    CctpContent, DeadlineRequest, EventAction, OpenRoundRequest, RevisionDto, RoundDto, limits,
};
use uuid::Uuid;

use super::draft::{ensure_complete, parse_content, stored, validate_content};
use super::locked;
use super::status::{Phase, is_open, move_to};
use crate::db::Db;
use crate::domain::access::{ConsultationAccess, OwnerCapability};
use crate::domain::exports::date_time;
use crate::domain::mail::fan_out::{self, Announcement};
use crate::domain::text::text;
use crate::domain::{diff, journal};
use crate::entities::{announcement, consultation, contribution, revision_diff, round};
use crate::error::ApiError;

pub fn round_dto(r: &round::Head, now: DateTime<Utc>) -> RoundDto {
    RoundDto {
        number: r.number,
        opened_at: r.opened_at,
        closes_at: r.closes_at,
        closed_early_at: r.closed_early_at,
        changelog: r.changelog.clone(),
        is_open: is_open(r, now),
        for_publication: r.for_publication,
    }
}

/// Adds to `select`, a statement over consultations, each one's latest
/// round (the columns of `round::Head`, named with `prefix`) and, as
/// `last_dialogue_round`, the number of its last round of dialogue (not
/// for publication): the state a list shows, with no statement of its own.
pub fn add_latest_round_columns(
    select: &mut SelectStatement,
    prefix: &str,
    last_dialogue_round: &str,
) {
    let of_the_consultation = |rounds: &Alias| {
        Expr::col((rounds.clone(), round::Column::ConsultationId))
            .equals((consultation::Entity, consultation::Column::Id))
    };
    let (latest, earlier) = (Alias::new("latest_round"), Alias::new("earlier_round"));
    let highest_number = |only: Option<Expr>| {
        let mut highest = Query::select()
            .expr(Expr::col((earlier.clone(), round::Column::Number)).max())
            .from_as(round::Entity, earlier.clone())
            .and_where(of_the_consultation(&earlier))
            .to_owned();
        if let Some(condition) = only {
            highest.and_where(condition);
        }
        highest
    };
    select.join_as(
        JoinType::LeftJoin,
        round::Entity,
        latest.clone(),
        of_the_consultation(&latest)
            .and(Expr::col((latest.clone(), round::Column::Number)).eq(highest_number(None))),
    );
    for column in round::Head::COLUMNS {
        select.expr_as(
            Expr::col((latest.clone(), column)),
            Alias::new(format!("{prefix}{}", column.as_str())),
        );
    }
    let dialogue = Expr::col((earlier.clone(), round::Column::ForPublication)).eq(false);
    select.expr_as(
        highest_number(Some(dialogue)),
        Alias::new(last_dialogue_round),
    );
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

/// The latest round without its frozen text (up to a megabyte): for its
/// number and whether it is open.
pub async fn latest_head(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
) -> Result<Option<round::Head>, ApiError> {
    Ok(round::Entity::find()
        .filter(round::Column::ConsultationId.eq(consultation_id))
        .order_by_desc(round::Column::Number)
        .into_partial_model::<round::Head>()
        .one(conn)
        .await?)
}

/// Whether the consultation's latest round is open now.
pub async fn has_open_round(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    Ok(latest_head(conn, consultation_id)
        .await?
        .is_some_and(|r| is_open(&r, now)))
}

/// Freezes the draft as the final revision, submitted for publication: the
/// next number, opening no contribution window (it closes as it opens). Each
/// request freezes its own, so that an approval names exactly what was read.
pub(super) async fn freeze_final_revision(
    conn: &impl ConnectionTrait,
    consultation: &consultation::Model,
    content: &CctpContent,
    now: DateTime<Utc>,
) -> Result<i32, ApiError> {
    let previous = latest_round(conn, consultation.id).await?;
    let unchanged = match &previous {
        Some(r) => parse_content(&r.content)? == *content,
        None => false,
    };
    let number = previous.map_or(1, |r| r.number.saturating_add(1));
    let changelog = if unchanged {
        format!(
            "Révision finale soumise pour publication, identique à la révision {}.",
            number.saturating_sub(1)
        )
    } else {
        "Révision finale soumise pour publication, sans tour de contributions.".to_owned()
    };
    round::ActiveModel {
        id: Set(Uuid::new_v4()),
        consultation_id: Set(consultation.id),
        number: Set(number),
        content: Set(serde_json::to_string(content).map_err(anyhow::Error::from)?),
        changelog: Set(changelog),
        opened_at: Set(now),
        closes_at: Set(now),
        closed_early_at: Set(None),
        for_publication: Set(true),
    }
    .insert(conn)
    .await?;
    Ok(number)
}

pub async fn round_by_number(
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

/// The changelog and deadline of a round to open, or their field errors.
fn validate_opening(
    request: &OpenRoundRequest,
    now: DateTime<Utc>,
) -> Result<(String, DateTime<Utc>), ApiError> {
    let mut v = Validator::default();
    let changelog = v.field(
        "changelog",
        text(&request.changelog, limits::CHANGELOG, false),
    );
    let closes_at = match request.closes_at {
        None => {
            v.push(FieldError::new(
                "closes_at",
                "required",
                "Indiquez la date limite des contributions.",
            ));
            None
        }
        Some(at) if at <= now => {
            v.push(FieldError::new(
                "closes_at",
                "past",
                "La date limite doit être dans le futur.",
            ));
            None
        }
        Some(at) => Some(at),
    };
    v.finish((|| Some((changelog?, closes_at?)))())
        .map_err(ApiError::Validation)
}

/// The draft a revision may freeze: valid and complete.
pub(super) async fn freezable_draft(
    conn: &impl ConnectionTrait,
    current: &consultation::Model,
) -> Result<CctpContent, ApiError> {
    current.phase.ensure_editable()?;
    let content = validate_content(stored(conn, current.id).await?)?;
    ensure_complete(&content)?;
    Ok(content)
}

/// Freezes the draft as revision N and opens round N.
pub async fn open_round(
    db: &Db,
    owner: &OwnerCapability,
    request: OpenRoundRequest,
) -> Result<RoundDto, ApiError> {
    let now = Utc::now();
    let (changelog, closes_at) = validate_opening(&request, now)?;
    let txn = db.begin_write().await?;
    let current = locked(&*txn, owner.consultation_id()).await?;
    let content = freezable_draft(&*txn, &current).await?;
    let previous = latest_head(&*txn, current.id).await?;
    if previous.as_ref().is_some_and(|r| is_open(r, now)) {
        return Err(ApiError::Conflict(
            "Un tour est déjà ouvert : clôturez-le avant d'en ouvrir un autre.".into(),
        ));
    }
    let number = previous.map_or(1, |r| r.number.saturating_add(1));
    let opened = round::ActiveModel {
        id: Set(Uuid::new_v4()),
        consultation_id: Set(current.id),
        number: Set(number),
        content: Set(serde_json::to_string(&content).map_err(anyhow::Error::from)?),
        changelog: Set(changelog),
        opened_at: Set(now),
        closes_at: Set(closes_at),
        closed_early_at: Set(None),
        for_publication: Set(false),
    }
    .insert(&*txn)
    .await?;
    let saved = move_to(&*txn, current, Phase::Dialogue, now).await?;
    journal::record(
        &*txn,
        saved.id,
        owner.agent_id(),
        EventAction::RoundOpened,
        format!("Tour {number} ouvert"),
    )
    .await?;
    let mut announcement = Announcement::new(
        announcement::Kind::RoundOpened,
        saved.id,
        format!(
            "Le tour {number} de la consultation « {} » est ouvert.",
            saved.title
        ),
    );
    announcement.round_number = Some(number);
    fan_out::announce(&*txn, announcement).await?;
    txn.commit().await?;
    Ok(round_dto(&opened.head(), now))
}

pub async fn rounds(db: &Db, access: &ConsultationAccess) -> Result<Vec<RoundDto>, ApiError> {
    let now = Utc::now();
    Ok(round::Entity::find()
        .filter(round::Column::ConsultationId.eq(access.id()))
        .order_by_asc(round::Column::Number)
        .into_partial_model::<round::Head>()
        .all(db.conn())
        .await?
        .iter()
        .map(|r| round_dto(r, now))
        .collect())
}

/// A frozen revision as stored, with the state of its round now.
pub struct FrozenRevision {
    round: round::Model,
    state: RoundDto,
}

impl FrozenRevision {
    /// What the answer depends on: the round row, whose text never changes
    /// once frozen, and the round's state (deadline, closing, open or not).
    pub fn version(&self) -> Result<Vec<u8>, ApiError> {
        let mut version = self.round.id.as_bytes().to_vec();
        serde_json::to_writer(&mut version, &self.state).map_err(anyhow::Error::from)?;
        Ok(version)
    }

    pub fn into_dto(self) -> Result<RevisionDto, ApiError> {
        Ok(RevisionDto {
            content: parse_content(&self.round.content)?,
            round: self.state,
        })
    }
}

pub async fn revision(
    db: &Db,
    access: &ConsultationAccess,
    number: i32,
) -> Result<FrozenRevision, ApiError> {
    let round = round_by_number(db.conn(), access.id(), number).await?;
    let state = round_dto(&round.head(), Utc::now());
    Ok(FrozenRevision { round, state })
}

/// The revision of the open round, the only one companies contribute to,
/// read with its round in one query (every new contribution checks it).
pub async fn open_revision(
    conn: &impl ConnectionTrait,
    consultation: &consultation::Model,
) -> Result<(i32, shared::consultation::CctpContent), ApiError> {
    in_dialogue(consultation.phase)?;
    let round = latest_round(conn, consultation.id)
        .await?
        .filter(|r| is_open(&r.head(), Utc::now()))
        .ok_or_else(no_open_round)?;
    Ok((round.number, parse_content(&round.content)?))
}

/// What a company's new contribution is checked against inside its write
/// transaction, read in one statement: the phase, the latest round, and
/// how many contributions the author wrote in it. The single writer holds
/// its lock for every statement of the transaction, so fewer of them let
/// more companies write per second.
#[derive(Debug, FromQueryResult)]
struct Standing {
    phase: Phase,
    #[sea_orm(nested)]
    latest: round::Head,
    written: i64,
}

/// The number of the round open now, and how many contributions `author`
/// wrote in it; read after the consultation's lock (`consultations::lock`).
/// On PostgreSQL the lock is a statement of its own: this one's snapshot,
/// taken once the lock is granted, holds every change committed before,
/// where subqueries of the locking statement would read the snapshot taken
/// before it waited.
pub async fn open_round_for(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
    author: Uuid,
) -> Result<(i32, u64), ApiError> {
    let phase = Query::select()
        .column(consultation::Column::Phase)
        .from(consultation::Entity)
        .and_where(consultation::Column::Id.eq(consultation_id))
        .to_owned();
    let written = Query::select()
        // `*`, not the id: the author index answers without the rows.
        .expr(Expr::col(Asterisk).count())
        .from(contribution::Entity)
        .and_where(contribution::Column::ConsultationId.eq(consultation_id))
        .and_where(
            Expr::col((contribution::Entity, contribution::Column::Round))
                .equals((round::Entity, round::Column::Number)),
        )
        .and_where(contribution::Column::AuthorId.eq(author))
        .to_owned();
    let standing = round::Entity::find()
        .select_only()
        .columns(round::Head::COLUMNS)
        .expr_as(phase, "phase")
        .expr_as(written, "written")
        .filter(round::Column::ConsultationId.eq(consultation_id))
        .order_by_desc(round::Column::Number)
        .into_model::<Standing>()
        .one(conn)
        .await?
        // A consultation without a round is still a draft.
        .ok_or_else(not_in_dialogue)?;
    in_dialogue(standing.phase)?;
    if !is_open(&standing.latest, Utc::now()) {
        return Err(no_open_round());
    }
    Ok((
        standing.latest.number,
        u64::try_from(standing.written).unwrap_or_default(),
    ))
}

fn in_dialogue(phase: Phase) -> Result<(), ApiError> {
    if phase == Phase::Dialogue {
        return Ok(());
    }
    Err(not_in_dialogue())
}

fn not_in_dialogue() -> ApiError {
    ApiError::Conflict("Cette consultation n'accepte pas de contribution pour le moment.".into())
}

fn no_open_round() -> ApiError {
    ApiError::Conflict("Aucun tour n'est ouvert : les contributions sont closes.".into())
}

pub async fn close_round(
    db: &Db,
    owner: &OwnerCapability,
    number: i32,
) -> Result<RoundDto, ApiError> {
    let now = Utc::now();
    let txn = db.begin_write().await?;
    // The consultation's lock first, as every change takes it: a
    // contribution in flight is either in before the close, or refused.
    let consultation = locked(&*txn, owner.consultation_id()).await?;
    let r = round_by_number(&*txn, owner.consultation_id(), number).await?;
    if !is_open(&r.head(), now) {
        return Err(ApiError::Conflict("Ce tour est déjà clos.".into()));
    }
    let mut model = r.into_active_model();
    model.closed_early_at = Set(Some(now));
    let closed = model.update(&*txn).await?;
    journal::record(
        &*txn,
        owner.consultation_id(),
        owner.agent_id(),
        EventAction::RoundClosed,
        format!("Tour {number} clos avant l'échéance"),
    )
    .await?;
    let mut announcement = Announcement::new(
        announcement::Kind::RoundClosedEarly,
        consultation.id,
        format!(
            "Le tour {number} de la consultation « {} » a été clos avant l'échéance : les contributions sont closes.",
            consultation.title
        ),
    );
    announcement.round_number = Some(number);
    fan_out::announce(&*txn, announcement).await?;
    txn.commit().await?;
    Ok(round_dto(&closed.head(), now))
}

/// Pushes the open round's deadline back, so that companies have time to
/// use late information. Recorded, and told to every company.
pub async fn extend_deadline(
    db: &Db,
    owner: &OwnerCapability,
    number: i32,
    request: DeadlineRequest,
) -> Result<RoundDto, ApiError> {
    let now = Utc::now();
    let Some(closes_at) = request.closes_at else {
        return Err(ApiError::Validation(vec![FieldError::new(
            "closes_at",
            "required",
            "Indiquez la nouvelle date limite des contributions.",
        )]));
    };
    let txn = db.begin_write().await?;
    let consultation = locked(&*txn, owner.consultation_id()).await?;
    let r = round_by_number(&*txn, consultation.id, number).await?;
    if !is_open(&r.head(), now) {
        return Err(ApiError::Conflict(
            "Ce tour est clos : son échéance ne change plus.".into(),
        ));
    }
    let before = r.closes_at;
    if closes_at <= before {
        return Err(ApiError::Validation(vec![FieldError::new(
            "closes_at",
            "not_later",
            format!(
                "La nouvelle échéance doit être postérieure à l'actuelle ({}).",
                date_time(before)
            ),
        )]));
    }
    let mut model = r.into_active_model();
    model.closes_at = Set(closes_at);
    let extended = model.update(&*txn).await?;
    journal::record(
        &*txn,
        consultation.id,
        owner.agent_id(),
        EventAction::DeadlineExtended,
        format!(
            "Échéance du tour {number} reportée du {} au {}",
            date_time(before),
            date_time(closes_at)
        ),
    )
    .await?;
    let mut announcement = Announcement::new(
        announcement::Kind::DeadlineExtended,
        consultation.id,
        format!(
            "L'échéance du tour {number} de la consultation « {} » est reportée au {} : vous avez plus de temps pour contribuer.",
            consultation.title,
            date_time(closes_at)
        ),
    );
    announcement.round_number = Some(number);
    fan_out::announce(&*txn, announcement).await?;
    txn.commit().await?;
    Ok(round_dto(&extended.head(), now))
}

/// What changed from revision `from` to revision `to`, as JSON: computed
/// once per pair, off the async workers (a word-level comparison of two
/// large CCTPs takes up to seconds), then read from the database by every
/// instance, since frozen revisions never change.
pub async fn diff(
    db: &Db,
    access: &ConsultationAccess,
    to: i32,
    from: i32,
) -> Result<String, ApiError> {
    let conn = db.conn();
    let stored = revision_diff::Entity::find_by_id((access.id(), from, to))
        .one(conn)
        .await?;
    if let Some(stored) = stored {
        return Ok(stored.content);
    }
    let before = round_by_number(conn, access.id(), from).await?.content;
    let after = round_by_number(conn, access.id(), to).await?.content;
    let content = tokio::task::spawn_blocking(move || -> Result<String, ApiError> {
        let (before, after) = (parse_content(&before)?, parse_content(&after)?);
        let changes = diff::between(from, &before, to, &after);
        Ok(serde_json::to_string(&changes).map_err(anyhow::Error::new)?)
    })
    .await
    .map_err(anyhow::Error::new)??;
    let txn = db.begin_write().await?;
    // Two readers may have computed it at once: the first one stored wins,
    // and both are the same.
    revision_diff::Entity::insert(revision_diff::ActiveModel {
        consultation_id: Set(access.id()),
        from_revision: Set(from),
        to_revision: Set(to),
        content: Set(content.clone()),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([
            revision_diff::Column::ConsultationId,
            revision_diff::Column::FromRevision,
            revision_diff::Column::ToRevision,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&*txn)
    .await?;
    txn.commit().await?;
    Ok(content)
}
