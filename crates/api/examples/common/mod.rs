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

/// Every company of `tokens` posts `each` contributions to `url`, one after
/// the other, all companies at once: the statuses they received (0 when no
/// answer came).
pub async fn write_at_once(
    client: &reqwest::Client,
    url: &str,
    tokens: &[String],
    each: usize,
) -> Vec<u16> {
    let statuses = futures_util::future::join_all(tokens.iter().map(|token| async move {
        let mut statuses = Vec::with_capacity(each);
        for i in 0..each {
            let sent = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({
                    "kind": "solution", "body": format!("Proposition {i}"),
                    "justification": "Banc d'essai", "cost_direction": "neutral"
                }))
                .send()
                .await;
            statuses.push(sent.map(|r| r.status().as_u16()).unwrap_or(0));
        }
        statuses
    }))
    .await;
    statuses.into_iter().flatten().collect()
}
