//! What happened and who is told: the append-only audit trail of each
//! consultation and of accounts, and in-app notifications.

pub mod account_events;
pub mod events;
pub mod notifications;

pub use events::record;
pub use notifications::{About, notify};
