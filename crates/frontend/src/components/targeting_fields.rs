//! What a company's targeting follows — its CPV divisions and départements —
//! as two checkbox lists over the reference lists, at registration and on
//! "Mon compte" alike.

use leptos::prelude::*;

use crate::api;
use crate::components::form::{CheckboxList, ErrorAlert};

#[component]
pub fn TargetingFields(
    cpv_divisions: RwSignal<Vec<String>>,
    departements: RwSignal<Vec<String>>,
    divisions_error: Signal<Option<String>>,
    departements_error: Signal<Option<String>>,
) -> impl IntoView {
    let divisions = LocalResource::new(api::cpv_divisions);
    let territories = LocalResource::new(api::departements);
    let division_options = Signal::derive(move || match divisions.get() {
        Some(Ok(list)) => list.into_iter().map(|d| (d.code, d.label)).collect(),
        _ => Vec::new(),
    });
    let departement_options = Signal::derive(move || match territories.get() {
        Some(Ok(list)) => list.into_iter().map(|d| (d.code, d.name)).collect(),
        _ => Vec::new(),
    });
    let unavailable = Signal::derive(move || {
        let divisions_error = divisions.get().and_then(Result::err);
        divisions_error.or_else(|| territories.get().and_then(Result::err))
    });
    view! {
        <ErrorAlert error=unavailable/>
        <CheckboxList id="cpv_divisions" legend="Domaines d'activité"
            hint="Divisions du vocabulaire commun des marchés publics (CPV)"
            options=division_options selected=cpv_divisions error=divisions_error/>
        <CheckboxList id="departements" legend="Départements d'intervention"
            hint="Où votre entreprise peut intervenir"
            options=departement_options selected=departements error=departements_error/>
    }
}
