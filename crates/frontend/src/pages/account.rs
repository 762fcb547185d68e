//! "Mon compte": who one is; a company edits its name and what its
//! targeting follows (CPV divisions, départements).

use leptos::prelude::*;
use shared::Named;
use shared::auth::{CompanyDto, CompanyProfileRequest, UserDto};
use shared::reference::{cpv_division_label, departement_name};

use crate::api;
use crate::components::form::{ErrorAlert, TextField, field_error, general_error};
use crate::components::resource::resource_view;
use crate::components::set_title;
use crate::components::targeting_fields::TargetingFields;
use crate::hooks::require_sign_in;
use crate::session::Session;

#[component]
pub fn AccountPage() -> impl IntoView {
    set_title("Mon compte");
    require_sign_in();
    let session = Session::get();
    let account =
        LocalResource::new(move || session.fetch(|token| async move { api::me(&token).await }));
    let reload = Callback::new(move |()| account.refetch());
    view! {
        <h1>"Mon compte"</h1>
        {resource_view(account, "Chargement de votre compte…", move |user| view! { <AccountDetails user reload/> })}
    }
}

#[component]
fn AccountDetails(user: UserDto, reload: Callback<()>) -> impl IntoView {
    let editing = RwSignal::new(false);
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
        let done = Callback::new(move |()| {
            editing.set(false);
            reload.run(());
        });
        let current = company.clone();
        view! {
            <h2 class="fr-mt-4w">"Mon entreprise"</h2>
            <Show when=move || !editing.get() fallback=move || view! {
                <CompanyProfileForm company=current.clone() on_done=done on_cancel=Callback::new(move |()| editing.set(false))/>
            }>
                <dl class="jsf-details">
                    <dt>"Raison sociale"</dt><dd>{company.name.clone()}</dd>
                    <dt>"SIRET"</dt><dd>{company.siret.clone()}</dd>
                    <dt>"Domaines d'activité"</dt>
                    <dd><ul>{divisions.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ul></dd>
                    <dt>"Départements d'intervention"</dt>
                    <dd><ul>{departements.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ul></dd>
                </dl>
                <button class="fr-btn fr-btn--secondary" type="button" on:click=move |_| editing.set(true)>"Modifier mon entreprise"</button>
            </Show>
            <p class="fr-hint-text fr-mt-2w">"Ces informations ne sont jamais montrées aux autres participants. Les consultations qui vous concernent suivent vos domaines et départements."</p>
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

/// The company's name, divisions and départements, replaced together.
#[component]
fn CompanyProfileForm(
    company: CompanyDto,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let session = Session::get();
    let name = RwSignal::new(company.name);
    let cpv_divisions = RwSignal::new(company.cpv_divisions);
    let departements = RwSignal::new(company.departements);
    let save = Action::new_local(move |request: &CompanyProfileRequest| {
        let request = request.clone();
        session.send(move |token| {
            let request = request.clone();
            async move { api::update_company_profile(&token, &request).await }
        })
    });
    Effect::new(move || {
        if let Some(Ok(_)) = save.value().get() {
            on_done.run(());
        }
    });
    let result = Signal::derive(move || save.value().get());
    view! {
        <form novalidate=true on:submit=move |ev| {
            ev.prevent_default();
            save.dispatch(CompanyProfileRequest {
                company_name: name.get_untracked(),
                cpv_divisions: cpv_divisions.get_untracked(),
                departements: departements.get_untracked(),
            });
        }>
            <ErrorAlert error=general_error(result)/>
            <TextField id="company_name" label="Raison sociale" value=name error=field_error(result, "company_name")/>
            <TargetingFields cpv_divisions departements
                divisions_error=field_error(result, "cpv_divisions") departements_error=field_error(result, "departements")/>
            <ul class="fr-btns-group fr-btns-group--inline">
                <li><button class="fr-btn" type="submit" disabled=move || save.pending().get()>"Enregistrer"</button></li>
                <li><button class="fr-btn fr-btn--tertiary" type="button" on:click=move |_| on_cancel.run(())>"Annuler"</button></li>
            </ul>
        </form>
    }
}
