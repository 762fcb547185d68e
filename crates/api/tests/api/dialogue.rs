//! The dialogue loop, its authorization rules and anonymity.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{PASSWORD, TestApp, problem, siret};

/// A company with distinctive identifiers, to look for leaks.
struct Company {
    name: String,
    email: String,
    siret: String,
    id: String,
    token: String,
}

async fn company(app: &TestApp, n: u32, name: &str, cpv: &[&str], deps: &[&str]) -> Company {
    let email = format!(
        "contact@{}.example.fr",
        name.to_lowercase().replace(' ', "-")
    );
    let siret = siret(100 + n);
    let body = json!({
        "email": email, "password": PASSWORD, "company_name": name, "siret": siret,
        "cpv_divisions": cpv, "departements": deps,
    });
    let response = app.post("/auth/register-company", &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let login = app.login(&email).await;
    Company {
        name: name.into(),
        id: login["user"]["id"].as_str().unwrap().into(),
        token: login["access_token"].as_str().unwrap().into(),
        email,
        siret,
    }
}

struct Staff {
    token: String,
    id: String,
}

async fn staff(app: &TestApp, role: &str, email: &str) -> Staff {
    app.create_staff(role, email).await;
    let login = app.login(email).await;
    Staff {
        token: login["access_token"].as_str().unwrap().into(),
        id: login["user"]["id"].as_str().unwrap().into(),
    }
}

async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn json_of(response: reqwest::Response, status: StatusCode) -> Value {
    let actual = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(actual, status, "{body}");
    body
}

fn draft_v1() -> Value {
    json!({
        "sections": [
            {"title": "Objet du marché", "clauses": [
                {"number": "1.1", "title": "Périmètre", "text": "Le marché porte sur la maintenance de 400 postes de travail."},
                {"number": "1.2", "title": "Délais", "text": "Le titulaire intervient sous 4 heures ouvrées."}
            ]},
            {"title": "Exécution", "clauses": [
                {"number": "2.1", "title": "Astreinte", "text": "Une astreinte est assurée le samedi."}
            ]}
        ],
        "criteria": [
            {"name": "Prix", "description": "Prix global", "weight": 40},
            {"name": "Valeur technique", "description": "Méthodologie", "weight": 60}
        ]
    })
}

struct Scene {
    agent: Staff,
    buyer: Staff,
    consultation: String,
    draft: Value,
}

/// An agent, a buyer and a consultation in round 1 (72000000-5, Rhône).
async fn scene(app: &TestApp) -> Scene {
    let agent = staff(app, "agent", "agent@rhone.gouv.fr").await;
    let buyer = staff(app, "buyer", "acheteur@pfra.gouv.fr").await;
    let created = json_of(
        call(
            app,
            &agent.token,
            Method::POST,
            "/consultations",
            Some(json!({
                "title": "Maintenance du parc informatique", "summary": "400 postes",
                "cpv_code": "72000000-5", "departement": "69", "buyer_id": buyer.id,
            })),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["status"], "draft");
    let id = created["id"].as_str().unwrap().to_owned();
    let saved = app
        .client
        .put(app.url(&format!("/consultations/{id}/draft")))
        .bearer_auth(&agent.token)
        .header("If-Match", "\"1\"")
        .json(&draft_v1())
        .send()
        .await
        .unwrap();
    assert_eq!(saved.headers()["etag"], "\"2\"");
    let draft = json_of(saved, StatusCode::OK).await["content"].clone();
    let round = call(
        app,
        &agent.token,
        Method::POST,
        &format!("/consultations/{id}/rounds"),
        Some(json!({
            "closes_at": Utc::now() + Duration::days(10), "changelog": "Première version",
        })),
    )
    .await;
    assert_eq!(round.status(), StatusCode::CREATED);
    Scene {
        agent,
        buyer,
        consultation: id,
        draft,
    }
}

fn clause_id(draft: &Value, section: usize, clause: usize) -> String {
    draft["sections"][section]["clauses"][clause]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn the_draft_is_saved_with_optimistic_concurrency(app: TestApp) {
    let agent = staff(&app, "agent", "agent@rhone.gouv.fr").await;
    let buyer = staff(&app, "buyer", "acheteur@pfra.gouv.fr").await;
    let created = json_of(call(&app, &agent.token, Method::POST, "/consultations", Some(json!({
        "title": "Nettoyage", "cpv_code": "90000000-7", "departement": "69", "buyer_id": buyer.id,
    }))).await, StatusCode::CREATED).await;
    let path = format!("/consultations/{}/draft", created["id"].as_str().unwrap());

    let read = call(&app, &agent.token, Method::GET, &path, None).await;
    assert_eq!(read.headers()["etag"], "\"1\"");
    let put = |if_match: Option<&'static str>, body: Value| {
        let mut request = app
            .client
            .put(app.url(&path))
            .bearer_auth(&agent.token)
            .json(&body);
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        request.send()
    };
    problem(
        put(None, draft_v1()).await.unwrap(),
        StatusCode::PRECONDITION_REQUIRED,
    )
    .await;
    assert_eq!(
        put(Some("\"1\""), draft_v1()).await.unwrap().status(),
        StatusCode::OK
    );
    // A second editor still holding version 1 is told someone saved first.
    problem(
        put(Some("\"1\""), draft_v1()).await.unwrap(),
        StatusCode::PRECONDITION_FAILED,
    )
    .await;

    let mut bad = draft_v1();
    bad["criteria"][0]["weight"] = json!(50);
    let refused = problem(
        put(Some("\"2\""), bad).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(refused.field_message("criteria").unwrap().contains("110"));
    // Nothing changed: version 2 is still current.
    let read = call(&app, &agent.token, Method::GET, &path, None).await;
    assert_eq!(read.headers()["etag"], "\"2\"");

    let rounds = format!("/consultations/{}/rounds", created["id"].as_str().unwrap());
    let past = call(
        &app,
        &agent.token,
        Method::POST,
        &rounds,
        Some(json!({"closes_at": Utc::now() - Duration::hours(1)})),
    )
    .await;
    assert_eq!(
        problem(past, StatusCode::UNPROCESSABLE_ENTITY).await.errors[0].field,
        "closes_at"
    );
    let future = json!({"closes_at": Utc::now() + Duration::days(3)});
    assert_eq!(
        call(
            &app,
            &agent.token,
            Method::POST,
            &rounds,
            Some(future.clone())
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    problem(
        call(&app, &agent.token, Method::POST, &rounds, Some(future)).await,
        StatusCode::CONFLICT,
    )
    .await;
}
db_test!(the_draft_is_saved_with_optimistic_concurrency);

async fn the_full_dialogue_runs_two_rounds_to_publication_without_leaking_identities(app: TestApp) {
    let s = scene(&app).await;
    let cid = s.consultation.clone();
    let alpha = company(&app, 1, "Alpha Informatique", &["72"], &["69"]).await;
    let beta = company(&app, 2, "Beta Services", &["72", "48"], &["69", "01"]).await;
    let gamma = company(&app, 3, "Gamma Conseil", &["72"], &["69"]).await;
    let outsider = company(&app, 4, "Omega Travaux", &["45"], &["13"]).await;
    let contributions = format!("/consultations/{cid}/contributions");
    let c11 = clause_id(&s.draft, 0, 0);
    let c12 = clause_id(&s.draft, 0, 1);
    let price = s.draft["criteria"][0]["id"].as_str().unwrap().to_owned();

    // Targeting: the outsider does not even learn that the consultation exists.
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
            &contributions,
            Some(json!({"kind": "clarification", "body": "x", "justification": "y"})),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let listed = json_of(
        call(
            &app,
            &alpha.token,
            Method::GET,
            "/consultations?status=in_dialogue",
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["total"], 1);

    // Round 1: one contribution of every kind.
    let secret = json_of(call(&app, &alpha.token, Method::POST, &contributions, Some(json!({
        "target_kind": "clause", "target_id": c12, "kind": "solution",
        "body": "Télémaintenance avec prise de main à distance.", "justification": "Évite 80 % des déplacements.",
        "cost_direction": "decrease", "confidential": true,
    }))).await, StatusCode::CREATED).await;
    assert_eq!(secret["author"]["label"], "Vous");
    let question = json_of(call(&app, &beta.token, Method::POST, &contributions, Some(json!({
        "kind": "clarification", "body": "Les postes sont-ils tous sur un même site ?", "justification": "Le coût de déplacement en dépend.",
    }))).await, StatusCode::CREATED).await;
    let missing_text = call(&app, &gamma.token, Method::POST, &contributions, Some(json!({
        "target_kind": "clause", "target_id": c12, "kind": "alternative_clause",
        "body": "Un délai de 8 heures suffit.", "justification": "Astreinte coûteuse.", "cost_direction": "decrease",
    }))).await;
    assert_eq!(
        problem(missing_text, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .errors[0]
            .field,
        "proposed_text"
    );
    let unknown_clause = call(
        &app,
        &gamma.token,
        Method::POST,
        &contributions,
        Some(json!({
            "target_kind": "clause", "target_id": uuid::Uuid::new_v4(), "kind": "solution",
            "body": "b", "justification": "j", "cost_direction": "neutral",
        })),
    )
    .await;
    assert_eq!(
        problem(unknown_clause, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .errors[0]
            .field,
        "target_id"
    );
    let no_cost = call(&app, &gamma.token, Method::POST, &contributions, Some(json!({
        "target_kind": "clause", "target_id": c11, "kind": "solution", "body": "b", "justification": "j",
    }))).await;
    assert_eq!(
        problem(no_cost, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .errors[0]
            .field,
        "cost_direction"
    );
    let too_long = call(
        &app,
        &gamma.token,
        Method::POST,
        &contributions,
        Some(json!({
            "kind": "clarification", "body": "x".repeat(10_001), "justification": "j",
        })),
    )
    .await;
    assert_eq!(
        problem(too_long, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .errors[0]
            .field,
        "body"
    );
    let alternative = json_of(call(&app, &gamma.token, Method::POST, &contributions, Some(json!({
        "target_kind": "clause", "target_id": c12, "kind": "alternative_clause",
        "body": "Un délai de 8 heures suffit pour les postes non critiques.", "justification": "L'astreinte 4 h coûte cher.",
        "cost_direction": "decrease", "proposed_text": "Le titulaire intervient sous 8 heures ouvrées.",
    }))).await, StatusCode::CREATED).await;
    json_of(call(&app, &gamma.token, Method::POST, &contributions, Some(json!({
        "target_kind": "criterion", "target_id": price, "kind": "alternative_criterion",
        "body": "Baisser le poids du prix.", "justification": "La qualité prime.", "cost_direction": "increase",
        "proposed_text": "Prix", "proposed_weight": 30,
    }))).await, StatusCode::CREATED).await;

    // Pseudonyms: stable, in order of first contribution, "Vous" for oneself.
    let seen_by_beta = json_of(
        call(&app, &beta.token, Method::GET, &contributions, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen_by_beta["total"], 3);
    let labels: Vec<&str> = seen_by_beta["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["author"]["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["Vous", "Entreprise C", "Entreprise C"],
        "Alpha's confidential solution stays hidden"
    );
    problem(
        call(
            &app,
            &beta.token,
            Method::GET,
            &format!("/contributions/{}", secret["id"].as_str().unwrap()),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let seen_by_agent = json_of(
        call(&app, &s.agent.token, Method::GET, &contributions, None).await,
        StatusCode::OK,
    )
    .await["items"]
        .clone();
    assert_eq!(seen_by_agent.as_array().unwrap().len(), 4);
    assert_eq!(seen_by_agent[0]["author"]["label"], "Entreprise A");
    let second_page = json_of(
        call(
            &app,
            &s.agent.token,
            Method::GET,
            &format!("{contributions}?per_page=3&page=2"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(second_page["total"], 4);
    assert_eq!(second_page["items"].as_array().unwrap().len(), 1);
    let seen_by_buyer = json_of(
        call(
            &app,
            &s.buyer.token,
            Method::GET,
            &format!("{contributions}?kind=solution"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen_by_buyer["items"][0]["confidential"], true);

    // Nobody edits someone else's contribution.
    let question_id = question["id"].as_str().unwrap();
    problem(
        call(
            &app,
            &gamma.token,
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

    // The answer to a clarification is public; decisions reach their authors.
    let answered = json_of(
        call(
            &app,
            &s.agent.token,
            Method::POST,
            &format!("/contributions/{question_id}/replies"),
            Some(json!({
                "body": "Oui, un seul site : la préfecture à Lyon.",
            })),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(answered["replies"][0]["author"]["label"], "Vous");
    let seen_by_alpha = json_of(
        call(
            &app,
            &alpha.token,
            Method::GET,
            &format!("/contributions/{question_id}"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        seen_by_alpha["replies"][0]["body"],
        "Oui, un seul site : la préfecture à Lyon."
    );
    assert_eq!(seen_by_alpha["author"]["label"], "Entreprise B");
    assert_eq!(seen_by_alpha["replies"][0]["author"]["label"], "L'agent");
    let wrong = call(
        &app,
        &s.agent.token,
        Method::PUT,
        &format!("/contributions/{question_id}/decision"),
        Some(json!({"decision": "accepted", "rationale": "ok"})),
    )
    .await;
    assert_eq!(
        problem(wrong, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .errors[0]
            .field,
        "decision"
    );
    json_of(
        call(
            &app,
            &s.agent.token,
            Method::PUT,
            &format!("/contributions/{question_id}/decision"),
            Some(json!({"decision": "answered", "rationale": "Réponse publiée."})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let alternative_id = alternative["id"].as_str().unwrap();
    json_of(call(&app, &s.agent.token, Method::PUT, &format!("/contributions/{alternative_id}/decision"), Some(json!({
        "decision": "partially_accepted", "rationale": "8 h pour les postes non critiques.", "integrated_in_round": 1,
    }))).await, StatusCode::OK).await;
    let notes = json_of(
        call(&app, &alpha.token, Method::GET, "/notifications", None).await,
        StatusCode::OK,
    )
    .await;
    // Alpha registered after round 1 opened: it is told of the public answer only.
    assert_eq!(notes["unread"], 1);
    assert!(
        notes["items"][0]["message"]
            .as_str()
            .unwrap()
            .contains("réponse publique")
    );
    let note_id = notes["items"][0]["id"].as_str().unwrap();
    assert_eq!(
        call(
            &app,
            &alpha.token,
            Method::POST,
            &format!("/notifications/{note_id}/read"),
            None
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    problem(
        call(
            &app,
            &beta.token,
            Method::POST,
            &format!("/notifications/{note_id}/read"),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let notes = json_of(
        call(&app, &alpha.token, Method::GET, "/notifications", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(notes["unread"], 0);
    let mine = json_of(
        call(
            &app,
            &gamma.token,
            Method::GET,
            &format!("/contributions/{alternative_id}"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["decision"]["decision"], "partially_accepted");

    // Round 2: the agent revises the draft; everyone sees what changed.
    let draft_path = format!("/consultations/{cid}/draft");
    let current = call(&app, &s.agent.token, Method::GET, &draft_path, None).await;
    let etag = current.headers()["etag"].to_str().unwrap().to_owned();
    let mut revised = json_of(current, StatusCode::OK).await["content"].clone();
    revised["sections"][0]["clauses"][1]["text"] =
        json!("Le titulaire intervient sous 8 heures ouvrées pour les postes non critiques.");
    revised["sections"][1]["clauses"]
        .as_array_mut()
        .unwrap()
        .clear();
    revised["sections"][1]["clauses"].as_array_mut().unwrap().push(json!({"number": "2.1", "title": "Télémaintenance", "text": "La prise de main à distance est autorisée."}));
    let saved = app
        .client
        .put(app.url(&draft_path))
        .bearer_auth(&s.agent.token)
        .header("If-Match", etag)
        .json(&revised)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    let closes =
        json!({"closes_at": Utc::now() + Duration::days(5), "changelog": "Délais assouplis"});
    problem(
        call(
            &app,
            &s.agent.token,
            Method::POST,
            &format!("/consultations/{cid}/rounds"),
            Some(closes.clone()),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    json_of(
        call(
            &app,
            &s.agent.token,
            Method::POST,
            &format!("/consultations/{cid}/rounds/1/close"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    problem(
        call(
            &app,
            &gamma.token,
            Method::POST,
            &contributions,
            Some(json!({"kind": "clarification", "body": "b", "justification": "j"})),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    json_of(
        call(
            &app,
            &s.agent.token,
            Method::POST,
            &format!("/consultations/{cid}/rounds"),
            Some(closes),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    let diff = json_of(
        call(
            &app,
            &beta.token,
            Method::GET,
            &format!("/consultations/{cid}/rounds/2/diff?from=1"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let changes: Vec<(&str, &str)> = diff["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["label_after"]
                    .as_str()
                    .or(c["label_before"].as_str())
                    .unwrap(),
                c["change"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [("1.2", "modified"), ("2.1", "added"), ("2.1", "removed")]
    );
    let words = &diff["clauses"][0]["text"];
    assert!(
        words
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["op"] == "insert" && w["text"].as_str().unwrap().contains("non critiques"))
    );
    assert!(
        words
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["op"] == "delete" && w["text"].as_str().unwrap().contains('4'))
    );
    // The clause that existed only in round 1 is no longer a valid target.
    let stale = call(&app, &alpha.token, Method::POST, &contributions, Some(json!({
        "target_kind": "clause", "target_id": clause_id(&s.draft, 1, 0), "kind": "clarification", "body": "b", "justification": "j",
    }))).await;
    problem(stale, StatusCode::UNPROCESSABLE_ENTITY).await;
    json_of(call(&app, &alpha.token, Method::POST, &contributions, Some(json!({
        "target_kind": "clause", "target_id": c12, "kind": "solution", "body": "Accord sur 8 h.", "justification": "Réaliste.", "cost_direction": "neutral",
    }))).await, StatusCode::CREATED).await;

    // Publication: requested once the round is closed, approved by the assigned buyer.
    let request = format!("/consultations/{cid}/publication-request");
    let decision = format!("/consultations/{cid}/publication-decision");
    problem(
        call(&app, &s.agent.token, Method::POST, &request, None).await,
        StatusCode::CONFLICT,
    )
    .await;
    json_of(
        call(
            &app,
            &s.agent.token,
            Method::POST,
            &format!("/consultations/{cid}/rounds/2/close"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        json_of(
            call(&app, &s.agent.token, Method::POST, &request, None).await,
            StatusCode::OK
        )
        .await["status"],
        "awaiting_approval"
    );
    problem(
        call(
            &app,
            &alpha.token,
            Method::POST,
            &decision,
            Some(json!({"approve": true})),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let no_comment = call(
        &app,
        &s.buyer.token,
        Method::POST,
        &decision,
        Some(json!({"approve": false})),
    )
    .await;
    assert_eq!(
        problem(no_comment, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .errors[0]
            .field,
        "comment"
    );
    let back = json_of(
        call(
            &app,
            &s.buyer.token,
            Method::POST,
            &decision,
            Some(json!({"approve": false, "comment": "Préciser le site."})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(back["status"], "between_rounds");
    json_of(
        call(&app, &s.agent.token, Method::POST, &request, None).await,
        StatusCode::OK,
    )
    .await;
    let published = json_of(
        call(
            &app,
            &s.buyer.token,
            Method::POST,
            &decision,
            Some(json!({"approve": true})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(published["status"], "published");
    let frozen = app
        .client
        .put(app.url(&draft_path))
        .bearer_auth(&s.agent.token)
        .header("If-Match", "\"3\"")
        .json(&revised)
        .send()
        .await
        .unwrap();
    problem(frozen, StatusCode::CONFLICT).await;
    let agent_notes = json_of(
        call(&app, &s.agent.token, Method::GET, "/notifications", None).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        agent_notes["items"][0]["message"]
            .as_str()
            .unwrap()
            .contains("validée")
    );

    // Synthesis and audit trail, for staff only.
    let synthesis = json_of(
        call(
            &app,
            &s.agent.token,
            Method::GET,
            &format!("/consultations/{cid}/synthesis"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let round1_c12 = synthesis
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["round"] == 1 && r["target_id"] == json!(c12))
        .unwrap();
    assert_eq!(
        (
            round1_c12["solutions"].as_u64(),
            round1_c12["alternatives"].as_u64(),
            round1_c12["cost_decrease"].as_u64()
        ),
        (Some(1), Some(1), Some(2))
    );
    problem(
        call(
            &app,
            &alpha.token,
            Method::GET,
            &format!("/consultations/{cid}/events"),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let events = json_of(
        call(
            &app,
            &s.buyer.token,
            Method::GET,
            &format!("/consultations/{cid}/events"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let actors: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert!(actors.contains(&"Entreprise A") && actors.contains(&"L'acheteur PFRA"));

    // Anonymity sweep: everything each reader can fetch, searched for the others' identities.
    let companies = [&alpha, &beta, &gamma];
    let mut readers: Vec<(&str, &str, Vec<&Company>)> = vec![
        ("agent", s.agent.token.as_str(), companies.to_vec()),
        ("buyer", s.buyer.token.as_str(), companies.to_vec()),
    ];
    for c in companies {
        readers.push((
            c.name.as_str(),
            c.token.as_str(),
            companies.iter().copied().filter(|o| o.id != c.id).collect(),
        ));
    }
    let mut paths = vec![
        "/consultations".to_owned(),
        format!("/consultations/{cid}"),
        contributions.clone(),
        format!("/consultations/{cid}/rounds"),
        format!("/consultations/{cid}/rounds/2"),
        format!("/consultations/{cid}/rounds/2/diff"),
        format!("/consultations/{cid}/events"),
        format!("/consultations/{cid}/synthesis"),
        "/notifications".to_owned(),
    ];
    for c in seen_by_agent.as_array().unwrap() {
        paths.push(format!("/contributions/{}", c["id"].as_str().unwrap()));
    }
    let mut checked = 0;
    for (reader, token, others) in &readers {
        for path in &paths {
            let response = call(&app, token, Method::GET, path, None).await;
            let body = response.text().await.unwrap();
            for other in others {
                for secret in [&other.name, &other.email, &other.siret, &other.id] {
                    assert!(
                        !body.contains(secret.as_str()),
                        "{reader} received {secret} from {path}: {body}"
                    );
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, readers.len() * paths.len());
}
db_test!(the_full_dialogue_runs_two_rounds_to_publication_without_leaking_identities);

async fn every_operation_answers_each_role_as_the_rules_say(app: TestApp) {
    let s = scene(&app).await;
    let cid = s.consultation.clone();
    let other_agent = staff(&app, "agent", "autre.agent@ain.gouv.fr").await;
    let other_buyer = staff(&app, "buyer", "autre.acheteur@pfra.gouv.fr").await;
    let admin = staff(&app, "admin", "admin@etat.fr").await;
    let member = company(&app, 1, "Alpha Informatique", &["72"], &["69"]).await;
    let outsider = company(&app, 2, "Omega Travaux", &["45"], &["13"]).await;
    let c11 = clause_id(&s.draft, 0, 0);

    use StatusCode as S;
    let contribution = json!({"target_kind": "clause", "target_id": c11, "kind": "clarification", "body": "Question ?", "justification": "Pour chiffrer."});
    let operations: Vec<(&str, Method, String, Option<Value>)> = vec![
        (
            "read consultation",
            Method::GET,
            format!("/consultations/{cid}"),
            None,
        ),
        (
            "edit consultation",
            Method::PATCH,
            format!("/consultations/{cid}"),
            Some(json!({"summary": "Nouveau résumé"})),
        ),
        (
            "read draft",
            Method::GET,
            format!("/consultations/{cid}/draft"),
            None,
        ),
        (
            "list rounds",
            Method::GET,
            format!("/consultations/{cid}/rounds"),
            None,
        ),
        (
            "read revision",
            Method::GET,
            format!("/consultations/{cid}/rounds/1"),
            None,
        ),
        (
            "contribute",
            Method::POST,
            format!("/consultations/{cid}/contributions"),
            Some(contribution),
        ),
        (
            "list contributions",
            Method::GET,
            format!("/consultations/{cid}/contributions"),
            None,
        ),
        (
            "synthesis",
            Method::GET,
            format!("/consultations/{cid}/synthesis"),
            None,
        ),
        (
            "events",
            Method::GET,
            format!("/consultations/{cid}/events"),
            None,
        ),
        (
            "publication decision",
            Method::POST,
            format!("/consultations/{cid}/publication-decision"),
            Some(json!({"approve": true})),
        ),
        (
            "request publication",
            Method::POST,
            format!("/consultations/{cid}/publication-request"),
            None,
        ),
    ];
    //                          owner      other agent  buyer     other buyer admin      member      outsider
    let expected: [[S; 7]; 11] = [
        /* read consultation */
        [
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::OK,
            S::NOT_FOUND,
        ],
        /* edit consultation */
        [
            S::OK,
            S::NOT_FOUND,
            S::FORBIDDEN,
            S::NOT_FOUND,
            S::FORBIDDEN,
            S::FORBIDDEN,
            S::NOT_FOUND,
        ],
        /* read draft */
        [
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::FORBIDDEN,
            S::NOT_FOUND,
        ],
        /* list rounds */
        [
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::OK,
            S::NOT_FOUND,
        ],
        /* read revision */
        [
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::OK,
            S::NOT_FOUND,
        ],
        /* contribute */
        [
            S::FORBIDDEN,
            S::NOT_FOUND,
            S::FORBIDDEN,
            S::NOT_FOUND,
            S::FORBIDDEN,
            S::CREATED,
            S::NOT_FOUND,
        ],
        /* list contributions */
        [
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::OK,
            S::NOT_FOUND,
        ],
        /* synthesis */
        [
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::FORBIDDEN,
            S::NOT_FOUND,
        ],
        /* events */
        [
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::FORBIDDEN,
            S::NOT_FOUND,
        ],
        /* publication dec. */
        [
            S::FORBIDDEN,
            S::NOT_FOUND,
            S::CONFLICT,
            S::NOT_FOUND,
            S::FORBIDDEN,
            S::FORBIDDEN,
            S::NOT_FOUND,
        ],
        /* request publ. */
        [
            S::CONFLICT,
            S::NOT_FOUND,
            S::FORBIDDEN,
            S::NOT_FOUND,
            S::FORBIDDEN,
            S::FORBIDDEN,
            S::NOT_FOUND,
        ],
    ];
    let actors = [
        ("owner agent", &s.agent.token),
        ("other agent", &other_agent.token),
        ("assigned buyer", &s.buyer.token),
        ("other buyer", &other_buyer.token),
        ("admin", &admin.token),
        ("member company", &member.token),
        ("outsider company", &outsider.token),
    ];
    for ((name, method, path, body), row) in operations.iter().zip(expected) {
        for ((actor, token), status) in actors.iter().zip(row) {
            let response = call(&app, token, method.clone(), path, body.clone()).await;
            let actual = response.status();
            let text = response.text().await.unwrap();
            assert_eq!(actual, status, "{name} as {actor}: {text}");
        }
        let anonymous = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), S::UNAUTHORIZED, "{name} anonymously");
    }
    // Ids that do not exist look the same as ids one may not see.
    let ghost = uuid::Uuid::new_v4();
    problem(
        call(
            &app,
            &s.agent.token,
            Method::GET,
            &format!("/consultations/{ghost}"),
            None,
        )
        .await,
        S::NOT_FOUND,
    )
    .await;
    problem(
        call(
            &app,
            &s.agent.token,
            Method::GET,
            "/consultations/pas-un-uuid",
            None,
        )
        .await,
        S::NOT_FOUND,
    )
    .await;
    problem(
        call(
            &app,
            &member.token,
            Method::GET,
            &format!("/contributions/{ghost}"),
            None,
        )
        .await,
        S::NOT_FOUND,
    )
    .await;
    // Only agents create consultations.
    for token in [&s.buyer.token, &member.token, &admin.token] {
        problem(
            call(
                &app,
                token,
                Method::POST,
                "/consultations",
                Some(json!({"title": "x"})),
            )
            .await,
            S::FORBIDDEN,
        )
        .await;
    }
}
db_test!(every_operation_answers_each_role_as_the_rules_say);
