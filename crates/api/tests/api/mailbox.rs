//! The messages a test server sent, read back as a mail client reads them
//! (mail-parser): from the `.eml` files of the outbox, or from the Maildir
//! of a real SMTP server (aiosmtpd) the test starts and stops.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mail_parser::MessageParser;

pub enum Mailbox {
    /// The outbox folder of a server without SMTP.
    Files(PathBuf),
    /// The Maildir an SMTP server writes to.
    Maildir(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
    pub list_unsubscribe: Option<String>,
    pub list_unsubscribe_post: Option<String>,
}

impl Mail {
    fn parse(bytes: &[u8]) -> Option<Self> {
        let message = MessageParser::default().parse(bytes)?;
        let header = |name: &str| message.header_raw(name).map(|v| v.trim().to_owned());
        Some(Self {
            to: message.to()?.first()?.address()?.to_lowercase(),
            subject: message.subject()?.to_owned(),
            text: message.body_text(0)?.into_owned(),
            html: message.body_html(0)?.into_owned(),
            message_id: message.message_id()?.to_owned(),
            list_unsubscribe: header("List-Unsubscribe"),
            list_unsubscribe_post: header("List-Unsubscribe-Post"),
        })
    }

    /// The token that follows `marker` in the text (`/verifier-email?jeton=`).
    pub fn token(&self, marker: &str) -> String {
        let start = self
            .text
            .find(marker)
            .unwrap_or_else(|| panic!("no {marker} in the message:\n{}", self.text));
        self.text[start + marker.len()..]
            .split(|c: char| c.is_whitespace())
            .next()
            .unwrap()
            .to_owned()
    }

    /// The unsubscribe URL of the `List-Unsubscribe` header.
    pub fn unsubscribe_url(&self) -> String {
        self.list_unsubscribe
            .as_deref()
            .expect("no List-Unsubscribe header")
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_owned()
    }
}

impl Mailbox {
    fn folder(&self) -> PathBuf {
        match self {
            Self::Files(dir) => dir.clone(),
            Self::Maildir(dir) => dir.join("new"),
        }
    }

    pub fn all(&self) -> Vec<Mail> {
        let Ok(entries) = std::fs::read_dir(self.folder()) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| std::fs::read(e.path()).ok())
            .filter_map(|bytes| Mail::parse(&bytes))
            .collect()
    }

    /// Waits until `done` holds for the whole mailbox (up to 20 s).
    pub async fn wait_until(&self, what: &str, done: impl Fn(&[Mail]) -> bool) -> Vec<Mail> {
        let start = Instant::now();
        loop {
            let all = self.all();
            if done(&all) {
                return all;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}; mailbox: {:#?}",
                all.iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The message to `email` whose subject contains `subject`.
    pub async fn wait_for(&self, email: &str, subject: &str) -> Mail {
        self.wait_for_new(email, subject, &[]).await
    }

    pub fn message_ids(&self) -> Vec<String> {
        self.all().into_iter().map(|m| m.message_id).collect()
    }

    /// Like `wait_for`, among the messages not in `known` (message ids).
    pub async fn wait_for_new(&self, email: &str, subject: &str, known: &[String]) -> Mail {
        let what = format!("a message to {email} about « {subject} »");
        let wanted = |m: &Mail| {
            m.to == email && m.subject.contains(subject) && !known.contains(&m.message_id)
        };
        self.wait_until(&what, |all| all.iter().any(wanted))
            .await
            .into_iter()
            .find(wanted)
            .unwrap()
    }
}

/// A real SMTP server (aiosmtpd, installed by `scripts/install-tools.sh`)
/// writing what it receives into a Maildir. Stopped when dropped.
pub struct SmtpServer {
    pub port: u16,
    pub maildir: PathBuf,
    child: Option<Child>,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpServer {
    pub async fn start(maildir: &Path) -> Self {
        let mut server = Self {
            port: free_port(),
            maildir: maildir.to_owned(),
            child: None,
        };
        server.resume().await;
        server
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn mailbox(&self) -> Mailbox {
        Mailbox::Maildir(self.maildir.clone())
    }

    /// Stops accepting connections (the port is left closed).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().ok();
            child.wait().ok();
        }
    }

    /// Starts again on the same port and Maildir.
    pub async fn resume(&mut self) {
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&self.maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd: run scripts/install-tools.sh (pip install aiosmtpd)");
        self.child = Some(child);
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "aiosmtpd did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}
