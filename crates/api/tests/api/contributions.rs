//! Contributions: every kind is accepted, bad ones are refused field by
//! field, and only their author may change them.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::db_test;
use crate::fixtures::{call, clause_id, round_one};
use crate::helpers::{TestApp, problem};

async fn every_kind_of_contribution_is_accepted_and_bad_ones_are_refused_field_by_field(
    app: TestApp,
) {
    let r = round_one(&app).await;
    assert_eq!(r.secret["author"]["label"], "Vous");
    let (gamma, contributions) = (&r.gamma, r.contributions());
    let (c11, c12) = (clause_id(&r.s.draft, 0, 0), r.c12());
    let refused_field = |body: serde_json::Value| {
        let (token, path) = (gamma.token.clone(), contributions.clone());
        let app = &app;
        async move {
            let response = call(app, &token, Method::POST, &path, Some(body)).await;
            problem(response, StatusCode::UNPROCESSABLE_ENTITY)
                .await
                .errors[0]
                .field
                .clone()
        }
    };
    let missing_text = refused_field(json!({
        "target_kind": "clause", "target_id": c12, "kind": "alternative_clause",
        "body": "Un délai de 8 heures suffit.", "justification": "Astreinte coûteuse.", "cost_direction": "decrease",
    }))
    .await;
    assert_eq!(missing_text, "proposed_text");
    let unknown_clause = refused_field(json!({
        "target_kind": "clause", "target_id": uuid::Uuid::new_v4(), "kind": "solution",
        "body": "b", "justification": "j", "cost_direction": "neutral",
    }))
    .await;
    assert_eq!(unknown_clause, "target_id");
    let no_cost = refused_field(json!({
        "target_kind": "clause", "target_id": c11, "kind": "solution", "body": "b", "justification": "j",
    }))
    .await;
    assert_eq!(no_cost, "cost_direction");
    let too_long = refused_field(json!({
        "kind": "clarification", "body": "x".repeat(10_001), "justification": "j",
    }))
    .await;
    assert_eq!(too_long, "body");
}
db_test!(every_kind_of_contribution_is_accepted_and_bad_ones_are_refused_field_by_field);

async fn nobody_edits_someone_elses_contribution(app: TestApp) {
    let r = round_one(&app).await;
    let question_id = r.question["id"].as_str().unwrap();
    problem(
        call(
            &app,
            &r.gamma.token,
            Method::PATCH,
            &format!("/contributions/{question_id}"),
            Some(json!({
                "kind": "clarification", "body": "hijack", "justification": "j",
            })),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}
db_test!(nobody_edits_someone_elses_contribution);
