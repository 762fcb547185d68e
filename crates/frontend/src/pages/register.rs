use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::auth::RegisterCompanyRequest;

use crate::api::{self, ApiError};
use crate::components::form::{ErrorAlert, TextField};
use crate::components::set_title;
use crate::components::targeting_fields::TargetingFields;

#[component]
pub fn RegisterPage() -> impl IntoView {
    // One form: its signals first, then its markup.
    set_title("Inscription d'une entreprise");
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let company_name = RwSignal::new(String::new());
    let siret = RwSignal::new(String::new());
    let cpv_divisions = RwSignal::new(Vec::<String>::new());
    let departements = RwSignal::new(Vec::<String>::new());

    let submit = Action::new_local(move |request: &RegisterCompanyRequest| {
        api::register_company(request.clone())
    });
    Effect::new(move || {
        if let Some(Ok(_)) = submit.value().get() {
            navigate("/connexion?inscrit=1", Default::default());
        }
    });
    let result = Signal::derive(move || submit.value().get());
    let field = move |name: &'static str| {
        Signal::derive(move || match result.get() {
            Some(Err(err)) => err.field_message(name),
            _ => None,
        })
    };
    let general_error = Signal::derive(move || match result.get() {
        Some(Err(ApiError::Problem(p))) if !p.errors.is_empty() => Some(ApiError::Problem(p)),
        Some(Err(err)) => Some(err),
        _ => None,
    });

    view! {
        <div class="fr-grid-row fr-grid-row--center">
            <div class="fr-col-12 fr-col-lg-8">
                <h1>"Inscrire mon entreprise"</h1>
                <p>
                    "Votre entreprise sera invitée aux consultations de son domaine d'activité et de son territoire. Son nom n'apparaîtra jamais aux autres participants : elle y figure sous un pseudonyme."
                </p>
                <p class="fr-hint-text">"Tous les champs sont obligatoires."</p>
                <ErrorAlert error=general_error/>
                <form novalidate=true on:submit=move |ev| {
                    ev.prevent_default();
                    submit.dispatch(RegisterCompanyRequest {
                        email: email.get_untracked(),
                        password: password.get_untracked(),
                        company_name: company_name.get_untracked(),
                        siret: siret.get_untracked(),
                        cpv_divisions: cpv_divisions.get_untracked(),
                        departements: departements.get_untracked(),
                    });
                }>
                    <TextField id="company_name" label="Raison sociale" autocomplete="organization"
                        value=company_name error=field("company_name")/>
                    <TextField id="siret" label="Numéro SIRET" hint="14 chiffres, espaces acceptés"
                        value=siret error=field("siret")/>
                    <TextField id="email" label="Adresse e-mail de contact" hint="Format attendu : nom@domaine.fr"
                        kind="email" autocomplete="email" value=email error=field("email")/>
                    <TextField id="password" label="Mot de passe" hint="12 caractères au minimum"
                        kind="password" autocomplete="new-password" value=password error=field("password")/>
                    <TargetingFields cpv_divisions departements
                        divisions_error=field("cpv_divisions") departements_error=field("departements")/>
                    <button class="fr-btn fr-mt-2w" type="submit" disabled=move || submit.pending().get()>
                        {move || if submit.pending().get() { "Inscription…" } else { "Inscrire mon entreprise" }}
                    </button>
                </form>
            </div>
        </div>
    }
}
