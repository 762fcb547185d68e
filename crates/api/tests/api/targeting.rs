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

async fn a_company_edits_its_profile_and_its_targeting_follows(app: TestApp) {
    let r = round_one(&app).await;
    let profile = |body: serde_json::Value, token: &str| {
        let (token, app) = (token.to_owned(), &app);
        async move { call(app, &token, Method::PUT, "/me/company", Some(body)).await }
    };
    let sees = |token: &str| {
        let (token, app, path) = (token.to_owned(), &app, format!("/consultations/{}", r.id()));
        async move { call(app, &token, Method::GET, &path, None).await.status() }
    };
    assert_eq!(sees(&r.outsider.token).await, StatusCode::NOT_FOUND);
    // Omega now also works in IT in the Rhône: the consultation concerns it.
    let updated = json_of(
        profile(
            json!({"company_name": "Omega Travaux et Réseaux", "cpv_divisions": ["45", "72"], "departements": ["13", "69"]}),
            &r.outsider.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["display_name"], "Omega Travaux et Réseaux");
    assert_eq!(updated["company"]["cpv_divisions"], json!(["45", "72"]));
    assert_eq!(sees(&r.outsider.token).await, StatusCode::OK);
    // Every bad field is reported at once; nothing changes.
    let refused = problem(
        profile(
            json!({"company_name": " ", "cpv_divisions": [], "departements": ["999"]}),
            &r.outsider.token,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let fields: Vec<&str> = refused.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["company_name", "cpv_divisions", "departements[0]"]);
    assert_eq!(sees(&r.outsider.token).await, StatusCode::OK);
    // Staff have no company profile.
    problem(
        profile(
            json!({"company_name": "X", "cpv_divisions": ["72"], "departements": ["69"]}),
            &r.s.agent.token,
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}
db_test!(a_company_edits_its_profile_and_its_targeting_follows);
