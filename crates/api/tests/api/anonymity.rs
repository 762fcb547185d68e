//! Anonymity: staff read the synthesis and the audit trail, companies do
//! not; and after a whole dialogue, nothing any reader can fetch names
//! another company.

use reqwest::{Method, StatusCode};
use serde_json::json;
use shared::Named;

use crate::db_test;
use crate::fixtures::{
    Company, answer_and_decide, call, json_of, publish, round_one, second_round,
};
use crate::helpers::{TestApp, problem};

/// Two rounds, answers, decisions and publication: every kind of trace.
async fn whole_dialogue(app: &TestApp) -> crate::fixtures::RoundOne {
    let r = round_one(app).await;
    answer_and_decide(app, &r).await;
    second_round(app, &r).await;
    publish(app, &r).await;
    r
}

async fn the_synthesis_and_the_audit_trail_are_for_staff_only(app: TestApp) {
    let r = whole_dialogue(&app).await;
    let (cid, c12) = (r.id().to_owned(), r.c12());
    // Synthesis and audit trail, for staff only.
    let synthesis = json_of(
        call(
            &app,
            &r.s.agent.token,
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
            &r.alpha.token,
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
            &r.s.buyer.token,
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
}
db_test!(the_synthesis_and_the_audit_trail_are_for_staff_only);

async fn no_response_names_another_company_after_a_whole_dialogue(app: TestApp) {
    let r = whole_dialogue(&app).await;
    let (cid, contributions) = (r.id().to_owned(), r.contributions());
    let (alpha, beta, gamma, s) = (&r.alpha, &r.beta, &r.gamma, &r.s);
    let seen_by_agent = json_of(
        call(&app, &s.agent.token, Method::GET, &contributions, None).await,
        StatusCode::OK,
    )
    .await["items"]
        .clone();
    // Anonymity sweep: everything each reader can fetch, searched for the others' identities.
    let companies = [alpha, beta, gamma];
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
db_test!(no_response_names_another_company_after_a_whole_dialogue);

/// The anonymity guard: a company's text that names it, or gives anyone's
/// contact details, is refused with the spans to remove, and nothing is
/// saved; the agent's answers get the generic part of the check.
async fn texts_that_would_reveal_their_author_are_refused_with_the_spans_found(app: TestApp) {
    let r = round_one(&app).await;
    let alpha = &r.alpha;
    let contributions = r.contributions();
    let spaced_siret = format!(
        "{} {} {} {}",
        &alpha.siret[..3],
        &alpha.siret[3..6],
        &alpha.siret[6..9],
        &alpha.siret[9..]
    );
    let before = json_of(
        call(&app, &r.s.agent.token, Method::GET, &contributions, None).await,
        StatusCode::OK,
    )
    .await["total"]
        .clone();
    let sent = call(&app, &alpha.token, Method::POST, &contributions, Some(json!({
        "kind": "solution",
        "body": format!("{} intervient déjà chez vous : appelez le 06 12 34 56 78.", alpha.name.to_uppercase()),
        "justification": format!("Références sur notre site, SIRET {spaced_siret}."),
        "cost_direction": "neutral",
    })))
    .await;
    let refused = problem(sent, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.code, shared::ErrorCode::IdentityDisclosure);
    let found: Vec<(&str, Vec<&str>)> = refused
        .errors
        .iter()
        .map(|e| {
            (
                e.field.as_str(),
                e.spans.iter().map(|s| s.kind.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("body", vec!["company_name", "phone"]),
            ("justification", vec!["siret"])
        ]
    );
    let name = &refused.errors[0].spans[0];
    assert_eq!(
        (name.start, name.text.as_str()),
        (0, alpha.name.to_uppercase().as_str())
    );
    let after = json_of(
        call(&app, &r.s.agent.token, Method::GET, &contributions, None).await,
        StatusCode::OK,
    )
    .await["total"]
        .clone();
    assert_eq!(after, before, "nothing was saved");

    // The same on an edit and a reply by the author…
    let own = r.secret["id"].as_str().unwrap();
    let edit = call(&app, &alpha.token, Method::PATCH, &format!("/contributions/{own}"), Some(json!({
        "kind": "solution", "body": "Écrivez-nous : devis@alpha.example.fr", "justification": "Coût.",
        "cost_direction": "neutral",
    })))
    .await;
    assert_eq!(
        problem(edit, StatusCode::UNPROCESSABLE_ENTITY).await.errors[0].spans[0]
            .kind
            .as_str(),
        "email"
    );
    let reply = call(
        &app,
        &alpha.token,
        Method::POST,
        &format!("/contributions/{own}/replies"),
        Some(json!({"body": "Voir www.alpha-informatique.fr"})),
    )
    .await;
    problem(reply, StatusCode::UNPROCESSABLE_ENTITY).await;
    // …and the agent's answer may not pass on contact details either.
    let answer = call(
        &app,
        &r.s.agent.token,
        Method::POST,
        &format!("/contributions/{own}/replies"),
        Some(json!({"body": "Contactez l'entreprise au 04 72 00 00 00."})),
    )
    .await;
    problem(answer, StatusCode::UNPROCESSABLE_ENTITY).await;
    // Ordinary technical words pass.
    let fine = call(&app, &alpha.token, Method::POST, &format!("/contributions/{own}/replies"),
        Some(json!({"body": "Conforme ISO 27001 et NF EN 13501-1, pour 12 500 € HT (article 3.2.1)."}))).await;
    assert_eq!(fine.status(), StatusCode::CREATED);
    // Each refusal is in the audit trail, with what it found and never the text.
    let events = json_of(
        call(
            &app,
            &r.s.buyer.token,
            Method::GET,
            &format!("/consultations/{}/events?per_page=100", r.id()),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let refusals: Vec<&serde_json::Value> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "identity_disclosure_refused")
        .collect();
    assert_eq!(refusals.len(), 4, "{events}");
    assert_eq!(refusals[0]["actor"], "Entreprise A");
    assert!(
        refusals[0]["detail"]
            .as_str()
            .unwrap()
            .contains("numéro de téléphone")
    );
    let trail = events.to_string();
    for secret in [
        "06 12 34 56 78",
        "devis@alpha",
        "alpha-informatique.fr",
        "04 72 00 00 00",
    ] {
        assert!(!trail.contains(secret), "{secret}");
    }
}
db_test!(texts_that_would_reveal_their_author_are_refused_with_the_spans_found);
