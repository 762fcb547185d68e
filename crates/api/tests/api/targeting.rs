//! Who a consultation concerns: companies of its CPV division and département.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::db_test;
use crate::fixtures::{call, json_of, round_one};
use crate::helpers::{TestApp, problem};

async fn a_company_outside_the_domain_and_territory_does_not_learn_the_consultation_exists(
    app: TestApp,
) {
    let r = round_one(&app).await;
    let cid = r.id();
    let outsider = &r.outsider;
    problem(
        call(
            &app,
            &outsider.token,
            Method::GET,
            &format!("/consultations/{cid}"),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let listed = json_of(
        call(&app, &outsider.token, Method::GET, "/consultations", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["total"], 0);
    problem(
        call(
            &app,
            &outsider.token,
            Method::POST,
            &r.contributions(),
            Some(json!({"kind": "clarification", "body": "x", "justification": "y"})),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let listed = json_of(
        call(
            &app,
            &r.alpha.token,
            Method::GET,
            "/consultations?status=in_dialogue",
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["total"], 1);
}
db_test!(a_company_outside_the_domain_and_territory_does_not_learn_the_consultation_exists);
