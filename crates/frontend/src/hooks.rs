//! What pages ask of the address and the session, in one place.

use std::future::Future;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};
use uuid::Uuid;

use crate::api::ApiError;
use crate::session::Session;

/// The login page, sending back to `here` (a path and query) afterwards.
pub fn login_then(here: &str) -> String {
    format!(
        "/connexion?next={}",
        String::from(js_sys::encode_uri_component(here))
    )
}

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
            navigate(&login_then(&here), Default::default());
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

/// While `dirty`, leaving the page asks first: closing or reloading the tab
/// (`beforeunload`, the browser's own dialog) and following a link of the
/// app (a confirmation before the router acts).
pub fn warn_before_leaving(dirty: Signal<bool>, question: &'static str) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if dirty.get_untracked() {
            ev.prevent_default();
            // Older browsers show the dialog only when a value is set.
            ev.set_return_value("");
        }
    });
    // The router listens to clicks while they bubble; listening while they
    // are captured lets a refusal stop the click before it navigates.
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        let link = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten());
        if link.is_some() && dirty.get_untracked() {
            let leave = window().confirm_with_message(question).unwrap_or(true);
            if !leave {
                ev.prevent_default();
                ev.stop_propagation();
            }
        }
    });
    let listener = on_click
        .as_ref()
        .unchecked_ref::<js_sys::Function>()
        .clone();
    // Without the listener the warning is lost, not the page: nothing to do.
    let _ = window().add_event_listener_with_callback_and_bool("click", &listener, true);
    // The closure must live as long as the listener: the cleanup keeps it.
    let registered = send_wrapper::SendWrapper::new((listener, on_click));
    on_cleanup(move || {
        unload.remove();
        let (listener, on_click) = registered.take();
        let _ = window().remove_event_listener_with_callback_and_bool("click", &listener, true);
        drop(on_click);
    });
}
