//! Anonymity: staff read the synthesis and the audit trail, companies do
//! not; and after a whole dialogue, nothing any reader can fetch names
//! another company.

use reqwest::{Method, StatusCode};
use serde_json::json;

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
