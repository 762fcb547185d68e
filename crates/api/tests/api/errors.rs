use reqwest::StatusCode;
use serde_json::json;
use shared::ErrorCode;

use crate::db_test;
use crate::helpers::{TestApp, problem};

async fn every_bad_request_is_a_problem_json_never_a_500(app: TestApp) {
    // One check per kind of bad request, each a few lines.
    let unknown = app.client.get(app.url("/nope")).send().await.unwrap();
    assert_eq!(
        problem(unknown, StatusCode::NOT_FOUND).await.code,
        ErrorCode::NotFound
    );

    let outside_v1 = app
        .client
        .get(format!("{}/api/nope", app.address))
        .send()
        .await
        .unwrap();
    problem(outside_v1, StatusCode::NOT_FOUND).await;

    let wrong_method = app.client.delete(app.url("/me")).send().await.unwrap();
    // actix routes by method, so an unknown method on a known path is "no such route".
    let status = wrong_method.status();
    assert!(matches!(
        status,
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
    ));
    problem(wrong_method, status).await;

    let malformed = app
        .client
        .post(app.url("/auth/login"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    let malformed = problem(malformed, StatusCode::BAD_REQUEST).await;
    assert_eq!(malformed.code, ErrorCode::MalformedBody);
    assert!(malformed.detail.contains("JSON"));

    let wrong_type = app.post("/auth/login", &json!({"email": 42})).await;
    problem(wrong_type, StatusCode::UNPROCESSABLE_ENTITY).await;

    let not_json = app
        .client
        .post(app.url("/auth/login"))
        .header("content-type", "text/plain")
        .body("email=a")
        .send()
        .await
        .unwrap();
    problem(not_json, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;

    let huge = json!({"email": "a@b.fr", "password": "x".repeat(70_000)});
    let oversized = app.post("/auth/login", &huge).await;
    problem(oversized, StatusCode::PAYLOAD_TOO_LARGE).await;

    let docs = app
        .client
        .get(format!("{}/api/docs/", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    let spec = app
        .client
        .get(format!("{}/api/openapi.json", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(spec.status(), StatusCode::OK);
}
db_test!(every_bad_request_is_a_problem_json_never_a_500);

async fn reference_lists_are_served_in_french(app: TestApp) {
    let divisions: serde_json::Value = app
        .client
        .get(app.url("/reference/cpv-divisions?q=d%C3%A9veloppement%20de%20logiciels"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = divisions
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["72"]);
    let departements: Vec<serde_json::Value> = app
        .client
        .get(app.url("/reference/departements"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(departements.len(), 101);
}
db_test!(reference_lists_are_served_in_french);
