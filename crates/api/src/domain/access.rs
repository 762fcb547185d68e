//! Who may see a consultation, and what they may do there.
//!
//! Every dialogue operation starts from `ConsultationAccess::load`, which
//! answers 404 for what the caller may not see (never revealing that it
//! exists). Role-restricted operations then need a capability obtained from
//! the access value; their fields are private, so no handler can skip it.

use sea_orm::sea_query::SelectStatement;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use shared::types::Role;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::domain::targeting;
use crate::entities::consultation;
use crate::error::ApiError;

/// How the caller relates to a consultation they can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Viewer {
    Owner,
    AssignedBuyer,
    Admin,
    Company,
}

/// A consultation the caller may see, and how they relate to it. Only
/// `load` creates one, after the visibility check.
pub struct ConsultationAccess {
    consultation: consultation::Model,
    viewer: Viewer,
    user_id: Uuid,
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
        match who.role() {
            Role::Agent => Ok(Self {
                agent_id: who.user_id(),
            }),
            _ => Err(ApiError::Forbidden),
        }
    }

    pub fn agent_id(&self) -> Uuid {
        self.agent_id
    }
}

/// What staff may see (everything for an administrator, their own
/// consultations for an agent or a buyer), or `None` for a company, whose
/// rule is the targeting one.
fn staff_visibility(who: &Authenticated) -> Option<Condition> {
    match who.role() {
        Role::Admin => Some(Condition::all()),
        Role::Agent => Some(Condition::all().add(consultation::Column::OwnerId.eq(who.user_id()))),
        Role::Buyer => Some(Condition::all().add(consultation::Column::BuyerId.eq(who.user_id()))),
        Role::Company => None,
    }
}

/// Whether one consultation, found by its id, is one `who` may see.
fn visibility(who: &Authenticated) -> Condition {
    staff_visibility(who).unwrap_or_else(|| targeting::consultation_for_company(who.user_id()))
}

/// What `who` may list: disjoint parts whose union is the whole, each read
/// from its own index (one part for staff; for a company, the open ones
/// and those of each of its pairs), and for a company the statement of its
/// whole size, which the database keeps (a staff list is counted on its
/// index, whose key starts with the person).
pub struct Listing {
    pub parts: Vec<Condition>,
    pub kept_total: Option<Box<SelectStatement>>,
}

pub async fn listing(
    conn: &impl ConnectionTrait,
    who: &Authenticated,
) -> Result<Listing, ApiError> {
    if let Some(condition) = staff_visibility(who) {
        return Ok(Listing {
            parts: vec![condition],
            kept_total: None,
        });
    }
    let company = targeting::consultations_for_company(conn, who.user_id()).await?;
    Ok(Listing {
        parts: company.parts,
        kept_total: Some(Box::new(company.total)),
    })
}

impl ConsultationAccess {
    pub async fn load(
        conn: &impl ConnectionTrait,
        who: &Authenticated,
        consultation_id: Uuid,
    ) -> Result<Self, ApiError> {
        let consultation = consultation::Entity::find_by_id(consultation_id)
            .filter(visibility(who))
            .one(conn)
            .await?
            .ok_or(ApiError::NotFound)?;
        let viewer = match who.role() {
            Role::Admin => Viewer::Admin,
            Role::Agent => Viewer::Owner,
            Role::Buyer => Viewer::AssignedBuyer,
            Role::Company => Viewer::Company,
        };
        Ok(Self {
            consultation,
            viewer,
            user_id: who.user_id(),
        })
    }

    pub fn id(&self) -> Uuid {
        self.consultation.id
    }

    pub fn consultation(&self) -> &consultation::Model {
        &self.consultation
    }

    pub fn into_consultation(self) -> consultation::Model {
        self.consultation
    }

    pub fn viewer(&self) -> Viewer {
        self.viewer
    }

    /// The caller.
    pub fn user_id(&self) -> Uuid {
        self.user_id
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

    /// The owner agent or the assigned buyer: those who answer for the
    /// fairness of the dialogue and read what one company alone was told.
    /// Administrators run the platform and are no party to it.
    pub fn require_responsible(&self) -> Result<(), ApiError> {
        match self.viewer {
            Viewer::Owner | Viewer::AssignedBuyer => Ok(()),
            Viewer::Admin | Viewer::Company => Err(ApiError::Forbidden),
        }
    }

    pub fn require_staff(&self) -> Result<(), ApiError> {
        if self.is_staff() {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}
