//! Publication: requested once no round is open, decided by the assigned
//! PFRA buyer (sent back with a comment, or approved and frozen).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::db_test;
use crate::fixtures::{
    acknowledge_warnings, call, close_round, json_of, revised, round_one, second_round,
};
use crate::helpers::{TestApp, problem};

async fn publication_is_requested_between_rounds_and_decided_by_the_assigned_buyer(app: TestApp) {
    // A scenario: each step depends on the one before.
    let r = round_one(&app).await;
    second_round(&app, &r).await;
    let cid = r.id().to_owned();
    let draft_path = format!("/consultations/{cid}/draft");
    let revised = revised(r.s.draft.clone());
    // Publication: requested once the round is closed, approved by the assigned buyer.
    let request = format!("/consultations/{cid}/publication-request");
    let decision = format!("/consultations/{cid}/publication-decision");
    problem(
        call(&app, &r.s.agent.token, Method::POST, &request, None).await,
        StatusCode::CONFLICT,
    )
    .await;
    close_round(&app, &r, 2).await;
    acknowledge_warnings(&app, &r).await;
    assert_eq!(
        json_of(
            call(&app, &r.s.agent.token, Method::POST, &request, None).await,
            StatusCode::OK
        )
        .await["status"],
        "awaiting_approval"
    );
    problem(
        call(
            &app,
            &r.alpha.token,
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
        &r.s.buyer.token,
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
            &r.s.buyer.token,
            Method::POST,
            &decision,
            Some(json!({"approve": false, "comment": "Préciser le site."})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(back["status"], "between_rounds");
    assert!(back["publication"].is_null());
    // Asked again, unchanged: a final revision of its own, the one to approve.
    let again = json_of(
        call(&app, &r.s.agent.token, Method::POST, &request, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        again["publication"],
        json!({"revision": 4, "last_round": 2, "approved": false})
    );
    let approve = |revision: serde_json::Value| {
        call(
            &app,
            &r.s.buyer.token,
            Method::POST,
            &decision,
            Some(json!({"approve": true, "revision": revision})),
        )
    };
    let unnamed = problem(approve(json!(null)).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(unnamed.errors[0].field, "revision");
    let stale = problem(approve(json!(3)).await, StatusCode::CONFLICT).await;
    assert!(stale.detail.contains("révision 4"), "{}", stale.detail);
    let published = json_of(approve(json!(4)).await, StatusCode::OK).await;
    assert_eq!(published["status"], "published");
    assert_eq!(published["publication"]["approved"], true);
    // Every company that could see the consultation reads the final CCTP and
    // what changed since the last round.
    let last_round = json_of(
        call(
            &app,
            &r.alpha.token,
            Method::GET,
            &format!("/consultations/{cid}/rounds/2"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    for company in [&r.alpha.token, &r.beta.token] {
        let seen = json_of(
            call(
                &app,
                company,
                Method::GET,
                &format!("/consultations/{cid}"),
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(seen["publication"]["revision"], 4);
        let final_cctp = json_of(
            call(
                &app,
                company,
                Method::GET,
                &format!("/consultations/{cid}/rounds/4"),
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(final_cctp["round"]["for_publication"], true);
        assert_eq!(final_cctp["content"], last_round["content"]);
        json_of(
            call(
                &app,
                company,
                Method::GET,
                &format!("/consultations/{cid}/rounds/4/diff?from=2"),
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    let frozen = app
        .client
        .put(app.url(&draft_path))
        .bearer_auth(&r.s.agent.token)
        .header("If-Match", "\"3\"")
        .json(&revised)
        .send()
        .await
        .unwrap();
    problem(frozen, StatusCode::CONFLICT).await;
    let agent_notes = json_of(
        call(&app, &r.s.agent.token, Method::GET, "/notifications", None).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        agent_notes["items"][0]["message"]
            .as_str()
            .unwrap()
            .contains("validée")
    );
}
db_test!(publication_is_requested_between_rounds_and_decided_by_the_assigned_buyer);

async fn after_changes_are_requested_the_revised_draft_is_submitted_without_a_new_round(
    app: TestApp,
) {
    let r = round_one(&app).await;
    second_round(&app, &r).await;
    close_round(&app, &r, 2).await;
    let cid = r.id().to_owned();
    let (agent, buyer) = (&r.s.agent.token, &r.s.buyer.token);
    let request = format!("/consultations/{cid}/publication-request");
    let decision = format!("/consultations/{cid}/publication-decision");
    let draft_path = format!("/consultations/{cid}/draft");
    let rounds = format!("/consultations/{cid}/rounds");
    acknowledge_warnings(&app, &r).await;
    json_of(
        call(&app, agent, Method::POST, &request, None).await,
        StatusCode::OK,
    )
    .await;
    json_of(
        call(
            &app,
            buyer,
            Method::POST,
            &decision,
            Some(json!({"approve": false, "comment": "Préciser le site.\nEt les horaires."})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let save = |version: &str, content: serde_json::Value| {
        app.client
            .put(app.url(&draft_path))
            .bearer_auth(agent)
            .header("If-Match", format!("\"{version}\""))
            .json(&content)
            .send()
    };
    // The agent (not companies) reads the buyer's comment on the consultation.
    let comment_for = |token: &str| {
        let (token, path, app) = (token.to_owned(), format!("/consultations/{cid}"), &app);
        async move {
            json_of(
                call(app, &token, Method::GET, &path, None).await,
                StatusCode::OK,
            )
            .await["changes_requested"]
                .clone()
        }
    };
    assert_eq!(
        comment_for(agent).await,
        "Préciser le site.\nEt les horaires."
    );
    assert!(comment_for(&r.alpha.token).await.is_null());
    // A draft on its way (weights at 90 %) is saved but cannot be submitted.
    let mut content = revised(r.s.draft.clone());
    content["criteria"][0]["weight"] = json!(30);
    assert_eq!(
        save("3", content.clone()).await.unwrap().status(),
        StatusCode::OK
    );
    let refused = problem(
        call(&app, agent, Method::POST, &request, None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(refused.field_message("criteria").unwrap().contains("90 %"));
    // Completed, it is submitted as revision 3: readable by companies, open to no contribution.
    content["criteria"][0]["weight"] = json!(40);
    content["sections"][0]["clauses"][0]["text"] =
        json!("Le marché porte sur 400 postes, sur le seul site de la préfecture.");
    assert_eq!(save("4", content).await.unwrap().status(), StatusCode::OK);
    let submitted = json_of(
        call(&app, agent, Method::POST, &request, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(submitted["status"], "awaiting_approval");
    // Revision 3 was the first request's; the revised draft is revision 4.
    assert_eq!(submitted["current_round"]["number"], 4);
    assert_eq!(submitted["current_round"]["for_publication"], true);
    assert_eq!(submitted["current_round"]["is_open"], false);
    assert!(comment_for(agent).await.is_null());
    let all = json_of(
        call(&app, &r.alpha.token, Method::GET, &rounds, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all.as_array().unwrap().len(), 4);
    let diff = json_of(
        call(
            &app,
            &r.alpha.token,
            Method::GET,
            &format!("{rounds}/4/diff?from=2"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        diff["clauses"][0]["change"] == "modified" && diff.to_string().contains("seul site"),
        "{diff}"
    );
    problem(
        call(
            &app,
            &r.alpha.token,
            Method::POST,
            &r.contributions(),
            Some(json!({
                "kind": "clarification", "body": "Et le parking ?", "justification": "Accès.",
            })),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    json_of(
        call(
            &app,
            buyer,
            Method::POST,
            &decision,
            Some(json!({"approve": true, "revision": 4})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // Companies were told when round 1 closed early and when the CCTP was approved.
    app.wait_for_fan_out().await;
    let notes = json_of(
        call(&app, &r.beta.token, Method::GET, "/notifications", None).await,
        StatusCode::OK,
    )
    .await;
    let messages: Vec<&str> = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("Le tour 1") && m.contains("clos avant l'échéance")),
        "{messages:?}"
    );
    assert!(messages[0].contains("est validé"), "{messages:?}");
    assert!(notes["unread"].as_u64().unwrap() >= 2);
    let read_all = call(
        &app,
        &r.beta.token,
        Method::POST,
        "/notifications/read-all",
        None,
    )
    .await;
    assert_eq!(read_all.status(), StatusCode::NO_CONTENT);
    let notes = json_of(
        call(&app, &r.beta.token, Method::GET, "/notifications", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(notes["unread"], 0);
    assert!(
        notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["read"] == true)
    );
    let outsider = json_of(
        call(&app, &r.outsider.token, Method::GET, "/notifications", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(outsider["items"], json!([]));
}
db_test!(after_changes_are_requested_the_revised_draft_is_submitted_without_a_new_round);
