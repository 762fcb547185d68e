use std::sync::atomic::{AtomicU64, Ordering};

use jesaisfaire_api::configuration::Settings;
use jesaisfaire_api::db::Db;
use jesaisfaire_api::domain::accounts;
use jesaisfaire_api::startup::Application;
use reqwest::{Response, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{Value, json};
use shared::Named;
use shared::ProblemDetails;
use shared::auth::CreateUserRequest;
use shared::types::StaffRole;

pub use crate::mailbox::Mailbox;

pub const TEST_JWT_SECRET: &str = "integration-tests-secret-at-least-32-bytes-long";
pub const PASSWORD: &str = "un mot de passe solide";
pub const OCID_PREFIX: &str = "ocds-t35t00";
pub const PUBLIC_URL: &str = "https://jesaisfaire.example.gouv.fr";

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs one scenario on both databases: `db_test!(name);` next to `async fn name(app: TestApp)`.
#[macro_export]
macro_rules! db_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn on_sqlite() {
                super::$name($crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await)
                    .await;
            }

            #[tokio::test]
            async fn on_postgres() {
                super::$name($crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await)
                    .await;
            }
        }
    };
}

/// Like `db_test!`, for scenarios that start their own servers:
/// `backend_test!(name);` next to `async fn name(backend: Backend)`.
#[macro_export]
macro_rules! backend_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn on_sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                super::$name($crate::helpers::Backend::Postgres).await;
            }
        }
    };
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    /// Where the messages go (no SMTP server unless a test sets one).
    pub mailbox: Mailbox,
    pub db_url: String,
    _dir: tempfile::TempDir,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// PostgreSQL: a new database on the throwaway cluster `just test` starts
/// (`JESAISFAIRE_TEST_PG_URL`, e.g. `postgres://postgres@127.0.0.1:54329`).
async fn fresh_postgres_database() -> String {
    let server = std::env::var("JESAISFAIRE_TEST_PG_URL").expect(
        "JESAISFAIRE_TEST_PG_URL is not set: run the tests with `just test` (it starts a throwaway PostgreSQL)",
    );
    let name = format!(
        "t_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let admin = Database::connect(format!("{server}/postgres"))
        .await
        .expect("cannot reach the test PostgreSQL server");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    admin.close().await.unwrap();
    format!("{server}/{name}")
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn(backend, false, &[]).await
}

/// An app started the way `just run` starts it, with the demo data.
pub async fn spawn_demo_app(backend: Backend) -> TestApp {
    spawn(backend, true, &[]).await
}

/// An app serving a web app build made of `files` (name, content).
pub async fn spawn_app_with_web_build(files: &[(&str, &[u8])]) -> TestApp {
    spawn(Backend::Sqlite, false, files).await
}

/// An app on a database that already exists (the others start theirs).
pub async fn spawn_on(database_url: &str) -> TestApp {
    let backend = if database_url.starts_with("sqlite") {
        Backend::Sqlite
    } else {
        Backend::Postgres
    };
    spawn_with(backend, false, &[], |settings| {
        settings.database_url = database_url.to_owned();
    })
    .await
}

async fn spawn(backend: Backend, demo_data: bool, web_build: &[(&str, &[u8])]) -> TestApp {
    spawn_with(backend, demo_data, web_build, |_| {}).await
}

/// A fresh database and the settings of a test server using it (its
/// messages go to `dir/outbox`): for tests that start servers themselves.
pub async fn test_settings(backend: Backend, dir: &std::path::Path) -> Settings {
    let database_url = match backend {
        Backend::Sqlite => format!("sqlite://{}/test.db?mode=rwc", dir.display()),
        Backend::Postgres => fresh_postgres_database().await,
    };
    Settings {
        database_url,
        addr: "127.0.0.1:0".parse().unwrap(),
        jwt_secret: Some(TEST_JWT_SECRET.into()),
        access_token_ttl: std::time::Duration::from_secs(900),
        refresh_token_ttl: std::time::Duration::from_secs(3600),
        cookie_secure: false,
        static_dir: dir.join("web"),
        demo_data: false,
        ocid_prefix: OCID_PREFIX.into(),
        public_url: PUBLIC_URL.into(),
        smtp_url: None,
        mail_from: "JeSaisFaire <ne-pas-repondre@jesaisfaire.example.gouv.fr>".into(),
        outbox_dir: dir.join("outbox"),
        mail_poll: std::time::Duration::from_millis(50),
        mail_retry: std::time::Duration::from_millis(100),
        mail_digest: std::time::Duration::from_secs(3600),
        deployment: Default::default(),
        fairness: Default::default(),
        // Tests sign in often from one address; the limit has its own test.
        auth_attempts_per_minute: std::num::NonZeroU32::new(100_000).unwrap(),
        behind_proxy: false,
    }
}

/// Like `spawn`, with settings changed by `adjust` (an SMTP server, a short
/// digest…).
pub async fn spawn_with(
    backend: Backend,
    demo_data: bool,
    web_build: &[(&str, &[u8])],
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    // Server logs only on demand: TEST_LOG=1 cargo test …
    if std::env::var_os("TEST_LOG").is_some() {
        jesaisfaire_api::telemetry::init();
    }
    let dir = tempfile::tempdir().unwrap();
    if !web_build.is_empty() {
        std::fs::create_dir(dir.path().join("web")).unwrap();
        for (name, content) in web_build {
            std::fs::write(dir.path().join("web").join(name), content).unwrap();
        }
    }
    let mut settings = test_settings(backend, dir.path()).await;
    settings.demo_data = demo_data;
    adjust(&mut settings);
    let database_url = settings.database_url.clone();
    let mailbox = Mailbox::Files(settings.outbox_dir.clone());
    let app = Application::build(settings).await.unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap(),
        db: Db::connect(&database_url).await.unwrap(),
        mailbox,
        db_url: database_url,
        _dir: dir,
    }
}

