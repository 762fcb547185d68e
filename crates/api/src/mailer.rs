//! The mail worker: a background task of every instance that fans
//! announcements out, schedules reminders and digests, and delivers the
//! outbox through SMTP, or into `.eml` files when no server is configured.
//! What is sent and to whom is decided by `domain::mail`; this is transport.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures_util::StreamExt;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use uuid::Uuid;

use crate::configuration::Settings;
use crate::db::Db;
use crate::domain::mail::{Letter, fan_out, outbox};
use crate::entities::mail_message;

/// Messages claimed at once, and sent this many at a time over as many
/// pooled SMTP connections. Each message costs a connection about 40 ms:
/// lettre 0.11.23 leaves Nagle's algorithm on, so the final `.` of every
/// message waits for the server's delayed ACK (lettre/lettre#1159 sets
/// TCP_NODELAY, not yet released). Throughput comes from parallel
/// connections meanwhile; 32 stays under the usual per-client limits of
/// relays (Postfix allows 50).
const CLAIM: u64 = 200;
const IN_FLIGHT: usize = 32;
const IN_FLIGHT_CONNECTIONS: u32 = 32;
/// Reminders and digests are looked for this often.
const SCHEDULING_EVERY: Duration = Duration::from_secs(30);

/// Why a message did not go, and whether trying again can help.
struct Undelivered {
    reason: String,
    permanent: bool,
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    public_url: String,
    /// The right-hand side of every `Message-ID`.
    domain: String,
    retry: Duration,
    poll: Duration,
    digest: Duration,
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Clone)]
struct OneClick;

impl Header for OneClick {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let transport = match &settings.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("JESAISFAIRE_SMTP_URL is not a valid SMTP URL")?
                    .pool_config(PoolConfig::new().max_size(IN_FLIGHT_CONNECTIONS))
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(&settings.outbox_dir)
                    .with_context(|| format!("cannot create {}", settings.outbox_dir.display()))?;
                let dir = std::fs::canonicalize(&settings.outbox_dir)?;
                Transport::Files(AsyncFileTransport::new(&dir), dir)
            }
        };
        let domain = settings
            .public_url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', ':']).next())
            .filter(|host| !host.is_empty())
            .unwrap_or("jesaisfaire.localhost")
            .to_owned();
        Ok(Self {
            transport,
            from: settings
                .mail_from
                .parse()
                .context("JESAISFAIRE_MAIL_FROM")?,
            public_url: settings.public_url.clone(),
            domain,
            retry: settings.mail_retry,
            poll: settings.mail_poll,
            digest: settings.mail_digest,
        })
    }

    /// Where messages go, for the start-up banner.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(_) => {
                "e-mails sent through the SMTP server of JESAISFAIRE_SMTP_URL".into()
            }
            Transport::Files(_, dir) => format!(
                "no SMTP server (JESAISFAIRE_SMTP_URL): e-mails are written as .eml files into {}",
                dir.display()
            ),
        }
    }

    fn message(&self, m: &mail_message::Model) -> anyhow::Result<Message> {
        let letter = Letter::from_json(&m.letter)?;
        let unsubscribe_page = m
            .unsubscribe_token
            .as_ref()
            .map(|t| format!("{}/desabonnement/{t}", self.public_url));
        let rendered = letter.render(&self.public_url, unsubscribe_page.as_deref());
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(m.to_address.parse()?)
            .subject(&m.subject)
            .message_id(Some(format!("<{}@{}>", m.id, self.domain)))
            .date(m.created_at.into());
        if let Some(token) = &m.unsubscribe_token {
            builder = builder
                .header(ListUnsubscribe(format!(
                    "<{}/api/v1/mail/unsubscribe/{token}>",
                    self.public_url
                )))
                .header(OneClick);
        }
        Ok(builder.multipart(MultiPart::alternative_plain_html(
            rendered.text,
            rendered.html,
        ))?)
    }

    async fn deliver(&self, m: &mail_message::Model) -> Result<(), Undelivered> {
        // A message that cannot even be built never will be: permanent.
        let message = self.message(m).map_err(|e| Undelivered {
            reason: format!("{e:#}"),
            permanent: true,
        })?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| Undelivered {
                        reason: e.to_string(),
                        permanent: e.is_permanent(),
                    })
            }
            Transport::Files(files, _) => {
                files
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| Undelivered {
                        reason: e.to_string(),
                        permanent: false,
                    })
            }
        }
    }

    /// One batch of the outbox; how many messages went.
    async fn deliver_batch(&self, db: &Db) -> anyhow::Result<usize> {
        let claimed = outbox::claim_due(db, CLAIM).await?;
        let Some(claim) = claimed.first().and_then(|m| m.claim) else {
            return Ok(0);
        };
        let results: Vec<(usize, Result<(), Undelivered>)> =
            futures_util::stream::iter(claimed.iter().cloned().enumerate())
                .map(|(i, m)| async move { (i, self.deliver(&m).await) })
                .buffer_unordered(IN_FLIGHT)
                .collect()
                .await;
        let mut sent: Vec<Uuid> = Vec::new();
        for (i, result) in results {
            let Some(m) = claimed.get(i) else { continue };
            match result {
                Ok(()) => sent.push(m.id),
                Err(Undelivered { reason, permanent }) => {
                    if permanent {
                        tracing::error!(message_id = %m.id, %reason, "message refused for good");
                    } else {
                        tracing::warn!(message_id = %m.id, %reason, attempts = m.attempts, "message not delivered, will retry");
                    }
                    outbox::mark_failed(db, m, &reason, permanent, self.retry).await?;
                }
            }
        }
        let count = sent.len();
        outbox::mark_sent(db, claim, sent).await?;
        Ok(count)
    }

    /// Runs until the process stops. Errors are logged and the loop goes on
    /// (a database restart must not stop the mail).
    pub async fn run(self, db: Db) {
        let mut last_scheduling: Option<Instant> = None;
        loop {
            if let Err(error) = self.tick(&db, &mut last_scheduling).await {
                tracing::error!(error = format!("{error:#}"), "mail worker");
            }
            tokio::time::sleep(self.poll).await;
        }
    }

    async fn tick(&self, db: &Db, last_scheduling: &mut Option<Instant>) -> anyhow::Result<()> {
        if last_scheduling.is_none_or(|t| t.elapsed() >= SCHEDULING_EVERY.min(self.digest)) {
            outbox::schedule_reminders(db).await?;
            outbox::compose_digests(db, self.digest).await?;
            outbox::purge_expired(db).await?;
            *last_scheduling = Some(Instant::now());
        }
        while fan_out::fan_out_one_batch(db).await? {}
        while self.deliver_batch(db).await? > 0 {}
        Ok(())
    }
}
