//! Rules that hold when many people act at once: every acknowledged write
//! is stored, every refusal is a clean 4xx, pseudonyms stay unique and
//! gap-free.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::future::join_all;
use jesaisfaire_api::entities::{
    consultation_tally, contribution, event, participant, reply, synthesis_tally,
};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use shared::consultation::{ContributionStatus, EventAction};
use uuid::Uuid;

use crate::fixtures::{call, scene};
use crate::helpers::{
    Backend, PASSWORD, ServerProcess, TestApp, seed_matching_companies, spawn_app, spawn_on,
    test_settings,
};
use crate::{backend_test, db_test};

const COMPANIES: u32 = 50;

async fn fifty_companies_contributing_at_once_all_land_under_unique_pseudonyms(app: TestApp) {
    let s = scene(&app).await;
    let hash = jesaisfaire_api::auth::password::hash(PASSWORD.into())
        .await
        .unwrap();
    seed_matching_companies(&app, COMPANIES, &hash).await;
    let tokens = join_all((0..COMPANIES).map(|n| {
        let app = &app;
        async move { app.access_token(&format!("pme{n}@exemple.fr")).await }
    }))
    .await;
    let path = format!("/consultations/{}/contributions", s.consultation);
    // Two each, all at the same moment: the first of each company takes a
    // pseudonym, racing the 49 others.
    let app_ref = &app;
    let sent = join_all(tokens.iter().flat_map(|token| {
        let path = path.clone();
        (0..2).map(move |i| {
            let (app, token, path) = (app_ref, token.clone(), path.clone());
            async move {
                call(
                    app,
                    &token,
                    Method::POST,
                    &path,
                    Some(json!({"kind": "clarification", "body": format!("Question {i}"), "justification": "Chiffrage."})),
                )
                .await
                .status()
            }
        })
    }))
    .await;
    let created = sent.iter().filter(|s| **s == StatusCode::CREATED).count();
    assert_eq!(created, sent.len(), "every contribution lands: {sent:?}");
    let conn = app.db.conn();
    let consultation: uuid::Uuid = s.consultation.parse().unwrap();
    let stored = contribution::Entity::find()
        .filter(contribution::Column::ConsultationId.eq(consultation))
        .all(conn)
        .await
        .unwrap();
    assert_eq!(stored.len(), created);
    let pseudonyms: BTreeSet<i32> = participant::Entity::find()
        .filter(participant::Column::ConsultationId.eq(consultation))
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.pseudonym_index)
        .collect();
    let expected: BTreeSet<i32> = (0..i32::try_from(COMPANIES).unwrap()).collect();
    assert_eq!(pseudonyms, expected, "one pseudonym each, no gap");
}
db_test!(fifty_companies_contributing_at_once_all_land_under_unique_pseudonyms);

