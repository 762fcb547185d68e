//! What pages ask of the address and the session, in one place.

use std::future::Future;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};
use uuid::Uuid;

use crate::api::ApiError;
use crate::session::Session;

/// Sends a visitor who is not (or no longer) signed in to the login page,
/// and back to this very page afterwards.
pub fn require_sign_in() {
    let session = Session::get();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move || {
        if session.ready() && session.user().is_none() {
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            let next = String::from(js_sys::encode_uri_component(&here));
            navigate(&format!("/connexion?next={next}"), Default::default());
        }
    });
}

/// What a page of one consultation loads, for the signed-in person (who is
/// sent to the login page otherwise), refetched when the id or the session changes.
pub fn use_consultation_data<T, Fut>(
    load: impl Fn(String, Option<Uuid>) -> Fut + Copy + Send + Sync + 'static,
) -> LocalResource<Option<Result<T, ApiError>>>
where
    T: 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    require_sign_in();
    let id = use_consultation_id();
    let session = Session::get();
    LocalResource::new(move || {
        let id = id();
        session.fetch(move |token| load(token, id))
    })
}

/// The consultation id of the address; `None` when it is malformed.
pub fn use_consultation_id() -> impl Fn() -> Option<Uuid> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|v| v.parse::<Uuid>().ok()))
}
