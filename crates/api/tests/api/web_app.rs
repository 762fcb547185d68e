use reqwest::StatusCode;
use shared::ErrorCode;

use crate::helpers::{TestApp, problem, spawn_app_with_web_build};

const INDEX: &[u8] = b"<!doctype html><title>JeSaisFaire</title>";
const WASM: &[u8] = b"\0asm raw module";
const WASM_BR: &[u8] = b"brotli bytes";
const WASM_GZ: &[u8] = b"gzip bytes";

async fn web_app() -> TestApp {
    spawn_app_with_web_build(&[
        ("index.html", INDEX),
        ("app-1f2e_bg.wasm", WASM),
        ("app-1f2e_bg.wasm.br", WASM_BR),
        ("app-1f2e_bg.wasm.gz", WASM_GZ),
        ("app-1f2e.js", b"export default 1;"),
    ])
    .await
}

async fn asset(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{path}", app.address));
    if let Some(encodings) = accept_encoding {
        request = request.header("Accept-Encoding", encodings);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_wasm_goes_out_precompressed_in_the_best_encoding_the_browser_accepts() {
    let app = web_app().await;
    for (accepted, body, encoding) in [
        (Some("gzip, deflate, br, zstd"), WASM_BR, Some("br")),
        (Some("gzip"), WASM_GZ, Some("gzip")),
        (Some("br;q=0, gzip"), WASM_GZ, Some("gzip")),
        (None, WASM, None),
    ] {
        let response = asset(&app, "/app-1f2e_bg.wasm", accepted).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/wasm");
        assert_eq!(response.headers()["vary"], "accept-encoding");
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            encoding,
            "Accept-Encoding: {accepted:?}"
        );
        assert_eq!(response.bytes().await.unwrap(), body);
    }
    // Without a precompressed copy (debug builds), the file goes out as it is.
    let script = asset(&app, "/app-1f2e.js", Some("br, gzip")).await;
    assert!(script.headers().get("content-encoding").is_none());
    assert_eq!(script.text().await.unwrap(), "export default 1;");
}

#[tokio::test]
async fn client_routes_get_the_shell_and_missing_files_a_problem() {
    let app = web_app().await;
    let route = asset(&app, "/consultations/3f0c/historique", None).await;
    assert_eq!(route.status(), StatusCode::OK);
    assert_eq!(route.headers()["cache-control"], "no-cache");
    assert_eq!(route.bytes().await.unwrap(), INDEX);

    let missing = asset(&app, "/app-0000_bg.wasm", None).await;
    assert_eq!(
        problem(missing, StatusCode::NOT_FOUND).await.code,
        ErrorCode::NotFound
    );
    let api = asset(&app, "/api/v1/nope", None).await;
    problem(api, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn the_legal_pages_read_who_runs_the_instance_from_its_settings() {
    let app = crate::helpers::spawn_with(crate::helpers::Backend::Sqlite, false, &[], |s| {
        s.deployment.publisher = Some("Préfecture du Rhône, 69003 Lyon".into());
        s.deployment.data_protection_officer = Some("dpd@interieur.gouv.fr".into());
    })
    .await;
    let facts: serde_json::Value = app
        .client
        .get(app.url("/deployment"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(facts["publisher"], "Préfecture du Rhône, 69003 Lyon");
    assert_eq!(facts["data_protection_officer"], "dpd@interieur.gouv.fr");
    assert_eq!(facts["host"], serde_json::Value::Null);
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_tokens_are_never_cached() {
    let app = web_app().await;
    for path in [
        "/",
        "/consultations/42",
        "/api/v1/health",
        "/api/v1/inconnu",
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_else(|| panic!("{name} missing on {path}"))
        };
        let policy = header("content-security-policy");
        assert!(
            policy.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{policy}"
        );
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("x-frame-options"), "DENY");
        assert_eq!(header("referrer-policy"), "same-origin");
        assert!(header("permissions-policy").contains("camera=()"));
        // The test server's public address is https.
        assert!(header("strict-transport-security").starts_with("max-age="));
    }
    // Swagger UI runs inline scripts: allowed there only.
    let docs = app
        .client
        .get(format!("{}/api/docs/", app.address))
        .send()
        .await
        .unwrap();
    assert!(
        docs.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("'unsafe-inline'")
    );
    app.create_staff("agent", "agent@exemple.gouv.fr").await;
    let login = app
        .post(
            "/auth/login",
            &serde_json::json!({"email": "agent@exemple.gouv.fr", "password": crate::helpers::PASSWORD}),
        )
        .await;
    assert_eq!(login.headers()["cache-control"], "no-store");
}
