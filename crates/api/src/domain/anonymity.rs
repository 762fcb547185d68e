//! How people are named inside a consultation. Companies only ever appear
//! under their pseudonym ("Entreprise B"), assigned at their first
//! contribution and stable for the whole consultation; every label a reader
//! sees — contribution and reply authors, audit-trail actors — comes from
//! here, so no view can leak an identity by naming someone its own way.

use std::collections::{BTreeSet, HashMap};

use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};
use shared::FieldError;
use shared::Named;
use shared::consultation::{AuthorDto, EventAction, pseudonym};
use shared::disclosure::{AuthorIdentity, disclosures};
use shared::types::Role;
use uuid::Uuid;

use crate::db::Db;
use crate::domain::access::ConsultationAccess;
use crate::domain::{accounts, journal};
use crate::entities::{company, consultation, participant, user};
use crate::error::ApiError;

const UNKNOWN_COMPANY: &str = "Une entreprise";

/// Gives the company its pseudonym in this consultation if it has none
/// yet, and answers it.
pub async fn ensure_pseudonym(
    conn: &impl ConnectionTrait,
    consultation_id: Uuid,
    company_user_id: Uuid,
) -> Result<String, ApiError> {
    let existing = participant::Entity::find_by_id((consultation_id, company_user_id))
        .one(conn)
        .await?;
    let index = match existing {
        Some(p) => p.pseudonym_index,
        None => {
            let count = participant::Entity::find()
                .filter(participant::Column::ConsultationId.eq(consultation_id))
                .count(conn)
                .await?;
            let index = i32::try_from(count).map_err(anyhow::Error::from)?;
            participant::ActiveModel {
                consultation_id: Set(consultation_id),
                company_user_id: Set(company_user_id),
                pseudonym_index: Set(index),
            }
            .insert(conn)
            .await?;
            index
        }
    };
    Ok(pseudonym(u32::try_from(index).unwrap_or_default()))
}

/// The pseudonym under which the reading company appears in this
/// consultation, once it has one (staff have none).
pub async fn own_pseudonym(
    conn: &impl ConnectionTrait,
    access: &ConsultationAccess,
) -> Result<Option<String>, ApiError> {
    if access.as_company().is_err() {
        return Ok(None);
    }
    Ok(
        participant::Entity::find_by_id((access.id(), access.user_id()))
            .one(conn)
            .await?
            .map(|p| pseudonym(u32::try_from(p.pseudonym_index).unwrap_or_default())),
    )
}

/// The column under which a statement reads a person's pseudonym.
const PSEUDONYM: &str = "pseudonym_index";

/// Adds to `statement` the pseudonym index, in the consultation
/// `consultation`, of the person `person` — as the column
/// `pseudonym_index`, NULL for staff and for a company with no pseudonym
/// there yet. A page names its people from its own statement
/// (`Labels::of_people`), not with a query of its own.
pub fn add_pseudonym_column(statement: &mut SelectStatement, consultation: Expr, person: Expr) {
    statement
        .join(
            JoinType::LeftJoin,
            participant::Entity,
            Condition::all()
                .add(
                    Expr::col((participant::Entity, participant::Column::ConsultationId))
                        .eq(consultation),
                )
                .add(
                    Expr::col((participant::Entity, participant::Column::CompanyUserId)).eq(person),
                ),
        )
        .expr_as(
            Expr::col((participant::Entity, participant::Column::PseudonymIndex)),
            Alias::new(PSEUDONYM),
        );
}

/// The names under which the people of one consultation appear to one reader.
pub struct Labels {
    reader_id: Uuid,
    owner_id: Uuid,
    pseudonyms: HashMap<Uuid, String>,
}

impl Labels {
    /// The labels as the caller of `access` reads them; the consultation's
    /// pseudonyms are read once, for any number of labels.
    pub async fn for_reader(
        conn: &impl ConnectionTrait,
        access: &ConsultationAccess,
    ) -> Result<Self, ApiError> {
        Self::load(conn, access.consultation(), access.user_id()).await
    }

    /// The labels of the people a page names, as the caller of `access`
    /// reads them, from their pseudonyms as the page's own statement read
    /// them (`add_pseudonym_column`): no query of their own.
    pub fn of_people(
        access: &ConsultationAccess,
        people: impl IntoIterator<Item = (Uuid, Option<i32>)>,
    ) -> Self {
        let mut labels = Self::empty(access.consultation(), access.user_id());
        for (person, index) in people {
            if let Some(index) = index {
                labels.add(person, index);
            }
        }
        labels
    }

    /// The labels its author needs to read a contribution it has just
    /// created: its own name ("Vous") and the agent's, no pseudonym.
    pub fn of_author(access: &ConsultationAccess) -> Self {
        Self::empty(access.consultation(), access.user_id())
    }

    /// The labels of a document kept outside the tool (the procurement file,
    /// open data): nobody in it is "Vous".
    pub async fn for_record(
        conn: &impl ConnectionTrait,
        consultation: &consultation::Model,
    ) -> Result<Self, ApiError> {
        Self::load(conn, consultation, Uuid::nil()).await
    }

    /// The record labels of several consultations, with one query.
    pub async fn for_records(
        conn: &impl ConnectionTrait,
        consultations: &[consultation::Model],
    ) -> Result<HashMap<Uuid, Self>, ApiError> {
        let mut all: HashMap<Uuid, Self> = consultations
            .iter()
            .map(|c| (c.id, Self::empty(c, Uuid::nil())))
            .collect();
        for p in participant::Entity::find()
            .filter(participant::Column::ConsultationId.is_in(all.keys().copied()))
            .all(conn)
            .await?
        {
            if let Some(labels) = all.get_mut(&p.consultation_id) {
                labels.add(p.company_user_id, p.pseudonym_index);
            }
        }
        Ok(all)
    }

