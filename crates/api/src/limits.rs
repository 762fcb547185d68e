//! Abuse limits of the endpoints that take credentials or send e-mail
//! (sign-in, refresh, registration, verification, password reset): so many
//! attempts a minute per client address, and for sign-in and reset per
//! account too, so that guessing a password from many addresses is slowed
//! as much as from one. Beyond them: 429 with `Retry-After`.
//!
//! The client address is the TCP peer, or behind a reverse proxy
//! (`JESAISFAIRE_BEHIND_PROXY=true`) the first address of its `Forwarded` /
//! `X-Forwarded-For` header, which the proxy must then set itself. The
//! counters live in each instance's memory: with N instances, a client gets
//! at most N times the limit.

use std::net::IpAddr;
use std::num::NonZeroU32;

use actix_web::HttpRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

pub struct AuthLimits {
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_account: DefaultKeyedRateLimiter<String>,
    behind_proxy: bool,
}

impl AuthLimits {
    /// `per_minute` attempts a minute, all of them usable in one burst.
    pub fn new(per_minute: NonZeroU32, behind_proxy: bool) -> Self {
        let quota = Quota::per_minute(per_minute);
        Self {
            by_address: RateLimiter::keyed(quota),
            by_account: RateLimiter::keyed(quota),
            behind_proxy,
        }
    }

    fn client(&self, req: &HttpRequest) -> Option<IpAddr> {
        if self.behind_proxy {
            req.connection_info()
                .realip_remote_addr()
                .and_then(|a| a.parse().ok())
        } else {
            req.peer_addr().map(|a| a.ip())
        }
    }

    pub fn check_address(&self, req: &HttpRequest) -> Result<(), ApiError> {
        match self.client(req) {
            Some(ip) => self
                .by_address
                .check_key(&ip)
                .map_err(|not_until| refused(&not_until)),
            None => Ok(()),
        }
    }

    /// The account an attempt names (an e-mail, case aside).
    pub fn check_account(&self, email: &str) -> Result<(), ApiError> {
        self.by_account
            .check_key(&email.trim().to_lowercase())
            .map_err(|not_until| refused(&not_until))
    }
}

fn refused(not_until: &governor::NotUntil<<DefaultClock as Clock>::Instant>) -> ApiError {
    ApiError::TooManyRequests(not_until.wait_time_from(DefaultClock::default().now()))
}
