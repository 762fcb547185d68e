//! The signed-in person, shared by every page through the context.
//!
//! The access token lives only in memory; after a reload the HttpOnly refresh
//! cookie restores the session. When the access token expires mid-session,
//! the next call renews it with the cookie and is retried, unnoticed; when
//! the cookie is gone too, the person is signed out and the page they were on
//! sends them to the login page and back.

use std::future::Future;
use std::rc::Rc;

use futures::lock::Mutex;
use leptos::prelude::*;
use shared::auth::{TokenResponse, UserDto};

use crate::api::{self, ApiError};

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
    /// True once a session ended because it expired, not by logging out.
    expired: RwSignal<bool>,
}

thread_local! {
    /// Refresh tokens rotate on use and a reused one revokes the session:
    /// calls failing together must renew once, one after the other.
    static RENEWAL: Rc<Mutex<()>> = Rc::new(Mutex::new(()));
}

impl Session {
    pub fn provide() -> Self {
        let session = Self {
            current: RwSignal::new(None),
            ready: RwSignal::new(false),
            expired: RwSignal::new(false),
        };
        provide_context(session);
        if !marker::present() {
            // Nobody signed in on this browser: nothing to restore.
            session.ready.set(true);
            return session;
        }
        leptos::task::spawn_local(async move {
            match api::refresh().await {
                Ok(tokens) => session.sign_in(tokens),
                Err(_) => marker::forget(),
            }
            session.ready.set(true);
        });
        session
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    pub fn sign_in(&self, tokens: TokenResponse) {
        self.expired.set(false);
        self.current.set(Some(SignedIn {
            access_token: tokens.access_token,
            user: tokens.user,
        }));
    }

    pub fn sign_out(&self) {
        self.current.set(None);
    }

    /// Ends this session on the server (its refresh token revoked, its
    /// cookies cleared), then forgets it here even if the server is
    /// unreachable.
    pub async fn log_out(self) {
        let _ = crate::api::logout().await;
        self.sign_out();
    }

    /// The access token, while someone is signed in.
    pub fn token(&self) -> Option<String> {
        self.current
            .with(|s| s.as_ref().map(|s| s.access_token.clone()))
    }

    /// The signed-in person; reactive: for closures that follow sign-in changes.
    pub fn user(&self) -> Option<UserDto> {
        self.current.with(|s| s.as_ref().map(|s| s.user.clone()))
    }

    /// The signed-in person now, for code that runs once (a component body).
    pub fn user_now(&self) -> Option<UserDto> {
        self.current
            .with_untracked(|s| s.as_ref().map(|s| s.user.clone()))
    }

    pub fn ready(&self) -> bool {
        self.ready.get()
    }

    pub fn expired(&self) -> bool {
        self.expired.get()
    }

    /// For resources: runs `call` with the access token, `None` while nobody
    /// is signed in. Reading the token here makes the resource refetch when
    /// the person signs in.
    pub fn fetch<T, Fut>(
        self,
        call: impl Fn(String) -> Fut,
    ) -> impl Future<Output = Option<Result<T, ApiError>>>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let token = self.token();
        async move {
            match token {
                Some(token) => Some(self.with_renewal(token, call).await),
                None => None,
            }
        }
    }

    /// For actions, dispatched only by someone signed in.
    pub async fn send<T, Fut>(self, call: impl Fn(String) -> Fut) -> Result<T, ApiError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let token = self
            .current
            .with_untracked(|s| s.as_ref().map(|s| s.access_token.clone()));
        match token {
            Some(token) => self.with_renewal(token, call).await,
            None => Err(ApiError::SignedOut),
        }
    }

    async fn with_renewal<T, Fut>(
        self,
        token: String,
        call: impl Fn(String) -> Fut,
    ) -> Result<T, ApiError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        match call(token.clone()).await {
            Err(err) if err.is_unauthenticated() => match self.renew(&token).await {
                Some(fresh) => call(fresh).await,
                None => {
                    self.expire();
                    Err(err)
                }
            },
            other => other,
        }
    }

    /// A fresh access token in place of `expired`, if the refresh cookie is
    /// still good.
    async fn renew(self, expired: &str) -> Option<String> {
        let lock = RENEWAL.with(Rc::clone);
        let _one_at_a_time = lock.lock().await;
        let current = self
            .current
            .with_untracked(|s| s.as_ref().map(|s| s.access_token.clone()));
        match current {
            // Another call renewed it while this one waited.
            Some(current) if current != expired => Some(current),
            _ => {
                let tokens = api::refresh().await.ok()?;
                let fresh = tokens.access_token.clone();
                self.sign_in(tokens);
                Some(fresh)
            }
        }
    }

    fn expire(self) {
        marker::forget();
        if self.current.with_untracked(Option::is_some) {
            self.expired.set(true);
            self.current.set(None);
        }
    }
}

/// The readable `jsf_signed_in` cookie the server sets with the refresh
/// cookie and clears at logout.
mod marker {
    use wasm_bindgen::JsCast;
    use web_sys::HtmlDocument;

    const NAME: &str = "jsf_signed_in";

    fn document() -> Option<HtmlDocument> {
        web_sys::window()?.document()?.dyn_into().ok()
    }

    pub fn present() -> bool {
        document()
            .and_then(|d| d.cookie().ok())
            .is_some_and(|cookies| cookies.split(';').any(|c| c.trim() == format!("{NAME}=1")))
    }

    /// After a refused renewal: the session is over, do not try again.
    pub fn forget() {
        if let Some(d) = document() {
            // Failing to clear it costs one refused refresh at the next load.
            let _ = d.set_cookie(&format!("{NAME}=; Max-Age=0; Path=/; SameSite=Strict"));
        }
    }
}
