//! The JeSaisFaire REST API.

pub mod auth;
pub mod configuration;
pub mod db;
pub mod demo;
pub mod domain;
pub mod entities;
pub mod error;
pub mod extract;
pub mod heavy;
pub mod limits;
pub mod mailer;
pub mod memory;
pub mod routes;
pub mod security_headers;
pub mod spa;
pub mod startup;
pub mod state;
pub mod telemetry;
