//! What both benches do alike.

use serde_json::{Value, json};

/// An access token for `email`, from the API at `api` (`…/api/v1`).
pub async fn sign_in(api: &str, email: &str, password: &str) -> anyhow::Result<String> {
    let body: Value = reqwest::Client::new()
        .post(format!("{api}/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await?
        .json()
        .await?;
    body["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("login {email}: {body}"))
}
