//! What every request handler shares: the database, the token keys, the
//! settings and what this instance built from whole dialogues. It lives
//! apart from `startup` so that routes and extractors can use it without
//! depending on how the application is assembled.

use crate::auth::JwtKeys;
use crate::configuration::Settings;
use crate::db::Db;
use crate::domain::exports::ExportCache;
use crate::domain::fairness::detector;
use crate::limits::AuthLimits;

pub struct AppState {
    pub db: Db,
    pub jwt: JwtKeys,
    pub settings: Settings,
    pub limits: AuthLimits,
    /// The dialogue-wide exports built on this instance.
    pub exports: ExportCache,
    /// The fairness examinations made on this instance.
    pub fairness_reports: detector::Reports,
}