/// A request to one of the servers, as a company or the agent.
async fn send(
    client: &reqwest::Client,
    server: &str,
    token: &str,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let mut request = client
        .request(method, format!("{server}/api/v1{path}"))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

/// What the servers acknowledged during the mixed workload.
#[derive(Default)]
struct Acknowledged {
    /// Contribution id and body, for each 201.
    created: Vec<(Uuid, String)>,
    /// Contribution id and new body, for each 200 to an edit.
    edited: Vec<(Uuid, String)>,
    withdrawn: Vec<Uuid>,
    replies: usize,
    statuses: Vec<StatusCode>,
}

/// One company's part: two contributions, then at once an edit of the
/// first, a reply under it and the withdrawal of the second.
async fn one_company(
    client: &reqwest::Client,
    server: &str,
    token: &str,
    consultation: &str,
    n: usize,
    acknowledged: &AtomicUsize,
) -> Acknowledged {
    let mut done = Acknowledged::default();
    let path = format!("/consultations/{consultation}/contributions");
    let mut ids = Vec::new();
    for part in ["A", "B"] {
        let body = format!("Question {part}{n}");
        let sent = send(
            client,
            server,
            token,
            Method::POST,
            &path,
            Some(json!({"kind": "clarification", "body": body, "justification": "Chiffrage."})),
        )
        .await;
        done.statuses.push(sent.status());
        if sent.status().is_success() {
            acknowledged.fetch_add(1, Ordering::SeqCst);
        }
        if sent.status() == StatusCode::CREATED {
            let stored: serde_json::Value = sent.json().await.unwrap();
            let id: Uuid = stored["id"].as_str().unwrap().parse().unwrap();
            done.created.push((id, body));
            ids.push(id);
        }
    }
    let [first, second] = ids[..] else {
        return done;
    };
    let edit = format!("Question A{n}, précisée");
    let (edit_path, reply_path, withdraw_path) = (
        format!("/contributions/{first}"),
        format!("/contributions/{first}/replies"),
        format!("/contributions/{second}/withdraw"),
    );
    let counted = |response: reqwest::Response| {
        if response.status().is_success() {
            acknowledged.fetch_add(1, Ordering::SeqCst);
        }
        response
    };
    let edit_body = json!({"kind": "clarification", "body": edit, "justification": "Chiffrage."});
    let reply_body = json!({"body": format!("Complément {n}")});
    let act = |method: Method, path: String, body: Option<serde_json::Value>| async move {
        counted(send(client, server, token, method, &path, body).await)
    };
    let (edited, replied, withdrawn) = tokio::join!(
        act(Method::PATCH, edit_path, Some(edit_body)),
        act(Method::POST, reply_path, Some(reply_body)),
        act(Method::POST, withdraw_path, None),
    );
    done.statuses
        .extend([edited.status(), replied.status(), withdrawn.status()]);
    if edited.status() == StatusCode::OK {
        done.edited.push((first, edit));
    }
    if replied.status() == StatusCode::CREATED {
        done.replies += 1;
    }
    if withdrawn.status() == StatusCode::OK {
        done.withdrawn.push(second);
    }
    done
}

/// Fifty companies write at once on `servers` (taken in turn), while the
/// agent closes the round; then the database holds exactly what was
/// acknowledged, and pseudonyms are unique and gap-free.
async fn fifty_companies_write_while_the_round_closes(app: &TestApp, servers: &[String]) {
    let s = scene(app).await;
    let hash = jesaisfaire_api::auth::password::hash(PASSWORD.into())
        .await
        .unwrap();
    seed_matching_companies(app, COMPANIES, &hash).await;
    let tokens = join_all(
        (0..COMPANIES)
            .map(|n| async move { app.access_token(&format!("pme{n}@exemple.fr")).await }),
    )
    .await;
    let client = reqwest::Client::new();
    let acknowledged = AtomicUsize::new(0);
    let companies = join_all(tokens.iter().enumerate().map(|(n, token)| {
        let server = &servers[n % servers.len()];
        one_company(&client, server, token, &s.consultation, n, &acknowledged)
    }));
    let closing = async {
        // Once 60 of the 250 writes are acknowledged, while companies still
        // send theirs: the close lands in the middle of them.
        while acknowledged.load(Ordering::SeqCst) < 60 {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        let last = servers.last().unwrap();
        let close = format!("/consultations/{}/rounds/1/close", s.consultation);
        send(&client, last, &s.agent.token, Method::POST, &close, None)
            .await
            .status()
    };
    let (companies, closed) = tokio::join!(companies, closing);
    assert_eq!(closed, StatusCode::OK);
    let mut all = Acknowledged::default();
    for done in companies {
        all.created.extend(done.created);
        all.edited.extend(done.edited);
        all.withdrawn.extend(done.withdrawn);
        all.replies += done.replies;
        all.statuses.extend(done.statuses);
    }
    let unexpected: Vec<_> = all
        .statuses
        .iter()
        .filter(|s| ![StatusCode::OK, StatusCode::CREATED, StatusCode::CONFLICT].contains(s))
        .collect();
    assert!(
        unexpected.is_empty(),
        "only 200, 201 and 409: {unexpected:?}"
    );
    assert!(
        !all.created.is_empty() && all.statuses.contains(&StatusCode::CONFLICT),
        "the close fell in the middle of the writes: {:?}",
        all.statuses
    );

    let conn = app.db.conn();
    let consultation: Uuid = s.consultation.parse().unwrap();
    let stored: HashMap<Uuid, contribution::Model> = contribution::Entity::find()
        .filter(contribution::Column::ConsultationId.eq(consultation))
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    assert_eq!(
        stored.len(),
        all.created.len(),
        "every 201 is stored, nothing else"
    );
    let edited: HashMap<Uuid, &String> = all.edited.iter().map(|(id, body)| (*id, body)).collect();
    for (id, body) in &all.created {
        let expected = edited.get(id).copied().unwrap_or(body);
        assert_eq!(&stored[id].body, expected, "the last acknowledged text");
    }
    for id in &all.withdrawn {
        assert_eq!(stored[id].status, ContributionStatus::Withdrawn);
    }
    let replies = reply::Entity::find()
        .filter(reply::Column::ContributionId.is_in(stored.keys().copied()))
        .count(conn)
        .await
        .unwrap();
    assert_eq!(usize::try_from(replies).unwrap(), all.replies);
    assert_pseudonyms_unique_and_gap_free(app, consultation, &stored).await;
    assert_tally_counts(app, consultation, &stored).await;
    // Nothing changed a contribution of the round once it was closed.
    let journal = event::Entity::find()
        .filter(event::Column::ConsultationId.eq(consultation))
        .all(conn)
        .await
        .unwrap();
    let closed_at = journal
        .iter()
        .find(|e| e.action == EventAction::RoundClosed)
        .map(|e| e.created_at)
        .unwrap();
    let late: Vec<_> = journal
        .iter()
        .filter(|e| {
            [
                EventAction::ContributionCreated,
                EventAction::ContributionEdited,
                EventAction::ContributionWithdrawn,
            ]
            .contains(&e.action)
                && e.created_at > closed_at
        })
        .map(|e| e.action)
        .collect();
    assert!(late.is_empty(), "changed after the close: {late:?}");
}

/// One pseudonym per company that contributed, numbered without a gap, and
/// one journal entry per contribution (none half-written).
async fn assert_pseudonyms_unique_and_gap_free(
    app: &TestApp,
    consultation: Uuid,
    stored: &HashMap<Uuid, contribution::Model>,
) {
    let conn = app.db.conn();
    let participants = participant::Entity::find()
        .filter(participant::Column::ConsultationId.eq(consultation))
        .all(conn)
        .await
        .unwrap();
    let authors: BTreeSet<Uuid> = stored.values().map(|c| c.author_id).collect();
    let with_pseudonym: BTreeSet<Uuid> = participants.iter().map(|p| p.company_user_id).collect();
    assert_eq!(
        with_pseudonym, authors,
        "a pseudonym for each author, no other"
    );
    let indexes: BTreeSet<i32> = participants.iter().map(|p| p.pseudonym_index).collect();
    let expected: BTreeSet<i32> = (0..i32::try_from(participants.len()).unwrap()).collect();
    assert_eq!(indexes, expected, "unique and gap-free");
    let journal = event::Entity::find()
        .filter(event::Column::ConsultationId.eq(consultation))
        .filter(event::Column::Action.eq(EventAction::ContributionCreated))
        .count(conn)
        .await
        .unwrap();
    assert_eq!(usize::try_from(journal).unwrap(), stored.len());
}

/// The tally staff lists read is the count of what is stored, however the
/// writes raced (or were cut short).
async fn assert_tally_counts(
    app: &TestApp,
    consultation: Uuid,
    stored: &HashMap<Uuid, contribution::Model>,
) {
    let active: Vec<&contribution::Model> = stored
        .values()
        .filter(|c| c.status == ContributionStatus::Active)
        .collect();
    let undecided = active.iter().filter(|c| c.decision.is_none()).count();
    let public = active.iter().filter(|c| !c.confidential).count();
    let tally = consultation_tally::Entity::find_by_id(consultation)
        .one(app.db.conn())
        .await
        .unwrap()
        .map(|t| [t.written, t.active, t.undecided, t.public])
        .unwrap_or_default();
    let counted =
        [stored.len(), active.len(), undecided, public].map(|n| i64::try_from(n).unwrap());
    assert_eq!(tally, counted, "[written, active, undecided, public]");
    let mut per_target: BTreeMap<(i32, Uuid), i64> = BTreeMap::new();
    for c in &active {
        *per_target
            .entry((c.round, c.target_id.unwrap_or_default()))
            .or_default() += 1;
    }
    let synthesis: BTreeMap<(i32, Uuid), i64> = synthesis_tally::Entity::find()
        .filter(synthesis_tally::Column::ConsultationId.eq(consultation))
        .filter(synthesis_tally::Column::Contributions.gt(0))
        .all(app.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|t| ((t.round, t.target_id), t.contributions))
        .collect();
    assert_eq!(
        synthesis, per_target,
        "active contributions per round and target"
    );
}

async fn fifty_companies_edit_reply_and_withdraw_while_the_round_closes(app: TestApp) {
    let servers = [app.address.clone()];
    fifty_companies_write_while_the_round_closes(&app, &servers).await;
}
db_test!(fifty_companies_edit_reply_and_withdraw_while_the_round_closes);

#[tokio::test]
async fn two_api_processes_started_at_once_on_an_empty_postgresql_serve_fifty_writing_companies() {
    let dir = tempfile::tempdir().unwrap();
    let settings = test_settings(Backend::Postgres, dir.path()).await;
    // Both migrate the empty database at the same moment.
    let (first, second) = (
        ServerProcess::start(&settings, None),
        ServerProcess::start(&settings, None),
    );
    let (first, second) = tokio::join!(first.serving(), second.serving());
    let app = spawn_on(&settings.database_url).await;
    let servers = [first.address.clone(), second.address.clone()];
    fifty_companies_write_while_the_round_closes(&app, &servers).await;
}

async fn a_server_killed_while_twenty_companies_write_loses_no_acknowledged_contribution(
    backend: Backend,
) {
    let app = &spawn_app(backend).await;
    let s = scene(app).await;
    let hash = jesaisfaire_api::auth::password::hash(PASSWORD.into())
        .await
        .unwrap();
    seed_matching_companies(app, 20, &hash).await;
    let tokens = join_all(
        (0..20).map(|n| async move { app.access_token(&format!("pme{n}@exemple.fr")).await }),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(backend, dir.path()).await;
    settings.database_url = app.db_url.clone();
    let server = ServerProcess::start(&settings, None).serving().await;
    let address = server.address.clone();
    let acknowledged = AtomicUsize::new(0);
    let client = reqwest::Client::new();
    let path = format!("/consultations/{}/contributions", s.consultation);
    // Each company writes until the server is gone; only a 201 counts.
    let writers = join_all(tokens.iter().enumerate().map(|(n, token)| {
        let (client, path, server, acknowledged) = (&client, &path, &address, &acknowledged);
        async move {
            let mut created = Vec::new();
            for i in 0.. {
                let body = format!("Question {n}.{i}");
                let sent = client
                    .post(format!("{server}/api/v1{path}"))
                    .bearer_auth(token)
                    .json(&json!({"kind": "clarification", "body": body, "justification": "Chiffrage."}))
                    .send()
                    .await;
                let Ok(sent) = sent else { break };
                assert_eq!(sent.status(), StatusCode::CREATED);
                let Ok(stored) = sent.json::<serde_json::Value>().await else { break };
                created.push((stored["id"].as_str().unwrap().parse::<Uuid>().unwrap(), body));
                acknowledged.fetch_add(1, Ordering::SeqCst);
            }
            created
        }
    }));
    let killer = async {
        while acknowledged.load(Ordering::SeqCst) < 100 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        server.kill();
    };
    let (written, ()) = tokio::join!(writers, killer);
    let created: Vec<(Uuid, String)> = written.into_iter().flatten().collect();
    assert!(created.len() >= 100);

    let restarted = ServerProcess::start(&settings, None).serving().await;
    let consultation: Uuid = s.consultation.parse().unwrap();
    let stored: HashMap<Uuid, contribution::Model> = contribution::Entity::find()
        .filter(contribution::Column::ConsultationId.eq(consultation))
        .all(app.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    for (id, body) in &created {
        assert_eq!(
            stored.get(id).map(|c| &c.body),
            Some(body),
            "acknowledged, so stored"
        );
    }
    // A write the server finished but could not acknowledge may be there too,
    // whole: its pseudonym and journal entry with it.
    assert!(stored.len() <= created.len() + 20);
    assert_pseudonyms_unique_and_gap_free(app, consultation, &stored).await;
    assert_tally_counts(app, consultation, &stored).await;
    let listed = send(
        &client,
        &restarted.address,
        &s.agent.token,
        Method::GET,
        &format!("{path}?per_page=1"),
        None,
    )
    .await;
    let listed: serde_json::Value = listed.json().await.unwrap();
    assert_eq!(
        listed["total"],
        stored.len(),
        "the restarted server serves them all"
    );
}
backend_test!(a_server_killed_while_twenty_companies_write_loses_no_acknowledged_contribution);

#[tokio::test]
async fn two_instances_starting_at_once_on_an_empty_postgresql_both_migrate_and_serve() {
    use jesaisfaire_api::startup::Application;
    let dir = tempfile::tempdir().unwrap();
    let first = crate::helpers::test_settings(crate::helpers::Backend::Postgres, dir.path()).await;
    let mut second = first.clone();
    second.outbox_dir = dir.path().join("outbox-2");
    let (a, b) = tokio::join!(Application::build(first), Application::build(second));
    for app in [a.unwrap(), b.unwrap()] {
        let port = app.port();
        tokio::spawn(app.run_until_stopped());
        let health = reqwest::get(format!("http://127.0.0.1:{port}/api/v1/health"))
            .await
            .unwrap();
        assert_eq!(health.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn two_processes_writing_one_sqlite_file_wait_for_each_other_instead_of_failing() {
    use jesaisfaire_api::db::Db;
    use jesaisfaire_api::entities::user;
    use sea_orm::{ActiveModelTrait, PaginatorTrait, Set};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/shared.db?mode=rwc", dir.path().display());
    // Two handles: each has its own writer queue, as two processes would.
    let first = Db::connect(&url).await.unwrap();
    first.migrate().await.unwrap();
    let second = Db::connect(&url).await.unwrap();
    let writes = (0..40).map(|n| {
        let db = if n % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        async move {
            let txn = db.begin_write().await?;
            // Read, then write: the pattern of every domain change.
            let before = user::Entity::find().count(&*txn).await?;
            user::ActiveModel {
                id: Set(uuid::Uuid::new_v4()),
                email: Set(format!("p{n}-{before}@exemple.fr")),
                password_hash: Set("!".into()),
                role: Set(shared::types::Role::Agent),
                display_name: Set(format!("Agent {n}")),
                created_at: Set(chrono::Utc::now()),
                email_verified_at: Set(None),
                disabled_at: Set(None),
                deleted_at: Set(None),
            }
            .insert(&*txn)
            .await?;
            txn.commit().await
        }
    });
    let results = join_all(writes).await;
    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(user::Entity::find().count(first.conn()).await.unwrap(), 40);
}
