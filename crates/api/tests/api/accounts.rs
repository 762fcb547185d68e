use reqwest::StatusCode;
use serde_json::json;
use shared::auth::UserDto;
use shared::types::Role;

use crate::db_test;
use crate::helpers::{PASSWORD, TestApp, company_body, problem, siret};

async fn a_registered_company_logs_in_and_sees_its_profile_on_me(app: TestApp) {
    let siret = siret(1);
    app.register_company("Contact@Menuiserie-Dupont.fr", &siret)
        .await;

    let token = app.access_token("contact@menuiserie-dupont.fr").await;
    let me: UserDto = app.get_as(&token, "/me").await.json().await.unwrap();
    assert_eq!(me.email, "contact@menuiserie-dupont.fr");
    assert_eq!(me.role, Role::Company);
    assert!(me.email_verified);
    assert!(!me.disabled);
    let company = me.company.unwrap();
    assert_eq!(company.siret, siret);
    assert_eq!(company.cpv_divisions, ["44", "45"]);
    assert_eq!(company.departements, ["2A", "69"]);
}
db_test!(a_registered_company_logs_in_and_sees_its_profile_on_me);

async fn registering_an_email_or_a_siret_already_used_reveals_nothing_and_warns_the_holder(
    app: TestApp,
) {
    let first = siret(2);
    app.register_company("a@dupont.fr", &first).await;
    let new_answer = app
        .post(
            "/auth/register-company",
            &company_body("new@dupont.fr", &siret(3)),
        )
        .await;
    let same_email = app
        .post(
            "/auth/register-company",
            &company_body("A@dupont.fr", &siret(4)),
        )
        .await;
    let same_siret = app
        .post(
            "/auth/register-company",
            &company_body("b@dupont.fr", &first),
        )
        .await;
    // The same answer for a new identity and for taken ones.
    for response in [new_answer, same_email, same_siret] {
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        assert_eq!(response.text().await.unwrap(), "");
    }
    let warnings = app
        .mailbox
        .wait_until("two warnings to the holder", |all| {
            all.iter()
                .filter(|m| m.to == "a@dupont.fr" && m.subject.contains("Tentative"))
                .count()
                == 2
        })
        .await;
    // Nobody else learns that the identities are taken, and nothing was created.
    assert!(warnings.iter().all(|m| m.to != "b@dupont.fr"));
    let verification = app.mailbox.wait_for("new@dupont.fr", "Confirmez").await;
    assert!(verification.text.contains("48 heures"));
    let b = app
        .post(
            "/auth/login",
            &json!({"email": "b@dupont.fr", "password": PASSWORD}),
        )
        .await;
    assert_eq!(b.status(), StatusCode::UNAUTHORIZED);
}
db_test!(registering_an_email_or_a_siret_already_used_reveals_nothing_and_warns_the_holder);

async fn invalid_siret_cpv_and_departement_are_reported_and_nothing_is_created(app: TestApp) {
    let mut body = company_body("c@dupont.fr", "12345678901234");
    body["cpv_divisions"] = json!(["72", "99"]);
    body["departements"] = json!(["20", "974"]);
    let response = app.post("/auth/register-company", &body).await;
    let problem = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: Vec<(&str, &str)> = problem
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("siret", "checksum"),
            ("cpv_divisions[1]", "unknown"),
            ("departements[0]", "unknown")
        ]
    );
    let login = app
        .post(
            "/auth/login",
            &json!({"email": "c@dupont.fr", "password": PASSWORD}),
        )
        .await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
}
db_test!(invalid_siret_cpv_and_departement_are_reported_and_nothing_is_created);

async fn only_an_admin_may_create_and_list_accounts(app: TestApp) {
    app.create_staff("admin", "admin@etat.fr").await;
    app.create_staff("agent", "agent@etat.fr").await;
    app.create_staff("buyer", "buyer@etat.fr").await;
    app.register_company("pme@dupont.fr", &siret(3)).await;
    let new_agent = json!({
        "email": "nouvel.agent@etat.fr", "password": PASSWORD,
        "role": "agent", "display_name": "Nouvel Agent"
    });

    for email in ["agent@etat.fr", "buyer@etat.fr", "pme@dupont.fr"] {
        let token = app.access_token(email).await;
        let create = app.post_as(&token, "/users", &new_agent).await;
        assert_eq!(
            problem(create, StatusCode::FORBIDDEN).await.code,
            shared::ErrorCode::Forbidden
        );
        let list = app.get_as(&token, "/users").await;
        problem(list, StatusCode::FORBIDDEN).await;
    }
    let anonymous = app.post("/users", &new_agent).await;
    problem(anonymous, StatusCode::UNAUTHORIZED).await;

    let admin = app.access_token("admin@etat.fr").await;
    let created = app.post_as(&admin, "/users", &new_agent).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let agent_token = app.access_token("nouvel.agent@etat.fr").await;
    let me: UserDto = app.get_as(&agent_token, "/me").await.json().await.unwrap();
    assert_eq!(me.role, Role::Agent);
    assert!(me.company.is_none());

    let mut company = new_agent.clone();
    company["email"] = json!("x@etat.fr");
    company["role"] = json!("company");
    let refused = app.post_as(&admin, "/users", &company).await;
    let refused = problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.errors[0].field, "role");
}
db_test!(only_an_admin_may_create_and_list_accounts);

async fn the_account_list_is_paginated(app: TestApp) {
    app.create_staff("admin", "admin@etat.fr").await;
    for i in 0..5 {
        app.create_staff("agent", &format!("agent{i}@etat.fr"))
            .await;
    }
    let admin = app.access_token("admin@etat.fr").await;
    let page: serde_json::Value = app
        .get_as(&admin, "/users?page=2&per_page=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 6);
    assert_eq!(page["page"], 2);
    let emails: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["agent1@etat.fr", "agent2@etat.fr"]);

    let bad = app.get_as(&admin, "/users?page=deux").await;
    problem(bad, StatusCode::BAD_REQUEST).await;
}
db_test!(the_account_list_is_paginated);

async fn agents_list_the_buyers_they_can_assign_and_nobody_else_does(app: TestApp) {
    app.create_staff("admin", "admin@etat.fr").await;
    app.create_staff("agent", "agent@etat.fr").await;
    app.create_staff("buyer", "b1@etat.fr").await;
    app.create_staff("buyer", "b2@etat.fr").await;
    app.register_company("pme@dupont.fr", &siret(4)).await;

    let agent = app.access_token("agent@etat.fr").await;
    let buyers: serde_json::Value = app.get_as(&agent, "/buyers").await.json().await.unwrap();
    let buyers = buyers.as_array().unwrap();
    assert_eq!(buyers.len(), 2);
    for buyer in buyers {
        assert_eq!(buyer["display_name"], "Compte buyer");
        // Agents pick a name; they get no e-mail address of the buyer.
        assert!(buyer.get("email").is_none());
        assert!(buyer["id"].as_str().unwrap().parse::<uuid::Uuid>().is_ok());
    }

    for email in ["admin@etat.fr", "b1@etat.fr", "pme@dupont.fr"] {
        let token = app.access_token(email).await;
        problem(app.get_as(&token, "/buyers").await, StatusCode::FORBIDDEN).await;
    }
    let anonymous = app.client.get(app.url("/buyers")).send().await.unwrap();
    problem(anonymous, StatusCode::UNAUTHORIZED).await;
}
db_test!(agents_list_the_buyers_they_can_assign_and_nobody_else_does);
