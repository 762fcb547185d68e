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

crate::named::named! {
    /// What an entry of the audit trail records.
    pub enum EventAction {
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
        NoticePublished = "notice_published": "Information à toutes les entreprises",
        DeadlineExtended = "deadline_extended": "Échéance reportée",
        FairnessAcknowledged = "fairness_acknowledged": "Alertes d'égalité de traitement examinées",
        IdentityDisclosureRefused = "identity_disclosure_refused": "Texte refusé : il révélait une identité",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationDto {
    pub id: Uuid,
    pub consultation_id: Uuid,
    /// The contribution it is about, if any.
    pub contribution_id: Option<Uuid>,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// One page of a person's notifications (the fields of a `Page`), and how
/// many of all of them are unread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationsDto {
    pub unread: u64,
    pub items: Vec<NotificationDto>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}
