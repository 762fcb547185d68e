//! The people and the consultation the dialogue tests act on, built through
//! the API as users would, in stages: a scene in round 1, one contribution of
//! every kind, the agent's answers, round 2, publication. Each stage checks
//! its own status codes; each test asserts its concept.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, siret};

/// A company with distinctive identifiers, to look for leaks.
pub struct Company {
    pub name: String,
    pub email: String,
    pub siret: String,
    pub id: String,
    pub token: String,
}

pub async fn company(app: &TestApp, n: u32, name: &str, cpv: &[&str], deps: &[&str]) -> Company {
    let email = format!(
        "contact@{}.example.fr",
        name.to_lowercase().replace(' ', "-")
    );
    let siret = siret(100 + n);
    let body = json!({
        "email": email, "password": PASSWORD, "company_name": name, "siret": siret,
        "cpv_divisions": cpv, "departements": deps,
    });
    app.register_with(&body).await;
    let login = app.login(&email).await;
    Company {
        name: name.into(),
        id: login["user"]["id"].as_str().unwrap().into(),
        token: login["access_token"].as_str().unwrap().into(),
        email,
        siret,
    }
}

pub struct Staff {
    pub token: String,
    pub id: String,
}

pub async fn staff(app: &TestApp, role: &str, email: &str) -> Staff {
    app.create_staff(role, email).await;
    let login = app.login(email).await;
    Staff {
        token: login["access_token"].as_str().unwrap().into(),
        id: login["user"]["id"].as_str().unwrap().into(),
    }
}

