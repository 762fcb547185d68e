//! The audit trail of a consultation and in-app notifications.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventDto {
    pub at: DateTime<Utc>,
    /// "L'agent", "L'acheteur", "Entreprise B", "Administrateur".
    pub actor: String,
    pub action: EventAction,
    pub detail: String,
}

/// What an entry of the audit trail records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum EventAction {
    ConsultationCreated,
    ConsultationUpdated,
    ConsultationAbandoned,
    DraftSaved,
    RoundOpened,
    RoundClosed,
    ContributionCreated,
    ContributionEdited,
    ContributionWithdrawn,
    ReplyPosted,
    DecisionMade,
    PublicationRequested,
    PublicationApproved,
    ChangesRequested,
}

crate::named::named!(EventAction {
    ConsultationCreated = "consultation_created": "Consultation créée",
    ConsultationUpdated = "consultation_updated": "Consultation modifiée",
    ConsultationAbandoned = "consultation_abandoned": "Consultation abandonnée",
    DraftSaved = "draft_saved": "Brouillon enregistré",
    RoundOpened = "round_opened": "Tour ouvert",
    RoundClosed = "round_closed": "Tour clos",
    ContributionCreated = "contribution_created": "Contribution déposée",
    ContributionEdited = "contribution_edited": "Contribution modifiée",
    ContributionWithdrawn = "contribution_withdrawn": "Contribution retirée",
    ReplyPosted = "reply_posted": "Réponse publiée",
    DecisionMade = "decision_made": "Décision rendue",
    PublicationRequested = "publication_requested": "Publication demandée",
    PublicationApproved = "publication_approved": "Publication validée",
    ChangesRequested = "changes_requested": "Modifications demandées",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationDto {
    pub id: Uuid,
    pub consultation_id: Uuid,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationsDto {
    pub unread: u64,
    pub items: Vec<NotificationDto>,
}
