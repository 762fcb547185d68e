//! Rules that hold when many people act at once: every acknowledged write
//! is stored, every refusal is a clean 4xx, pseudonyms stay unique and
//! gap-free.

use std::collections::BTreeSet;

use futures_util::future::join_all;
use jesaisfaire_api::entities::{contribution, participant};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::db_test;
use crate::fixtures::{call, scene};
use crate::helpers::{PASSWORD, TestApp, seed_matching_companies};

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

async fn contributions_racing_an_early_close_are_either_stored_or_cleanly_refused(app: TestApp) {
    let s = scene(&app).await;
    let hash = jesaisfaire_api::auth::password::hash(PASSWORD.into())
        .await
        .unwrap();
    seed_matching_companies(&app, 20, &hash).await;
    let tokens = join_all((0..20).map(|n| {
        let app = &app;
        async move { app.access_token(&format!("pme{n}@exemple.fr")).await }
    }))
    .await;
    let path = format!("/consultations/{}/contributions", s.consultation);
    let close = format!("/consultations/{}/rounds/1/close", s.consultation);
    let contributions = join_all(tokens.iter().map(|token| {
        let (app, path) = (&app, &path);
        async move {
            call(app, token, Method::POST, path, Some(json!({"kind": "clarification", "body": "Question", "justification": "Chiffrage."})))
                .await
                .status()
        }
    }));
    let closing = call(&app, &s.agent.token, Method::POST, &close, None);
    let (statuses, closed) = tokio::join!(contributions, closing);
    assert_eq!(closed.status(), StatusCode::OK);
    for status in &statuses {
        assert!(
            *status == StatusCode::CREATED || *status == StatusCode::CONFLICT,
            "{status}"
        );
    }
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let stored = contribution::Entity::find()
        .filter(
            contribution::Column::ConsultationId.eq(s.consultation.parse::<uuid::Uuid>().unwrap()),
        )
        .all(app.db.conn())
        .await
        .unwrap();
    assert_eq!(stored.len(), created, "every 201 is stored, nothing else");
}
db_test!(contributions_racing_an_early_close_are_either_stored_or_cleanly_refused);

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