pub async fn call(
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

/// A company withdraws its contribution `id`.
pub async fn withdraw(app: &TestApp, token: &str, id: &str) -> reqwest::Response {
    let path = format!("/contributions/{id}/withdraw");
    call(app, token, Method::POST, &path, None).await
}

/// A GET holding the copy tagged `etag` (`If-None-Match`); anonymous
/// without a token.
pub async fn revalidate(
    app: &TestApp,
    token: Option<&str>,
    path: &str,
    etag: &str,
) -> reqwest::Response {
    let mut request = app
        .client
        .get(app.url(path))
        .header(reqwest::header::IF_NONE_MATCH, etag);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// The `ETag` and `Cache-Control` of a response.
pub fn validators(response: &reqwest::Response) -> (String, String) {
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    (
        header(reqwest::header::ETAG),
        header(reqwest::header::CACHE_CONTROL),
    )
}

/// A GET the API must answer with 200: its JSON body.
pub async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    json_of(
        call(app, token, Method::GET, path, None).await,
        StatusCode::OK,
    )
    .await
}

pub async fn json_of(response: reqwest::Response, status: StatusCode) -> Value {
    let actual = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(actual, status, "{body}");
    body
}

pub fn draft_v1() -> Value {
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

pub struct Scene {
    pub agent: Staff,
    pub buyer: Staff,
    pub consultation: String,
    pub draft: Value,
}

/// An agent, a buyer and a consultation in round 1 (72000000-5, Rhône).
pub async fn scene(app: &TestApp) -> Scene {
    let agent = staff(app, "agent", "agent@rhone.gouv.fr").await;
    let buyer = staff(app, "buyer", "acheteur@pfra.gouv.fr").await;
    let (id, draft) = in_round_one(
        app,
        &agent,
        json!({
            "title": "Maintenance du parc informatique", "summary": "400 postes",
            "cpv_code": "72000000-5", "departement": "69", "buyer_id": buyer.id,
        }),
    )
    .await;
    // The opening is told to the companies registered by now, not to those
    // the test registers next.
    app.wait_for_fan_out().await;
    Scene {
        agent,
        buyer,
        consultation: id,
        draft,
    }
}

/// A consultation of `agent` created with `fields`, its draft v1 saved and
/// round 1 open for ten days: its id and its draft.
pub async fn in_round_one(app: &TestApp, agent: &Staff, fields: Value) -> (String, Value) {
    let created = json_of(
        call(
            app,
            &agent.token,
            Method::POST,
            "/consultations",
            Some(fields),
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
    (id, draft)
}

pub fn clause_id(draft: &Value, section: usize, clause: usize) -> String {
    draft["sections"][section]["clauses"][clause]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Round 1 with three companies of the domain and territory (Alpha, Beta,
/// Gamma), one outsider (Omega) and one contribution of every kind: Alpha's
/// confidential solution, Beta's clarification request, Gamma's alternative
/// clause and alternative criterion.
pub struct RoundOne {
    pub s: Scene,
    pub alpha: Company,
    pub beta: Company,
    pub gamma: Company,
    pub outsider: Company,
    pub secret: Value,
    pub question: Value,
    pub alternative: Value,
}

impl RoundOne {
    pub fn id(&self) -> &str {
        &self.s.consultation
    }

    pub fn contributions(&self) -> String {
        format!("/consultations/{}/contributions", self.s.consultation)
    }

    /// Clause 1.2, which the contributions of round 1 aim at.
    pub fn c12(&self) -> String {
        clause_id(&self.s.draft, 0, 1)
    }
}

pub async fn round_one(app: &TestApp) -> RoundOne {
    let s = scene(app).await;
    let alpha = company(app, 1, "Alpha Informatique", &["72"], &["69"]).await;
    let beta = company(app, 2, "Beta Services", &["72", "48"], &["69", "01"]).await;
    let gamma = company(app, 3, "Gamma Conseil", &["72"], &["69"]).await;
    let outsider = company(app, 4, "Omega Travaux", &["45"], &["13"]).await;
    let contributions = format!("/consultations/{}/contributions", s.consultation);
    let c12 = clause_id(&s.draft, 0, 1);
    let price = s.draft["criteria"][0]["id"].as_str().unwrap().to_owned();
    let create = |token: &str, body: Value| {
        let (token, path) = (token.to_owned(), contributions.clone());
        async move {
            json_of(
                call(app, &token, Method::POST, &path, Some(body)).await,
                StatusCode::CREATED,
            )
            .await
        }
    };
    let secret = create(&alpha.token, json!({
        "target_kind": "clause", "target_id": c12, "kind": "solution",
        "body": "Télémaintenance avec prise de main à distance.", "justification": "Évite 80 % des déplacements.",
        "cost_direction": "decrease", "confidential": true,
    })).await;
    let question = create(&beta.token, json!({
        "kind": "clarification", "body": "Les postes sont-ils tous sur un même site ?", "justification": "Le coût de déplacement en dépend.",
    })).await;
    let alternative = create(&gamma.token, json!({
        "target_kind": "clause", "target_id": c12, "kind": "alternative_clause",
        "body": "Un délai de 8 heures suffit pour les postes non critiques.", "justification": "L'astreinte 4 h coûte cher.",
        "cost_direction": "decrease", "proposed_text": "Le titulaire intervient sous 8 heures ouvrées.",
    })).await;
    create(&gamma.token, json!({
        "target_kind": "criterion", "target_id": price, "kind": "alternative_criterion",
        "body": "Baisser le poids du prix.", "justification": "La qualité prime.", "cost_direction": "increase",
        "proposed_text": "Prix", "proposed_weight": 30,
    })).await;
    RoundOne {
        s,
        alpha,
        beta,
        gamma,
        outsider,
        secret,
        question,
        alternative,
    }
}

/// The agent answers Beta's question publicly and decides on it and on
/// Gamma's alternative clause (integrated in part).
pub async fn answer_and_decide(app: &TestApp, r: &RoundOne) {
    let agent = &r.s.agent.token;
    let question = r.question["id"].as_str().unwrap();
    let alternative = r.alternative["id"].as_str().unwrap();
    for (method, path, body, status) in [
        (
            Method::POST,
            format!("/contributions/{question}/replies"),
            json!({"body": "Oui, un seul site : la préfecture à Lyon."}),
            StatusCode::CREATED,
        ),
        (
            Method::PUT,
            format!("/contributions/{question}/decision"),
            json!({"decision": "answered", "rationale": "Réponse publiée."}),
            StatusCode::OK,
        ),
        (
            Method::PUT,
            format!("/contributions/{alternative}/decision"),
            json!({"decision": "partially_accepted", "rationale": "8 h pour les postes non critiques.", "integrated_in_round": 1}),
            StatusCode::OK,
        ),
    ] {
        json_of(call(app, agent, method, &path, Some(body)).await, status).await;
    }
}

/// Draft v2: clause 1.2 relaxed, clause 2.1 replaced by a new one.
pub fn revised(mut draft: Value) -> Value {
    draft["sections"][0]["clauses"][1]["text"] =
        json!("Le titulaire intervient sous 8 heures ouvrées pour les postes non critiques.");
    draft["sections"][1]["clauses"] = json!([
        {"number": "2.1", "title": "Télémaintenance", "text": "La prise de main à distance est autorisée."}
    ]);
    draft
}

/// Changes the saved draft with `edit`, sending the version it read (`If-Match`).
pub async fn save_draft(app: &TestApp, r: &RoundOne, edit: impl FnOnce(&mut Value)) {
    let path = format!("/consultations/{}/draft", r.id());
    let current = call(app, &r.s.agent.token, Method::GET, &path, None).await;
    let etag = current.headers()["etag"].to_str().unwrap().to_owned();
    let mut draft = json_of(current, StatusCode::OK).await["content"].clone();
    edit(&mut draft);
    let saved = app
        .client
        .put(app.url(&path))
        .bearer_auth(&r.s.agent.token)
        .header("If-Match", etag)
        .json(&draft)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
}

pub async fn save_revised_draft(app: &TestApp, r: &RoundOne) {
    save_draft(app, r, |draft| *draft = revised(draft.clone())).await;
}

pub async fn close_round(app: &TestApp, r: &RoundOne, n: u32) {
    let path = format!("/consultations/{}/rounds/{n}/close", r.id());
    json_of(
        call(app, &r.s.agent.token, Method::POST, &path, None).await,
        StatusCode::OK,
    )
    .await;
}

pub fn round_two_opening() -> Value {
    json!({"closes_at": Utc::now() + Duration::days(5), "changelog": "Délais assouplis"})
}

/// Round 2 on the revised draft, where Alpha agrees with the new delay.
pub async fn second_round(app: &TestApp, r: &RoundOne) {
    save_revised_draft(app, r).await;
    close_round(app, r, 1).await;
    let rounds = format!("/consultations/{}/rounds", r.id());
    json_of(
        call(
            app,
            &r.s.agent.token,
            Method::POST,
            &rounds,
            Some(round_two_opening()),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    json_of(call(app, &r.alpha.token, Method::POST, &r.contributions(), Some(json!({
        "target_kind": "clause", "target_id": r.c12(), "kind": "solution", "body": "Accord sur 8 h.", "justification": "Réaliste.", "cost_direction": "neutral",
    }))).await, StatusCode::CREATED).await;
}

/// The agent takes note of the detector's warnings, if any (the revised
/// draft takes over contributions of round 1).
pub async fn acknowledge_warnings(app: &TestApp, r: &RoundOne) {
    let fairness = format!("/consultations/{}/fairness", r.id());
    let report = json_of(
        call(app, &r.s.agent.token, Method::GET, &fairness, None).await,
        StatusCode::OK,
    )
    .await;
    if report["unacknowledged"]
        .as_array()
        .is_some_and(|w| !w.is_empty())
    {
        let acknowledged = call(
            app,
            &r.s.agent.token,
            Method::POST,
            &format!("{fairness}/acknowledgement"),
            Some(json!({"comment": "Les reprises répondent au besoin exprimé."})),
        )
        .await;
        assert_eq!(acknowledged.status(), StatusCode::OK);
    }
}

/// Round 2 closed, publication requested and approved by the assigned buyer.
pub async fn publish(app: &TestApp, r: &RoundOne) {
    close_round(app, r, 2).await;
    let request = format!("/consultations/{}/publication-request", r.id());
    let decision = format!("/consultations/{}/publication-decision", r.id());
    acknowledge_warnings(app, r).await;
    let requested = json_of(
        call(app, &r.s.agent.token, Method::POST, &request, None).await,
        StatusCode::OK,
    )
    .await;
    let revision = requested["publication"]["revision"].clone();
    json_of(
        call(
            app,
            &r.s.buyer.token,
            Method::POST,
            &decision,
            Some(json!({"approve": true, "revision": revision})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

/// A CCTP of real size: `sections` × `clauses` numbered clauses of about
/// 1 300 characters each (30 × 11 gives 330 clauses, some 430 000
/// characters: a 150-page document), and two criteria.
pub fn large_cctp(sections: usize, clauses: usize) -> Value {
    let paragraph = "Le titulaire assure la maintenance préventive et curative des équipements \
        décrits à l'annexe technique, dans le respect des délais d'intervention fixés au présent \
        article et des consignes de sécurité du site. Il tient à jour le registre des interventions \
        et le transmet chaque mois au pouvoir adjudicateur. ";
    let sections: Vec<Value> = (1..=sections)
        .map(|s| {
            let clauses: Vec<Value> = (1..=clauses)
                .map(|c| {
                    json!({
                        "number": format!("{s}.{c}"),
                        "title": format!("Exigence {s}.{c}"),
                        "text": format!("Article {s}.{c}. {}", paragraph.repeat(4)),
                    })
                })
                .collect();
            json!({"title": format!("Chapitre {s}"), "clauses": clauses})
        })
        .collect();
    json!({
        "sections": sections,
        "criteria": [
            {"name": "Prix", "description": "Prix global", "weight": 40},
            {"name": "Valeur technique", "description": "Mémoire technique", "weight": 60}
        ]
    })
}
