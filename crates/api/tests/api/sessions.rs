use chrono::Utc;
use jesaisfaire_api::auth::jwt::{AUDIENCE, Claims, ISSUER};
use jsonwebtoken::{EncodingKey, Header, encode};
use reqwest::StatusCode;
use serde_json::{Value, json};
use shared::ErrorCode;
use shared::types::Role;
use uuid::Uuid;

use crate::db_test;
use crate::helpers::{Backend, PASSWORD, TEST_JWT_SECRET, TestApp, problem, siret};

async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(app: TestApp) {
    app.register_company("pme@dupont.fr", &siret(10)).await;
    let wrong_password = app
        .post(
            "/auth/login",
            &json!({"email": "pme@dupont.fr", "password": "pas le bon mot de passe"}),
        )
        .await;
    let unknown_email = app
        .post(
            "/auth/login",
            &json!({"email": "inconnu@dupont.fr", "password": PASSWORD}),
        )
        .await;
    let a = problem(wrong_password, StatusCode::UNAUTHORIZED).await;
    let b = problem(unknown_email, StatusCode::UNAUTHORIZED).await;
    assert_eq!(a, b);
    assert_eq!(a.code, ErrorCode::InvalidCredentials);
}
db_test!(a_wrong_password_and_an_unknown_email_get_the_same_answer);

fn claims(user_id: Uuid) -> Claims {
    let now = Utc::now().timestamp();
    Claims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: user_id,
        role: Role::Admin,
        typ: "access".into(),
        iat: now,
        nbf: now,
        exp: now + 600,
    }
}

fn sign(claims: &Claims, secret: &str) -> String {
    encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()).unwrap(),
    )
    .unwrap()
}

fn b64(value: &Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

async fn expired_forged_unsigned_and_misdirected_tokens_are_rejected(app: TestApp) {
    app.register_company("pme@dupont.fr", &siret(11)).await;
    let login = app.login("pme@dupont.fr").await;
    let user_id: Uuid = login["user"]["id"].as_str().unwrap().parse().unwrap();
    let good = claims(user_id);
    assert_eq!(
        app.get_as(&sign(&good, TEST_JWT_SECRET), "/me")
            .await
            .status(),
        StatusCode::OK,
        "the reference token must work, or the cases below prove nothing"
    );

    let expired = Claims {
        exp: Utc::now().timestamp() - 120,
        iat: 0,
        nbf: 0,
        ..good.clone()
    };
    let not_yet = Claims {
        nbf: Utc::now().timestamp() + 600,
        ..good.clone()
    };
    let wrong_audience = Claims {
        aud: "another-api".into(),
        ..good.clone()
    };
    let wrong_issuer = Claims {
        iss: "someone-else".into(),
        ..good.clone()
    };
    let wrong_type = Claims {
        typ: "refresh".into(),
        ..good.clone()
    };
    let unsigned = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&serde_json::to_value(&good).unwrap())
    );
    let cases = [
        ("expired", sign(&expired, TEST_JWT_SECRET)),
        ("not yet valid", sign(&not_yet, TEST_JWT_SECRET)),
        (
            "forged with another key",
            sign(&good, "another-secret-of-at-least-32-bytes!!"),
        ),
        ("alg none", unsigned),
        ("wrong audience", sign(&wrong_audience, TEST_JWT_SECRET)),
        ("wrong issuer", sign(&wrong_issuer, TEST_JWT_SECRET)),
        ("wrong token type", sign(&wrong_type, TEST_JWT_SECRET)),
        ("garbage", "not.a.jwt".into()),
    ];
    for (case, token) in cases {
        let response = app.get_as(&token, "/me").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{case}");
        assert!(
            response.headers().contains_key("www-authenticate"),
            "{case}"
        );
        assert_eq!(
            problem(response, StatusCode::UNAUTHORIZED).await.code,
            ErrorCode::InvalidToken,
            "{case}"
        );
    }
    let missing = app.client.get(app.url("/me")).send().await.unwrap();
    assert_eq!(
        problem(missing, StatusCode::UNAUTHORIZED).await.code,
        ErrorCode::Unauthenticated
    );
}
db_test!(expired_forged_unsigned_and_misdirected_tokens_are_rejected);

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.post("/auth/refresh", &json!({"refresh_token": token}))
        .await
}

