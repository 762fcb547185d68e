//! Revisions: the agent revises the draft between rounds, opens the next
//! round, and everyone sees what changed; round 1 targets no longer exist.

use jesaisfaire_api::entities::revision_diff;
use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::json;

use crate::db_test;
use crate::fixtures::{
    answer_and_decide, call, clause_id, close_round, json_of, revalidate, round_one,
    round_two_opening, save_revised_draft, validators,
};
use crate::helpers::{TestApp, problem};

async fn a_revised_draft_opens_round_two_and_everyone_sees_what_changed(app: TestApp) {
    // A scenario: each step depends on the one before.
    let r = round_one(&app).await;
    answer_and_decide(&app, &r).await;
    let (cid, contributions, c12) = (r.id().to_owned(), r.contributions(), r.c12());
    // Round 2: the agent revises the draft; everyone sees what changed.
    save_revised_draft(&app, &r).await;
    let closes = round_two_opening();
    problem(
        call(
            &app,
            &r.s.agent.token,
            Method::POST,
            &format!("/consultations/{cid}/rounds"),
            Some(closes.clone()),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    close_round(&app, &r, 1).await;
    problem(
        call(
            &app,
            &r.gamma.token,
            Method::POST,
            &contributions,
            Some(json!({"kind": "clarification", "body": "b", "justification": "j"})),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    json_of(
        call(
            &app,
            &r.s.agent.token,
            Method::POST,
            &format!("/consultations/{cid}/rounds"),
            Some(closes),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    let diff = json_of(
        call(
            &app,
            &r.beta.token,
            Method::GET,
            &format!("/consultations/{cid}/rounds/2/diff?from=1"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let changes: Vec<(&str, &str)> = diff["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["label_after"]
                    .as_str()
                    .or(c["label_before"].as_str())
                    .unwrap(),
                c["change"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [("1.2", "modified"), ("2.1", "added"), ("2.1", "removed")]
    );
    let words = &diff["clauses"][0]["text"];
    assert!(
        words
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["op"] == "insert" && w["text"].as_str().unwrap().contains("non critiques"))
    );
    assert!(
        words
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["op"] == "delete" && w["text"].as_str().unwrap().contains('4'))
    );
    // Computed once and stored: the agent reads the same, from the database.
    let again = json_of(
        call(
            &app,
            &r.s.agent.token,
            Method::GET,
            &format!("/consultations/{cid}/rounds/2/diff?from=1"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again, diff);
    let stored = revision_diff::Entity::find()
        .all(app.db.conn())
        .await
        .unwrap();
    assert_eq!(
        stored
            .iter()
            .map(|d| (d.from_revision, d.to_revision))
            .collect::<Vec<_>>(),
        [(1, 2)]
    );
    // A stored diff never changes: a reader holding it is told so, bodiless.
    let diff_path = format!("/consultations/{cid}/rounds/2/diff?from=1");
    let (etag, _) = validators(&call(&app, &r.beta.token, Method::GET, &diff_path, None).await);
    let unchanged = revalidate(&app, Some(&r.s.agent.token), &diff_path, &etag).await;
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    let stale = revalidate(&app, Some(&r.beta.token), &diff_path, "\"older\"").await;
    assert_eq!(stale.status(), StatusCode::OK);
    // The clause that existed only in round 1 is no longer a valid target.
    let stale = call(&app, &r.alpha.token, Method::POST, &contributions, Some(json!({
        "target_kind": "clause", "target_id": clause_id(&r.s.draft, 1, 0), "kind": "clarification", "body": "b", "justification": "j",
    }))).await;
    problem(stale, StatusCode::UNPROCESSABLE_ENTITY).await;
    json_of(call(&app, &r.alpha.token, Method::POST, &contributions, Some(json!({
        "target_kind": "clause", "target_id": c12, "kind": "solution", "body": "Accord sur 8 h.", "justification": "Réaliste.", "cost_direction": "neutral",
    }))).await, StatusCode::CREATED).await;
}
db_test!(a_revised_draft_opens_round_two_and_everyone_sees_what_changed);

async fn a_frozen_revision_is_sent_again_only_once_its_round_has_changed(app: TestApp) {
    let r = round_one(&app).await;
    let path = format!("/consultations/{}/rounds/1", r.id());
    let first = call(&app, &r.beta.token, Method::GET, &path, None).await;
    let (etag, cache) = validators(&first);
    assert_eq!(cache, "private, no-cache");
    let first = json_of(first, StatusCode::OK).await;
    assert_eq!(first["round"]["is_open"], true);
    // Every reader allowed to see it holds the same version; the others
    // learn nothing from a tag, not even that the revision exists.
    for reader in [&r.beta, &r.alpha] {
        let unchanged = revalidate(&app, Some(&reader.token), &path, &etag).await;
        assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(validators(&unchanged).0, etag);
        assert!(unchanged.bytes().await.unwrap().is_empty());
    }
    let outsider = revalidate(&app, Some(&r.outsider.token), &path, &etag).await;
    problem(outsider, StatusCode::NOT_FOUND).await;
    // Closing the round changes the answer: the same text, the round closed.
    close_round(&app, &r, 1).await;
    let changed = revalidate(&app, Some(&r.beta.token), &path, &etag).await;
    assert_ne!(validators(&changed).0, etag);
    let changed = json_of(changed, StatusCode::OK).await;
    assert_eq!(changed["round"]["is_open"], false);
    assert_eq!(changed["content"], first["content"]);
}
db_test!(a_frozen_revision_is_sent_again_only_once_its_round_has_changed);
