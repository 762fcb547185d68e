//! E-mail: the kinds of message a person receives and how they want them.

use serde::{Deserialize, Serialize};

use crate::Named;
use crate::types::Role;

crate::named::named! {
    /// A kind of message, each with its own preference and unsubscribe link.
    pub enum MailKind {
        /// To the companies a consultation concerns: a round opens.
        RoundOpened = "round_opened": "Ouverture d'un tour de dialogue",
        /// To those companies that have not contributed, two days before a round closes.
        RoundClosingSoon = "round_closing_soon": "Rappel avant la clôture d'un tour",
        /// To a company: the agent answered or decided its contribution.
        ContributionAnswered = "contribution_answered": "Réponse ou décision sur mes contributions",
        /// To the companies a consultation concerns: information given to
        /// all at once (a public answer to a clarification request, a notice,
        /// a deadline pushed back). The wire name predates notices.
        ClarificationAnswered = "clarification_answered": "Informations à toutes les entreprises (réponses publiques, avis, reports d'échéance)",
        /// To the assigned buyer: a publication request.
        PublicationRequested = "publication_requested": "Demande de validation de publication",
        /// To the owner agent: the buyer's decision.
        PublicationDecided = "publication_decided": "Décision de l'acheteur sur la publication",
        /// To the owner agent: new contributions while a round is open.
        ContributionReceived = "contribution_received": "Nouvelles contributions reçues",
    }
}

crate::named::named! {
    /// How a person wants one kind of message.
    pub enum DeliveryMode {
        /// One message per event.
        Immediate = "immediate": "Immédiatement",
        /// Gathered in one message a day.
        Digest = "digest": "Dans un résumé quotidien",
        /// Not by e-mail (still in the application's notifications).
        Off = "off": "Jamais",
    }
}

impl MailKind {
    /// The kinds a role can receive, in the order "Mon compte" lists them.
    pub fn for_role(role: Role) -> &'static [MailKind] {
        match role {
            Role::Company => &[
                Self::RoundOpened,
                Self::RoundClosingSoon,
                Self::ContributionAnswered,
                Self::ClarificationAnswered,
            ],
            Role::Buyer => &[Self::PublicationRequested],
            Role::Agent => &[Self::ContributionReceived, Self::PublicationDecided],
            Role::Admin => &[],
        }
    }

    /// Without a choice of their own: immediately, except the stream of new
    /// contributions, which an agent reads as a daily digest.
    pub fn default_mode(self) -> DeliveryMode {
        match self {
            Self::ContributionReceived => DeliveryMode::Digest,
            _ => DeliveryMode::Immediate,
        }
    }
}

/// One kind of message and how the person wants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MailPreferenceDto {
    pub kind: MailKind,
    pub mode: DeliveryMode,
}

/// What an unsubscribe link changed (or would change): these kinds are off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnsubscribeDto {
    pub kinds: Vec<MailKind>,
}

impl UnsubscribeDto {
    /// "Ouverture d'un tour de dialogue, Rappel avant…", for the page.
    pub fn labels(&self) -> String {
        self.kinds
            .iter()
            .map(|k| k.label_fr())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
