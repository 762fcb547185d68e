use reqwest::StatusCode;
use serde_json::json;
use shared::ErrorCode;

use crate::db_test;
use crate::fixtures::{revalidate, validators};
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

async fn reference_data_is_kept_a_day_and_revalidated_without_a_body(app: TestApp) {
    let departements = app
        .client
        .get(app.url("/reference/departements"))
        .send()
        .await
        .unwrap();
    let (etag, cache) = validators(&departements);
    assert_eq!(cache, "public, max-age=86400");
    // One version for all the reference data of a release.
    for path in [
        "/reference/departements",
        "/reference/cpv-divisions?q=72",
        "/reference/cpv?q=logiciel&page=2",
    ] {
        let unchanged = revalidate(&app, None, path, &etag).await;
        assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(validators(&unchanged), (etag.clone(), cache.clone()));
    }
    let stale = revalidate(&app, None, "/reference/departements", "\"older\"").await;
    assert_eq!(stale.status(), StatusCode::OK);
    assert_eq!(
        stale.json::<Vec<serde_json::Value>>().await.unwrap().len(),
        101
    );
}
db_test!(reference_data_is_kept_a_day_and_revalidated_without_a_body);

async fn the_whole_cpv_nomenclature_is_searched_and_only_its_codes_are_accepted(app: TestApp) {
    let search = |q: &str| {
        let url = app.url(&format!("/reference/cpv?{q}"));
        let client = app.client.clone();
        async move {
            let response = client.get(url).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<serde_json::Value>().await.unwrap()
        }
    };
    let exact = search("q=72260000-5").await;
    assert_eq!(exact["items"][0]["code"], "72260000-5");
    assert_eq!(
        exact["items"][0]["label"],
        "Services relatifs aux logiciels"
    );
    let prefix = search("q=7226&per_page=100").await;
    let codes: Vec<&str> = prefix["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.is_empty() && codes.iter().all(|c| c.starts_with("7226")),
        "{codes:?}"
    );
    // Words, accents and case aside; a label that starts with them comes first.
    let words = search("q=LOGICIEL").await;
    assert!(
        words["items"][0]["label"]
            .as_str()
            .unwrap()
            .starts_with("Logiciel"),
        "{words}"
    );
    let accents = search("q=securite&per_page=100").await;
    assert!(
        accents["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["label"].as_str().unwrap().contains("sécurité"))
    );
    let all = search("page=2&per_page=50").await;
    assert_eq!(
        (
            all["total"].as_u64(),
            all["items"].as_array().unwrap().len()
        ),
        (Some(9_454), 50)
    );

    // A consultation takes only a code of the list, and shows its own label.
    let agent = crate::fixtures::staff(&app, "agent", "agent@rhone.gouv.fr").await;
    let buyer = crate::fixtures::staff(&app, "buyer", "acheteur@pfra.gouv.fr").await;
    let create = |code: &str| {
        let body = json!({"title": "Logiciels", "cpv_code": code, "departement": "69", "buyer_id": buyer.id});
        let (client, url, token) = (
            app.client.clone(),
            app.url("/consultations"),
            agent.token.clone(),
        );
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let wrong_check_digit =
        problem(create("72260000-4").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        (
            wrong_check_digit.errors[0].field.as_str(),
            wrong_check_digit.errors[0].code.as_str()
        ),
        ("cpv_code", "unknown")
    );
    let created = create("72260000-5").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: serde_json::Value = created.json().await.unwrap();
    assert_eq!(created["cpv_label"], "Services relatifs aux logiciels");
}
db_test!(the_whole_cpv_nomenclature_is_searched_and_only_its_codes_are_accepted);

async fn hostile_pages_texts_fields_and_nesting_are_refused_and_change_nothing(app: TestApp) {
    use reqwest::Method;

    use crate::fixtures::{call, company, scene};
    let s = scene(&app).await;
    let alpha = company(&app, 1, "Alpha Informatique", &["72"], &["69"]).await;
    // The page that used to kill the worker (its offset overflowed i64).
    for query in ["page=461168601842738792", "page=0", "per_page=101"] {
        let listed = call(
            &app,
            &alpha.token,
            Method::GET,
            &format!("/consultations?{query}"),
            None,
        )
        .await;
        let refused = problem(listed, StatusCode::BAD_REQUEST).await;
        assert_eq!(refused.code, ErrorCode::BadRequest, "{query}");
    }
    // Search words lose what no stored text holds: a pasted zero-width
    // space or a NUL does not hide a match.
    for query in ["q=%00maintenance", "q=mainte%E2%80%8Bnance"] {
        let found = call(
            &app,
            &alpha.token,
            Method::GET,
            &format!("/consultations?{query}"),
            None,
        )
        .await;
        assert_eq!(found.status(), StatusCode::OK, "{query}");
        let found: serde_json::Value = found.json().await.unwrap();
        assert_eq!(found["total"], 1, "{query}");
    }
    let path = format!("/consultations/{}/contributions", s.consultation);
    for (body, field) in [
        ("Question\u{0}cachée", "body"),
        ("Sens \u{202E}inversé", "body"),
        ("Espace\u{200B}invisible", "body"),
    ] {
        let sent = call(
            &app,
            &alpha.token,
            Method::POST,
            &path,
            Some(json!({"kind": "clarification", "body": body, "justification": "Chiffrage."})),
        )
        .await;
        let refused = problem(sent, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(refused.errors[0].field, field);
        assert_eq!(refused.errors[0].code, "invisible_character");
    }
    // A misspelt field is named rather than ignored: `confidentiel` would
    // otherwise publish a solution meant to stay confidential.
    let misspelt = call(
        &app,
        &alpha.token,
        Method::POST,
        &path,
        Some(json!({
            "kind": "solution", "body": "Notre procédé", "justification": "Coût.",
            "cost_direction": "neutral", "confidentiel": true,
        })),
    )
    .await;
    let refused = problem(misspelt, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        (
            refused.errors[0].field.as_str(),
            refused.errors[0].code.as_str()
        ),
        ("confidentiel", "unknown_field")
    );
    // Not an object, or nested beyond reason: refused before any work.
    for (body, status) in [
        (
            "[\"clarification\", \"Question\", \"Chiffrage.\"]".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let sent = app
            .client
            .post(app.url(&path))
            .bearer_auth(&alpha.token)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        problem(sent, status).await;
    }
    let listed = call(&app, &alpha.token, Method::GET, &path, None).await;
    let listed: serde_json::Value = listed.json().await.unwrap();
    assert_eq!(listed["total"], 0, "nothing was stored");
    // Text is stored in NFC: "é" typed as e + combining accent is one character.
    let sent = call(&app, &alpha.token, Method::POST, &path,
        Some(json!({"kind": "clarification", "body": "Pre\u{301}cision", "justification": "Chiffrage."}))).await;
    let stored: serde_json::Value = sent.json().await.unwrap();
    assert_eq!(stored["body"], "Pr\u{e9}cision");
}
db_test!(hostile_pages_texts_fields_and_nesting_are_refused_and_change_nothing);

#[tokio::test]
async fn a_wrong_method_on_an_existing_address_is_a_405_with_allow() {
    let app = crate::helpers::spawn_app_with_web_build(&[("index.html", b"<!doctype html>")]).await;
    let id = uuid::Uuid::new_v4();
    for (method, path, allow) in [
        ("DELETE", format!("/consultations/{id}"), "GET, PATCH"),
        ("TRACE", "/health".to_owned(), "GET"),
        ("PUT", "/auth/login".to_owned(), "POST"),
        ("GET", "/me/delete".to_owned(), "POST"),
    ] {
        let response = app
            .client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                app.url(&path),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["allow"], allow, "{method} {path}");
        let refused = problem(response, StatusCode::METHOD_NOT_ALLOWED).await;
        assert_eq!(refused.code, ErrorCode::MethodNotAllowed);
    }
    let unknown = app.client.post(app.url("/inconnu")).send().await.unwrap();
    problem(unknown, StatusCode::NOT_FOUND).await;
}
