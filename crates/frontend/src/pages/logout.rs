use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::set_title;
use crate::session::Session;

#[component]
pub fn LogoutPage() -> impl IntoView {
    set_title("Déconnexion");
    let session = Session::get();
    let done = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        // Even if the server is unreachable, forget the session locally.
        let _ = api::logout().await;
        session.sign_out();
        done.set(true);
    });
    view! {
        <h1>"Déconnexion"</h1>
        {move || if done.get() {
            view! {
                <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
                    <h2 class="fr-alert__title">"Vous êtes déconnecté"</h2>
                    <p>"Votre session est fermée sur cet appareil."</p>
                </div>
                <A href="/connexion" attr:class="fr-btn">"Se reconnecter"</A>
            }.into_any()
        } else {
            view! { <p aria-busy="true">"Déconnexion en cours…"</p> }.into_any()
        }}
    }
}
