//! Business rules, independent of HTTP: handlers parse, call these, and
//! turn the result into DTOs. One concept per module; see ARCHITECTURE.md.

pub mod access;
pub mod accounts;
pub mod anonymity;
pub mod api_tokens;
pub mod consultations;
pub mod contributions;
pub mod cpv;
pub mod diff;
pub mod editions;
pub mod exports;
pub mod fairness;
pub mod journal;
pub mod mail;
pub mod pagination;
pub mod recovery;
pub mod sessions;
pub mod targeting;
pub mod text;
