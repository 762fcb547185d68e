//! The working draft: optimistic concurrency, validation, frozen after publication.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::fixtures::{call, draft_v1, json_of, staff};
use crate::helpers::{TestApp, problem};

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
