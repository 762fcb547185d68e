//! The agent's answers and decisions: a clarification's answer is public,
//! decisions reach their authors, notifications say so.

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::db_test;
use crate::fixtures::{RoundOne, answer_and_decide, call, clause_id, json_of, round_one, withdraw};
use crate::helpers::{TestApp, problem};

async fn a_clarification_answer_is_public_and_decisions_reach_their_authors(app: TestApp) {
    // A scenario: each step depends on the one before.
    let r = round_one(&app).await;
    let question_id = r.question["id"].as_str().unwrap();
    let alternative = &r.alternative;
    // The answer to a clarification is public; decisions reach their authors.
    let answered = json_of(
        call(
            &app,
            &r.s.agent.token,
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
            &r.alpha.token,
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
        &r.s.agent.token,
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
            &r.s.agent.token,
            Method::PUT,
            &format!("/contributions/{question_id}/decision"),
            Some(json!({"decision": "answered", "rationale": "Réponse publiée."})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let alternative_id = alternative["id"].as_str().unwrap();
    // During round 1 the agent may name the next revision, not one beyond.
    let beyond = call(
        &app,
        &r.s.agent.token,
        Method::PUT,
        &format!("/contributions/{alternative_id}/decision"),
        Some(json!({
            "decision": "accepted", "rationale": "Intégrée plus tard.", "integrated_in_round": 3,
        })),
    )
    .await;
    assert_eq!(
        problem(beyond, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .errors[0]
            .field,
        "integrated_in_round"
    );
    let next = json_of(call(&app, &r.s.agent.token, Method::PUT, &format!("/contributions/{alternative_id}/decision"), Some(json!({
        "decision": "accepted", "rationale": "Intégrée à la prochaine révision.", "integrated_in_round": 2,
    }))).await, StatusCode::OK).await;
    assert_eq!(next["decision"]["integrated_in_round"], 2);
    json_of(call(&app, &r.s.agent.token, Method::PUT, &format!("/contributions/{alternative_id}/decision"), Some(json!({
        "decision": "partially_accepted", "rationale": "8 h pour les postes non critiques.", "integrated_in_round": 1,
    }))).await, StatusCode::OK).await;
    app.wait_for_fan_out().await;
    let notes = json_of(
        call(&app, &r.alpha.token, Method::GET, "/notifications", None).await,
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
    // It leads to the question answered.
    assert_eq!(notes["items"][0]["contribution_id"], r.question["id"]);
    let note_id = notes["items"][0]["id"].as_str().unwrap();
    assert_eq!(
        call(
            &app,
            &r.alpha.token,
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
            &r.beta.token,
            Method::POST,
            &format!("/notifications/{note_id}/read"),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let notes = json_of(
        call(&app, &r.alpha.token, Method::GET, "/notifications", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(notes["unread"], 0);
    let mine = json_of(
        call(
            &app,
            &r.gamma.token,
            Method::GET,
            &format!("/contributions/{alternative_id}"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["decision"]["decision"], "partially_accepted");
}
db_test!(a_clarification_answer_is_public_and_decisions_reach_their_authors);

async fn the_consultations_list_shows_the_work_awaiting_each_reader(app: TestApp) {
    let r = round_one(&app).await;
    let activity = |token: &str| {
        let (token, app, id) = (token.to_owned(), &app, r.id().to_owned());
        async move {
            let list = json_of(
                call(app, &token, Method::GET, "/consultations?q=parc", None).await,
                StatusCode::OK,
            )
            .await;
            let item = list["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == id.as_str())
                .unwrap()
                .clone();
            item["activity"].clone()
        }
    };
    let agent = activity(&r.s.agent.token).await;
    assert_eq!(
        (agent["contributions"].as_u64(), agent["undecided"].as_u64()),
        (Some(4), Some(4))
    );
    answer_and_decide(&app, &r).await;
    let agent = activity(&r.s.agent.token).await;
    assert_eq!(
        (agent["contributions"].as_u64(), agent["undecided"].as_u64()),
        (Some(4), Some(2))
    );
    // A withdrawn contribution is no longer counted, decided or not.
    let secret = r.secret["id"].as_str().unwrap();
    let withdrawn = withdraw(&app, &r.alpha.token, secret).await;
    assert_eq!(withdrawn.status(), StatusCode::OK);
    let agent = activity(&r.s.agent.token).await;
    assert_eq!(
        (agent["contributions"].as_u64(), agent["undecided"].as_u64()),
        (Some(3), Some(1))
    );
    // A company counts what is new to it, never the others' contributions.
    let beta = activity(&r.beta.token).await;
    assert!(beta["contributions"].is_null() && beta["undecided"].is_null());
    let notes = json_of(
        call(&app, &r.beta.token, Method::GET, "/notifications", None).await,
        StatusCode::OK,
    )
    .await;
    assert!(notes["unread"].as_u64().unwrap() > 0);
    assert_eq!(beta["unread"], notes["unread"]);
}
db_test!(the_consultations_list_shows_the_work_awaiting_each_reader);

/// The agent's synthesis, recounted from the contributions the agent
/// reads: one row per round and target, counts by kind, cost and decision.
async fn assert_synthesis_is_recount(app: &TestApp, r: &RoundOne) {
    let agent = &r.s.agent.token;
    let get = |path: String| async move {
        json_of(
            call(app, agent, Method::GET, &path, None).await,
            StatusCode::OK,
        )
        .await
    };
    let contributions = get(format!("{}?per_page=100", r.contributions())).await;
    let mut recount: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for c in contributions["items"].as_array().unwrap() {
        if c["status"] != "active" {
            continue;
        }
        let key = format!("{} {} {}", c["round"], c["target_kind"], c["target_id"]);
        let kind = match c["kind"].as_str().unwrap() {
            "solution" => "solutions",
            "clarification" => "clarifications",
            _ => "alternatives",
        };
        let cost = c["cost_direction"].as_str().map(|d| format!("cost_{d}"));
        let decision = c["decision"]["decision"]
            .as_str()
            .unwrap_or("undecided")
            .to_owned();
        let row = recount.entry(key).or_default();
        for counter in [Some(kind.to_owned()), cost, Some(decision)]
            .into_iter()
            .flatten()
        {
            *row.entry(counter).or_default() += 1;
        }
    }
    let synthesis = get(format!("/consultations/{}/synthesis", r.id())).await;
    let read: BTreeMap<String, BTreeMap<String, u64>> = synthesis
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let key = format!(
                "{} {} {}",
                row["round"], row["target_kind"], row["target_id"]
            );
            let counts = row
                .as_object()
                .unwrap()
                .iter()
                .filter_map(|(name, n)| Some((name.clone(), n.as_u64().filter(|n| *n > 0)?)))
                .filter(|(name, _)| name != "round")
                .collect();
            (key, counts)
        })
        .collect();
    assert_eq!(read, recount);
}

/// The synthesis follows a contribution moved to another clause, answered,
/// decided and withdrawn.
async fn the_synthesis_follows_every_change_of_a_contribution(app: TestApp) {
    let r = round_one(&app).await;
    assert_synthesis_is_recount(&app, &r).await;
    let moved = call(
        &app,
        &r.gamma.token,
        Method::PATCH,
        &format!("/contributions/{}", r.alternative["id"].as_str().unwrap()),
        Some(json!({
            "target_kind": "clause", "target_id": clause_id(&r.s.draft, 0, 0), "kind": "alternative_clause",
            "body": "Un délai de 8 heures suffit.", "justification": "L'astreinte 4 h coûte cher.",
            "cost_direction": "unknown", "proposed_text": "Le titulaire intervient sous 8 heures ouvrées.",
        })),
    )
    .await;
    assert_eq!(moved.status(), StatusCode::OK);
    assert_synthesis_is_recount(&app, &r).await;
    answer_and_decide(&app, &r).await;
    assert_synthesis_is_recount(&app, &r).await;
    let secret = r.secret["id"].as_str().unwrap();
    let withdrawn = withdraw(&app, &r.alpha.token, secret).await;
    assert_eq!(withdrawn.status(), StatusCode::OK);
    assert_synthesis_is_recount(&app, &r).await;
}
db_test!(the_synthesis_follows_every_change_of_a_contribution);

/// Migration 11 tallies the contributions: those written before it are
/// counted when it runs, and undoing it leaves nothing behind.
async fn contributions_written_before_the_tallies_are_counted_by_them(app: TestApp) {
    use migration::{Migrator, MigratorTrait};

    let r = round_one(&app).await;
    answer_and_decide(&app, &r).await;
    // Migration 11 and those after it.
    let from_eleventh = u32::try_from(Migrator::migrations().len() - 10).unwrap();
    Migrator::down(app.db.schema_conn(), Some(from_eleventh))
        .await
        .unwrap();
    Migrator::up(app.db.schema_conn(), None).await.unwrap();
    let list = json_of(
        call(&app, &r.s.agent.token, Method::GET, "/consultations", None).await,
        StatusCode::OK,
    )
    .await;
    let activity = &list["items"][0]["activity"];
    assert_eq!(list["items"][0]["id"], r.id());
    assert_eq!(
        (
            activity["contributions"].as_u64(),
            activity["undecided"].as_u64()
        ),
        (Some(4), Some(2))
    );
}
db_test!(contributions_written_before_the_tallies_are_counted_by_them);

async fn a_changed_decision_keeps_the_previous_one_in_the_record(app: TestApp) {
    let r = round_one(&app).await;
    let id = r.alternative["id"].as_str().unwrap();
    let path = format!("/contributions/{id}/decision");
    for (decision, rationale) in [
        ("rejected", "Trop coûteux."),
        ("partially_accepted", "8 h pour les postes non critiques."),
    ] {
        json_of(
            call(
                &app,
                &r.s.agent.token,
                Method::PUT,
                &path,
                Some(json!({"decision": decision, "rationale": rationale})),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    let events = json_of(
        call(
            &app,
            &r.s.agent.token,
            Method::GET,
            &format!("/consultations/{}/events?per_page=100", r.id()),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let decisions: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "decision_made")
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert_eq!(decisions.len(), 2, "{decisions:?}");
    assert!(decisions[0].contains("« Non retenue »") && decisions[0].contains(id));
    assert!(
        decisions[1].contains("« Retenue en partie »")
            && decisions[1].contains("remplace « Non retenue » (motif : Trop coûteux.)"),
        "{}",
        decisions[1]
    );
}
db_test!(a_changed_decision_keeps_the_previous_one_in_the_record);
