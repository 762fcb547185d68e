use std::path::Path;

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let generated = jesaisfaire_api::startup::openapi_spec()
        .unwrap()
        .to_pretty_json()
        .unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed.trim_end() == generated.trim_end(),
        "openapi/openapi.json is out of date: run `just openapi` and commit the result"
    );
}

#[test]
fn every_operation_documents_its_errors_as_problem_json() {
    let spec = serde_json::to_value(jesaisfaire_api::startup::openapi_spec().unwrap()).unwrap();
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.len() >= 9);
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            for (status, response) in responses.iter().filter(|(s, _)| s.starts_with('3')) {
                assert!(
                    response.get("content").is_none(),
                    "{method} {path} {status} has a body"
                );
            }
            let errors: Vec<_> = responses
                .iter()
                .filter(|(status, _)| status.starts_with('4') || status.starts_with('5'))
                .collect();
            if path.ends_with("/departements") || path.ends_with("/deployment") {
                continue; // A static list: nothing the client sends can be wrong.
            }
            assert!(!errors.is_empty(), "{method} {path} documents no error");
            for (status, response) in errors {
                assert!(
                    response["content"]["application/problem+json"].is_object(),
                    "{method} {path} {status} is not documented as problem+json"
                );
            }
        }
    }
}

#[test]
fn operation_ids_are_unique_and_every_operation_states_its_security() {
    let spec = serde_json::to_value(jesaisfaire_api::startup::openapi_spec().unwrap()).unwrap();
    let mut ids = std::collections::HashSet::new();
    let mut public = Vec::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_owned()), "operationId {id} used twice");
            let security = operation["security"].as_array().unwrap_or_else(|| {
                panic!("{method} {path} does not state its security");
            });
            if security.is_empty() {
                public.push(format!("{method} {path}"));
            }
        }
    }
    public.sort();
    assert_eq!(
        public,
        [
            "get /api/v1/deployment",
            "get /api/v1/health",
            "get /api/v1/mail/unsubscribe/{token}",
            "get /api/v1/open-data/ocds",
            "get /api/v1/reference/cpv",
            "get /api/v1/reference/cpv-divisions",
            "get /api/v1/reference/departements",
            "post /api/v1/auth/login",
            "post /api/v1/auth/logout",
            "post /api/v1/auth/password-reset",
            "post /api/v1/auth/password-reset/request",
            "post /api/v1/auth/refresh",
            "post /api/v1/auth/register-company",
            "post /api/v1/auth/verify-email",
            "post /api/v1/mail/unsubscribe/{token}",
        ]
    );
}

#[tokio::test]
async fn the_api_documentation_answers_with_or_without_its_trailing_slash() {
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await;
    let response = app
        .client
        .get(format!("{}/api/docs", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert!(response.url().path().ends_with("/api/docs/"));
    assert!(response.text().await.unwrap().contains("swagger"));
}
