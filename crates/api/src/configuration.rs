//! Settings, each from a command-line flag or an environment variable, with a
//! default that makes `just run` work on a fresh machine. clap reads them, so
//! `jesaisfaire-api serve --help` lists every variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use std::ffi::{OsStr, OsString};

use clap::{ArgAction, Args, Command, CommandFactory, FromArgMatches, Parser};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/jesaisfaire.db?mode=rwc";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

#[derive(Clone, Debug, Args)]
pub struct Settings {
    /// Database: `sqlite://…` or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, hide_env_values = true)]
    pub database_url: String,
    /// Listen address; port 0 picks a free port.
    #[arg(long, env = "JESAISFAIRE_ADDR", default_value = DEFAULT_ADDR)]
    pub addr: SocketAddr,
    /// HMAC key of access tokens (at least 32 bytes). Every instance behind a
    /// load balancer needs the same one. Required, except in demo mode, where
    /// a random key is drawn at start-up (access tokens die with the process;
    /// sessions survive through their refresh token).
    #[arg(long, env = "JESAISFAIRE_JWT_SECRET", hide_env_values = true, value_parser = jwt_secret)]
    pub jwt_secret: Option<String>,
    /// Access token lifetime, in seconds.
    #[arg(
        long = "access-token-ttl-seconds",
        env = "JESAISFAIRE_ACCESS_TOKEN_TTL_SECONDS",
        default_value = "900",
        value_parser = seconds
    )]
    pub access_token_ttl: Duration,
    /// Refresh token lifetime, in days.
    #[arg(
        long = "refresh-token-ttl-days",
        env = "JESAISFAIRE_REFRESH_TOKEN_TTL_DAYS",
        default_value = "30",
        value_parser = days
    )]
    pub refresh_token_ttl: Duration,
    /// `Secure` flag of the refresh cookie (browsers accept secure cookies on
    /// http://localhost and 127.0.0.1).
    #[arg(long, env = "JESAISFAIRE_COOKIE_SECURE", default_value = "true",
        value_parser = BoolishValueParser::new(), action = ArgAction::Set)]
    pub cookie_secure: bool,
    /// The built web app, served at `/`.
    #[arg(
        long,
        env = "JESAISFAIRE_STATIC_DIR",
        default_value = "crates/frontend/dist"
    )]
    pub static_dir: PathBuf,
    /// Create the demo accounts and consultation at start-up.
    #[arg(long, env = "JESAISFAIRE_DEMO_DATA", default_value = "false",
        value_parser = BoolishValueParser::new(), action = ArgAction::Set)]
    pub demo_data: bool,
    /// Prefix of the OCDS `ocid` of every consultation (`ocds-` and six
    /// characters), to register with the Open Contracting Partnership before
    /// publishing open data; the default marks a deployment without one.
    #[arg(long, env = "JESAISFAIRE_OCID_PREFIX", default_value = "ocds-jsf000", value_parser = ocid_prefix)]
    pub ocid_prefix: String,
    /// The address people reach the service at, for links written into
    /// exports.
    #[arg(long, env = "JESAISFAIRE_PUBLIC_URL", default_value = "http://127.0.0.1:8080", value_parser = public_url)]
    pub public_url: String,
    /// Mail server, as `smtp://user:password@host:587?tls=required` or
    /// `smtps://user:password@host:465`. Without one, messages are written
    /// as `.eml` files into the outbox folder.
    #[arg(long, env = "JESAISFAIRE_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of every message.
    #[arg(long, env = "JESAISFAIRE_MAIL_FROM",
        default_value = "JeSaisFaire <ne-pas-repondre@jesaisfaire.localhost>",
        value_parser = mailbox)]
    pub mail_from: String,
    /// Where messages go as `.eml` files when no mail server is set.
    #[arg(long, env = "JESAISFAIRE_OUTBOX_DIR", default_value = "data/outbox")]
    pub outbox_dir: PathBuf,
    /// How often the mail worker looks for work, in milliseconds.
    #[arg(
        long = "mail-poll-milliseconds",
        env = "JESAISFAIRE_MAIL_POLL_MILLISECONDS",
        default_value = "1000",
        value_parser = milliseconds
    )]
    pub mail_poll: Duration,
    /// First wait before retrying a message the mail server did not take,
    /// in milliseconds; it doubles at each attempt, up to 30 minutes.
    #[arg(
        long = "mail-retry-milliseconds",
        env = "JESAISFAIRE_MAIL_RETRY_MILLISECONDS",
        default_value = "5000",
        value_parser = milliseconds
    )]
    pub mail_retry: Duration,
    /// How long messages wait for their digest, in seconds (a day).
    #[arg(
        long = "mail-digest-seconds",
        env = "JESAISFAIRE_MAIL_DIGEST_SECONDS",
        default_value = "86400",
        value_parser = seconds
    )]
    pub mail_digest: Duration,
    /// Attempts a minute at sign-in, refresh, registration, verification and
    /// password reset, per client address (and per account at sign-in and
    /// reset); beyond: 429.
    #[arg(
        long,
        env = "JESAISFAIRE_AUTH_ATTEMPTS_PER_MINUTE",
        default_value = "20"
    )]
    pub auth_attempts_per_minute: std::num::NonZeroU32,
    /// Behind a reverse proxy that sets `Forwarded` / `X-Forwarded-For`: the
    /// client address is read from it (never trust it otherwise).
    #[arg(long, env = "JESAISFAIRE_BEHIND_PROXY", default_value = "false",
        value_parser = BoolishValueParser::new(), action = ArgAction::Set)]
    pub behind_proxy: bool,
    #[command(flatten)]
    pub deployment: Deployment,
    #[command(flatten)]
    pub fairness: FairnessSettings,
}

