//! The page of a reset link: a new password, then sign in with it.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::auth::NewPasswordRequest;

use crate::api;
use crate::components::form::{ErrorAlert, TextField, field_error, general_error};
use crate::components::set_title;

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    set_title("Nouveau mot de passe");
    let query = use_query_map();
    let navigate = use_navigate();
    let token = move || query.with(|q| q.get("jeton")).unwrap_or_default();
    let password = RwSignal::new(String::new());
    let reset =
        Action::new_local(move |request: &NewPasswordRequest| api::reset_password(request.clone()));
    Effect::new(move || {
        if let Some(Ok(())) = reset.value().get() {
            navigate("/connexion?reinitialise=1", Default::default());
        }
    });
    let result = Signal::derive(move || reset.value().get());
    let token_error = field_error(result, "token");
    view! {
        <div class="fr-grid-row fr-grid-row--center">
            <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                <h1>"Choisir un nouveau mot de passe"</h1>
                <Show when=move || token_error.get().is_some()>
                    <div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
                        <h2 class="fr-alert__title">"Lien expiré ou déjà utilisé"</h2>
                        <p>{move || token_error.get()}</p>
                        <A href="/mot-de-passe-oublie" attr:class="fr-link">"Demander un nouveau lien"</A>
                    </div>
                </Show>
                <ErrorAlert error=Signal::derive(move || general_error(result).get().filter(|_| token_error.get().is_none()))/>
                <form novalidate=true on:submit=move |ev| {
                    ev.prevent_default();
                    reset.dispatch(NewPasswordRequest {
                        token: token(),
                        new_password: password.get_untracked(),
                    });
                }>
                    <TextField id="new_password" label="Nouveau mot de passe" hint="12 caractères au moins"
                        kind="password" autocomplete="new-password" value=password error=field_error(result, "new_password")/>
                    <p class="fr-hint-text">"Toutes vos sessions ouvertes seront fermées."</p>
                    <button class="fr-btn" type="submit" disabled=move || reset.pending().get()>"Enregistrer le mot de passe"</button>
                </form>
            </div>
        </div>
    }
}
