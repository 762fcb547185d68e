//! The life of an account: verification before contributing, forgotten
//! password, administrators disabling and enabling, personal API tokens,
//! deletion at the holder's request, demo accounts outside demo mode.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shared::ErrorCode;

use crate::fixtures::{call, company, json_of, scene, staff};
use crate::helpers::{Backend, PASSWORD, TestApp, company_body, problem, siret};
use crate::mail::app_with_smtp;
use crate::mailbox::SmtpServer;
use crate::{backend_test, db_test};

async fn an_unverified_company_reads_but_contributes_only_once_verified(app: TestApp) {
    let s = scene(&app).await;
    let body = company_body("pme@dupont.fr", &siret(1));
    let mut body = body;
    body["cpv_divisions"] = json!(["72"]);
    body["departements"] = json!(["69"]);
    let response = app.post("/auth/register-company", &body).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let token = app.access_token("pme@dupont.fr").await;
    let me = json_of(app.get_as(&token, "/me").await, StatusCode::OK).await;
    assert_eq!(me["email_verified"], false);
    // It reads the consultation…
    let path = format!("/consultations/{}", s.consultation);
    json_of(app.get_as(&token, &path).await, StatusCode::OK).await;
    // …but cannot take part yet.
    let contribution =
        json!({"kind": "clarification", "body": "Combien de sites ?", "justification": "Coût."});
    let refused = call(
        &app,
        &token,
        Method::POST,
        &format!("{path}/contributions"),
        Some(contribution.clone()),
    )
    .await;
    let problem = problem(refused, StatusCode::FORBIDDEN).await;
    assert_eq!(problem.code, ErrorCode::EmailNotVerified);
    assert!(problem.detail.contains("Confirmez"));
    // A second link, then the first one still works once; then neither.
    let resent = call(
        &app,
        &token,
        Method::POST,
        "/auth/verify-email/resend",
        None,
    )
    .await;
    assert_eq!(resent.status(), StatusCode::ACCEPTED);
    let links = app
        .mailbox
        .wait_until("two verification messages", |all| {
            all.iter().filter(|m| m.to == "pme@dupont.fr").count() == 2
        })
        .await;
    let first = links[0].token("/verifier-email?jeton=");
    let verify = |token: String| {
        let app = &app;
        async move {
            app.post("/auth/verify-email", &json!({ "token": token }))
                .await
        }
    };
    assert_eq!(verify(first.clone()).await.status(), StatusCode::NO_CONTENT);
    let again = problem_of(verify(first).await).await;
    assert_eq!(again.errors[0].field, "token");
    let me = json_of(app.get_as(&token, "/me").await, StatusCode::OK).await;
    assert_eq!(me["email_verified"], true);
    json_of(
        call(
            &app,
            &token,
            Method::POST,
            &format!("{path}/contributions"),
            Some(contribution),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let already = call(
        &app,
        &token,
        Method::POST,
        "/auth/verify-email/resend",
        None,
    )
    .await;
    assert_eq!(already.status(), StatusCode::CONFLICT);
}
db_test!(an_unverified_company_reads_but_contributes_only_once_verified);

async fn problem_of(response: reqwest::Response) -> shared::ProblemDetails {
    problem(response, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn a_forgotten_password_is_reset_once_through_the_mailed_link_and_ends_every_session(
    backend: Backend,
) {
    // Through a real SMTP server, as people receive it.
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(&dir.path().join("maildir")).await;
    let app = app_with_smtp(backend, &smtp, std::time::Duration::from_secs(3600)).await;
    app.register_company("pme@dupont.fr", &siret(2)).await;
    let session = app.login("pme@dupont.fr").await;
    let old_refresh = session["refresh_token"].as_str().unwrap().to_owned();
    // The same answer for an unknown address, and no message.
    for email in ["inconnu@dupont.fr", "pme@dupont.fr"] {
        let asked = app
            .post("/auth/password-reset/request", &json!({ "email": email }))
            .await;
        assert_eq!(asked.status(), StatusCode::ACCEPTED);
    }
    let malformed = app
        .post(
            "/auth/password-reset/request",
            &json!({ "email": "pas une adresse" }),
        )
        .await;
    assert_eq!(problem_of(malformed).await.errors[0].field, "email");
    let message = app
        .mailbox
        .wait_for("pme@dupont.fr", "Réinitialisation")
        .await;
    assert!(message.text.contains("une heure"));
    assert!(
        message.list_unsubscribe.is_none(),
        "account messages always go"
    );
    assert!(
        app.mailbox
            .all()
            .iter()
            .all(|m| m.to != "inconnu@dupont.fr")
    );
    let token = message.token("/reinitialiser-mot-de-passe?jeton=");
    let too_short = app
        .post(
            "/auth/password-reset",
            &json!({ "token": token, "new_password": "court" }),
        )
        .await;
    assert_eq!(problem_of(too_short).await.errors[0].field, "new_password");
    let reset = app
        .post(
            "/auth/password-reset",
            &json!({ "token": token, "new_password": "un nouveau mot de passe" }),
        )
        .await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    let reused = app
        .post(
            "/auth/password-reset",
            &json!({ "token": token, "new_password": "encore un autre mot de passe" }),
        )
        .await;
    assert_eq!(problem_of(reused).await.errors[0].field, "token");
    let refreshed = app
        .post("/auth/refresh", &json!({ "refresh_token": old_refresh }))
        .await;
    assert_eq!(refreshed.status(), StatusCode::UNAUTHORIZED);
    let old = app
        .post(
            "/auth/login",
            &json!({"email": "pme@dupont.fr", "password": PASSWORD}),
        )
        .await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new = app
        .post(
            "/auth/login",
            &json!({"email": "pme@dupont.fr", "password": "un nouveau mot de passe"}),
        )
        .await;
    assert_eq!(new.status(), StatusCode::OK);
}
backend_test!(a_forgotten_password_is_reset_once_through_the_mailed_link_and_ends_every_session);

async fn a_disabled_account_is_locked_out_at_once_and_the_trail_says_who_did_it(app: TestApp) {
    let admin = staff(&app, "admin", "admin@exemple.gouv.fr").await;
    let agent = staff(&app, "agent", "agent@exemple.gouv.fr").await;
    let session = app.login("agent@exemple.gouv.fr").await;
    let refresh = session["refresh_token"].as_str().unwrap().to_owned();
    let api = json_of(
        call(
            &app,
            &agent.token,
            Method::POST,
            "/me/api-tokens",
            Some(json!({"name": "Tableur", "access": "read_write"})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let api_token = api["token"].as_str().unwrap().to_owned();
    let disable = format!("/users/{}/disable", agent.id);
    // Only an administrator, never on their own account.
    problem(
        call(&app, &agent.token, Method::POST, &disable, None).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        call(
            &app,
            &admin.token,
            Method::POST,
            &format!("/users/{}/disable", admin.id),
            None,
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    let disabled = json_of(
        call(&app, &admin.token, Method::POST, &disable, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(disabled["disabled"], true);
    let login = app
        .post(
            "/auth/login",
            &json!({"email": "agent@exemple.gouv.fr", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        problem(login, StatusCode::FORBIDDEN).await.code,
        ErrorCode::AccountDisabled
    );
    let wrong = app
        .post(
            "/auth/login",
            &json!({"email": "agent@exemple.gouv.fr", "password": "mauvais mot de passe"}),
        )
        .await;
    assert_eq!(
        wrong.status(),
        StatusCode::UNAUTHORIZED,
        "the status shows only with the password"
    );
    let refreshed = app
        .post("/auth/refresh", &json!({ "refresh_token": refresh }))
        .await;
    assert_eq!(refreshed.status(), StatusCode::UNAUTHORIZED);
    let by_token = call(&app, &api_token, Method::GET, "/me", None).await;
    assert_eq!(
        problem(by_token, StatusCode::FORBIDDEN).await.code,
        ErrorCode::AccountDisabled
    );
    // Enabled again, it signs in.
    let enabled = json_of(
        call(
            &app,
            &admin.token,
            Method::POST,
            &format!("/users/{}/enable", agent.id),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(enabled["disabled"], false);
    app.login("agent@exemple.gouv.fr").await;
    let trail = json_of(
        call(
            &app,
            &admin.token,
            Method::GET,
            &format!("/users/{}/events", agent.id),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<(&str, &str)> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [("disabled", "Compte admin"), ("enabled", "Compte admin")]
    );
}
db_test!(a_disabled_account_is_locked_out_at_once_and_the_trail_says_who_did_it);

async fn a_personal_api_token_acts_as_its_owner_never_more_and_dies_when_revoked(app: TestApp) {
    let s = scene(&app).await;
    let agent = &s.agent.token;
    let create = |body: Value| call(&app, agent, Method::POST, "/me/api-tokens", Some(body));
    let read = json_of(
        create(json!({"name": "Lecture ERP", "access": "read"})).await,
        StatusCode::CREATED,
    )
    .await;
    let write = json_of(
        create(json!({"name": "Synchronisation", "access": "read_write", "expires_at": "2099-01-01T00:00:00Z"})).await,
        StatusCode::CREATED,
    )
    .await;
    let past =
        create(json!({"name": "Passé", "access": "read", "expires_at": "2001-01-01T00:00:00Z"}))
            .await;
    assert_eq!(problem_of(past).await.errors[0].field, "expires_at");
    let read_token = read["token"].as_str().unwrap();
    let write_token = write["token"].as_str().unwrap();
    assert!(read_token.starts_with("jsf_"));
    // The list never shows a secret again.
    let listed = json_of(
        call(&app, agent, Method::GET, "/me/api-tokens", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(!listed.to_string().contains(read_token) && !listed.to_string().contains(write_token));
    // Reading works with both; changing only with the read-write token.
    let path = format!("/consultations/{}", s.consultation);
    json_of(
        call(&app, read_token, Method::GET, &path, None).await,
        StatusCode::OK,
    )
    .await;
    let close = format!("{path}/rounds/1/close");
    let refused = call(&app, read_token, Method::POST, &close, None).await;
    assert_eq!(
        problem(refused, StatusCode::FORBIDDEN).await.code,
        ErrorCode::ReadOnlyToken
    );
    json_of(
        call(&app, write_token, Method::POST, &close, None).await,
        StatusCode::OK,
    )
    .await;
    // The owner's rights, never more: an agent's token is no administrator.
    problem(
        call(&app, write_token, Method::GET, "/users", None).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // A token cannot make tokens, change the password or delete the account.
    let minted = call(
        &app,
        write_token,
        Method::POST,
        "/me/api-tokens",
        Some(json!({"name": "x", "access": "read"})),
    )
    .await;
    problem(minted, StatusCode::FORBIDDEN).await;
    let changed = call(
        &app,
        write_token,
        Method::POST,
        "/auth/change-password",
        Some(json!({"current_password": PASSWORD, "new_password": "un autre mot de passe"})),
    )
    .await;
    problem(changed, StatusCode::FORBIDDEN).await;
    // Revoked: refused at once.
    let id = read["api_token"]["id"].as_str().unwrap();
    let revoked = call(
        &app,
        agent,
        Method::DELETE,
        &format!("/me/api-tokens/{id}"),
        None,
    )
    .await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let dead = call(&app, read_token, Method::GET, &path, None).await;
    assert_eq!(dead.status(), StatusCode::UNAUTHORIZED);
    let twice = call(
        &app,
        agent,
        Method::DELETE,
        &format!("/me/api-tokens/{id}"),
        None,
    )
    .await;
    assert_eq!(twice.status(), StatusCode::NOT_FOUND);
}
db_test!(a_personal_api_token_acts_as_its_owner_never_more_and_dies_when_revoked);

async fn a_company_deletes_its_account_and_only_its_pseudonym_remains(app: TestApp) {
    let s = scene(&app).await;
    let alpha = company(&app, 1, "Alpha Informatique", &["72"], &["69"]).await;
    let path = format!("/consultations/{}/contributions", s.consultation);
    json_of(
        call(
            &app,
            &alpha.token,
            Method::POST,
            &path,
            Some(json!({
                "kind": "clarification", "body": "Combien de sites ?", "justification": "Coût.",
            })),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let wrong = call(
        &app,
        &alpha.token,
        Method::POST,
        "/me/delete",
        Some(json!({"password": "mauvais mot de passe"})),
    )
    .await;
    assert_eq!(problem_of(wrong).await.errors[0].field, "password");
    let staff_delete = call(
        &app,
        &s.agent.token,
        Method::POST,
        "/me/delete",
        Some(json!({"password": PASSWORD})),
    )
    .await;
    problem(staff_delete, StatusCode::CONFLICT).await;
    let deleted = call(
        &app,
        &alpha.token,
        Method::POST,
        "/me/delete",
        Some(json!({"password": PASSWORD})),
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let login = app
        .post(
            "/auth/login",
            &json!({"email": alpha.email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
    // The record keeps the contribution under its pseudonym.
    let listed = json_of(
        call(&app, &s.agent.token, Method::GET, &path, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["items"][0]["author"]["label"], "Entreprise A");
    // The identity is gone from every table.
    use sea_orm::{FromQueryResult, JsonValue, Statement};
    let conn = app.db.conn();
    for table in [
        "users",
        "companies",
        "mail_messages",
        "notifications",
        "events",
        "account_events",
    ] {
        let statement = Statement::from_string(
            conn.get_database_backend(),
            format!("SELECT * FROM {table}"),
        );
        let rows = JsonValue::find_by_statement(statement)
            .all(conn)
            .await
            .unwrap();
        let dump = serde_json::to_string(&rows).unwrap();
        if table == "users" {
            // The dump holds the values: the erased account is there, renamed.
            assert!(dump.contains("@compte-supprime.invalid"), "{dump}");
        }
        for identity in [&alpha.name, &alpha.email, &alpha.siret] {
            assert!(
                !dump.contains(identity.as_str()),
                "{identity} still in {table}"
            );
        }
    }
    // Its SIRET and address are free for a new registration.
    app.register_company(&alpha.email, &alpha.siret).await;
}
db_test!(a_company_deletes_its_account_and_only_its_pseudonym_remains);

async fn every_account_operation_answers_each_role_as_the_rules_say(app: TestApp) {
    let agent = staff(&app, "agent", "agent@exemple.gouv.fr").await;
    let buyer = staff(&app, "buyer", "acheteur@exemple.gouv.fr").await;
    let admin = staff(&app, "admin", "admin@exemple.gouv.fr").await;
    let member = company(&app, 1, "Alpha Informatique", &["72"], &["69"]).await;
    let target = staff(&app, "buyer", "cible@exemple.gouv.fr").await;
    let (id, tid) = (&target.id, "00000000-0000-0000-0000-000000000000");
    use StatusCode as S;
    //                      (operation, method, path, body)        agent buyer admin company anonymous
    let matrix: Vec<(Method, String, Option<Value>, [S; 5])> = vec![
        (
            Method::GET,
            "/me/mail-preferences".into(),
            None,
            [S::OK, S::OK, S::OK, S::OK, S::UNAUTHORIZED],
        ),
        (
            Method::PUT,
            "/me/mail-preferences".into(),
            Some(json!([])),
            [S::OK, S::OK, S::OK, S::OK, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/me/api-tokens".into(),
            None,
            [S::OK, S::OK, S::OK, S::OK, S::UNAUTHORIZED],
        ),
        (
            Method::DELETE,
            format!("/me/api-tokens/{tid}"),
            None,
            [
                S::NOT_FOUND,
                S::NOT_FOUND,
                S::NOT_FOUND,
                S::NOT_FOUND,
                S::UNAUTHORIZED,
            ],
        ),
        (
            Method::POST,
            "/auth/verify-email/resend".into(),
            None,
            [
                S::CONFLICT,
                S::CONFLICT,
                S::CONFLICT,
                S::CONFLICT,
                S::UNAUTHORIZED,
            ],
        ),
        (
            Method::GET,
            format!("/users/{id}/events"),
            None,
            [
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
                S::FORBIDDEN,
                S::UNAUTHORIZED,
            ],
        ),
        (
            Method::POST,
            format!("/users/{id}/enable"),
            None,
            [
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
                S::FORBIDDEN,
                S::UNAUTHORIZED,
            ],
        ),
        (
            Method::POST,
            format!("/users/{id}/disable"),
            None,
            [
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
                S::FORBIDDEN,
                S::UNAUTHORIZED,
            ],
        ),
        (
            Method::POST,
            "/me/delete".into(),
            Some(json!({"password": "mauvais mot de passe"})),
            [
                S::CONFLICT,
                S::CONFLICT,
                S::CONFLICT,
                S::UNPROCESSABLE_ENTITY,
                S::UNAUTHORIZED,
            ],
        ),
    ];
    for (method, path, body, expected) in matrix {
        for (caller, status) in [
            &agent.token,
            &buyer.token,
            &admin.token,
            &member.token,
            &String::new(),
        ]
        .into_iter()
        .zip(expected)
        {
            let mut request = app.client.request(method.clone(), app.url(&path));
            if !caller.is_empty() {
                request = request.bearer_auth(caller);
            }
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await.unwrap();
            assert_eq!(
                response.status(),
                status,
                "{method} {path} as caller #{}",
                [&agent.token, &buyer.token, &admin.token, &member.token]
                    .iter()
                    .position(|t| *t == caller)
                    .map_or("anonymous".into(), |i| i.to_string())
            );
        }
    }
}
db_test!(every_account_operation_answers_each_role_as_the_rules_say);

#[tokio::test]
async fn bursts_of_sign_in_attempts_are_slowed_per_address_and_per_account() {
    let app = crate::helpers::spawn_with(Backend::Sqlite, false, &[], |s| {
        s.auth_attempts_per_minute = std::num::NonZeroU32::new(5).unwrap();
        s.behind_proxy = true;
    })
    .await;
    let attempt = |from: &str, email: &str| {
        app.client
            .post(app.url("/auth/login"))
            .header("x-forwarded-for", from.to_owned())
            .json(&json!({"email": email, "password": "mauvais mot de passe"}))
            .send()
    };
    // One address, five accounts: the sixth attempt waits.
    for n in 0..5 {
        let tried = attempt("203.0.113.1", &format!("compte{n}@exemple.fr"))
            .await
            .unwrap();
        assert_eq!(tried.status(), StatusCode::UNAUTHORIZED);
    }
    let refused = attempt("203.0.113.1", "compte9@exemple.fr").await.unwrap();
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let refused = problem(refused, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(refused.code, shared::ErrorCode::TooManyRequests);
    assert!(refused.detail.contains("réessayez dans"));
    // One account, five addresses: the sixth address waits too.
    for n in 0..5 {
        let tried = attempt(&format!("198.51.100.{n}"), "cible@exemple.fr")
            .await
            .unwrap();
        assert_eq!(tried.status(), StatusCode::UNAUTHORIZED);
    }
    let refused = attempt("198.51.100.9", "cible@exemple.fr").await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another address, another account: untouched.
    let other = attempt("192.0.2.7", "autre@exemple.fr").await.unwrap();
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);
}
