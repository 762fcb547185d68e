//! The signed-in person, shared by every page through the context.
//!
//! The access token lives only in memory; after a reload the HttpOnly refresh
//! cookie restores the session.

use leptos::prelude::*;
use shared::auth::{TokenResponse, UserDto};

#[derive(Clone, Debug, PartialEq)]
pub struct SignedIn {
    pub access_token: String,
    pub user: UserDto,
}

#[derive(Clone, Copy)]
pub struct Session {
    current: RwSignal<Option<SignedIn>>,
    /// False until the start-up refresh attempt has answered.
    ready: RwSignal<bool>,
}

impl Session {
    pub fn provide() -> Self {
        let session = Self {
            current: RwSignal::new(None),
            ready: RwSignal::new(false),
        };
        provide_context(session);
        leptos::task::spawn_local(async move {
            if let Ok(tokens) = crate::api::refresh().await {
                session.sign_in(tokens);
            }
            session.ready.set(true);
        });
        session
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    pub fn sign_in(&self, tokens: TokenResponse) {
        self.current.set(Some(SignedIn {
            access_token: tokens.access_token,
            user: tokens.user,
        }));
    }

    pub fn sign_out(&self) {
        self.current.set(None);
    }

    pub fn current(&self) -> Option<SignedIn> {
        self.current.get()
    }

    /// The access token, while someone is signed in.
    pub fn token(&self) -> Option<String> {
        self.current
            .with(|s| s.as_ref().map(|s| s.access_token.clone()))
    }

    pub fn user(&self) -> Option<UserDto> {
        self.current.with(|s| s.as_ref().map(|s| s.user.clone()))
    }

    pub fn ready(&self) -> bool {
        self.ready.get()
    }
}

/// Runs an API call with the access token; `None` while nobody is signed in.
pub async fn signed_in<T, F: std::future::Future<Output = T>>(
    token: Option<String>,
    call: impl FnOnce(String) -> F,
) -> Option<T> {
    match token {
        Some(token) => Some(call(token).await),
        None => None,
    }
}
