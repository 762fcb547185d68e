// In a test, a panic is a failed assertion with its location: the lints that
// keep panics out of the server do not apply here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

//! Integration tests: a real HTTP server on a free port, a fresh database
//! per test, every DB test on SQLite and on PostgreSQL.

mod fixtures;
mod helpers;
mod life_cycle;
mod mail;
mod mailbox;

mod accounts;
mod anonymity;
mod answers;
mod concurrency;
mod contributions;
mod demo;
mod drafts;
mod enumerations;
mod errors;
mod exports;
mod fairness;
mod migrations;
mod notifications;
mod openapi;
mod pseudonyms;
mod publication;
mod revisions;
mod roles;
mod sessions;
mod targeting;
mod web_app;
