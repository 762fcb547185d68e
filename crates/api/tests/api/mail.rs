//! E-mail through a real SMTP server (aiosmtpd): who receives what, exactly
//! once, under pseudonyms only; digests and one-click unsubscribe; delivery
//! that survives an SMTP outage, a `kill -9` and a second instance.

use std::time::Duration;

use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::backend_test;
use crate::fixtures::{Company, call, company, json_of, scene};
use crate::helpers::{Backend, ServerProcess, TestApp, spawn_with};
use crate::mailbox::{Mail, SmtpServer};

/// A test server whose messages go to a real SMTP server.
pub async fn app_with_smtp(backend: Backend, smtp: &SmtpServer, digest: Duration) -> TestApp {
    let url = smtp.url();
    let mut app = spawn_with(backend, false, &[], |s| {
        s.smtp_url = Some(url);
        s.mail_digest = digest;
    })
    .await;
    app.mailbox = smtp.mailbox();
    app
}

fn identities(companies: &[&Company]) -> Vec<String> {
    companies
        .iter()
        .flat_map(|c| [c.name.clone(), c.email.clone(), c.siret.clone()])
        .collect()
}

/// No message names a company other than its own recipient.
fn assert_anonymous(all: &[Mail], companies: &[&Company]) {
    for mail in all {
        for identity in identities(companies) {
            if mail.to == identity.to_lowercase() {
                continue;
            }
            let own = companies
                .iter()
                .any(|c| c.email == mail.to && (c.name == identity || c.siret == identity));
            if own {
                continue;
            }
            assert!(
                !mail.text.contains(&identity) && !mail.html.contains(&identity),
                "{identity} appears in a message to {}: {}",
                mail.to,
                mail.text
            );
        }
    }
}

async fn a_round_opening_alerts_each_matching_company_once_and_nobody_else(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(&dir.path().join("maildir")).await;
    let app = app_with_smtp(backend, &smtp, Duration::from_secs(3600)).await;
    let alpha = company(&app, 1, "Alpha Informatique", &["72"], &["69"]).await;
    let beta = company(&app, 2, "Beta Services", &["72", "48"], &["69", "01"]).await;
    let wrong_domain = company(&app, 3, "Omega Travaux", &["45"], &["69"]).await;
    let wrong_place = company(&app, 4, "Sigma Logiciels", &["72"], &["13"]).await;
    // Registered but not verified: its address may be somebody else's.
    let unverified =
        crate::helpers::company_body("nonverifiee@exemple.fr", &crate::helpers::siret(99));
    let registered = app.post("/auth/register-company", &unverified).await;
    assert_eq!(registered.status(), StatusCode::ACCEPTED);

    let s = scene(&app).await;
    let all = app
        .mailbox
        .wait_until("both alerts", |all| {
            [&alpha, &beta].iter().all(|c| {
                all.iter()
                    .any(|m| m.to == c.email && m.subject.contains("Nouvelle consultation"))
            })
        })
        .await;
    // Long enough for a duplicate, if there were one, to arrive.
    app.wait_for_fan_out().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let all = {
        let later = app.mailbox.all();
        assert!(later.len() >= all.len());
        later
    };
    let alerts: Vec<&Mail> = all
        .iter()
        .filter(|m| m.subject.contains("Nouvelle consultation"))
        .collect();
    let mut recipients: Vec<&str> = alerts.iter().map(|m| m.to.as_str()).collect();
    recipients.sort_unstable();
    assert_eq!(recipients, [alpha.email.as_str(), beta.email.as_str()]);
    for absent in [&wrong_domain.email, &wrong_place.email] {
        assert!(alerts.iter().all(|m| &m.to != absent));
    }
    let alert = alerts[0];
    assert!(alert.subject.contains("Maintenance du parc informatique"));
    assert!(alert.text.contains(&format!(
        "https://jesaisfaire.example.gouv.fr/consultations/{}",
        s.consultation
    )));
    assert!(alert.text.contains("domaine (CPV) et le territoire"));
    assert!(
        alert
            .html
            .contains("<a href=\"https://jesaisfaire.example.gouv.fr/consultations/")
    );
    assert!(alert.message_id.ends_with("@jesaisfaire.example.gouv.fr"));
    assert!(
        alert
            .unsubscribe_url()
            .starts_with("https://jesaisfaire.example.gouv.fr/api/v1/mail/unsubscribe/")
    );
    assert_eq!(
        alert.list_unsubscribe_post.as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    // Each message went once: no two share a Message-ID.
    let mut ids: Vec<&str> = all.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len());
    assert_anonymous(&all, &[&alpha, &beta, &wrong_domain, &wrong_place]);
}
backend_test!(a_round_opening_alerts_each_matching_company_once_and_nobody_else);