/// The thresholds of the fair-dialogue guards.
#[derive(Clone, Copy, Debug, Args)]
pub struct FairnessSettings {
    /// A public answer or notice published fewer days than this before the
    /// open round's deadline is late: the agent is offered to push it back.
    #[arg(long, env = "JESAISFAIRE_LATE_INFORMATION_DAYS", default_value = "6",
        value_parser = clap::value_parser!(u32).range(1..=60))]
    pub late_information_days: u32,
    /// Above this share (percent) of the changes since the first revision
    /// coming from one company, the agent and the buyer are warned.
    #[arg(long, env = "JESAISFAIRE_CONCENTRATION_THRESHOLD", default_value = "50",
        value_parser = clap::value_parser!(u8).range(1..=100))]
    pub concentration_threshold: u8,
}

impl Default for FairnessSettings {
    fn default() -> Self {
        Self {
            late_information_days: 6,
            concentration_threshold: 50,
        }
    }
}

/// Who runs this instance, as its legal pages ("Mentions légales",
/// "Données personnelles", "Accessibilité") state it.
#[derive(Clone, Debug, Default, Args)]
pub struct Deployment {
    /// Éditeur: the service running the instance, with its address.
    #[arg(long, env = "JESAISFAIRE_PUBLISHER")]
    pub publisher: Option<String>,
    /// Directeur de la publication.
    #[arg(long, env = "JESAISFAIRE_PUBLICATION_DIRECTOR")]
    pub publication_director: Option<String>,
    /// Hébergeur, with its address.
    #[arg(long, env = "JESAISFAIRE_HOST")]
    pub host: Option<String>,
    /// Where people report a problem (accessibility, questions): an e-mail
    /// address or a web page.
    #[arg(long, env = "JESAISFAIRE_CONTACT")]
    pub contact: Option<String>,
    /// Délégué à la protection des données (e-mail address).
    #[arg(long, env = "JESAISFAIRE_DATA_PROTECTION_OFFICER")]
    pub data_protection_officer: Option<String>,
}

fn mailbox(value: &str) -> Result<String, String> {
    value
        .parse::<lettre::message::Mailbox>()
        .map(|_| value.to_owned())
        .map_err(|_| "a sender address, as `Name <address@domain>`".into())
}

fn milliseconds(value: &str) -> Result<Duration, String> {
    value
        .parse()
        .map(Duration::from_millis)
        .map_err(|_| "a whole number of milliseconds".into())
}

fn ocid_prefix(value: &str) -> Result<String, String> {
    match value.strip_prefix("ocds-") {
        Some(id) if id.len() == 6 && id.chars().all(|c| c.is_ascii_alphanumeric()) => {
            Ok(value.to_owned())
        }
        _ => Err("an OCDS prefix is `ocds-` followed by six letters or digits".into()),
    }
}

fn public_url(value: &str) -> Result<String, String> {
    if value.starts_with("http://") || value.starts_with("https://") {
        Ok(value.trim_end_matches('/').to_owned())
    } else {
        Err("the public URL starts with http:// or https://".into())
    }
}

