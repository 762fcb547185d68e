//! An agent starts a consultation: what is bought (CPV), where (département),
//! and which PFRA buyer will approve its publication.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::consultation::{CreateConsultationRequest, Visibility};
use shared::reference::DEPARTEMENTS;

use crate::api;
use crate::components::consultation_nav::Breadcrumb;
use crate::components::form::{ErrorAlert, FieldMessage, TextField, field_error, general_error};
use crate::components::set_title;
use crate::hooks::require_sign_in;
use crate::session::Session;

#[component]
pub fn NewConsultationPage() -> impl IntoView {
    // One form: its signals and reference data first, then its markup.
    set_title("Nouvelle consultation");
    require_sign_in();
    let session = Session::get();
    let navigate = use_navigate();
    let title = RwSignal::new(String::new());
    let summary = RwSignal::new(String::new());
    let cpv = RwSignal::new(String::new());
    let departement = RwSignal::new(String::new());
    let buyer = RwSignal::new(String::new());
    let open_to_all = RwSignal::new(false);
    let buyers =
        LocalResource::new(move || session.fetch(|token| async move { api::buyers(&token).await }));
    let submit = Action::new_local(move |request: &CreateConsultationRequest| {
        let request = request.clone();
        session.send(move |token| {
            let request = request.clone();
            async move { api::create_consultation(&token, request).await }
        })
    });
    let result = Signal::derive(move || submit.value().get());
    Effect::new(move || {
        if let Some(Ok(created)) = submit.value().get() {
            navigate(
                &format!("/consultations/{}/cctp", created.id),
                Default::default(),
            );
        }
    });
    // The whole nomenclature is searched by the API as the agent types.
    let found = LocalResource::new(move || {
        let typed = cpv.get();
        async move {
            if typed.trim().is_empty() {
                return Vec::new();
            }
            api::search_cpv(&typed)
                .await
                .map(|page| page.items)
                .unwrap_or_default()
        }
    });
    let suggestions = Signal::derive(move || found.get().unwrap_or_default());
    // A complete code of the list: its own label.
    let chosen = Signal::derive(move || {
        let typed = cpv.with(|c| c.trim().to_owned());
        suggestions.with(|list| {
            list.iter()
                .find(|e| e.code == typed)
                .map(|e| e.label.clone())
        })
    });
    let cpv_error = field_error(result, "cpv_code");
    let departement_error = field_error(result, "departement");
    let buyer_error = field_error(result, "buyer_id");

    view! {
        <Breadcrumb here="Nouvelle consultation"/>
        <h1>"Nouvelle consultation"</h1>
        <p>"Décrivez votre besoin : les entreprises de ce domaine et de ce territoire liront votre projet de CCTP dès que vous publierez le premier tour."</p>
        <ErrorAlert error=general_error(result)/>
        <form novalidate=true on:submit=move |ev| {
            ev.prevent_default();
            submit.dispatch(CreateConsultationRequest {
                title: title.get_untracked(),
                summary: summary.get_untracked(),
                cpv_code: cpv.get_untracked().trim().to_owned(),
                departement: departement.get_untracked(),
                buyer_id: buyer.get_untracked().parse().ok(),
                visibility: if open_to_all.get_untracked() { Visibility::Open } else { Visibility::Targeted },
            });
        }>
            <TextField id="title" label="Intitulé" hint="Ce que vous achetez, en une phrase" value=title error=field_error(result, "title")/>
            <TextField id="summary" label="Présentation du besoin" hint="Contexte, volumes, contraintes connues" rows=4 value=summary error=field_error(result, "summary")/>

            <div class="fr-input-group" class:fr-input-group--error=move || cpv_error.get().is_some()>
                <label class="fr-label" for="cpv_code">
                    "Code CPV"
                    <span class="fr-hint-text">"Tapez le début d'un code (7226…) ou des mots du libellé (logiciels…), puis choisissez dans la liste : 72260000-5"</span>
                </label>
                <input class="fr-input" id="cpv_code" name="cpv_code" autocomplete="off"
                    aria-describedby="cpv_code-messages cpv-label"
                    aria-invalid=move || cpv_error.get().is_some().then_some("true")
                    prop:value=move || cpv.get() on:input=move |ev| cpv.set(event_target_value(&ev))/>
                <p class="fr-text--sm fr-mt-1w" id="cpv-label" aria-live="polite">
                    {move || chosen.get().map(|label| format!("Libellé : {label}"))}
                </p>
                <FieldMessage id="cpv_code-messages".to_owned() error=cpv_error/>
            </div>
            <Show when=move || !suggestions.with(Vec::is_empty) && chosen.get().is_none()>
                <div class="fr-mb-3w">
                    <p class="fr-text--sm fr-mb-1w" id="cpv-suggestions">"Codes correspondants :"</p>
                    <ul class="fr-btns-group fr-btns-group--sm" aria-labelledby="cpv-suggestions">
                        {move || suggestions.get().into_iter().map(|entry| {
                            let code = entry.code.clone();
                            view! {
                                <li><button class="fr-btn fr-btn--tertiary fr-btn--sm" type="button"
                                    on:click=move |_| cpv.set(code.clone())>
                                    {format!("{} — {}", entry.code, entry.label)}
                                </button></li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            </Show>

            <div class="fr-select-group" class:fr-select-group--error=move || departement_error.get().is_some()>
                <label class="fr-label" for="departement">"Département d'exécution"</label>
                <select class="fr-select" id="departement" name="departement" aria-describedby="departement-messages"
                    on:change=move |ev| departement.set(event_target_value(&ev))>
                    <option value="" selected=true disabled=true>"Choisir un département"</option>
                    {DEPARTEMENTS.iter().map(|d| view! {
                        <option value=d.code.clone()>{format!("{} — {}", d.code, d.name)}</option>
                    }).collect_view()}
                </select>
                <FieldMessage id="departement-messages".to_owned() error=departement_error/>
            </div>

            <div class="fr-select-group" class:fr-select-group--error=move || buyer_error.get().is_some()>
                <label class="fr-label" for="buyer">
                    "Acheteur de la PFRA"
                    <span class="fr-hint-text">"Il validera la publication du CCTP final"</span>
                </label>
                <select class="fr-select" id="buyer" name="buyer" aria-describedby="buyer-messages"
                    on:change=move |ev| buyer.set(event_target_value(&ev))>
                    <option value="" selected=true disabled=true>"Choisir un acheteur"</option>
                    {move || match buyers.get() {
                        Some(Some(Ok(list))) => list.into_iter().map(|b| view! {
                            <option value=b.id.to_string()>{b.display_name}</option>
                        }).collect_view().into_any(),
                        _ => ().into_any(),
                    }}
                </select>
                <FieldMessage id="buyer-messages".to_owned() error=buyer_error/>
            </div>

            <div class="fr-toggle fr-mb-3w">
                <input type="checkbox" class="fr-toggle__input" id="open-to-all"
                    on:change=move |ev| open_to_all.set(event_target_checked(&ev))/>
                <label class="fr-toggle__label" for="open-to-all">"Ouvrir à toutes les entreprises inscrites (sinon : celles du domaine et du territoire)"</label>
            </div>
            <button class="fr-btn" type="submit" disabled=move || submit.pending().get()>
                {move || if submit.pending().get() { "Création…" } else { "Créer et rédiger le CCTP" }}
            </button>
        </form>
    }
}
