//! Opaque refresh tokens: 256 random bits, stored only as a SHA-256 digest.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const COOKIE_NAME: &str = "jsf_refresh";
pub const COOKIE_PATH: &str = "/api/v1/auth";
/// A non-secret cookie the web app can read, living as long as the refresh
/// cookie: without it, there is no session to restore and the app does not
/// try (an attempt would only fail with 401).
pub const MARKER_NAME: &str = "jsf_signed_in";

pub struct NewRefreshToken {
    /// Given to the client once.
    pub token: String,
    pub hash: String,
}

pub fn generate() -> NewRefreshToken {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = digest(&token);
    NewRefreshToken { token, hash }
}

pub fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
