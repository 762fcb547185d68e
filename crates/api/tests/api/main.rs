//! Integration tests: a real HTTP server on a free port, a fresh database
//! per test, every DB test on SQLite and on PostgreSQL.

mod helpers;

mod accounts;
mod errors;
mod openapi;
mod sessions;
