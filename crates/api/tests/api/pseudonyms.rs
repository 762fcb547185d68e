//! Companies appear under a pseudonym, stable in a consultation and given
//! in order of first contribution; confidential solutions stay with staff.

use reqwest::{Method, StatusCode};

use crate::db_test;
use crate::fixtures::{call, json_of, round_one};
use crate::helpers::{TestApp, problem};

async fn pseudonyms_are_stable_and_confidential_solutions_stay_with_staff(app: TestApp) {
    let r = round_one(&app).await;
    let contributions = r.contributions();
    let seen_by_beta = json_of(
        call(&app, &r.beta.token, Method::GET, &contributions, None).await,
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
            &r.beta.token,
            Method::GET,
            &format!("/contributions/{}", r.secret["id"].as_str().unwrap()),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let seen_by_agent = json_of(
        call(&app, &r.s.agent.token, Method::GET, &contributions, None).await,
        StatusCode::OK,
    )
    .await["items"]
        .clone();
    assert_eq!(seen_by_agent.as_array().unwrap().len(), 4);
    assert_eq!(seen_by_agent[0]["author"]["label"], "Entreprise A");
    let second_page = json_of(
        call(
            &app,
            &r.s.agent.token,
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
            &r.s.buyer.token,
            Method::GET,
            &format!("{contributions}?kind=solution"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen_by_buyer["items"][0]["confidential"], true);
}
db_test!(pseudonyms_are_stable_and_confidential_solutions_stay_with_staff);

async fn a_company_is_told_its_own_pseudonym_and_nobody_elses(app: TestApp) {
    let r = round_one(&app).await;
    let path = format!("/consultations/{}", r.id());
    let appears_as = |token: &str| {
        let (token, path, app) = (token.to_owned(), path.clone(), &app);
        async move {
            json_of(
                call(app, &token, Method::GET, &path, None).await,
                StatusCode::OK,
            )
            .await["you_appear_as"]
                .clone()
        }
    };
    assert_eq!(appears_as(&r.beta.token).await, "Entreprise B");
    assert_eq!(appears_as(&r.gamma.token).await, "Entreprise C");
    // Staff have no pseudonym; a company that has not contributed has none yet.
    assert!(appears_as(&r.s.agent.token).await.is_null());
    let delta = crate::fixtures::company(&app, 5, "Delta Réseaux", &["72"], &["69"]).await;
    assert!(appears_as(&delta.token).await.is_null());
}
db_test!(a_company_is_told_its_own_pseudonym_and_nobody_elses);
