//! The role matrix: every dialogue operation, as each kind of caller.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::fixtures::{call, clause_id, company, scene, staff};
use crate::helpers::{TestApp, problem};

async fn every_operation_answers_each_role_as_the_rules_say(app: TestApp) {
    // Long on purpose: the matrix below is the specification, one table read
    // row by row, checked by one loop.
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
            Some(json!({"approve": true, "revision": 1})),
        ),
        (
            "request publication",
            Method::POST,
            format!("/consultations/{cid}/publication-request"),
            None,
        ),
        (
            "export the CCTP before publication",
            Method::GET,
            format!("/consultations/{cid}/exports/cctp"),
            None,
        ),
        (
            "export the sourcing report",
            Method::GET,
            format!("/consultations/{cid}/exports/sourcing-report"),
            None,
        ),
        (
            "export the contributions",
            Method::GET,
            format!("/consultations/{cid}/exports/contributions"),
            None,
        ),
        (
            "export OCDS before publication",
            Method::GET,
            format!("/consultations/{cid}/ocds"),
            None,
        ),
    ];
    //                          owner      other agent  buyer     other buyer admin      member      outsider
    let expected: [[S; 7]; 15] = [
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
        /* export the CCTP before publication */
        [
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::FORBIDDEN,
            S::NOT_FOUND,
        ],
        /* export the sourcing report */
        [
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::FORBIDDEN,
            S::NOT_FOUND,
        ],
        /* export the contributions */
        [
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::FORBIDDEN,
            S::NOT_FOUND,
        ],
        /* export OCDS before publication */
        [
            S::OK,
            S::NOT_FOUND,
            S::OK,
            S::NOT_FOUND,
            S::OK,
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
