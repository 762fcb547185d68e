//! Contributions: every kind is accepted, bad ones are refused field by
//! field, and only their author may change them.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::db_test;
use crate::fixtures::{call, clause_id, json_of, round_one, withdraw};
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

async fn a_new_contribution_is_answered_as_its_author_reads_it_afterwards(app: TestApp) {
    let r = round_one(&app).await;
    for (author, created) in [(&r.alpha, &r.secret), (&r.gamma, &r.alternative)] {
        let listed = json_of(
            call(&app, &author.token, Method::GET, &r.contributions(), None).await,
            StatusCode::OK,
        )
        .await;
        let read = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == created["id"])
            .expect("the new contribution is listed");
        assert_eq!(read, created);
    }
}
db_test!(a_new_contribution_is_answered_as_its_author_reads_it_afterwards);

/// The total of a contributions list, read from the consultation's tally
/// by the page's own statement, or apart for a page beyond the end (which
/// has no row to carry it), is the number of contributions the reader can
/// page through: for staff, for a company with a confidential solution and
/// a withdrawn contribution, and for the other companies.
async fn every_reader_s_total_is_what_they_can_page_through(app: TestApp) {
    let r = round_one(&app).await;
    let alternative = r.alternative["id"].as_str().unwrap();
    let gamma_withdraws = withdraw(&app, &r.gamma.token, alternative).await;
    assert_eq!(gamma_withdraws.status(), StatusCode::OK);
    let readers = [
        ("agent", &r.s.agent.token, 4),
        ("buyer", &r.s.buyer.token, 4),
        // Its confidential solution, and Beta's and Gamma's public ones.
        ("alpha", &r.alpha.token, 3),
        ("beta", &r.beta.token, 2),
        // Its withdrawn alternative too.
        ("gamma", &r.gamma.token, 3),
    ];
    for (reader, token, expected) in readers {
        let list = |query: &str| {
            let path = format!("{}?{query}", r.contributions());
            let app = &app;
            async move {
                json_of(
                    call(app, token, Method::GET, &path, None).await,
                    StatusCode::OK,
                )
                .await
            }
        };
        let first = list("per_page=1").await;
        let all = list("per_page=100").await;
        let beyond = list("per_page=1&page=99").await;
        assert_eq!(first["items"].as_array().unwrap().len(), 1, "{reader}");
        assert_eq!(all["items"].as_array().unwrap().len(), expected, "{reader}");
        assert_eq!(beyond["items"].as_array().unwrap().len(), 0, "{reader}");
        assert_eq!(first["total"], expected, "{reader}: tallied");
        assert_eq!(all["total"], expected, "{reader}: from the page");
        assert_eq!(beyond["total"], expected, "{reader}: beyond the end");
        // A filtered list is counted, not tallied: the same two ways.
        let own = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["author"]["is_you"] == true)
            .count();
        for query in ["mine=true&per_page=1", "mine=true&per_page=1&page=99"] {
            assert_eq!(list(query).await["total"], own, "{reader}: {query}");
        }
    }
}
db_test!(every_reader_s_total_is_what_they_can_page_through);

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

