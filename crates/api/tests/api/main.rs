#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.

//! Integration tests: a real HTTP server on a free port, a fresh database
//! per test, every DB test on SQLite and on PostgreSQL.

mod fixtures;
mod helpers;

mod accounts;
mod anonymity;
mod answers;
mod contributions;
mod demo;
mod drafts;
mod enumerations;
mod errors;
mod openapi;
mod pseudonyms;
mod publication;
mod revisions;
mod roles;
mod sessions;
mod targeting;
mod web_app;