async fn answers_and_decisions_reach_their_authors_and_public_answers_everyone_under_pseudonyms(
    backend: Backend,
) {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(&dir.path().join("maildir")).await;
    // A short digest: the agent's digest of new contributions comes at once.
    let app = app_with_smtp(backend, &smtp, Duration::from_secs(1)).await;
    let s = scene(&app).await;
    let alpha = company(&app, 1, "Alpha Informatique", &["72"], &["69"]).await;
    let beta = company(&app, 2, "Beta Services", &["72"], &["69"]).await;
    let path = format!("/consultations/{}/contributions", s.consultation);
    let question = json_of(
        call(
            &app,
            &beta.token,
            Method::POST,
            &path,
            Some(json!({
                "kind": "clarification", "body": "Les postes sont-ils sur un même site ?",
                "justification": "Le coût de déplacement en dépend.",
            })),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = question["id"].as_str().unwrap();
    json_of(
        call(
            &app,
            &s.agent.token,
            Method::POST,
            &format!("/contributions/{id}/replies"),
            Some(json!({"body": "Oui, un seul site."})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        call(
            &app,
            &s.agent.token,
            Method::PUT,
            &format!("/contributions/{id}/decision"),
            Some(json!({"decision": "answered", "rationale": "Réponse publiée."})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let answered = app
        .mailbox
        .wait_for(&beta.email, "Réponse de l'agent")
        .await;
    assert!(answered.text.contains(&format!("#contribution-{id}")));
    app.mailbox
        .wait_for(&beta.email, "Décision de l'agent")
        .await;
    let public = app.mailbox.wait_for(&alpha.email, "Réponse publique").await;
    assert!(public.text.contains("égalité de traitement"));
    // The agent's new contributions come as a digest, naming the pseudonym.
    let digest = app
        .mailbox
        .wait_for("agent@rhone.gouv.fr", "Votre résumé JeSaisFaire")
        .await;
    assert!(
        digest.text.contains(
            "- Entreprise A a déposé une contribution au tour 1 de « Maintenance du parc informatique » (demande de précision) : https://jesaisfaire.example.gouv.fr/consultations/"
        ),
        "{}",
        digest.text
    );
    app.wait_for_fan_out().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let all = app.mailbox.all();
    // Beta is told its own answer, not the public one too.
    assert!(
        all.iter()
            .all(|m| !(m.to == beta.email && m.subject.contains("Réponse publique")))
    );
    assert!(all.iter().all(
        |m| !(m.to == "agent@rhone.gouv.fr" && m.subject.starts_with("Nouvelle contribution"))
    ));
    assert_anonymous(&all, &[&alpha, &beta]);
}
backend_test!(
    answers_and_decisions_reach_their_authors_and_public_answers_everyone_under_pseudonyms
);

async fn the_unsubscribe_link_works_without_signing_in_and_changes_only_its_kind(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(&dir.path().join("maildir")).await;
    let app = app_with_smtp(backend, &smtp, Duration::from_secs(3600)).await;
    let alpha = company(&app, 1, "Alpha Informatique", &["72"], &["69"]).await;
    scene(&app).await;
    let alert = app
        .mailbox
        .wait_for(&alpha.email, "Nouvelle consultation")
        .await;
    let url = alert.unsubscribe_url();
    let path = url.trim_start_matches("https://jesaisfaire.example.gouv.fr/api/v1");
    // Reading the link (a mail client's preview) changes nothing.
    let preview: Value = app
        .client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(preview["kinds"], json!(["round_opened"]));
    let before = json_of(
        call(
            &app,
            &alpha.token,
            Method::GET,
            "/me/mail-preferences",
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        before
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["mode"] == "immediate")
    );
    // RFC 8058: the mail client POSTs a form, without any session.
    let one_click = reqwest::Client::new()
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(one_click.status(), StatusCode::OK);
    let after = json_of(
        call(
            &app,
            &alpha.token,
            Method::GET,
            "/me/mail-preferences",
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    for preference in after.as_array().unwrap() {
        let expected = if preference["kind"] == "round_opened" {
            "off"
        } else {
            "immediate"
        };
        assert_eq!(preference["mode"], expected, "{preference}");
    }
    let unknown = app
        .client
        .post(app.url("/mail/unsubscribe/inconnu"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    // A kind the role does not receive is refused, field by field.
    let refused = call(
        &app,
        &alpha.token,
        Method::PUT,
        "/me/mail-preferences",
        Some(json!([{"kind": "publication_requested", "mode": "off"}])),
    )
    .await;
    let problem = crate::helpers::problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem.errors[0].field, "[0].kind");
    // So is a kind chosen twice (PostgreSQL cannot upsert one row twice in
    // one statement: this was a 500 found by schemathesis).
    let twice = call(
        &app,
        &alpha.token,
        Method::PUT,
        "/me/mail-preferences",
        Some(json!([{"kind": "round_opened", "mode": "off"}, {"kind": "round_opened", "mode": "digest"}])),
    )
    .await;
    let problem = crate::helpers::problem(twice, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        (
            problem.errors[0].field.as_str(),
            problem.errors[0].code.as_str()
        ),
        ("[1].kind", "duplicate")
    );
}
backend_test!(the_unsubscribe_link_works_without_signing_in_and_changes_only_its_kind);

async fn a_reminder_goes_before_a_round_closes_only_to_companies_that_have_not_contributed(
    backend: Backend,
) {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(&dir.path().join("maildir")).await;
    let app = app_with_smtp(backend, &smtp, Duration::from_secs(1)).await;
    let alpha = company(&app, 1, "Alpha Informatique", &["72"], &["69"]).await;
    let beta = company(&app, 2, "Beta Services", &["72"], &["69"]).await;
    let s = scene(&app).await;
    json_of(
        call(&app, &beta.token, Method::POST, &format!("/consultations/{}/contributions", s.consultation),
            Some(json!({"kind": "clarification", "body": "Combien de sites ?", "justification": "Coût."}))).await,
        StatusCode::CREATED,
    )
    .await;
    // Time passes: the ten-day round now closes tomorrow.
    use sea_orm::ConnectionTrait;
    let tomorrow = (Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let nine_days_ago = (Utc::now() - chrono::Duration::days(9)).to_rfc3339();
    let sql = match backend {
        Backend::Sqlite => {
            format!("UPDATE rounds SET closes_at = '{tomorrow}', opened_at = '{nine_days_ago}'")
        }
        Backend::Postgres => format!(
            "UPDATE rounds SET closes_at = '{tomorrow}'::timestamptz, opened_at = '{nine_days_ago}'::timestamptz"
        ),
    };
    app.db.conn().execute_unprepared(&sql).await.unwrap();
    let reminder = app.mailbox.wait_for(&alpha.email, "se clôt bientôt").await;
    assert!(
        reminder.text.contains("pas encore contribué"),
        "{}",
        reminder.text
    );
    app.wait_for_fan_out().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let reminders: Vec<Mail> = app
        .mailbox
        .all()
        .into_iter()
        .filter(|m| m.subject.contains("se clôt bientôt"))
        .collect();
    assert_eq!(reminders.len(), 1, "one reminder, to Alpha only");
}
backend_test!(a_reminder_goes_before_a_round_closes_only_to_companies_that_have_not_contributed);

async fn messages_wait_while_the_mail_server_is_down_and_all_go_when_it_is_back(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let mut smtp = SmtpServer::start(&dir.path().join("maildir")).await;
    let app = app_with_smtp(backend, &smtp, Duration::from_secs(3600)).await;
    smtp.stop();
    for n in 0..3 {
        let body = crate::helpers::company_body(
            &format!("pme{n}@exemple.fr"),
            &crate::helpers::siret(40 + n),
        );
        assert_eq!(
            app.post("/auth/register-company", &body).await.status(),
            StatusCode::ACCEPTED
        );
    }
    // The worker has tried and failed at least twice.
    use jesaisfaire_api::entities::mail_message;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let start = std::time::Instant::now();
    loop {
        let pending = mail_message::Entity::find()
            .filter(mail_message::Column::Attempts.gte(2))
            .all(app.db.conn())
            .await
            .unwrap();
        if pending.len() == 3 {
            assert!(
                pending
                    .iter()
                    .all(|m| m.last_error.is_some() && m.sent_at.is_none())
            );
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(app.mailbox.all().is_empty());
    smtp.resume().await;
    let all = app
        .mailbox
        .wait_until("the three verification messages", |all| all.len() == 3)
        .await;
    assert!(all.iter().all(|m| m.subject.contains("Confirmez")));
}
backend_test!(messages_wait_while_the_mail_server_is_down_and_all_go_when_it_is_back);

async fn messages_undelivered_when_the_server_is_killed_go_after_its_restart(backend: Backend) {
    use jesaisfaire_api::entities::mail_message;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let dir = tempfile::tempdir().unwrap();
    let settings = crate::helpers::test_settings(backend, dir.path()).await;
    let maildir = dir.path().join("maildir");
    let mut smtp = SmtpServer::start(&maildir).await;
    smtp.stop();
    let client = reqwest::Client::new();
    let server = ServerProcess::start(&settings, Some(&smtp.url()))
        .serving()
        .await;
    for n in 0..3 {
        let body = crate::helpers::company_body(
            &format!("pme{n}@exemple.fr"),
            &crate::helpers::siret(50 + n),
        );
        let response = client
            .post(format!("{}/api/v1/auth/register-company", server.address))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    let db = jesaisfaire_api::db::Db::connect(&settings.database_url)
        .await
        .unwrap();
    let start = std::time::Instant::now();
    while mail_message::Entity::find()
        .filter(mail_message::Column::Attempts.gte(1))
        .count(db.conn())
        .await
        .unwrap()
        < 3
    {
        assert!(start.elapsed() < Duration::from_secs(20));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.kill();
    smtp.resume().await;
    let restarted = ServerProcess::start(&settings, Some(&smtp.url()))
        .serving()
        .await;
    let all = smtp
        .mailbox()
        .wait_until("the three messages after the restart", |all| all.len() == 3)
        .await;
    drop(restarted);
    let mut to: Vec<&str> = all.iter().map(|m| m.to.as_str()).collect();
    to.sort_unstable();
    assert_eq!(
        to,
        ["pme0@exemple.fr", "pme1@exemple.fr", "pme2@exemple.fr"]
    );
}
backend_test!(messages_undelivered_when_the_server_is_killed_go_after_its_restart);

#[tokio::test]
async fn two_instances_on_one_postgresql_send_every_message_once() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(&dir.path().join("maildir")).await;
    let first = app_with_smtp(Backend::Postgres, &smtp, Duration::from_secs(3600)).await;
    // A second instance on the same database, with its own worker.
    let mut settings = crate::helpers::test_settings(Backend::Postgres, dir.path()).await;
    settings.database_url = first.db_url.clone();
    settings.smtp_url = Some(smtp.url());
    let second = jesaisfaire_api::startup::Application::build(settings)
        .await
        .unwrap();
    tokio::spawn(second.run_until_stopped());
    // More recipients than one fan-out batch.
    crate::helpers::seed_matching_companies(&first, 700, "!").await;
    scene(&first).await;
    let all = smtp
        .mailbox()
        .wait_until("700 alerts", |all| {
            all.iter()
                .filter(|m| m.subject.contains("Nouvelle consultation"))
                .count()
                >= 700
        })
        .await;
    first.wait_for_fan_out().await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let all = {
        let later = smtp.mailbox().all();
        assert!(later.len() >= all.len());
        later
    };
    let alerts: Vec<&Mail> = all
        .iter()
        .filter(|m| m.subject.contains("Nouvelle consultation"))
        .collect();
    assert_eq!(
        alerts.len(),
        700,
        "each company once, whichever instance sent it"
    );
    let mut recipients: Vec<&str> = alerts.iter().map(|m| m.to.as_str()).collect();
    recipients.sort_unstable();
    recipients.dedup();
    assert_eq!(recipients.len(), 700);
}

async fn sent_messages_are_deleted_after_ninety_days(backend: Backend) {
    use jesaisfaire_api::entities::mail_message;
    use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
    // A short digest interval: the worker's housekeeping runs every second.
    let app = spawn_with(backend, false, &[], |s| {
        s.mail_digest = Duration::from_secs(1)
    })
    .await;
    app.register_company("recente@exemple.fr", &crate::helpers::siret(60))
        .await;
    app.register_company("ancienne@exemple.fr", &crate::helpers::siret(61))
        .await;
    let long_ago = (Utc::now() - chrono::Duration::days(91)).to_rfc3339();
    let cast = match backend {
        Backend::Sqlite => format!("'{long_ago}'"),
        Backend::Postgres => format!("'{long_ago}'::timestamptz"),
    };
    app.db
        .conn()
        .execute_unprepared(&format!(
            "UPDATE mail_messages SET created_at = {cast} WHERE to_address = 'ancienne@exemple.fr'"
        ))
        .await
        .unwrap();
    let start = std::time::Instant::now();
    while mail_message::Entity::find()
        .count(app.db.conn())
        .await
        .unwrap()
        > 1
    {
        assert!(start.elapsed() < Duration::from_secs(20), "nothing purged");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let kept = mail_message::Entity::find()
        .all(app.db.conn())
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].to_address, "recente@exemple.fr");
}
backend_test!(sent_messages_are_deleted_after_ninety_days);
