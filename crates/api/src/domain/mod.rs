//! Business rules, independent of HTTP: handlers parse, call these, and
//! turn the result into DTOs.

pub mod accounts;
pub mod pagination;
pub mod sessions;
