//! The owner agent changes a consultation's title, presentation and
//! visibility, or abandons it (confirmed: it cannot be undone).

use leptos::prelude::*;
use shared::consultation::{ConsultationDto, UpdateConsultationRequest, Visibility};

use crate::api;
use crate::components::confirm::{ConfirmModal, ConfirmTrigger};
use crate::components::form::{ErrorAlert, TextField, field_error, general_error};
use crate::session::Session;

#[component]
pub fn ConsultationSettings(consultation: ConsultationDto, reload: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let id = consultation.id;
    let open = RwSignal::new(false);
    let title = RwSignal::new(consultation.title.clone());
    let summary = RwSignal::new(consultation.summary.clone());
    let open_to_all = RwSignal::new(consultation.visibility == Visibility::Open);
    let save = Action::new_local(move |request: &UpdateConsultationRequest| {
        let request = request.clone();
        session.send(move |token| {
            let request = request.clone();
            async move { api::update_consultation(&token, id, &request).await }
        })
    });
    let result = Signal::derive(move || save.value().get());
    Effect::new(move || {
        if let Some(Ok(_)) = save.value().get() {
            open.set(false);
            reload.run(());
        }
    });
    let abandon = Callback::new(move |()| {
        save.dispatch(UpdateConsultationRequest {
            abandon: true,
            ..UpdateConsultationRequest::default()
        });
    });
    view! {
        <section class="fr-mb-4w" aria-labelledby="settings-title">
            <h2 class="fr-sr-only" id="settings-title">"Description de la consultation"</h2>
            <ErrorAlert error=Signal::derive(move || general_error(result).get().filter(|_| !open.get()))/>
            <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
                <li><button class="fr-btn fr-btn--sm fr-btn--secondary" type="button"
                    aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                    "Modifier la description"</button></li>
                <li><ConfirmTrigger modal_id="abandon-modal" class="fr-btn fr-btn--sm fr-btn--tertiary">"Abandonner la consultation"</ConfirmTrigger></li>
            </ul>
            <ConfirmModal id="abandon-modal" title="Abandonner la consultation ?".to_owned() confirm_label="Abandonner définitivement" on_confirm=abandon>
                <p>"Le dialogue s'arrête : plus aucune contribution, plus de nouveau tour, pas de publication. Les échanges restent lisibles. Une consultation abandonnée ne peut pas être reprise."</p>
            </ConfirmModal>
            <Show when=move || open.get()>
                <form class="fr-mt-2w" novalidate=true on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch(UpdateConsultationRequest {
                        title: Some(title.get_untracked()),
                        summary: Some(summary.get_untracked()),
                        visibility: Some(if open_to_all.get_untracked() { Visibility::Open } else { Visibility::Targeted }),
                        abandon: false,
                    });
                }>
                    <ErrorAlert error=general_error(result)/>
                    <TextField id="edit-title" label="Intitulé" value=title error=field_error(result, "title")/>
                    <TextField id="edit-summary" label="Présentation du besoin" rows=4 value=summary error=field_error(result, "summary")/>
                    <div class="fr-toggle fr-mb-3w">
                        <input type="checkbox" class="fr-toggle__input" id="edit-open-to-all"
                            prop:checked=move || open_to_all.get()
                            on:change=move |ev| open_to_all.set(event_target_checked(&ev))/>
                        <label class="fr-toggle__label" for="edit-open-to-all">"Ouvrir à toutes les entreprises inscrites (sinon : celles du domaine et du territoire)"</label>
                    </div>
                    <ul class="fr-btns-group fr-btns-group--inline">
                        <li><button class="fr-btn" type="submit" disabled=move || save.pending().get()>"Enregistrer"</button></li>
                        <li><button class="fr-btn fr-btn--tertiary" type="button" on:click=move |_| open.set(false)>"Annuler"</button></li>
                    </ul>
                </form>
            </Show>
        </section>
    }
}