async fn a_refresh_token_rotates_and_its_late_reuse_revokes_the_whole_session(app: TestApp) {
    app.register_company("pme@dupont.fr", &siret(12)).await;
    let login = app.login("pme@dupont.fr").await;
    let first = login["refresh_token"].as_str().unwrap().to_owned();
    assert!(first.len() >= 43, "256 random bits, base64url");

    let rotated: Value = refresh(&app, &first).await.json().await.unwrap();
    let second = rotated["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    let access = rotated["access_token"].as_str().unwrap();
    assert_eq!(app.get_as(access, "/me").await.status(), StatusCode::OK);

    // Two tabs renewing together present the same token: both go on.
    let other_tab = refresh(&app, &first).await;
    assert_eq!(other_tab.status(), StatusCode::OK);
    // A minute later, the first token is replayed: it leaked.
    use sea_orm::ConnectionTrait;
    let a_minute_ago = (Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let value = match app.db.conn().get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => format!("'{a_minute_ago}'::timestamptz"),
        _ => format!("'{a_minute_ago}'"),
    };
    app.db
        .conn()
        .execute_unprepared(&format!(
            "UPDATE refresh_tokens SET used_at = {value} WHERE used_at IS NOT NULL"
        ))
        .await
        .unwrap();
    let replay = refresh(&app, &first).await;
    problem(replay, StatusCode::UNAUTHORIZED).await;
    // Reuse revoked the family: the legitimate latest token is dead too.
    let after = refresh(&app, &second).await;
    problem(after, StatusCode::UNAUTHORIZED).await;

    // Another login starts a new, independent session.
    let other = app.login("pme@dupont.fr").await;
    let other_token = other["refresh_token"].as_str().unwrap();
    assert_eq!(refresh(&app, other_token).await.status(), StatusCode::OK);

    problem(refresh(&app, "inconnu").await, StatusCode::UNAUTHORIZED).await;
}
db_test!(a_refresh_token_rotates_and_its_late_reuse_revokes_the_whole_session);

async fn logout_revokes_the_refresh_token(app: TestApp) {
    app.register_company("pme@dupont.fr", &siret(13)).await;
    let login = app.login("pme@dupont.fr").await;
    let token = login["refresh_token"].as_str().unwrap();
    let logout = app
        .post("/auth/logout", &json!({"refresh_token": token}))
        .await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    problem(refresh(&app, token).await, StatusCode::UNAUTHORIZED).await;
    let again = app
        .post("/auth/logout", &json!({"refresh_token": token}))
        .await;
    assert_eq!(again.status(), StatusCode::NO_CONTENT);
}
db_test!(logout_revokes_the_refresh_token);

async fn the_web_app_gets_its_refresh_token_as_a_strict_http_only_cookie(app: TestApp) {
    app.register_company("pme@dupont.fr", &siret(14)).await;
    let response = app
        .post(
            "/auth/login",
            &json!({"email": "pme@dupont.fr", "password": PASSWORD, "refresh_token_delivery": "cookie"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .collect();
    let cookie = cookies
        .iter()
        .find(|c| c.starts_with("jsf_refresh="))
        .unwrap();
    // Beside it, a readable marker tells the web app a session can be restored.
    let marker = cookies
        .iter()
        .find(|c| c.starts_with("jsf_signed_in=1"))
        .unwrap();
    assert!(
        !marker.contains("HttpOnly") && marker.contains("Path=/;"),
        "{marker}"
    );
    for attribute in [
        "jsf_refresh=",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/v1/auth",
    ] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing in {cookie}"
        );
    }
    let body: Value = response.json().await.unwrap();
    assert!(
        body.get("refresh_token").is_none(),
        "not readable by scripts"
    );

    // The client's cookie store sends it back: refresh and logout work without a body token.
    let refreshed = app.post("/auth/refresh", &json!({})).await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    let logout = app.post("/auth/logout", &json!({})).await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert!(
        logout
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("jsf_signed_in=;")),
        "the marker is cleared"
    );
    problem(
        app.post("/auth/refresh", &json!({})).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}
db_test!(the_web_app_gets_its_refresh_token_as_a_strict_http_only_cookie);

async fn renewing_a_session_never_extends_it_past_its_login_lifetime(app: TestApp) {
    use jesaisfaire_api::entities::refresh_token;
    use sea_orm::EntityTrait;
    app.register_company("pme@dupont.fr", &siret(14)).await;
    let login = app.login("pme@dupont.fr").await;
    let mut token = login["refresh_token"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        let rotated: Value = refresh(&app, &token).await.json().await.unwrap();
        token = rotated["refresh_token"].as_str().unwrap().to_owned();
    }
    let tokens = refresh_token::Entity::find()
        .all(app.db.conn())
        .await
        .unwrap();
    assert_eq!(tokens.len(), 4);
    assert!(
        tokens.iter().all(|t| t.expires_at == tokens[0].expires_at),
        "every renewal keeps the login's expiry"
    );
}
db_test!(renewing_a_session_never_extends_it_past_its_login_lifetime);

async fn signing_out_everywhere_ends_every_session_of_the_account_only(app: TestApp) {
    app.register_company("pme@dupont.fr", &siret(15)).await;
    app.register_company("autre@dupont.fr", &siret(16)).await;
    let laptop = app.login("pme@dupont.fr").await;
    let phone = app.login("pme@dupont.fr").await;
    let someone_else = app.login("autre@dupont.fr").await;
    let access = laptop["access_token"].as_str().unwrap();
    let response = app
        .client
        .post(app.url("/auth/logout-everywhere"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    for session in [&laptop, &phone] {
        let token = session["refresh_token"].as_str().unwrap();
        problem(refresh(&app, token).await, StatusCode::UNAUTHORIZED).await;
    }
    let other = someone_else["refresh_token"].as_str().unwrap();
    assert_eq!(refresh(&app, other).await.status(), StatusCode::OK);
    let anonymous = app
        .client
        .post(app.url("/auth/logout-everywhere"))
        .send()
        .await
        .unwrap();
    problem(anonymous, StatusCode::UNAUTHORIZED).await;
}
db_test!(signing_out_everywhere_ends_every_session_of_the_account_only);

async fn a_new_password_needs_the_current_one_and_ends_the_other_sessions(app: TestApp) {
    app.register_company("pme@dupont.fr", &siret(17)).await;
    let here = app.login("pme@dupont.fr").await;
    let elsewhere = app.login("pme@dupont.fr").await;
    let access = here["access_token"].as_str().unwrap();
    let change = |body: Value| {
        app.client
            .post(app.url("/auth/change-password"))
            .bearer_auth(access)
            .json(&body)
            .send()
    };
    let wrong = problem(
        change(json!({"current_password": "pas le bon", "new_password": "un tout nouveau mot de passe"}))
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(wrong.errors[0].field, "current_password");
    let short = problem(
        change(json!({"current_password": PASSWORD, "new_password": "court"}))
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(short.errors[0].field, "new_password");
    // Nothing changed yet: the other session still renews.
    let other = elsewhere["refresh_token"].as_str().unwrap().to_owned();
    let renewed: Value = refresh(&app, &other).await.json().await.unwrap();
    let other = renewed["refresh_token"].as_str().unwrap().to_owned();

    let changed = change(
        json!({"current_password": PASSWORD, "new_password": "un tout nouveau mot de passe"}),
    )
    .await
    .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    let session: Value = changed.json().await.unwrap();
    // The caller goes on with a new session; every other one has ended.
    let new_token = session["refresh_token"].as_str().unwrap();
    assert_eq!(refresh(&app, new_token).await.status(), StatusCode::OK);
    problem(refresh(&app, &other).await, StatusCode::UNAUTHORIZED).await;
    let old = app
        .post(
            "/auth/login",
            &json!({"email": "pme@dupont.fr", "password": PASSWORD}),
        )
        .await;
    problem(old, StatusCode::UNAUTHORIZED).await;
    let new = app
        .post(
            "/auth/login",
            &json!({"email": "pme@dupont.fr", "password": "un tout nouveau mot de passe"}),
        )
        .await;
    assert_eq!(new.status(), StatusCode::OK);
}
db_test!(a_new_password_needs_the_current_one_and_ends_the_other_sessions);

#[tokio::test]
async fn the_server_refuses_to_start_without_a_jwt_secret_outside_demo_mode() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = crate::helpers::test_settings(Backend::Sqlite, dir.path()).await;
    settings.jwt_secret = None;
    let refused = jesaisfaire_api::startup::Application::build(settings.clone()).await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("JESAISFAIRE_JWT_SECRET"), "{message}");
    let demo = jesaisfaire_api::configuration::Settings {
        demo_data: true,
        ..settings
    };
    assert!(
        jesaisfaire_api::startup::Application::build(demo)
            .await
            .is_ok()
    );
}
