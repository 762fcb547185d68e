//! Settings read from environment variables, each with a default that makes
//! `just run` work on a fresh machine.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/jesaisfaire.db?mode=rwc";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

#[derive(Clone, Debug)]
pub struct Settings {
    /// `DATABASE_URL`: `sqlite://…` (default) or `postgres://…`.
    pub database_url: String,
    /// `JESAISFAIRE_ADDR`: listen address; port 0 picks a free port.
    pub addr: SocketAddr,
    /// `JESAISFAIRE_JWT_SECRET`: HMAC key for access tokens (≥ 32 bytes).
    /// Every instance behind a load balancer needs the same one. When unset a
    /// random key is drawn at start-up, so access tokens die with the process
    /// (sessions survive through their refresh token).
    pub jwt_secret: Option<String>,
    /// `JESAISFAIRE_ACCESS_TOKEN_TTL_SECONDS` (default 900).
    pub access_token_ttl: Duration,
    /// `JESAISFAIRE_REFRESH_TOKEN_TTL_DAYS` (default 30).
    pub refresh_token_ttl: Duration,
    /// `JESAISFAIRE_COOKIE_SECURE` (default true): set `Secure` on the refresh
    /// cookie. Browsers accept secure cookies on http://localhost and 127.0.0.1.
    pub cookie_secure: bool,
    /// `JESAISFAIRE_STATIC_DIR`: the built web app (default `crates/frontend/dist`).
    pub static_dir: PathBuf,
    /// `JESAISFAIRE_DEMO_DATA` (default false): create the demo accounts at start-up.
    pub demo_data: bool,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_bool(name: &str, default: bool) -> anyhow::Result<bool> {
    match var(name).as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => bail!("{name} must be true or false, not {other:?}"),
    }
}

fn parse_u64(name: &str, default: u64) -> anyhow::Result<u64> {
    var(name)
        .map(|v| {
            v.parse()
                .with_context(|| format!("{name} must be a whole number"))
        })
        .unwrap_or(Ok(default))
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        let addr = var("JESAISFAIRE_ADDR")
            .unwrap_or_else(|| DEFAULT_ADDR.to_owned())
            .parse()
            .context("JESAISFAIRE_ADDR must look like 127.0.0.1:8080")?;
        let jwt_secret = var("JESAISFAIRE_JWT_SECRET");
        if jwt_secret.as_ref().is_some_and(|s| s.len() < 32) {
            bail!("JESAISFAIRE_JWT_SECRET must be at least 32 bytes long");
        }
        Ok(Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            addr,
            jwt_secret,
            access_token_ttl: Duration::from_secs(parse_u64(
                "JESAISFAIRE_ACCESS_TOKEN_TTL_SECONDS",
                900,
            )?),
            refresh_token_ttl: Duration::from_secs(
                parse_u64("JESAISFAIRE_REFRESH_TOKEN_TTL_DAYS", 30)? * 24 * 3600,
            ),
            cookie_secure: parse_bool("JESAISFAIRE_COOKIE_SECURE", true)?,
            static_dir: var("JESAISFAIRE_STATIC_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("crates/frontend/dist")),
            demo_data: parse_bool("JESAISFAIRE_DEMO_DATA", false)?,
        })
    }
}
