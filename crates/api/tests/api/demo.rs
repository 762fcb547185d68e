use reqwest::StatusCode;
use serde_json::Value;

use jesaisfaire_api::startup::Application;

use crate::fixtures::get;
use crate::helpers::{Backend, TestApp, spawn_demo_app, test_settings};

async fn token(app: &TestApp, email: &str) -> String {
    let response = app
        .post(
            "/auth/login",
            &serde_json::json!({"email": email, "password": jesaisfaire_api::demo::DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{email}");
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

async fn the_demo_shows_a_consultation_in_its_second_round_with_every_kind_of_contribution(
    backend: Backend,
) {
    let app = spawn_demo_app(backend).await;
    let agent = token(&app, "agent@demo.jesaisfaire.fr").await;
    let list = get(&app, &agent, "/consultations").await;
    assert_eq!(list["total"], 1);
    let consultation = &list["items"][0];
    assert_eq!(consultation["status"], "in_dialogue");
    assert_eq!(consultation["current_round"]["number"], 2);
    let id = consultation["id"].as_str().unwrap();
    let contributions = get(&app, &agent, &format!("/consultations/{id}/contributions")).await;
    let mut kinds: Vec<&str> = contributions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(
        kinds,
        [
            "alternative_clause",
            "alternative_criterion",
            "clarification",
            "solution"
        ]
    );
    let diff = get(&app, &agent, &format!("/consultations/{id}/rounds/2/diff")).await;
    assert_eq!(diff["clauses"].as_array().unwrap().len(), 2);
    // Each guard of a fair dialogue shows once: a private reply and a late
    // notice for the equal-information summary…
    let summary = get(
        &app,
        &agent,
        &format!("/consultations/{id}/equal-information"),
    )
    .await;
    assert_eq!(summary["private_replies"].as_array().unwrap().len(), 1);
    assert_eq!(summary["late_in_open_round"]["items"], 1);
    // …and for the detector, revision 2 taking over an alternative clause
    // as its decision said, then a draft naming a console only one company
    // spoke of, with the weight that company proposed.
    let report = get(&app, &agent, &format!("/consultations/{id}/fairness")).await;
    let taken = &report["provenance"][0];
    assert_eq!(
        (taken["revision"].as_i64(), taken["label"].as_str()),
        (Some(2), Some("2.1"))
    );
    assert_eq!(taken["similarity"], 100);
    assert_eq!(report["decisions"][0]["outcome"], "taken");
    let warnings = report["warnings"].to_string();
    for expected in ["Nexora", "pondération du critère « Prix »"] {
        assert!(warnings.contains(expected), "{expected}: {warnings}");
    }
    // Every demo account logs in; the demo company sees the dialogue.
    for email in [
        "admin@demo.jesaisfaire.fr",
        "acheteur@demo.jesaisfaire.fr",
        "entreprise2@demo.jesaisfaire.fr",
    ] {
        token(&app, email).await;
    }
    let company = token(&app, "entreprise@demo.jesaisfaire.fr").await;
    assert_eq!(
        get(&app, &company, "/consultations?status=in_dialogue").await["total"],
        1
    );

    // The same database served outside demo mode: the demo accounts, whose
    // password is published, cannot sign in; back in demo mode, they can.
    for (demo_data, expected) in [(false, StatusCode::FORBIDDEN), (true, StatusCode::OK)] {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = test_settings(backend, dir.path()).await;
        settings.database_url = app.db_url.clone();
        settings.demo_data = demo_data;
        let server = Application::build(settings).await.unwrap();
        let url = format!("http://127.0.0.1:{}/api/v1/auth/login", server.port());
        tokio::spawn(server.run_until_stopped());
        let login = app
            .client
            .post(url)
            .json(&serde_json::json!({
                "email": "agent@demo.jesaisfaire.fr",
                "password": jesaisfaire_api::demo::DEMO_PASSWORD,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), expected, "demo mode {demo_data}");
    }
}

#[tokio::test]
async fn demo_data_on_sqlite() {
    the_demo_shows_a_consultation_in_its_second_round_with_every_kind_of_contribution(
        Backend::Sqlite,
    )
    .await;
}

#[tokio::test]
async fn demo_data_on_postgres() {
    the_demo_shows_a_consultation_in_its_second_round_with_every_kind_of_contribution(
        Backend::Postgres,
    )
    .await;
}
