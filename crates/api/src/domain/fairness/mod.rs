//! The guards of a fair dialogue (code de la commande publique, R2111-1,
//! R2111-2, R2111-7), beside the anonymity guard (`anonymity`):
//! - `notices` and `equal_information`: what every company was told, and
//!   whether it came late before a deadline;
//! - `provenance` and `detector`: what the specification took from whom,
//!   the warnings it raises and the agent's acknowledgement of them.

pub mod detector;
pub mod equal_information;
pub mod notices;
pub mod provenance;
