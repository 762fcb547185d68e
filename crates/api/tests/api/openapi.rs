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
            let errors: Vec<_> = responses
                .iter()
                .filter(|(status, _)| !status.starts_with('2'))
                .collect();
            if path.ends_with("/departements") {
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