/// A SIRET with a valid Luhn key, different for each `n`.
pub fn siret(n: u32) -> String {
    let prefix = format!("{:013}", 4_000_000_000_000u64 + u64::from(n) * 7);
    (0..10)
        .map(|d| format!("{prefix}{d}"))
        .find(|s| shared::types::luhn_valid(s))
        .unwrap()
}

pub fn company_body(email: &str, siret: &str) -> Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "company_name": "Menuiserie Dupont",
        "siret": siret,
        "cpv_divisions": ["45", "44"],
        "departements": ["69", "2A"],
    })
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.address)
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_as(&self, token: &str, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// A company registered and verified through its message, as a person
    /// would: ready to contribute.
    pub async fn register_company(&self, email: &str, siret: &str) {
        self.register_with(&company_body(email, siret)).await;
    }

    /// Registers `body` and follows the link of the verification message.
    pub async fn register_with(&self, body: &Value) {
        let before = self.mailbox.message_ids();
        let response = self.post("/auth/register-company", body).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let email = body["email"].as_str().unwrap().to_lowercase();
        let message = self
            .mailbox
            .wait_for_new(&email, "Confirmez votre adresse", &before)
            .await;
        let token = message.token("/verifier-email?jeton=");
        let verified = self
            .post("/auth/verify-email", &json!({ "token": token }))
            .await;
        assert_eq!(verified.status(), StatusCode::NO_CONTENT);
    }

    pub async fn login(&self, email: &str) -> Value {
        let response = self
            .post(
                "/auth/login",
                &json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "login of {email}");
        response.json().await.unwrap()
    }

    pub async fn access_token(&self, email: &str) -> String {
        self.login(email).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Waits until the mail worker has fanned every announcement out (the
    /// in-app notifications of a whole audience are written by it).
    pub async fn wait_for_fan_out(&self) {
        use jesaisfaire_api::entities::announcement;
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let start = std::time::Instant::now();
        while announcement::Entity::find()
            .filter(announcement::Column::DoneAt.is_null())
            .count(self.db.conn())
            .await
            .unwrap()
            > 0
        {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(20),
                "fan-out stuck"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Staff accounts are created the way the CLI does, as the operator.
    pub async fn create_staff(&self, role: &str, email: &str) {
        let request = CreateUserRequest {
            email: email.into(),
            password: PASSWORD.into(),
            role: StaffRole::parse(role),
            display_name: format!("Compte {role}"),
        };
        accounts::create_user_from_console(&self.db, request.validate().unwrap())
            .await
            .unwrap();
    }
}

/// Asserts an RFC 9457 answer and returns its body.
/// The first column of each row `sql` selects, as text: a raw read of what
/// the API does not show (a schema, a setting, a column it no longer has).
pub async fn text_column(conn: &DatabaseConnection, sql: &str) -> Vec<String> {
    conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index(0).unwrap())
        .collect()
}

pub async fn problem(response: Response, status: StatusCode) -> ProblemDetails {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let problem: ProblemDetails = response.json().await.unwrap();
    assert_eq!(problem.status, status.as_u16());
    assert!(problem.type_uri.starts_with("urn:jesaisfaire:problem:"));
    assert!(!problem.detail.is_empty());
    problem
}

/// `count` verified companies of division 72 in the Rhône (69), the
/// audience of the scene's consultation, written straight into the
/// database: what is under test is what they do, not their registration
/// (hundreds of password hashes would take a while). Their e-mails are
/// `pme{n}@exemple.fr`.
pub async fn seed_matching_companies(app: &TestApp, count: u32, password_hash: &str) {
    use jesaisfaire_api::entities::{company, company_cpv_division, company_departement, user};
    use sea_orm::{EntityTrait, Set};
    use shared::types::Role;
    let now = chrono::Utc::now();
    let mut users = Vec::new();
    let mut companies = Vec::new();
    let mut divisions = Vec::new();
    let mut departements = Vec::new();
    for n in 0..count {
        let (user_id, company_id) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
        users.push(user::ActiveModel {
            id: Set(user_id),
            email: Set(format!("pme{n}@exemple.fr")),
            password_hash: Set(password_hash.to_owned()),
            role: Set(Role::Company),
            display_name: Set(format!("PME {n}")),
            created_at: Set(now),
            email_verified_at: Set(Some(now)),
            disabled_at: Set(None),
            deleted_at: Set(None),
        });
        companies.push(company::ActiveModel {
            id: Set(company_id),
            user_id: Set(user_id),
            name: Set(format!("PME {n}")),
            siret: Set(siret(1000 + n)),
            created_at: Set(now),
        });
        divisions.push(company_cpv_division::ActiveModel {
            company_id: Set(company_id),
            division: Set("72".into()),
        });
        departements.push(company_departement::ActiveModel {
            company_id: Set(company_id),
            departement: Set("69".into()),
        });
    }
    let conn = app.db.conn();
    for chunk in users.chunks(100) {
        user::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await
            .unwrap();
    }
    for chunk in companies.chunks(100) {
        company::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await
            .unwrap();
    }
    for chunk in divisions.chunks(100) {
        company_cpv_division::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await
            .unwrap();
    }
    for chunk in departements.chunks(100) {
        company_departement::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await
            .unwrap();
    }
}

/// The server binary, as deployed, on the database of `settings`: for the
/// scenarios that need a real process (several instances, `kill -9`).
pub struct ServerProcess {
    child: std::process::Child,
    pub address: String,
}

impl ServerProcess {
    /// Starts the binary on a free port, without waiting for it to serve.
    pub fn start(settings: &Settings, smtp_url: Option<&str>) -> Self {
        let port = crate::mailbox::free_port();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_jesaisfaire-api"));
        command
            .arg("serve")
            .env("DATABASE_URL", &settings.database_url)
            .env("JESAISFAIRE_ADDR", format!("127.0.0.1:{port}"))
            .env("JESAISFAIRE_JWT_SECRET", TEST_JWT_SECRET)
            .env("JESAISFAIRE_OUTBOX_DIR", &settings.outbox_dir)
            .env("JESAISFAIRE_MAIL_POLL_MILLISECONDS", "50")
            .env("JESAISFAIRE_MAIL_RETRY_MILLISECONDS", "100")
            .env("JESAISFAIRE_AUTH_ATTEMPTS_PER_MINUTE", "100000")
            .env("JESAISFAIRE_PUBLIC_URL", PUBLIC_URL)
            .env("JESAISFAIRE_STATIC_DIR", &settings.static_dir)
            .env_remove("JESAISFAIRE_DEMO_DATA")
            .env_remove("JESAISFAIRE_SMTP_URL")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if let Some(url) = smtp_url {
            command.env("JESAISFAIRE_SMTP_URL", url);
        }
        Self {
            child: command.spawn().unwrap(),
            address: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Waits until it answers its health check.
    pub async fn serving(self) -> Self {
        let start = std::time::Instant::now();
        let health = format!("{}/api/v1/health", self.address);
        while reqwest::get(&health).await.is_err() {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(30),
                "the server did not start"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self
    }

    /// `kill -9`: no chance to finish anything.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
