//! The page of a verification link: the address is confirmed on arrival
//! (the link was sent to it: opening it is the proof).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::set_title;
use crate::session::Session;

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    set_title("Confirmation de l'adresse e-mail");
    let query = use_query_map();
    let session = Session::get();
    let token = query.with_untracked(|q| q.get("jeton")).unwrap_or_default();
    let verified = LocalResource::new(move || api::verify_email(token.clone()));
    view! {
        <h1>"Confirmation de l'adresse e-mail"</h1>
        <Suspense fallback=|| view! { <p aria-busy="true">"Confirmation en cours…"</p> }>
            {move || verified.get().map(|result| match result {
                Ok(()) => view! {
                    <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
                        <h2 class="fr-alert__title">"Adresse confirmée"</h2>
                        <p>"Votre entreprise peut maintenant contribuer aux consultations qui la concernent."</p>
                    </div>
                    <A href=move || if session.user().is_some() { "/consultations".to_owned() } else { "/connexion".to_owned() } attr:class="fr-btn">
                        {move || if session.user().is_some() { "Voir les consultations" } else { "Se connecter" }}
                    </A>
                }.into_any(),
                Err(err) => view! {
                    <div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
                        <h2 class="fr-alert__title">"Lien non valable"</h2>
                        <p>{err.field_message("token").unwrap_or_else(|| err.message())}</p>
                    </div>
                    <A href="/mon-compte" attr:class="fr-link">"Demander un nouveau lien depuis « Mon compte »"</A>
                }.into_any(),
            })}
        </Suspense>
    }
}
