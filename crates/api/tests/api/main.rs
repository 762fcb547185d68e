#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.

//! Integration tests: a real HTTP server on a free port, a fresh database
//! per test, every DB test on SQLite and on PostgreSQL.

mod helpers;

mod accounts;
mod demo;
mod dialogue;
mod enumerations;
mod errors;
mod openapi;
mod sessions;
mod web_app;
