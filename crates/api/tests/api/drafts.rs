//! The working draft: optimistic concurrency, validation, frozen after publication.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::fixtures::{call, company, draft_v1, json_of, large_cctp, scene, staff};
use crate::helpers::{TestApp, problem, text_column};

async fn the_draft_is_saved_with_optimistic_concurrency(app: TestApp) {
    // A scenario: each step depends on the one before.
    let agent = staff(&app, "agent", "agent@rhone.gouv.fr").await;
    let buyer = staff(&app, "buyer", "acheteur@pfra.gouv.fr").await;
    let created = json_of(call(&app, &agent.token, Method::POST, "/consultations", Some(json!({
        "title": "Nettoyage", "cpv_code": "90000000-7", "departement": "69", "buyer_id": buyer.id,
    }))).await, StatusCode::CREATED).await;
    let path = format!("/consultations/{}/draft", created["id"].as_str().unwrap());

    let read = call(&app, &agent.token, Method::GET, &path, None).await;
    assert_eq!(read.headers()["etag"], "\"1\"");
    let put = |if_match: Option<&'static str>, body: Value| {
        let mut request = app
            .client
            .put(app.url(&path))
            .bearer_auth(&agent.token)
            .json(&body);
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        request.send()
    };
    problem(
        put(None, draft_v1()).await.unwrap(),
        StatusCode::PRECONDITION_REQUIRED,
    )
    .await;
    assert_eq!(
        put(Some("\"1\""), draft_v1()).await.unwrap().status(),
        StatusCode::OK
    );
    // A second editor still holding version 1 is told someone saved first.
    problem(
        put(Some("\"1\""), draft_v1()).await.unwrap(),
        StatusCode::PRECONDITION_FAILED,
    )
    .await;

    // A half-written draft is kept, whatever its weights sum to…
    let mut unbalanced = draft_v1();
    unbalanced["criteria"][0]["weight"] = json!(50);
    let kept = json_of(
        put(Some("\"2\""), unbalanced).await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(kept["version"], 3);
    assert_eq!(kept["content"]["criteria"][0]["weight"], 50);

    // …but no round opens on it, and nothing else happens.
    let rounds = format!("/consultations/{}/rounds", created["id"].as_str().unwrap());
    let future = json!({"closes_at": Utc::now() + Duration::days(3)});
    let refused = problem(
        call(
            &app,
            &agent.token,
            Method::POST,
            &rounds,
            Some(future.clone()),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(refused.errors[0].code, "weights_sum");
    assert!(refused.field_message("criteria").unwrap().contains("110"));
    assert_eq!(
        json_of(
            call(&app, &agent.token, Method::GET, &rounds, None).await,
            StatusCode::OK
        )
        .await,
        json!([])
    );
    assert_eq!(
        put(Some("\"3\""), draft_v1()).await.unwrap().status(),
        StatusCode::OK
    );

    let past = call(
        &app,
        &agent.token,
        Method::POST,
        &rounds,
        Some(json!({"closes_at": Utc::now() - Duration::hours(1)})),
    )
    .await;
    assert_eq!(
        problem(past, StatusCode::UNPROCESSABLE_ENTITY).await.errors[0].field,
        "closes_at"
    );
    let future = json!({"closes_at": Utc::now() + Duration::days(3)});
    assert_eq!(
        call(
            &app,
            &agent.token,
            Method::POST,
            &rounds,
            Some(future.clone())
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    problem(
        call(&app, &agent.token, Method::POST, &rounds, Some(future)).await,
        StatusCode::CONFLICT,
    )
    .await;
}
db_test!(the_draft_is_saved_with_optimistic_concurrency);

async fn a_wrong_value_deep_in_a_draft_is_reported_at_its_place(app: TestApp) {
    let agent = staff(&app, "agent", "agent@rhone.gouv.fr").await;
    let buyer = staff(&app, "buyer", "acheteur@pfra.gouv.fr").await;
    let created = json_of(call(&app, &agent.token, Method::POST, "/consultations", Some(json!({
        "title": "Nettoyage", "cpv_code": "90000000-7", "departement": "69", "buyer_id": buyer.id,
    }))).await, StatusCode::CREATED).await;
    let mut draft = draft_v1();
    draft["sections"][1]["clauses"][0]["title"] = json!(["pas", "un", "texte"]);
    let path = format!("/consultations/{}/draft", created["id"].as_str().unwrap());
    let refused = app
        .client
        .put(app.url(&path))
        .bearer_auth(&agent.token)
        .header("If-Match", "\"1\"")
        .json(&draft)
        .send()
        .await
        .unwrap();
    let problem = problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem.errors[0].field, "sections[1].clauses[0].title");
    assert_eq!(problem.errors[0].code, "invalid_type");
    assert!(problem.errors[0].message.contains("type incorrect"));
    // Nothing was saved: the draft is still at version 1 and empty.
    let read = call(&app, &agent.token, Method::GET, &path, None).await;
    assert_eq!(read.headers()["etag"], "\"1\"");
    let unchanged = json_of(read, StatusCode::OK).await;
    assert_eq!(unchanged["content"]["sections"], json!([]));
}
db_test!(a_wrong_value_deep_in_a_draft_is_reported_at_its_place);

async fn a_150_page_cctp_is_saved_opened_as_a_round_diffed_and_read(app: TestApp) {
    let agent = staff(&app, "agent", "agent@rhone.gouv.fr").await;
    let buyer = staff(&app, "buyer", "acheteur@pfra.gouv.fr").await;
    let reader = company(&app, 1, "Nettoyage Lyonnais", &["90"], &["69"]).await;
    let created = json_of(call(&app, &agent.token, Method::POST, "/consultations", Some(json!({
        "title": "Nettoyage des bâtiments de la préfecture", "cpv_code": "90000000-7", "departement": "69", "buyer_id": buyer.id,
    }))).await, StatusCode::CREATED).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let draft_path = format!("/consultations/{id}/draft");
    let rounds = format!("/consultations/{id}/rounds");
    let put = |version: i64, body: &Value| {
        app.client
            .put(app.url(&draft_path))
            .bearer_auth(&agent.token)
            .header("If-Match", format!("\"{version}\""))
            .json(body)
            .send()
    };
    let cctp = large_cctp(30, 11);
    let body_size = serde_json::to_vec(&cctp).unwrap().len();
    let characters: usize = cctp["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["clauses"].as_array().unwrap())
        .map(|c| c["text"].as_str().unwrap().chars().count())
        .sum();
    assert!(
        characters >= 400_000 && body_size > 64 * 1024,
        "{characters} characters, {body_size} bytes"
    );

    let saved = json_of(put(1, &cctp).await.unwrap(), StatusCode::OK).await;
    assert_eq!(saved["content"]["sections"].as_array().unwrap().len(), 30);
    let open = |closes_in_days: i64| {
        let (app, token, path) = (&app, agent.token.clone(), rounds.clone());
        async move {
            call(app, &token, Method::POST, &path, Some(json!({
                "closes_at": Utc::now() + Duration::days(closes_in_days), "changelog": "Version complète",
            }))).await
        }
    };
    assert_eq!(open(10).await.status(), StatusCode::CREATED);
    // The company reads the whole revision, its 330 clauses in order.
    let revision = json_of(
        call(
            &app,
            &reader.token,
            Method::GET,
            &format!("{rounds}/1"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let clauses: Vec<&Value> = revision["content"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["clauses"].as_array().unwrap())
        .collect();
    assert_eq!(clauses.len(), 330);
    assert_eq!(clauses[329]["number"], "30.11");
    // As saved: trimmed, otherwise intact.
    assert_eq!(
        clauses[329]["text"].as_str().unwrap(),
        cctp["sections"][29]["clauses"][10]["text"]
            .as_str()
            .unwrap()
            .trim()
    );

    // Revision 2: ten clauses rewritten, one removed, one added.
    let mut revised = saved["content"].clone();
    for s in 0..10 {
        revised["sections"][s]["clauses"][0]["text"] =
            json!(format!("Article {}.1 réécrit : délai de 8 heures.", s + 1));
    }
    revised["sections"][29]["clauses"]
        .as_array_mut()
        .unwrap()
        .pop();
    revised["sections"][0]["clauses"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "number": "1.12", "title": "Astreinte", "text": "Une astreinte est assurée le samedi.",
        }));
    assert_eq!(put(2, &revised).await.unwrap().status(), StatusCode::OK);
    json_of(
        call(
            &app,
            &agent.token,
            Method::POST,
            &format!("{rounds}/1/close"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(open(5).await.status(), StatusCode::CREATED);
    let diff = json_of(
        call(
            &app,
            &reader.token,
            Method::GET,
            &format!("{rounds}/2/diff?from=1"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let changes: Vec<&str> = diff["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes.iter().filter(|c| **c == "modified").count(), 10);
    assert_eq!(changes.iter().filter(|c| **c == "removed").count(), 1);
    assert_eq!(changes.iter().filter(|c| **c == "added").count(), 1);

    // Beyond the documented limits: a clear 422 for the text, 413 for the body.
    let too_long = large_cctp(100, 8);
    let refused = problem(
        put(3, &too_long).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        (
            refused.errors[0].field.as_str(),
            refused.errors[0].code.as_str()
        ),
        ("draft", "too_long")
    );
    let huge = json!({"sections": [{"title": "S", "clauses": [{"number": "1", "title": "T", "text": "x".repeat(9 * 1024 * 1024)}]}]});
    problem(put(3, &huge).await.unwrap(), StatusCode::PAYLOAD_TOO_LARGE).await;
}
db_test!(a_150_page_cctp_is_saved_opened_as_a_round_diffed_and_read);

/// Migration 10 moved drafts out of `consultations`: a draft saved before
/// it is the draft read after it, and undoing it (with those after it)
/// puts every draft back.
async fn a_saved_draft_survives_its_move_out_of_the_consultation_and_back(app: TestApp) {
    use migration::{Migrator, MigratorTrait};

    let s = scene(&app).await;
    // Migrations 10, 11, …: all but the first nine.
    let from_tenth = u32::try_from(Migrator::migrations().len() - 9).unwrap();
    Migrator::down(app.db.schema_conn(), Some(from_tenth))
        .await
        .unwrap();
    let kept = text_column(app.db.conn(), "SELECT draft FROM consultations").await;
    assert_eq!(kept.len(), 1);
    assert_eq!(serde_json::from_str::<Value>(&kept[0]).unwrap(), s.draft);

    Migrator::up(app.db.schema_conn(), None).await.unwrap();
    let path = format!("/consultations/{}/draft", s.consultation);
    let read = json_of(
        call(&app, &s.agent.token, Method::GET, &path, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["content"], s.draft);
}

db_test!(a_saved_draft_survives_its_move_out_of_the_consultation_and_back);