fn jwt_secret(value: &str) -> Result<String, String> {
    if value.len() < 32 {
        return Err("the JWT secret must be at least 32 bytes long".into());
    }
    Ok(value.to_owned())
}

fn seconds(value: &str) -> Result<Duration, String> {
    value
        .parse()
        .map(Duration::from_secs)
        .map_err(|_| "a whole number of seconds".into())
}

fn days(value: &str) -> Result<Duration, String> {
    value
        .parse::<u64>()
        .ok()
        .and_then(|days| days.checked_mul(24 * 3600))
        .map(Duration::from_secs)
        .ok_or_else(|| "a whole number of days".into())
}

#[derive(Parser)]
struct EnvironmentOnly {
    #[command(flatten)]
    settings: Settings,
}

impl Settings {
    /// The settings from the environment alone, without flags (the default
    /// command, the OpenAPI command and the benchmark).
    pub fn from_env() -> Result<Self, clap::Error> {
        let command =
            ignoring_empty_variables(EnvironmentOnly::command(), &|name| std::env::var_os(name));
        let matches = command.try_get_matches_from(["jesaisfaire-api"])?;
        Ok(EnvironmentOnly::from_arg_matches(&matches)?.settings)
    }
}

/// A variable set to nothing (`JESAISFAIRE_JWT_SECRET=` in an env file)
/// counts as unset, so the default applies, rather than as an empty value.
/// Applies to `command` and its subcommands; `lookup` reads a variable.
pub fn ignoring_empty_variables(
    mut command: Command,
    lookup: &dyn Fn(&OsStr) -> Option<OsString>,
) -> Command {
    let empty: Vec<String> = command
        .get_arguments()
        .filter(|arg| {
            arg.get_env()
                .and_then(lookup)
                .is_some_and(|value| value.to_string_lossy().trim().is_empty())
        })
        .map(|arg| arg.get_id().to_string())
        .collect();
    for id in empty {
        command = command.mut_arg(id, |arg| arg.env(None));
    }
    let subcommands: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in subcommands {
        command = command.mut_subcommand(name, |sub| ignoring_empty_variables(sub, lookup));
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_names_its_environment_variable_in_the_help() {
        let help = EnvironmentOnly::command().render_long_help().to_string();
        for variable in [
            "DATABASE_URL",
            "JESAISFAIRE_ADDR",
            "JESAISFAIRE_JWT_SECRET",
            "JESAISFAIRE_ACCESS_TOKEN_TTL_SECONDS",
            "JESAISFAIRE_REFRESH_TOKEN_TTL_DAYS",
            "JESAISFAIRE_COOKIE_SECURE",
            "JESAISFAIRE_STATIC_DIR",
            "JESAISFAIRE_DEMO_DATA",
            "JESAISFAIRE_SMTP_URL",
            "JESAISFAIRE_MAIL_FROM",
            "JESAISFAIRE_OUTBOX_DIR",
        ] {
            assert!(help.contains(variable), "{variable} missing from --help");
        }
    }

    #[test]
    fn a_variable_set_to_nothing_counts_as_unset() {
        let lookup = |name: &OsStr| (name == "JESAISFAIRE_JWT_SECRET").then(|| OsString::from(" "));
        let command = ignoring_empty_variables(EnvironmentOnly::command(), &lookup);
        let env_of = |id: &str| {
            command
                .get_arguments()
                .find(|arg| arg.get_id() == id)
                .and_then(|arg| arg.get_env().map(ToOwned::to_owned))
        };
        assert_eq!(env_of("jwt_secret"), None);
        assert_eq!(env_of("demo_data"), Some("JESAISFAIRE_DEMO_DATA".into()));
    }

    #[test]
    fn a_short_jwt_secret_and_a_bad_boolean_are_refused() {
        assert!(EnvironmentOnly::try_parse_from(["x", "--jwt-secret", "too short"]).is_err());
        assert!(EnvironmentOnly::try_parse_from(["x", "--demo-data", "peut-être"]).is_err());
        let parsed = EnvironmentOnly::try_parse_from([
            "x",
            "--demo-data",
            "yes",
            "--refresh-token-ttl-days",
            "2",
        ])
        .map(|p| p.settings);
        assert!(parsed.as_ref().is_ok_and(|s| s.demo_data));
        assert!(parsed.is_ok_and(|s| s.refresh_token_ttl == Duration::from_secs(2 * 24 * 3600)));
    }
}
