use leptos::prelude::*;
use shared::Named;
use shared::auth::UserDto;
use shared::reference::{cpv_division_label, departement_name};

use crate::api;
use crate::components::resource::resource_view;
use crate::components::set_title;
use crate::hooks::require_sign_in;
use crate::session::Session;

#[component]
pub fn AccountPage() -> impl IntoView {
    set_title("Mon compte");
    require_sign_in();
    let session = Session::get();
    let account =
        LocalResource::new(move || session.fetch(|token| async move { api::me(&token).await }));
    view! {
        <h1>"Mon compte"</h1>
        {resource_view(account, "Chargement de votre compte…", |user| view! { <AccountDetails user/> })}
    }
}

#[component]
fn AccountDetails(user: UserDto) -> impl IntoView {
    let company = user.company.clone().map(|company| {
        let divisions: Vec<String> = company
            .cpv_divisions
            .iter()
            .map(|c| format!("{c} — {}", cpv_division_label(c).unwrap_or_default()))
            .collect();
        let departements: Vec<String> = company
            .departements
            .iter()
            .map(|c| format!("{c} — {}", departement_name(c).unwrap_or_default()))
            .collect();
        view! {
            <h2 class="fr-mt-4w">"Mon entreprise"</h2>
            <dl class="jsf-details">
                <dt>"Raison sociale"</dt><dd>{company.name}</dd>
                <dt>"SIRET"</dt><dd>{company.siret}</dd>
                <dt>"Domaines d'activité"</dt>
                <dd><ul>{divisions.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul></dd>
                <dt>"Départements d'intervention"</dt>
                <dd><ul>{departements.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul></dd>
            </dl>
            <p class="fr-hint-text">"Ces informations ne sont jamais montrées aux autres participants."</p>
        }
    });
    view! {
        <dl class="jsf-details">
            <dt>"Nom"</dt><dd>{user.display_name}</dd>
            <dt>"Adresse e-mail"</dt><dd>{user.email}</dd>
            <dt>"Rôle"</dt><dd><p class="fr-badge fr-badge--info">{user.role.label_fr()}</p></dd>
        </dl>
        {company}
    }
}
