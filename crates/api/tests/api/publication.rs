//! Publication: requested once no round is open, decided by the assigned
//! PFRA buyer (sent back with a comment, or approved and frozen).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::db_test;
use crate::fixtures::{call, close_round, json_of, revised, round_one, second_round};
use crate::helpers::{TestApp, problem};

async fn publication_is_requested_between_rounds_and_decided_by_the_assigned_buyer(app: TestApp) {
    // A scenario: each step depends on the one before.
    let r = round_one(&app).await;
    second_round(&app, &r).await;
    let cid = r.id().to_owned();
    let draft_path = format!("/consultations/{cid}/draft");
    let revised = revised(r.s.draft.clone());
    // Publication: requested once the round is closed, approved by the assigned buyer.
    let request = format!("/consultations/{cid}/publication-request");
    let decision = format!("/consultations/{cid}/publication-decision");
    problem(
        call(&app, &r.s.agent.token, Method::POST, &request, None).await,
        StatusCode::CONFLICT,
    )
    .await;
    close_round(&app, &r, 2).await;
    assert_eq!(
        json_of(
            call(&app, &r.s.agent.token, Method::POST, &request, None).await,
            StatusCode::OK
        )
        .await["status"],
        "awaiting_approval"
    );
    problem(
        call(
            &app,
            &r.alpha.token,
            Method::POST,
            &decision,
            Some(json!({"approve": true})),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let no_comment = call(
        &app,
        &r.s.buyer.token,
        Method::POST,
        &decision,
        Some(json!({"approve": false})),
    )
    .await;
    assert_eq!(
        problem(no_comment, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .errors[0]
            .field,
        "comment"
    );
    let back = json_of(
        call(
            &app,
            &r.s.buyer.token,
            Method::POST,
            &decision,
            Some(json!({"approve": false, "comment": "Préciser le site."})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(back["status"], "between_rounds");
    json_of(
        call(&app, &r.s.agent.token, Method::POST, &request, None).await,
        StatusCode::OK,
    )
    .await;
    let published = json_of(
        call(
            &app,
            &r.s.buyer.token,
            Method::POST,
            &decision,
            Some(json!({"approve": true})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(published["status"], "published");
    let frozen = app
        .client
        .put(app.url(&draft_path))
        .bearer_auth(&r.s.agent.token)
        .header("If-Match", "\"3\"")
        .json(&revised)
        .send()
        .await
        .unwrap();
    problem(frozen, StatusCode::CONFLICT).await;
    let agent_notes = json_of(
        call(&app, &r.s.agent.token, Method::GET, "/notifications", None).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        agent_notes["items"][0]["message"]
            .as_str()
            .unwrap()
            .contains("validée")
    );
}
db_test!(publication_is_requested_between_rounds_and_decided_by_the_assigned_buyer);