    fn empty(consultation: &consultation::Model, reader_id: Uuid) -> Self {
        Self {
            reader_id,
            owner_id: consultation.owner_id,
            pseudonyms: HashMap::new(),
        }
    }

    fn add(&mut self, person: Uuid, index: i32) {
        let index = u32::try_from(index).unwrap_or_default();
        self.pseudonyms.insert(person, pseudonym(index));
    }

    /// The labels of every participant of the consultation.
    async fn load(
        conn: &impl ConnectionTrait,
        consultation: &consultation::Model,
        reader_id: Uuid,
    ) -> Result<Self, ApiError> {
        let mut labels = Self::empty(consultation, reader_id);
        for p in participant::Entity::find()
            .filter(participant::Column::ConsultationId.eq(consultation.id))
            .all(conn)
            .await?
        {
            labels.add(p.company_user_id, p.pseudonym_index);
        }
        Ok(labels)
    }

    /// Every pseudonym of the consultation, in the order they were given
    /// ("Entreprise A" … "Entreprise Z", "Entreprise AA"…).
    pub fn pseudonyms(&self) -> Vec<String> {
        let mut all: Vec<String> = self.pseudonyms.values().cloned().collect();
        all.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        all
    }

    fn company(&self, user_id: Uuid) -> String {
        self.pseudonyms
            .get(&user_id)
            .cloned()
            .unwrap_or_else(|| UNKNOWN_COMPANY.into())
    }

    /// The author of a contribution or reply: "Vous", "L'agent" or a pseudonym.
    pub fn author(&self, user_id: Uuid) -> AuthorDto {
        let (label, is_you) = if user_id == self.reader_id {
            ("Vous".to_owned(), true)
        } else if user_id == self.owner_id {
            ("L'agent".to_owned(), false)
        } else {
            (self.company(user_id), false)
        };
        AuthorDto { label, is_you }
    }

    /// The actor of an audit-trail entry, named by role (staff read the
    /// trail, and even they never see a company's identity).
    pub fn actor(&self, user_id: Uuid, role: Option<Role>) -> String {
        match role {
            Some(Role::Company) => self.company(user_id),
            Some(Role::Agent) => "L'agent".into(),
            Some(Role::Buyer) => "L'acheteur PFRA".into(),
            Some(Role::Admin) | None => "Administration".into(),
        }
    }
}

/// Who a company is, as the anonymity guard looks for it in its texts.
pub async fn author_identity(
    conn: &impl ConnectionTrait,
    company_user_id: Uuid,
) -> Result<AuthorIdentity, ApiError> {
    let (company, account) = company_account(conn, company_user_id).await?;
    Ok(identity(company, account))
}

/// The same, for a company that may write only once its address is
/// verified (`accounts::require_verified`): both read with one query.
pub async fn verified_author(
    conn: &impl ConnectionTrait,
    company_user_id: Uuid,
) -> Result<AuthorIdentity, ApiError> {
    let (company, account) = company_account(conn, company_user_id).await?;
    accounts::verified(account.as_ref())?;
    Ok(identity(company, account))
}

async fn company_account(
    conn: &impl ConnectionTrait,
    company_user_id: Uuid,
) -> Result<(Option<company::Model>, Option<user::Model>), ApiError> {
    Ok(company::Entity::find()
        .filter(company::Column::UserId.eq(company_user_id))
        .find_also_related(user::Entity)
        .one(conn)
        .await?
        .map_or((None, None), |(company, account)| (Some(company), account)))
}

fn identity(company: Option<company::Model>, account: Option<user::Model>) -> AuthorIdentity {
    AuthorIdentity {
        company_name: company.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
        siret: company.map(|c| c.siret).unwrap_or_default(),
        email: account.map(|u| u.email).unwrap_or_default(),
    }
}

/// The anonymity guard: refuses (422 `identity_disclosure`) texts that
/// would reveal their author — a company's own name, SIRET or e-mail — or
/// anyone's contact details; staff texts (`author` absent) get the generic
/// part of the check. Nothing of the text is saved when it refuses; the
/// refusal is recorded in the consultation's audit trail with the kinds of
/// detail found (never the text), so that staff see the guard at work.
pub async fn guard(
    db: &Db,
    consultation_id: Uuid,
    actor_id: Uuid,
    fields: &[(&str, &str)],
    author: Option<&AuthorIdentity>,
) -> Result<(), ApiError> {
    let errors: Vec<FieldError> = fields
        .iter()
        .filter_map(|(field, text)| {
            let spans = disclosures(text, author);
            let first = spans.first()?;
            let mut error = FieldError::new(*field, "identity_disclosure", first.explain());
            error.spans = spans;
            Some(error)
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    let kinds: BTreeSet<&str> = errors
        .iter()
        .flat_map(|e| e.spans.iter().map(|s| s.kind.label_fr()))
        .collect();
    let txn = db.begin_write().await?;
    journal::record(
        &*txn,
        consultation_id,
        actor_id,
        EventAction::IdentityDisclosureRefused,
        format!(
            "Texte refusé avant enregistrement, rien n'en a été conservé : {}",
            kinds
                .into_iter()
                .collect::<Vec<_>>()
                .join(", ")
                .to_lowercase()
        ),
    )
    .await?;
    txn.commit().await?;
    Err(ApiError::IdentityDisclosure(errors))
}
