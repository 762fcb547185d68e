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
