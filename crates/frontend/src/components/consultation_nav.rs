//! The views of one consultation, as tabs that are links (each view has its
//! own address, so it can be bookmarked and shared).

use leptos::prelude::*;
use leptos_router::components::A;
use shared::types::Role;
use uuid::Uuid;

use crate::session::Session;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum View {
    Revision,
    Editor,
    Synthesis,
    History,
    Timeline,
}

#[component]
pub fn ConsultationNav(id: Uuid, current: View) -> impl IntoView {
    let session = Session::get();
    let role = session.user().map(|u| u.role);
    let staff = matches!(role, Some(Role::Agent | Role::Buyer | Role::Admin));
    let tabs = [
        (View::Revision, "", "Projet de CCTP", true),
        (
            View::Editor,
            "/cctp",
            "Rédiger le CCTP",
            role == Some(Role::Agent),
        ),
        (View::Synthesis, "/synthese", "Synthèse", staff),
        (
            View::History,
            "/historique",
            "Historique des révisions",
            true,
        ),
        (View::Timeline, "/journal", "Journal", true),
    ];
    view! {
        <nav class="fr-mb-4w" aria-label="Vues de la consultation">
            <ul class="fr-tags-group">
                {tabs.into_iter().filter(|t| t.3).map(|(view, suffix, label, _)| {
                    let here = view == current;
                    view! {
                        <li>
                            <A href=format!("/consultations/{id}{suffix}") attr:class="fr-tag" exact=true
                                attr:aria-current=here.then_some("page")>{label}</A>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
}