async fn an_answered_or_decided_contribution_is_no_longer_rewritten_nor_withdrawn(app: TestApp) {
    let r = round_one(&app).await;
    let agent = &r.s.agent.token;
    let (question, alternative, secret) = (
        r.question["id"].as_str().unwrap(),
        r.alternative["id"].as_str().unwrap(),
        r.secret["id"].as_str().unwrap(),
    );
    // A rewrite sends back what was read, less what only the server sets.
    let rewrite = |token: &str, id: &str, read: serde_json::Value| {
        let body: serde_json::Map<String, serde_json::Value> = [
            "target_kind",
            "target_id",
            "kind",
            "body",
            "justification",
            "cost_direction",
            "proposed_text",
            "proposed_weight",
            "confidential",
        ]
        .into_iter()
        .map(|field| (field.to_owned(), read[field].clone()))
        .collect();
        let body = serde_json::Value::Object(body);
        let (token, path) = (token.to_owned(), format!("/contributions/{id}"));
        let app = &app;
        async move { call(app, &token, Method::PATCH, &path, Some(body)).await }
    };
    // The author's own reply does not settle anything: it may still edit.
    let own_reply = call(
        &app,
        &r.alpha.token,
        Method::POST,
        &format!("/contributions/{secret}/replies"),
        Some(json!({"body": "Précision : la télémaintenance est chiffrée à part."})),
    )
    .await;
    assert_eq!(own_reply.status(), StatusCode::CREATED);
    let mut edited = r.secret.clone();
    edited["body"] = json!("Télémaintenance et prise de main à distance chiffrées.");
    assert_eq!(
        rewrite(&r.alpha.token, secret, edited).await.status(),
        StatusCode::OK
    );

    // The agent answers Beta's question (no decision yet): its text is settled.
    let answered = call(
        &app,
        agent,
        Method::POST,
        &format!("/contributions/{question}/replies"),
        Some(json!({"body": "Un seul site : la préfecture."})),
    )
    .await;
    let answered: serde_json::Value = answered.json().await.unwrap();
    assert!(answered["answered_at"].is_string());
    let mut rewritten = r.question.clone();
    rewritten["body"] = json!("Les postes sont-ils répartis sur plusieurs sites ?");
    let refused = problem(
        rewrite(&r.beta.token, question, rewritten).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        refused.detail.contains("déjà répondu"),
        "{}",
        refused.detail
    );
    problem(
        withdraw(&app, &r.beta.token, question).await,
        StatusCode::CONFLICT,
    )
    .await;
    // The author may still complete it with a reply.
    let completed = call(
        &app,
        &r.beta.token,
        Method::POST,
        &format!("/contributions/{question}/replies"),
        Some(json!({"body": "Merci. Et les horaires d'accès ?"})),
    )
    .await;
    assert_eq!(completed.status(), StatusCode::CREATED);

    // A decision without any reply settles it too.
    let decided = call(
        &app,
        agent,
        Method::PUT,
        &format!("/contributions/{alternative}/decision"),
        Some(json!({"decision": "rejected", "rationale": "Le délai de 4 h est impératif."})),
    )
    .await;
    assert_eq!(decided.status(), StatusCode::OK);
    problem(
        rewrite(&r.gamma.token, alternative, r.alternative.clone()).await,
        StatusCode::CONFLICT,
    )
    .await;
    problem(
        withdraw(&app, &r.gamma.token, alternative).await,
        StatusCode::CONFLICT,
    )
    .await;

    // What everyone reads is what was answered.
    let read = call(
        &app,
        &r.alpha.token,
        Method::GET,
        &format!("/contributions/{question}"),
        None,
    )
    .await;
    let read: serde_json::Value = read.json().await.unwrap();
    assert_eq!(read["body"], r.question["body"]);
    assert_eq!(read["status"], "active");
    assert_eq!(read["replies"].as_array().unwrap().len(), 2);
}
db_test!(an_answered_or_decided_contribution_is_no_longer_rewritten_nor_withdrawn);

async fn administrators_see_that_a_confidential_solution_exists_not_what_it_says(app: TestApp) {
    use crate::fixtures::staff;
    let r = round_one(&app).await;
    let admin = staff(&app, "admin", "admin@etat.fr").await;
    let secret = "Télémaintenance avec prise de main à distance.";
    let report = format!(
        "/consultations/{}/exports/sourcing-report?format=markdown",
        r.id()
    );
    for (token, sees) in [
        (&r.s.agent.token, true),
        (&r.s.buyer.token, true),
        (&admin.token, false),
    ] {
        let listed = call(&app, token, Method::GET, &r.contributions(), None).await;
        let listed = listed.text().await.unwrap();
        assert_eq!(listed.contains(secret), sees, "{listed}");
        assert!(listed.contains("\"confidential\":true"));
        let id = r.secret["id"].as_str().unwrap();
        let one = call(
            &app,
            token,
            Method::GET,
            &format!("/contributions/{id}"),
            None,
        )
        .await;
        assert_eq!(one.text().await.unwrap().contains(secret), sees);
        for path in [
            report.clone(),
            format!("/consultations/{}/exports/contributions", r.id()),
        ] {
            let exported = call(&app, token, Method::GET, &path, None).await;
            assert_eq!(exported.status(), StatusCode::OK);
            assert_eq!(
                exported.text().await.unwrap().contains(secret),
                sees,
                "{path}"
            );
        }
    }
}
db_test!(administrators_see_that_a_confidential_solution_exists_not_what_it_says);

async fn a_company_makes_at_most_a_hundred_contributions_per_round(app: TestApp) {
    use crate::fixtures::{company, scene};
    let s = scene(&app).await;
    let alpha = company(&app, 1, "Alpha Informatique", &["72"], &["69"]).await;
    let path = format!("/consultations/{}/contributions", s.consultation);
    let body = json!({"kind": "clarification", "body": "Question", "justification": "Chiffrage."});
    for _ in 0..100 {
        let sent = call(&app, &alpha.token, Method::POST, &path, Some(body.clone())).await;
        assert_eq!(sent.status(), StatusCode::CREATED);
    }
    let refused = call(&app, &alpha.token, Method::POST, &path, Some(body)).await;
    let refused = problem(refused, StatusCode::CONFLICT).await;
    assert!(
        refused.detail.contains("100 contributions"),
        "{}",
        refused.detail
    );
}
db_test!(a_company_makes_at_most_a_hundred_contributions_per_round);
