//! Publishing round N from the saved draft.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::consultation::{ConsultationDto, OpenRoundRequest};

use crate::api;
use crate::components::confirm::{ConfirmModal, ConfirmTrigger};
use crate::components::form::{ErrorAlert, FieldMessage, TextField, field_error, general_error};
use crate::components::time::{french_date_time, now, paris_input_value, paris_to_utc, relative};
use crate::session::Session;

/// Publishing round N freezes the saved draft as revision N: the agent
/// confirms in a dialog that says so.
#[component]
pub(super) fn PublishRound(consultation: ConsultationDto, dirty: Signal<bool>) -> impl IntoView {
    // One form and its confirmation dialog: signals first, then markup.
    let session = Session::get();
    let navigate = use_navigate();
    let id = consultation.id;
    let next = consultation
        .current_round
        .as_ref()
        .map_or(1, |r| r.number + 1);
    let round_open = consultation
        .current_round
        .as_ref()
        .is_some_and(|r| r.is_open);
    let two_weeks = now() + chrono::Duration::days(14);
    let deadline = RwSignal::new(
        paris_input_value(two_weeks)
            .get(..11)
            .map(|d| format!("{d}17:00"))
            .unwrap_or_default(),
    );
    let changelog = RwSignal::new(String::new());
    let publish = Action::new_local(move |request: &OpenRoundRequest| {
        let request = request.clone();
        session.send(move |token| {
            let request = request.clone();
            async move { api::open_round(&token, id, request).await }
        })
    });
    let result = Signal::derive(move || publish.value().get());
    Effect::new(move || {
        if let Some(Ok(_)) = publish.value().get() {
            navigate(&format!("/consultations/{id}"), Default::default());
        }
    });
    let closes_at = move || paris_to_utc(&deadline.get());
    let deadline_error = field_error(result, "closes_at");
    let summary = move || match closes_at() {
        Some(at) => format!("jusqu'au {} ({})", french_date_time(at), relative(at)),
        None => "date limite à préciser".to_owned(),
    };
    if round_open {
        return view! {
            <div class="fr-callout fr-mt-6w"><p class="fr-callout__text">
                "Le tour en cours est ouvert : publiez la révision suivante après sa clôture."
            </p></div>
        }
        .into_any();
    }
    view! {
        <section class="fr-mt-6w fr-p-3w jsf-publish" aria-labelledby="publish-heading">
            <h2 id="publish-heading">{format!("Publier le tour {next}")}</h2>
            <p>"Le brouillon enregistré devient la révision "{next}" : les entreprises concernées sont prévenues et peuvent contribuer jusqu'à la date limite."</p>
            <ErrorAlert error=Signal::derive(move || general_error(result).get().filter(|e| e.field_message("closes_at").is_none() && e.field_message("changelog").is_none()))/>
            // What makes the saved draft incomplete (weights, no clause).
            {move || field_error(result, "criteria").get().or_else(|| field_error(result, "draft").get())
                .map(|m| view! { <p class="fr-message fr-message--error jsf-incomplete">{m}</p> })}
            <div class="fr-input-group" class:fr-input-group--error=move || deadline_error.get().is_some()>
                <label class="fr-label" for="closes-at">"Date limite des contributions"
                    <span class="fr-hint-text">"Heure de Paris"</span>
                </label>
                <input class="fr-input" type="datetime-local" id="closes-at" aria-describedby="closes-at-messages"
                    prop:value=move || deadline.get() on:input=move |ev| deadline.set(event_target_value(&ev))/>
                <FieldMessage id="closes-at-messages".to_owned() error=deadline_error/>
            </div>
            <TextField id="changelog" label="Ce qui change dans cette révision" hint="Lu par les entreprises en tête de la révision"
                rows=3 value=changelog error=field_error(result, "changelog")/>
            <Show when=move || dirty.get()>
                <p class="fr-message fr-message--warning">"Enregistrez d'abord vos modifications : le tour publie le brouillon enregistré."</p>
            </Show>
            <ConfirmTrigger modal_id="publish-modal" disabled=dirty>{format!("Publier le tour {next}…")}</ConfirmTrigger>
            <ConfirmModal id="publish-modal" title=format!("Publier la révision {next} ?") confirm_label="Confirmer la publication"
                on_confirm=Callback::new(move |()| {
                    publish.dispatch(OpenRoundRequest { closes_at: closes_at(), changelog: changelog.get_untracked() });
                })>
                <p>{move || format!("Les entreprises pourront contribuer {}.", summary())}</p>
                <p>"La révision publiée ne pourra plus être modifiée ; vous continuerez à rédiger la suivante."</p>
            </ConfirmModal>
        </section>
    }.into_any()
}
