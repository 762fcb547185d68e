//! The page of an unsubscribe link: says what will stop, and stops it on
//! request (a link that changed something on mere opening would be
//! triggered by every mail scanner).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::form::ErrorAlert;
use crate::components::set_title;

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    set_title("Se désabonner");
    let params = use_params_map();
    let link = move || params.with(|p| p.get("jeton")).unwrap_or_default();
    let preview = LocalResource::new(move || {
        let link = link();
        async move { api::preview_unsubscribe(&link).await }
    });
    let unsubscribe = Action::new_local(move |link: &String| api::unsubscribe(link.clone()));
    let error = Signal::derive(move || match unsubscribe.value().get() {
        Some(Err(err)) => Some(err),
        _ => None,
    });
    view! {
        <h1>"Se désabonner"</h1>
        <Suspense fallback=|| view! { <p aria-busy="true">"Chargement…"</p> }>
            {move || preview.get().map(|found| match found {
                Ok(what) => view! {
                    <Show when=move || matches!(unsubscribe.value().get(), Some(Ok(_)))
                        fallback={
                            let labels = what.labels();
                            move || view! {
                                <p>{format!("Vous ne recevrez plus par e-mail les messages « {labels} ». Vos autres choix ne changent pas, et ces informations restent visibles dans l'application.")}</p>
                                <ErrorAlert error/>
                                <button class="fr-btn" type="button" disabled=move || unsubscribe.pending().get()
                                    on:click=move |_| { unsubscribe.dispatch(link()); }>
                                    "Me désabonner"
                                </button>
                            }
                        }>
                        <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
                            <h2 class="fr-alert__title">"Désabonnement enregistré"</h2>
                            <p>"Vous pouvez changer d'avis à tout moment dans « Mon compte »."</p>
                        </div>
                    </Show>
                }.into_any(),
                Err(_) => view! {
                    <div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
                        <h2 class="fr-alert__title">"Lien inconnu"</h2>
                        <p>"Ce lien de désabonnement n'est pas reconnu. Connectez-vous pour choisir les messages que vous recevez."</p>
                    </div>
                    <A href="/mon-compte" attr:class="fr-link">"Mes préférences dans « Mon compte »"</A>
                }.into_any(),
            })}
        </Suspense>
    }
}
