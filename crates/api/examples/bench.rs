//! `just bench`: latency of the hot read paths on a seeded SQLite database,
//! through the real HTTP server. Prints p50 / p95 / max per endpoint.
//!
//! Seed: 300 consultations in dialogue, 200 companies, 1 000 contributions on
//! one consultation (one in four a clarification request). Each endpoint is
//! called 200 times, 8 requests in flight.
//! Then a 150-page CCTP (330 clauses, about 430 000 characters) is saved,
//! opened as a round, revised, diffed and exported; writes are timed one by
//! one, exports fetched five times (median and size).
//! Then 50 companies write 90 contributions each at once, on SQLite and on
//! PostgreSQL (under `just bench`): acknowledged writes per second, and what
//! the database holds afterwards.
//! Last, e-mail: a round opens for 20 000 matching companies; the request,
//! the fan-out, a draft saved meanwhile and the delivery to a local SMTP
//! server (aiosmtpd) are timed.

// A benchmark harness: a panic is a failed run, and its arithmetic is on
// small fixed counts.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use jesaisfaire_api::auth::Authenticated;
use jesaisfaire_api::configuration::Settings;
use jesaisfaire_api::db::Db;
use jesaisfaire_api::domain::access::{AgentCapability, ConsultationAccess};
use jesaisfaire_api::domain::consultations::{draft, rounds};
use jesaisfaire_api::domain::{accounts, consultations, contributions};
use jesaisfaire_api::startup::Application;
use shared::Named;
use shared::auth::{CreateUserRequest, RegisterCompanyRequest};
use shared::consultation::{
    CctpContent, Clause, ContributionKind, ContributionRequest, CostDirection,
    CreateConsultationRequest, Criterion, OpenRoundRequest, Section, TargetKind, Visibility,
};
use shared::types::{StaffRole, luhn_valid};

const PASSWORD: &str = "mot de passe de banc d'essai";
const CONSULTATIONS: usize = 300;
const COMPANIES: u32 = 200;
const CONTRIBUTIONS: usize = 1_000;
const REQUESTS: usize = 200;
const IN_FLIGHT: usize = 8;

fn siret(n: u32) -> String {
    let prefix = format!("{:013}", 5_000_000_000_000u64 + u64::from(n) * 13);
    (0..10)
        .map(|d| format!("{prefix}{d}"))
        .find(|s| luhn_valid(s))
        .unwrap_or_default()
}

