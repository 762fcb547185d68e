//! What happened and who is told: the append-only audit trail of each
//! consultation, and in-app notifications.

pub mod events;
pub mod notifications;

pub use events::record;
pub use notifications::{About, notify};
