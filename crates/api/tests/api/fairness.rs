//! The guards of a fair dialogue: replies have an audience, notices reach
//! every company, late information offers a later deadline, the buyer reads
//! what one company alone was told; the detector finds where the wording
//! came from, concentration, brands and decisions left unapplied, and the
//! agent acknowledges its warnings before asking for publication.

use chrono::{DateTime, Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::fixtures::{call, close_round, get, json_of, round_one, save_draft};
use crate::helpers::{TestApp, problem, spawn_on};

async fn reply(app: &TestApp, token: &str, id: &Value, body: Value) -> reqwest::Response {
    let id = id["id"].as_str().unwrap();
    call(
        app,
        token,
        Method::POST,
        &format!("/contributions/{id}/replies"),
        Some(body),
    )
    .await
}

fn replies_of(contribution: &Value) -> Vec<String> {
    contribution["replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["body"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_reply_reaches_its_audience_and_private_ones_are_listed_for_the_buyer(app: TestApp) {
    let r = round_one(&app).await;
    let agent = r.s.agent.token.clone();
    let private = "Nos contraintes de site vous seront précisées par téléphone.";
    let answered = json_of(
        reply(
            &app,
            &agent,
            &r.alternative,
            json!({"body": private, "audience": "author"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(answered["replies"][0]["audience"], "author");
    let public = "Le délai de 8 heures est à l'étude pour tous.";
    json_of(
        reply(&app, &agent, &r.alternative, json!({"body": public})).await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!("/contributions/{}", r.alternative["id"].as_str().unwrap());
    // Role matrix: the author, the agent and the buyer read the private
    // reply; the other companies read the public one only.
    for (token, sees_private) in [
        (&r.gamma.token, true),
        (&agent, true),
        (&r.s.buyer.token, true),
        (&r.alpha.token, false),
        (&r.beta.token, false),
    ] {
        let replies = replies_of(&get(&app, token, &path).await);
        assert_eq!(
            replies.contains(&private.to_owned()),
            sees_private,
            "{replies:?}"
        );
        assert!(replies.contains(&public.to_owned()));
    }
    let listed = get(&app, &r.beta.token, &r.contributions()).await;
    assert!(!listed.to_string().contains(private));

    // What the rules refuse, field by field.
    for (token, contribution, audience, code) in [
        (&agent, &r.question, "author", "public_required"),
        (&agent, &r.secret, "public", "confidential"),
        (&r.gamma.token, &r.alternative, "public", "agent_only"),
    ] {
        let refused = reply(
            &app,
            token,
            contribution,
            json!({"body": "Précision.", "audience": audience}),
        )
        .await;
        let problem = problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(
            (
                problem.errors[0].field.as_str(),
                problem.errors[0].code.as_str()
            ),
            ("audience", code)
        );
    }
    // A confidential solution's answer goes to its author by default, and
    // is no private reply for the buyer to check.
    json_of(
        reply(
            &app,
            &agent,
            &r.secret,
            json!({"body": "Merci, solution notée."}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    let summary_path = format!("/consultations/{}/equal-information", r.id());
    let summary = get(&app, &r.s.buyer.token, &summary_path).await;
    let private_replies = summary["private_replies"].as_array().unwrap();
    assert_eq!(private_replies.len(), 1);
    assert_eq!(private_replies[0]["body"], private);
    assert_eq!(private_replies[0]["addressee"]["label"], "Entreprise C");
    let public_information = summary["public_information"].as_array().unwrap();
    assert_eq!(public_information.len(), 1);
    assert_eq!(public_information[0]["kind"], "answer");
    assert_eq!(public_information[0]["late"], false);
    assert_eq!(summary["late_information_days"], 6);
    for token in [&r.alpha.token, &r.gamma.token] {
        let refused = call(&app, token, Method::GET, &summary_path, None).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
}
db_test!(a_reply_reaches_its_audience_and_private_ones_are_listed_for_the_buyer);

async fn a_late_notice_reaches_every_company_and_the_deadline_can_be_pushed_back(app: TestApp) {
    let r = round_one(&app).await;
    let agent = r.s.agent.token.clone();
    close_round(&app, &r, 1).await;
    let rounds = format!("/consultations/{}/rounds", r.id());
    let closes_at = Utc::now() + Duration::days(3);
    json_of(
        call(
            &app,
            &agent,
            Method::POST,
            &rounds,
            Some(json!({"closes_at": closes_at, "changelog": "Tour court"})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let notices = format!("/consultations/{}/notices", r.id());
    let body = "Le parc compte 420 postes et non 400.";
    let published = json_of(
        call(
            &app,
            &agent,
            Method::POST,
            &notices,
            Some(json!({"body": body, "clause_id": r.c12()})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(published["clause_number"], "1.2");
    assert_eq!(published["round"], 2);
    for (token, status) in [
        (&r.alpha.token, StatusCode::OK),
        (&r.beta.token, StatusCode::OK),
        (&r.s.buyer.token, StatusCode::OK),
        (&r.outsider.token, StatusCode::NOT_FOUND),
    ] {
        let listed = call(&app, token, Method::GET, &notices, None).await;
        assert_eq!(listed.status(), status);
        if status == StatusCode::OK {
            assert_eq!(listed.json::<Value>().await.unwrap()[0]["body"], body);
        }
    }
    // Every company hears of it.
    app.wait_for_fan_out().await;
    for company in [&r.alpha, &r.beta, &r.gamma] {
        let notes = get(&app, &company.token, "/notifications").await;
        assert!(
            notes
                .to_string()
                .contains("Information à toutes les entreprises"),
            "{notes}"
        );
    }
    let outsider_notes = get(&app, &r.outsider.token, "/notifications").await;
    assert!(!outsider_notes.to_string().contains("420 postes"));
    // A company's phone number has no place in what everyone reads; a
    // company publishes no notice.
    let phone = call(
        &app,
        &agent,
        Method::POST,
        &notices,
        Some(json!({"body": "Appelez Beta au 04 72 00 00 00."})),
    )
    .await;
    assert_eq!(
        problem(phone, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .errors[0]
            .code,
        "identity_disclosure"
    );
    let forbidden = call(
        &app,
        &r.alpha.token,
        Method::POST,
        &notices,
        Some(json!({"body": body})),
    )
    .await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);

    // Three days before the deadline, the notice is late.
    let summary_path = format!("/consultations/{}/equal-information", r.id());
    let summary = get(&app, &agent, &summary_path).await;
    assert_eq!(summary["public_information"][0]["kind"], "notice");
    assert_eq!(summary["public_information"][0]["late"], true);
    let late = &summary["late_in_open_round"];
    assert_eq!(late["round"], 2);
    assert_eq!(late["items"], 1);
    let suggested: DateTime<Utc> =
        serde_json::from_value(late["suggested_closes_at"].clone()).unwrap();
    let published_at: DateTime<Utc> =
        serde_json::from_value(published["published_at"].clone()).unwrap();
    assert_eq!(suggested, published_at + Duration::days(6));

    let deadline = format!("/consultations/{}/rounds/2/deadline", r.id());
    let earlier = call(
        &app,
        &agent,
        Method::POST,
        &deadline,
        Some(json!({"closes_at": closes_at - Duration::days(1)})),
    )
    .await;
    assert_eq!(
        problem(earlier, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .errors[0]
            .code,
        "not_later"
    );
    let by_buyer = call(
        &app,
        &r.s.buyer.token,
        Method::POST,
        &deadline,
        Some(json!({"closes_at": suggested})),
    )
    .await;
    assert_eq!(by_buyer.status(), StatusCode::FORBIDDEN);
    let extended = json_of(
        call(
            &app,
            &agent,
            Method::POST,
            &deadline,
            Some(json!({"closes_at": suggested})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        serde_json::from_value::<DateTime<Utc>>(extended["closes_at"].clone()).unwrap(),
        suggested
    );
    let summary = get(&app, &agent, &summary_path).await;
    assert_eq!(summary["late_in_open_round"], Value::Null);
    assert_eq!(summary["public_information"][0]["late"], false);
    // Recorded, and told to every company.
    let events = get(
        &app,
        &r.s.buyer.token,
        &format!("/consultations/{}/events", r.id()),
    )
    .await;
    assert!(events.to_string().contains("deadline_extended"));
    assert!(events.to_string().contains("notice_published"));
    app.wait_for_fan_out().await;
    let notes = get(&app, &r.beta.token, "/notifications").await;
    assert!(notes.to_string().contains("est reportée au"), "{notes}");
}
db_test!(a_late_notice_reaches_every_company_and_the_deadline_can_be_pushed_back);

fn kinds(report: &Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn the_detector_finds_provenance_concentration_and_brands_and_wants_them_acknowledged(
    app: TestApp,
) {
    let r = round_one(&app).await;
    let agent = r.s.agent.token.clone();
    // Gamma's alternative, taken over with small edits; the weight Gamma's
    // alternative criterion proposed: most of the changes are Gamma's.
    save_draft(&app, &r, |draft| {
        draft["sections"][0]["clauses"][1]["text"] =
            json!("Le titulaire intervient sous 8 heures ouvrées sur site.");
        draft["criteria"][0]["weight"] = json!(30);
        draft["criteria"][1]["weight"] = json!(70);
    })
    .await;
    let fairness = format!("/consultations/{}/fairness", r.id());
    let report = get(&app, &agent, &fairness).await;
    assert_eq!(report["revision"], Value::Null, "the draft is examined");
    let clause = report["provenance"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["label"] == "1.2")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(clause["author"]["label"], "Entreprise C");
    assert!(clause["similarity"].as_u64().unwrap() >= 80, "{clause}");
    assert_eq!(
        kinds(&report),
        ["concentration", "weight_from_alternative"],
        "{report}"
    );
    assert_eq!(report["shares"][0]["author"]["label"], "Entreprise C");
    assert!(
        report["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Entreprise C est à l'origine de")
    );

    // A brand, named alone, saved through another instance: the report
    // this one keeps is examined again.
    let other = spawn_on(&app.db_url).await;
    save_draft(&other, &r, |draft| {
        draft["sections"][1]["clauses"][0]["text"] =
            json!("Les postes fournis sont de marque Fenix® exclusivement.");
    })
    .await;
    let report = get(&app, &agent, &fairness).await;
    assert!(kinds(&report).contains(&"brand".to_owned()), "{report}");
    assert_eq!(report["brands"][0]["text"], "marque Fenix®");
    for token in [&r.gamma.token, &r.alpha.token] {
        let refused = call(&app, token, Method::GET, &fairness, None).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }

    // "ou équivalent" answers R2111-7.
    save_draft(&app, &r, |draft| {
        draft["sections"][1]["clauses"][0]["text"] =
            json!("Les postes fournis sont de marque Fenix® ou équivalent.");
    })
    .await;
    let report = get(&app, &agent, &fairness).await;
    assert!(!kinds(&report).contains(&"brand".to_owned()), "{report}");

    // Publication waits for the agent's acknowledgement of what remains.
    close_round(&app, &r, 1).await;
    let request = format!("/consultations/{}/publication-request", r.id());
    let refused = call(&app, &agent, Method::POST, &request, None).await;
    assert!(
        problem(refused, StatusCode::CONFLICT)
            .await
            .detail
            .contains("alerte")
    );
    let acknowledgement = format!("{fairness}/acknowledgement");
    let empty = call(
        &app,
        &agent,
        Method::POST,
        &acknowledgement,
        Some(json!({"comment": ""})),
    )
    .await;
    assert_eq!(
        problem(empty, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .errors[0]
            .field,
        "comment"
    );
    let by_buyer = call(
        &app,
        &r.s.buyer.token,
        Method::POST,
        &acknowledgement,
        Some(json!({"comment": "Non."})),
    )
    .await;
    assert_eq!(by_buyer.status(), StatusCode::FORBIDDEN);
    let comment = "Le délai de 8 heures répond à un besoin constaté ; la pondération suit la doctrine régionale.";
    let acknowledged = json_of(
        call(
            &app,
            &agent,
            Method::POST,
            &acknowledgement,
            Some(json!({"comment": comment})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(acknowledged["unacknowledged"], json!([]));
    json_of(
        call(&app, &agent, Method::POST, &request, None).await,
        StatusCode::OK,
    )
    .await;

    // The buyer reads the final revision's report, acknowledgement included.
    let report = get(&app, &r.s.buyer.token, &fairness).await;
    assert_eq!(report["revision"], 2);
    assert_eq!(report["acknowledgement"]["comment"], comment);
    assert!(
        report["provenance"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["revision"] == 2 && p["label"] == "1.2")
    );
    let events = get(
        &app,
        &r.s.buyer.token,
        &format!("/consultations/{}/events", r.id()),
    )
    .await;
    assert!(events.to_string().contains("fairness_acknowledged"));
}
db_test!(the_detector_finds_provenance_concentration_and_brands_and_wants_them_acknowledged);

async fn a_decision_for_a_revision_that_leaves_the_clause_unchanged_is_flagged(app: TestApp) {
    let r = round_one(&app).await;
    let agent = r.s.agent.token.clone();
    let alternative = r.alternative["id"].as_str().unwrap();
    json_of(
        call(&app, &agent, Method::PUT, &format!("/contributions/{alternative}/decision"), Some(json!({
            "decision": "accepted", "rationale": "Retenu pour la révision 2.", "integrated_in_round": 2,
        }))).await,
        StatusCode::OK,
    )
    .await;
    let fairness = format!("/consultations/{}/fairness", r.id());
    let report = get(&app, &agent, &fairness).await;
    assert_eq!(report["decisions"][0]["outcome"], "unchanged");
    assert!(kinds(&report).contains(&"decision_not_applied".to_owned()));
    assert!(report["warnings"].to_string().contains("n'a pas changé"));
    // Applied, the decision is confirmed.
    save_draft(&app, &r, |draft| {
        draft["sections"][0]["clauses"][1]["text"] =
            json!("Le titulaire intervient sous 8 heures ouvrées.");
    })
    .await;
    let report = get(&app, &agent, &fairness).await;
    assert_eq!(report["decisions"][0]["outcome"], "taken", "{report}");
}
db_test!(a_decision_for_a_revision_that_leaves_the_clause_unchanged_is_flagged);
