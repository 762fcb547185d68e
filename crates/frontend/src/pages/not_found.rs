use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::set_title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_title("Page introuvable");
    view! {
        <h1>"Page introuvable"</h1>
        <p class="fr-text--lead">"La page que vous cherchez n'existe pas ou a été déplacée."</p>
        <A href="/" attr:class="fr-btn">"Retour à l'accueil"</A>
    }
}
