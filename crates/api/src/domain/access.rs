//! Who may see a consultation, and what they may do there.
//!
//! Every dialogue operation starts from `ConsultationAccess::load`, which
//! answers 404 for what the caller may not see (never revealing that it
//! exists). Role-restricted operations then need a capability obtained from
//! the access value; their fields are private, so no handler can skip it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use shared::types::Role;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::entities::{company, company_cpv_division, company_departement, consultation};
use crate::error::ApiError;

pub const PHASE_DRAFT: &str = "draft";
pub const PHASE_DIALOGUE: &str = "dialogue";
pub const PHASE_AWAITING_APPROVAL: &str = "awaiting_approval";
pub const PHASE_PUBLISHED: &str = "published";
pub const PHASE_ABANDONED: &str = "abandoned";

/// How the caller relates to a consultation they can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Owner,
    AssignedBuyer,
    Admin,
    Company,
}

pub struct ConsultationAccess {
    pub consultation: consultation::Model,
    pub viewer: Viewer,
    pub user_id: Uuid,
}

/// Proof that the caller is the agent who owns the consultation.
pub struct OwnerCapability {
    consultation_id: Uuid,
    agent_id: Uuid,
}

/// Proof that the caller is the PFRA buyer assigned to the consultation.
pub struct BuyerCapability {
    consultation_id: Uuid,
    buyer_id: Uuid,
}

/// Proof that the caller is a company the consultation concerns.
pub struct CompanyCapability {
    consultation_id: Uuid,
    company_user_id: Uuid,
}

/// Proof that the caller is an agent (who may create consultations).
pub struct AgentCapability {
    agent_id: Uuid,
}

impl OwnerCapability {
    pub fn consultation_id(&self) -> Uuid {
        self.consultation_id
    }
    pub fn agent_id(&self) -> Uuid {
        self.agent_id
    }
}

impl BuyerCapability {
    pub fn consultation_id(&self) -> Uuid {
        self.consultation_id
    }
    pub fn buyer_id(&self) -> Uuid {
        self.buyer_id
    }
}

impl CompanyCapability {
    pub fn consultation_id(&self) -> Uuid {
        self.consultation_id
    }
    pub fn company_user_id(&self) -> Uuid {
        self.company_user_id
    }
}

impl AgentCapability {
    pub fn require(who: &Authenticated) -> Result<Self, ApiError> {
        match who.role {
            Role::Agent => Ok(Self {
                agent_id: who.user_id,
            }),
            _ => Err(ApiError::Forbidden),
        }
    }

    pub fn agent_id(&self) -> Uuid {
        self.agent_id
    }
}

/// Condition selecting the consultations a company can see: published for
/// dialogue (not a draft) and either open or matching its domain and territory.
pub fn company_visibility(company_id: Uuid) -> Condition {
    let divisions = Query::select()
        .column(company_cpv_division::Column::Division)
        .from(company_cpv_division::Entity)
        .and_where(Expr::col(company_cpv_division::Column::CompanyId).eq(company_id))
        .to_owned();
    let departements = Query::select()
        .column(company_departement::Column::Departement)
        .from(company_departement::Entity)
        .and_where(Expr::col(company_departement::Column::CompanyId).eq(company_id))
        .to_owned();
    Condition::all()
        .add(consultation::Column::Phase.ne(PHASE_DRAFT))
        .add(
            Condition::any()
                .add(consultation::Column::Visibility.eq("open"))
                .add(
                    Condition::all()
                        .add(consultation::Column::CpvDivision.in_subquery(divisions))
                        .add(consultation::Column::Departement.in_subquery(departements)),
                ),
        )
}

/// The condition selecting what `who` may see, for lists and single reads alike.
pub async fn visibility(
    conn: &impl ConnectionTrait,
    who: &Authenticated,
) -> Result<Condition, ApiError> {
    Ok(match who.role {
        Role::Admin => Condition::all(),
        Role::Agent => Condition::all().add(consultation::Column::OwnerId.eq(who.user_id)),
        Role::Buyer => Condition::all().add(consultation::Column::BuyerId.eq(who.user_id)),
        Role::Company => {
            let company = company::Entity::find()
                .filter(company::Column::UserId.eq(who.user_id))
                .one(conn)
                .await?
                .ok_or(ApiError::Forbidden)?;
            company_visibility(company.id)
        }
    })
}

impl ConsultationAccess {
    pub async fn load(
        conn: &impl ConnectionTrait,
        who: &Authenticated,
        consultation_id: Uuid,
    ) -> Result<Self, ApiError> {
        let consultation = consultation::Entity::find_by_id(consultation_id)
            .filter(visibility(conn, who).await?)
            .one(conn)
            .await?
            .ok_or(ApiError::NotFound)?;
        let viewer = match who.role {
            Role::Admin => Viewer::Admin,
            Role::Agent => Viewer::Owner,
            Role::Buyer => Viewer::AssignedBuyer,
            Role::Company => Viewer::Company,
        };
        Ok(Self {
            consultation,
            viewer,
            user_id: who.user_id,
        })
    }

    pub fn id(&self) -> Uuid {
        self.consultation.id
    }

    pub fn as_owner(&self) -> Result<OwnerCapability, ApiError> {
        match self.viewer {
            Viewer::Owner => Ok(OwnerCapability {
                consultation_id: self.consultation.id,
                agent_id: self.user_id,
            }),
            _ => Err(ApiError::Forbidden),
        }
    }

    pub fn as_buyer(&self) -> Result<BuyerCapability, ApiError> {
        match self.viewer {
            Viewer::AssignedBuyer => Ok(BuyerCapability {
                consultation_id: self.consultation.id,
                buyer_id: self.user_id,
            }),
            _ => Err(ApiError::Forbidden),
        }
    }

    pub fn as_company(&self) -> Result<CompanyCapability, ApiError> {
        match self.viewer {
            Viewer::Company => Ok(CompanyCapability {
                consultation_id: self.consultation.id,
                company_user_id: self.user_id,
            }),
            _ => Err(ApiError::Forbidden),
        }
    }

    /// Staff who follow the whole dialogue: owner, assigned buyer, admin.
    pub fn is_staff(&self) -> bool {
        matches!(
            self.viewer,
            Viewer::Owner | Viewer::AssignedBuyer | Viewer::Admin
        )
    }

    pub fn require_staff(&self) -> Result<(), ApiError> {
        if self.is_staff() {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

pub fn round_is_open(
    closes_at: DateTime<Utc>,
    closed_early_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    closed_early_at.is_none() && closes_at > now
}