fn fail(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

async fn seed(db: &Db) -> anyhow::Result<(uuid::Uuid, Vec<String>)> {
    // The seed in order: staff, companies, consultations, contributions.
    let (agent, buyer) = staff(db).await?;
    let mut emails = Vec::new();
    for n in 0..COMPANIES {
        let email = format!("pme{n}@bench.fr");
        let request = RegisterCompanyRequest {
            email: email.clone(),
            password: PASSWORD.into(),
            company_name: format!("PME {n}"),
            siret: siret(n),
            cpv_divisions: vec![
                "72".into(),
                shared::reference::CPV_DIVISIONS[n as usize % 45]
                    .code
                    .clone(),
            ],
            departements: vec!["69".into(), "01".into()],
        };
        accounts::register_company_from_console(
            db,
            request.validate().map_err(|e| fail(format!("{e:?}")))?,
        )
        .await
        .map_err(fail)?;
        emails.push(email);
    }
    let mut first = None;
    for i in 0..CONSULTATIONS {
        let created = consultation_in_dialogue(
            db,
            &agent,
            buyer,
            format!("Consultation {i}"),
            if i % 3 == 0 { "69" } else { "13" },
        )
        .await?;
        first.get_or_insert(created);
    }
    let consultation = first.ok_or_else(|| fail("no consultation"))?;
    // The companies sign in as real users do (one password check each).
    let mut companies = Vec::with_capacity(emails.len());
    for email in &emails {
        companies.push(
            Authenticated::sign_in(db, email, PASSWORD)
                .await
                .map_err(fail)?,
        );
    }
    for (i, who) in companies.iter().cycle().take(CONTRIBUTIONS).enumerate() {
        let access = ConsultationAccess::load(db.conn(), who, consultation)
            .await
            .map_err(fail)?;
        contributions::create(
            db,
            &access,
            ContributionRequest {
                target_kind: Some(TargetKind::Document),
                // One in four is a clarification request: the open-data
                // export lists them as enquiries.
                kind: Some(if i % 4 == 0 {
                    ContributionKind::Clarification
                } else {
                    ContributionKind::Solution
                }),
                body: format!("Proposition {i}"),
                justification: "Banc d'essai".into(),
                cost_direction: Some(CostDirection::Neutral),
                ..Default::default()
            },
        )
        .await
        .map_err(fail)?;
    }
    Ok((consultation, emails))
}

/// The agent (signed in) and the PFRA buyer of a bench database.
async fn staff(db: &Db) -> anyhow::Result<(Authenticated, uuid::Uuid)> {
    let mut buyer = None;
    for role in [StaffRole::Agent, StaffRole::Buyer] {
        let request = CreateUserRequest {
            email: format!("{}@bench.fr", role.as_str()),
            password: PASSWORD.into(),
            role: Some(role),
            display_name: format!("Banc {}", role.as_str()),
        };
        let created = accounts::create_user_from_console(
            db,
            request.validate().map_err(|e| fail(format!("{e:?}")))?,
        )
        .await
        .map_err(fail)?;
        buyer = Some(created.id);
    }
    let agent = Authenticated::sign_in(db, "agent@bench.fr", PASSWORD)
        .await
        .map_err(fail)?;
    Ok((agent, buyer.ok_or_else(|| fail("no buyer"))?))
}

/// A consultation of division 72 with a ten-clause draft, in its first
/// round for thirty days.
async fn consultation_in_dialogue(
    db: &Db,
    agent: &Authenticated,
    buyer: uuid::Uuid,
    title: String,
    departement: &str,
) -> anyhow::Result<uuid::Uuid> {
    let created = consultations::create(
        db,
        &AgentCapability::require(agent).map_err(fail)?,
        CreateConsultationRequest {
            title,
            summary: "Banc d'essai".into(),
            cpv_code: "72000000-5".into(),
            departement: departement.into(),
            buyer_id: Some(buyer),
            visibility: Visibility::Targeted,
        },
    )
    .await
    .map_err(fail)?;
    let owner = ConsultationAccess::load(db.conn(), agent, created.id)
        .await
        .map_err(fail)?
        .as_owner()
        .map_err(fail)?;
    let content = CctpContent {
        sections: vec![Section {
            id: None,
            title: "Objet".into(),
            clauses: (1..=10)
                .map(|c| Clause {
                    id: None,
                    number: format!("1.{c}"),
                    title: format!("Clause {c}"),
                    text: "Texte de la clause.".into(),
                })
                .collect(),
        }],
        criteria: vec![Criterion {
            id: None,
            name: "Prix".into(),
            description: String::new(),
            weight: 100,
        }],
    };
    draft::save_draft(db, &owner, 1, content)
        .await
        .map_err(fail)?;
    rounds::open_round(
        db,
        &owner,
        OpenRoundRequest {
            closes_at: Some(Utc::now() + chrono::Duration::days(30)),
            changelog: String::new(),
        },
    )
    .await
    .map_err(fail)?;
    Ok(created.id)
}

async fn measure(
    client: &reqwest::Client,
    name: &str,
    url: String,
    token: &str,
) -> anyhow::Result<()> {
    let mut latencies = Vec::with_capacity(REQUESTS);
    let started = Instant::now();
    for _ in 0..REQUESTS / IN_FLIGHT {
        let mut batch = tokio::task::JoinSet::new();
        for _ in 0..IN_FLIGHT {
            let request = client.get(&url).bearer_auth(token);
            batch.spawn(async move {
                let t = Instant::now();
                let response = request.send().await?;
                anyhow::ensure!(response.status().is_success(), "{}", response.status());
                response.bytes().await?;
                Ok::<Duration, anyhow::Error>(t.elapsed())
            });
        }
        while let Some(latency) = batch.join_next().await {
            latencies.push(latency??);
        }
    }
    let total = started.elapsed();
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q) as usize];
    println!(
        "{name:<48} p50 {:>7.2} ms  p95 {:>7.2} ms  max {:>7.2} ms  {:>6.0} req/s",
        at(0.5).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3,
        latencies.len() as f64 / total.as_secs_f64()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Seed, start the server, then measure each endpoint in turn.
    let dir = tempfile::tempdir()?;
    let mut settings = Settings::from_env()?;
    settings.database_url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
    settings.addr = "127.0.0.1:0".parse()?;
    settings.demo_data = false;
    settings.jwt_secret = Some("bench-secret-of-at-least-thirty-two-bytes".into());
    settings.outbox_dir = dir.path().join("outbox");
    // The bench signs in hundreds of times from one address.
    settings.auth_attempts_per_minute =
        std::num::NonZeroU32::new(1_000_000).unwrap_or(settings.auth_attempts_per_minute);
    settings.mail_poll = Duration::from_millis(50);
    let mail_settings = settings.clone();
    let db = Db::connect(&settings.database_url).await?;
    db.migrate().await?;
    let seeding = Instant::now();
    let (consultation, companies) = seed(&db).await?;
    println!(
        "seeded {CONSULTATIONS} consultations, {COMPANIES} companies, {CONTRIBUTIONS} contributions in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let app = Application::build(settings).await?;
    let base = format!("http://127.0.0.1:{}/api/v1", app.port());
    tokio::spawn(app.run_until_stopped());
    // The seed opened 100 rounds for the 200 companies: their alerts go
    // out first, so that the reads below are measured on a quiet server.
    let draining = Instant::now();
    let delivered = wait_for_outbox(&db).await?;
    println!(
        "seed's announcements fanned out and {delivered} messages written as .eml files in {:.1} s",
        draining.elapsed().as_secs_f64()
    );
    let client = reqwest::Client::new();
    let agent = common::sign_in(&base, "agent@bench.fr", PASSWORD).await?;
    let company = common::sign_in(&base, &companies[0], PASSWORD).await?;
    measure(
        &client,
        "GET /consultations (agent, 300 own)",
        format!("{base}/consultations?per_page=20"),
        &agent,
    )
    .await?;
    measure(
        &client,
        "GET /consultations (company, targeting)",
        format!("{base}/consultations?per_page=20"),
        &company,
    )
    .await?;
    measure(
        &client,
        "GET /consultations?status=in_dialogue (company)",
        format!("{base}/consultations?status=in_dialogue&per_page=20"),
        &company,
    )
    .await?;
    measure(
        &client,
        "GET /consultations/{id}/contributions (100/page)",
        format!("{base}/consultations/{consultation}/contributions?per_page=100"),
        &agent,
    )
    .await?;
    measure(
        &client,
        "GET /consultations/{id}/contributions (company)",
        format!("{base}/consultations/{consultation}/contributions?per_page=100"),
        &company,
    )
    .await?;
    measure(
        &client,
        "GET /consultations/{id}/synthesis",
        format!("{base}/consultations/{consultation}/synthesis"),
        &agent,
    )
    .await?;
    for (name, path) in [
        (
            "GET exports/sourcing-report (1 000 contributions)",
            "exports/sourcing-report",
        ),
        (
            "GET exports/contributions (CSV, 1 000 rows)",
            "exports/contributions",
        ),
        ("GET ocds (250 enquiries)", "ocds"),
    ] {
        exported(
            &client,
            name,
            format!("{base}/consultations/{consultation}/{path}"),
            &agent,
        )
        .await?;
    }
    for (name, q) in [
        ("GET /reference/cpv?q=logiciel (words)", "logiciel"),
        ("GET /reference/cpv?q=securite (accents)", "securite"),
        ("GET /reference/cpv?q=7226 (code prefix)", "7226"),
    ] {
        measure(
            &client,
            name,
            format!("{base}/reference/cpv?q={q}&per_page=20"),
            &agent,
        )
        .await?;
    }
    large_cctp(&client, &base, &agent).await?;
    println!();
    let mut writes = mail_settings.clone();
    writes.database_url = format!("sqlite://{}/writes.db?mode=rwc", dir.path().display());
    contribution_writes(writes, "SQLite").await?;
    // On PostgreSQL too when one is at hand (`just bench` starts one).
    if let Ok(server) = std::env::var("JESAISFAIRE_TEST_PG_URL") {
        let admin = sea_orm::Database::connect(format!("{server}/postgres")).await?;
        let name = format!("bench_writes_{}", std::process::id());
        sea_orm::ConnectionTrait::execute_unprepared(&admin, &format!("CREATE DATABASE {name}"))
            .await?;
        let mut writes = mail_settings.clone();
        writes.database_url = format!("{server}/{name}");
        contribution_writes(writes, "PostgreSQL").await?;
    }
    login_burst(&client, &base).await?;
    mail_fan_out(mail_settings).await
}

/// Companies writing at once in the writes bench, and what each writes.
const WRITERS: u32 = 50;
const WRITES_EACH: usize = 90;

/// Every company of `tokens` posts `each` contributions to `url`, one after
/// the other, all companies at once: the statuses they received (0 when no
/// answer came).
async fn write_at_once(
    client: &reqwest::Client,
    url: &str,
    tokens: &[String],
    each: usize,
) -> Vec<u16> {
    let statuses = futures_util::future::join_all(tokens.iter().map(|token| async move {
        let mut statuses = Vec::with_capacity(each);
        for i in 0..each {
            let sent = client
                .post(url)
                .bearer_auth(token)
                .json(&serde_json::json!({
                    "kind": "solution", "body": format!("Proposition {i}"),
                    "justification": "Banc d'essai", "cost_direction": "neutral"
                }))
                .send()
                .await;
            statuses.push(sent.map(|r| r.status().as_u16()).unwrap_or(0));
        }
        statuses
    }))
    .await;
    statuses.into_iter().flatten().collect()
}

/// Contributions written through the server by 50 companies at once, on a
/// fresh database: acknowledged writes per second, refusals (there should
/// be none) and what the database holds afterwards.
async fn contribution_writes(mut settings: Settings, label: &str) -> anyhow::Result<()> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let db = Db::connect(&settings.database_url).await?;
    db.migrate().await?;
    let (agent, buyer) = staff(&db).await?;
    let consultation =
        consultation_in_dialogue(&db, &agent, buyer, "Écritures".into(), "69").await?;
    for n in 0..WRITERS {
        let request = RegisterCompanyRequest {
            email: format!("ecrit{n}@bench.fr"),
            password: PASSWORD.into(),
            company_name: format!("Rédactrice {n}"),
            siret: siret(5_000 + n),
            cpv_divisions: vec!["72".into()],
            departements: vec!["69".into()],
        };
        accounts::register_company_from_console(
            &db,
            request.validate().map_err(|e| fail(format!("{e:?}")))?,
        )
        .await
        .map_err(fail)?;
    }
    settings.addr = "127.0.0.1:0".parse()?;
    let app = Application::build(settings).await?;
    let base = format!("http://127.0.0.1:{}/api/v1", app.port());
    let server = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let mut tokens = Vec::new();
    for n in 0..WRITERS {
        tokens.push(common::sign_in(&base, &format!("ecrit{n}@bench.fr"), PASSWORD).await?);
    }
    let url = format!("{base}/consultations/{consultation}/contributions");
    let start = Instant::now();
    let all = write_at_once(&client, &url, &tokens, WRITES_EACH).await;
    let elapsed = start.elapsed().as_secs_f64();
    let created = all.iter().filter(|s| **s == 201).count();
    let stored = jesaisfaire_api::entities::contribution::Entity::find()
        .count(db.conn())
        .await?;
    println!(
        "contribution writes ({label}): {created} of {} acknowledged by {WRITERS} companies at once in {elapsed:.1} s = {:.0}/s; refused or failed: {}; stored: {stored}",
        all.len(),
        created as f64 / elapsed,
        all.len() - created,
    );
    server.abort();
    Ok(())
}

