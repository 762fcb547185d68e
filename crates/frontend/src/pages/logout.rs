//! Where signing out lands. Signing out itself is a button (in the header,
//! or here when someone signed in arrives directly): loading a page never
//! ends a session.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::set_title;
use crate::session::Session;

#[component]
pub fn LogoutPage() -> impl IntoView {
    set_title("Déconnexion");
    let session = Session::get();
    view! {
        <h1>"Déconnexion"</h1>
        {move || if session.user().is_none() {
            view! {
                <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
                    <h2 class="fr-alert__title">"Vous êtes déconnecté"</h2>
                    <p>"Votre session est fermée sur cet appareil."</p>
                </div>
                <A href="/connexion" attr:class="fr-btn">"Se reconnecter"</A>
            }.into_any()
        } else {
            view! {
                <p>"Vous êtes connecté. Se déconnecter ferme votre session sur cet appareil."</p>
                <button class="fr-btn" type="button" on:click=move |_| {
                    leptos::task::spawn_local(session.log_out());
                }>"Se déconnecter"</button>
            }.into_any()
        }}
    }
}
