//! "Messages électroniques": per kind of message, immediately, in a daily
//! digest, or never.

use leptos::prelude::*;
use shared::Named;
use shared::mail::{DeliveryMode, MailKind, MailPreferenceDto};

use crate::api;
use crate::components::form::ErrorAlert;
use crate::components::resource::resource_view;
use crate::session::Session;

#[component]
pub fn MailPreferences() -> impl IntoView {
    let session = Session::get();
    let preferences = LocalResource::new(move || {
        session.fetch(|token| async move { api::mail_preferences(&token).await })
    });
    view! {
        <h2 class="fr-mt-6w">"Messages électroniques"</h2>
        <p>"Choisissez, pour chaque sorte de message, si vous le recevez immédiatement, dans un résumé quotidien ou jamais. Les notifications restent visibles dans l'application. Chaque message contient aussi un lien pour vous désabonner en un clic."</p>
        {resource_view(preferences, "Chargement de vos préférences…", |items| view! { <PreferenceForm items/> })}
    }
}

#[component]
fn PreferenceForm(items: Vec<MailPreferenceDto>) -> impl IntoView {
    let session = Session::get();
    let save = Action::new_local(move |choice: &MailPreferenceDto| {
        let choice = *choice;
        session
            .send(move |token| async move { api::update_mail_preferences(&token, &[choice]).await })
    });
    let error = Signal::derive(move || match save.value().get() {
        Some(Err(err)) => Some(err),
        _ => None,
    });
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    let choices = items
        .into_iter()
        .map(|p| {
            let kind: MailKind = p.kind;
            let id = format!("courriel-{}", kind.as_str());
            let label_id = id.clone();
            view! {
                <div class="fr-select-group">
                    <label class="fr-label" for=label_id>{kind.label_fr()}</label>
                    <select class="fr-select" id=id on:change=move |ev| {
                        if let Some(mode) = DeliveryMode::parse(&event_target_value(&ev)) {
                            save.dispatch(MailPreferenceDto { kind, mode });
                        }
                    }>
                        {DeliveryMode::ALL.iter().copied().map(|m| view! {
                            <option value=m.as_str() selected=m == p.mode>{m.label_fr()}</option>
                        }).collect_view()}
                    </select>
                </div>
            }
        })
        .collect_view();
    view! {
        <ErrorAlert error/>
        {choices}
        <p class="fr-hint-text" role="status">{move || if saved() { "Préférence enregistrée." } else { "" }}</p>
    }
}
