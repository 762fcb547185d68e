//! Business rules, independent of HTTP: handlers parse, call these, and
//! turn the result into DTOs.

pub mod access;
pub mod accounts;
pub mod consultations;
pub mod contributions;
pub mod diff;
pub mod journal;
pub mod pagination;
pub mod sessions;
