//! Short-lived access tokens: HS256 only, with issuer, audience, validity
//! window and a token-type claim, all checked on every request.

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use shared::types::Role;
use uuid::Uuid;

use crate::error::ApiError;

pub const ISSUER: &str = "jesaisfaire";
pub const AUDIENCE: &str = "jesaisfaire-api";
pub const ACCESS_TOKEN_TYPE: &str = "access";
const ALGORITHM: Algorithm = Algorithm::HS256;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: Uuid,
    pub role: Role,
    /// Token type: only `access` tokens open the API.
    pub typ: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl: Duration) -> anyhow::Result<Self> {
        let mut validation = Validation::new(ALGORITHM);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret).context("invalid JWT secret")?,
            decoding: DecodingKey::from_secret(secret).context("invalid JWT secret")?,
            validation,
            ttl,
        })
    }

    pub fn ttl_seconds(&self) -> i64 {
        i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX)
    }

    pub fn issue(&self, user_id: Uuid, role: Role) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user_id,
            role,
            typ: ACCESS_TOKEN_TYPE.into(),
            iat: now,
            nbf: now,
            exp: now.saturating_add(self.ttl_seconds()),
        };
        encode(&Header::new(ALGORITHM), &claims, &self.encoding).context("cannot sign JWT")
    }

    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let claims = decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|err| {
                tracing::debug!(error = %err, "rejected access token");
                ApiError::InvalidToken
            })?
            .claims;
        if claims.typ != ACCESS_TOKEN_TYPE {
            return Err(ApiError::InvalidToken);
        }
        Ok(claims)
    }
}
