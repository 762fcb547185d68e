use sea_orm::entity::prelude::*;

/// What a message is: one of the kinds people choose, a digest of them, or
/// a message about the account itself (always sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum Kind {
    RoundOpened,
    RoundClosingSoon,
    ContributionAnswered,
    ClarificationAnswered,
    PublicationRequested,
    PublicationDecided,
    ContributionReceived,
    Digest,
    EmailVerification,
    PasswordReset,
    RegistrationAttempt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum Status {
    /// To send as soon as `next_attempt_at` comes.
    Pending,
    /// Waiting for the recipient's daily digest.
    Held,
    Sent,
    /// Sent inside a digest.
    Digested,
    /// Refused for good by the mail server (logged as an error).
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_messages")]
pub struct Model {
    /// Also the `Message-ID`, so a retried message is recognisable.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub announcement_id: Option<Uuid>,
    pub user_id: Uuid,
    pub kind: Kind,
    pub to_address: String,
    pub subject: String,
    /// `domain::mail::Letter` as JSON: rendered as text and HTML when sent.
    pub letter: String,
    /// For the `List-Unsubscribe` header; none for account messages.
    pub unsubscribe_token: Option<String>,
    pub status: Status,
    pub attempts: i32,
    pub next_attempt_at: ChronoDateTimeUtc,
    /// The batch of the worker sending it, until `claimed_until`.
    pub claim: Option<Uuid>,
    pub claimed_until: Option<ChronoDateTimeUtc>,
    pub sent_at: Option<ChronoDateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