/// The process's resident memory and its peak so far, in MiB (Linux).
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// 500 wrong-password logins at once: they queue for the hashing slots
/// (one per core) instead of holding 500 × 19 MiB.
async fn login_burst(client: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let (before, _) = memory();
    let started = Instant::now();
    let answers = futures_util::future::join_all((0..500).map(|n| {
        client
            .post(format!("{base}/auth/login"))
            .json(&serde_json::json!({"email": format!("pme{}@bench.fr", n % 200), "password": "pas le bon mot de passe"}))
            .send()
    }))
    .await;
    let refused = answers
        .into_iter()
        .filter(|r| {
            r.as_ref()
                .is_ok_and(|r| r.status() == reqwest::StatusCode::UNAUTHORIZED)
        })
        .count();
    let (after, peak) = memory();
    println!(
        "500 wrong-password logins at once: {refused} refused with 401 in {:.1} s; resident memory {before:.0} MiB before, {after:.0} MiB after, peak {peak:.0} MiB",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Waits until every announcement is fanned out and no message is pending;
/// answers how many were sent.
async fn wait_for_outbox(db: &Db) -> anyhow::Result<u64> {
    use jesaisfaire_api::entities::{announcement, mail_message};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    loop {
        let fanning = announcement::Entity::find()
            .filter(announcement::Column::DoneAt.is_null())
            .count(db.conn())
            .await?;
        let pending = mail_message::Entity::find()
            .filter(mail_message::Column::Status.eq(mail_message::Status::Pending))
            .count(db.conn())
            .await?;
        if fanning == 0 && pending == 0 {
            return Ok(mail_message::Entity::find()
                .filter(mail_message::Column::Status.eq(mail_message::Status::Sent))
                .count(db.conn())
                .await?);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const AUDIENCE: u32 = 20_000;

/// 20 000 companies matching one consultation, written in bulk (the fan-out
/// is measured, not the registration).
async fn seed_audience(db: &Db) -> anyhow::Result<()> {
    use jesaisfaire_api::entities::{company, company_cpv_division, company_departement, user};
    use sea_orm::{EntityTrait, Set};
    let now = Utc::now();
    for chunk in (0..AUDIENCE).collect::<Vec<_>>().chunks(500) {
        let ids: Vec<(uuid::Uuid, uuid::Uuid)> = chunk
            .iter()
            .map(|_| (uuid::Uuid::new_v4(), uuid::Uuid::new_v4()))
            .collect();
        user::Entity::insert_many(chunk.iter().zip(&ids).map(|(n, (user_id, _))| {
            user::ActiveModel {
                id: Set(*user_id),
                email: Set(format!("alerte{n}@bench.fr")),
                password_hash: Set("!".into()),
                role: Set(shared::types::Role::Company),
                display_name: Set(format!("Entreprise {n}")),
                created_at: Set(now),
                email_verified_at: Set(Some(now)),
                disabled_at: Set(None),
                deleted_at: Set(None),
            }
        }))
        .exec_without_returning(db.conn())
        .await?;
        company::Entity::insert_many(chunk.iter().zip(&ids).map(|(n, (user_id, company_id))| {
            company::ActiveModel {
                id: Set(*company_id),
                user_id: Set(*user_id),
                name: Set(format!("Entreprise {n}")),
                siret: Set(siret(100_000 + n)),
                created_at: Set(now),
            }
        }))
        .exec_without_returning(db.conn())
        .await?;
        company_cpv_division::Entity::insert_many(ids.iter().map(|(_, company_id)| {
            company_cpv_division::ActiveModel {
                company_id: Set(*company_id),
                division: Set("72".into()),
            }
        }))
        .exec_without_returning(db.conn())
        .await?;
        company_departement::Entity::insert_many(ids.iter().map(|(_, company_id)| {
            company_departement::ActiveModel {
                company_id: Set(*company_id),
                departement: Set("69".into()),
            }
        }))
        .exec_without_returning(db.conn())
        .await?;
    }
    Ok(())
}

/// A round opens for 20 000 companies: the request, the fan-out (with a
/// draft saved meanwhile), the delivery to a local SMTP server.
async fn mail_fan_out(mut settings: Settings) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut smtp = std::process::Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Sink"])
        .spawn()?;
    settings.database_url = format!("sqlite://{}/mail.db?mode=rwc", dir.path().display());
    settings.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    let db = Db::connect(&settings.database_url).await?;
    db.migrate().await?;
    let (agent, buyer) = staff(&db).await?;
    let seeding = Instant::now();
    seed_audience(&db).await?;
    println!(
        "\ne-mail: seeded {AUDIENCE} matching companies in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let mut owners = Vec::new();
    for title in ["Alerte nationale", "Brouillon voisin"] {
        let created = consultations::create(
            &db,
            &AgentCapability::require(&agent).map_err(fail)?,
            CreateConsultationRequest {
                title: title.into(),
                summary: "Banc d'essai".into(),
                cpv_code: "72000000-5".into(),
                departement: "69".into(),
                buyer_id: Some(buyer),
                visibility: Visibility::Targeted,
            },
        )
        .await
        .map_err(fail)?;
        owners.push(created.id);
    }
    let app = Application::build(settings).await?;
    let base = format!("http://127.0.0.1:{}/api/v1", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let token = common::sign_in(&base, "agent@bench.fr", PASSWORD).await?;
    let content = serde_json::json!({
        "sections": [{"title": "Objet", "clauses": [{"number": "1.1", "title": "Objet", "text": "Texte."}]}],
        "criteria": [{"name": "Prix", "description": "", "weight": 100}],
    });
    for id in &owners {
        let saved = client
            .put(format!("{base}/consultations/{id}/draft"))
            .bearer_auth(&token)
            .header("If-Match", "\"1\"")
            .json(&content)
            .send()
            .await?;
        anyhow::ensure!(saved.status().is_success(), "draft: {}", saved.status());
    }
    let opening = Instant::now();
    let opened = client
        .post(format!("{base}/consultations/{}/rounds", owners[0]))
        .bearer_auth(&token)
        .json(&serde_json::json!({"closes_at": Utc::now() + chrono::Duration::days(10), "changelog": ""}))
        .send()
        .await?;
    anyhow::ensure!(opened.status().is_success(), "round: {}", opened.status());
    let request = opening.elapsed();
    // The other agent's work goes on meanwhile: drafts saved one after the other.
    let mut version = 2;
    let mut slowest = Duration::ZERO;
    let mut saves = 0;
    let fanned_out = loop {
        let started = Instant::now();
        let saved = client
            .put(format!("{base}/consultations/{}/draft", owners[1]))
            .bearer_auth(&token)
            .header("If-Match", format!("\"{version}\""))
            .json(&content)
            .send()
            .await?;
        anyhow::ensure!(saved.status().is_success(), "draft: {}", saved.status());
        slowest = slowest.max(started.elapsed());
        version += 1;
        saves += 1;
        use jesaisfaire_api::entities::announcement;
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let left = announcement::Entity::find()
            .filter(announcement::Column::DoneAt.is_null())
            .count(db.conn())
            .await?;
        if left == 0 {
            break opening.elapsed();
        }
    };
    let sent = wait_for_outbox(&db).await?;
    let delivered = opening.elapsed();
    smtp.kill()?;
    let delivery = delivered.saturating_sub(fanned_out);
    println!(
        "round opened for {AUDIENCE} companies: request {:.1} ms; fan-out (notifications and messages written) {:.1} s; \
         {saves} draft saves meanwhile, slowest {:.1} ms",
        request.as_secs_f64() * 1e3,
        fanned_out.as_secs_f64(),
        slowest.as_secs_f64() * 1e3
    );
    println!(
        "{sent} messages delivered to the local SMTP server in {:.1} s after the fan-out ({:.0} messages/s), the last {:.1} s after the request",
        delivery.as_secs_f64(),
        f64::from(u32::try_from(sent).unwrap_or(u32::MAX)) / delivery.as_secs_f64(),
        delivered.as_secs_f64()
    );
    Ok(())
}

/// A 150-page CCTP: 30 chapters of 11 clauses of about 1 300 characters.
fn hundred_fifty_pages() -> CctpContent {
    let paragraph = "Le titulaire assure la maintenance préventive et curative des équipements \
        décrits à l'annexe technique, dans le respect des délais d'intervention fixés au présent \
        article et des consignes de sécurité du site. Il tient à jour le registre des interventions \
        et le transmet chaque mois au pouvoir adjudicateur. ";
    CctpContent {
        sections: (1..=30)
            .map(|s| Section {
                id: None,
                title: format!("Chapitre {s}"),
                clauses: (1..=11)
                    .map(|c| Clause {
                        id: None,
                        number: format!("{s}.{c}"),
                        title: format!("Exigence {s}.{c}"),
                        text: format!("Article {s}.{c}. {}", paragraph.repeat(4)),
                    })
                    .collect(),
            })
            .collect(),
        criteria: vec![Criterion {
            id: None,
            name: "Prix".into(),
            description: String::new(),
            weight: 100,
        }],
    }
}

/// One write, timed, which must succeed; its JSON answer.
async fn timed(name: &str, request: reqwest::RequestBuilder) -> anyhow::Result<serde_json::Value> {
    let t = Instant::now();
    let response = request.send().await?;
    let status = response.status();
    let body: serde_json::Value = response.json().await?;
    anyhow::ensure!(status.is_success(), "{name}: {status} {body}");
    println!("{name:<48} {:>8.2} ms", t.elapsed().as_secs_f64() * 1e3);
    Ok(body)
}

async fn large_cctp(client: &reqwest::Client, base: &str, agent: &str) -> anyhow::Result<()> {
    let cctp = hundred_fifty_pages();
    let size = serde_json::to_vec(&cctp)?.len();
    println!("150-page CCTP: 330 clauses, {} KiB of JSON", size / 1024);
    let buyers: serde_json::Value = client
        .get(format!("{base}/buyers"))
        .bearer_auth(agent)
        .send()
        .await?
        .json()
        .await?;
    let created = timed(
        "POST /consultations",
        client
            .post(format!("{base}/consultations"))
            .bearer_auth(agent)
            .json(&serde_json::json!({
                "title": "CCTP de 150 pages", "cpv_code": "72000000-5", "departement": "69",
                "buyer_id": buyers[0]["id"],
            })),
    )
    .await?;
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    let draft = format!("{base}/consultations/{id}/draft");
    let rounds = format!("{base}/consultations/{id}/rounds");
    let put = |version: i64, content: &CctpContent| {
        client
            .put(&draft)
            .bearer_auth(agent)
            .header("If-Match", format!("\"{version}\""))
            .json(content)
    };
    let saved = timed("PUT draft (150 pages, first save)", put(1, &cctp)).await?;
    let mut content: CctpContent = serde_json::from_value(saved["content"].clone())?;
    timed("PUT draft (150 pages, saved again)", put(2, &content)).await?;
    let opening = |days: i64| {
        client
            .post(&rounds)
            .bearer_auth(agent)
            .json(&serde_json::json!({
                "closes_at": Utc::now() + chrono::Duration::days(days), "changelog": "Banc",
            }))
    };
    timed("POST rounds (freezes 150 pages)", opening(10)).await?;
    for section in content.sections.iter_mut().take(10) {
        if let Some(clause) = section.clauses.first_mut() {
            clause.text = format!("{} Délai ramené à 8 heures.", clause.text);
        }
    }
    timed("PUT draft (10 clauses revised)", put(3, &content)).await?;
    timed(
        "POST rounds/1/close",
        client.post(format!("{rounds}/1/close")).bearer_auth(agent),
    )
    .await?;
    timed("POST rounds (revision 2)", opening(5)).await?;
    measure(
        client,
        "GET rounds/2/diff?from=1 (150 pages)",
        format!("{rounds}/2/diff?from=1"),
        agent,
    )
    .await?;
    measure(
        client,
        "GET rounds/2 (the revision a page loads)",
        format!("{rounds}/2"),
        agent,
    )
    .await?;
    measure(
        client,
        "GET consultations/{id} (page header)",
        format!("{base}/consultations/{id}"),
        agent,
    )
    .await?;
    measure(
        client,
        "GET /consultations (20, the 150-page one first)",
        format!("{base}/consultations?per_page=20"),
        agent,
    )
    .await?;
    for format in ["docx", "odt", "markdown"] {
        exported(
            client,
            &format!("GET exports/cctp?format={format} (150 pages)"),
            format!("{base}/consultations/{id}/exports/cctp?format={format}"),
            agent,
        )
        .await?;
    }
    exported(
        client,
        "GET exports/sourcing-report (150 pages, docx)",
        format!("{base}/consultations/{id}/exports/sourcing-report"),
        agent,
    )
    .await
}

/// A file export, fetched five times: median time and size.
async fn exported(
    client: &reqwest::Client,
    name: &str,
    url: String,
    token: &str,
) -> anyhow::Result<()> {
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let response = client.get(&url).bearer_auth(token).send().await?;
        anyhow::ensure!(
            response.status().is_success(),
            "{name}: {}",
            response.status()
        );
        size = response.bytes().await?.len();
        times.push(t.elapsed());
    }
    times.sort_unstable();
    println!(
        "{name:<48} p50 {:>7.2} ms  {:>6} KiB",
        times[2].as_secs_f64() * 1e3,
        size / 1024
    );
    Ok(())
}
