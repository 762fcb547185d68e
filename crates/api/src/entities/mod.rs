//! sea-orm entities, one module per table.

pub mod account_event;
pub mod account_token;
pub mod announcement;
pub mod api_token;
pub mod company;
pub mod company_cpv_division;
pub mod company_departement;
pub mod consultation;
pub mod consultation_draft;
pub mod consultation_tally;
pub mod contribution;
pub mod event;
pub mod fairness_acknowledgement;
pub mod mail_message;
pub mod mail_preference;
pub mod notice;
pub mod notification;
pub mod notification_tally;
pub mod participant;
pub mod refresh_token;
pub mod reply;
pub mod revision_diff;
pub mod revision_provenance;
pub mod round;
pub mod synthesis_tally;
pub mod user;
