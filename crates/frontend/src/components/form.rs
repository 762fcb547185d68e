//! DSFR form controls that show the API's field errors next to their field.

use leptos::prelude::*;

use shared::disclosure::{AuthorIdentity, DisclosureSpan, disclosures};

use crate::api::ApiError;
use crate::session::Session;

/// A labelled text input, or a text area when `rows` is given, with the
/// API's error for it underneath. A password field has the DSFR "Afficher"
/// box, to check what one typed.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] rows: Option<u32>,
    /// Extra classes of the group, such as grid columns.
    #[prop(optional)]
    class: &'static str,
    #[prop(into)] value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let messages_id = format!("{id}-messages");
    let invalid = move || error.get().is_some().then_some("true");
    let is_password = kind == "password";
    let shown = RwSignal::new(false);
    let input_type = move || {
        if is_password && shown.get() {
            "text"
        } else {
            kind
        }
    };
    let show_id = format!("{id}-show");
    let show = is_password.then(|| {
        view! {
            <div class="fr-password__checkbox fr-checkbox-group fr-checkbox-group--sm fr-mt-1w">
                <input type="checkbox" id=show_id.clone() on:change=move |ev| shown.set(event_target_checked(&ev))/>
                <label class="fr-password__checkbox fr-label" for=show_id>"Afficher"</label>
            </div>
        }
    });
    let control = match rows {
        Some(rows) => view! {
            <textarea class="fr-input" class:fr-input--error=move || error.get().is_some()
                id=id.clone() name=id.clone() rows=rows aria-describedby=messages_id.clone() aria-invalid=invalid
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        }
        .into_any(),
        None => view! {
            <input class="fr-input" class:fr-input--error=move || error.get().is_some()
                id=id.clone() name=id.clone() type=input_type autocomplete=autocomplete
                aria-describedby=messages_id.clone() aria-invalid=invalid
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        }
        .into_any(),
    };
    view! {
        <div class=format!("fr-input-group {class}") class:fr-input-group--error=move || error.get().is_some()>
            <label class="fr-label" for=id>
                {label}
                {hint.map(|h| view! { <span class="fr-hint-text">{h}</span> })}
            </label>
            {control}
            <FieldMessage id=messages_id error/>
            {show}
        </div>
    }
}

/// The live region under a field where its error appears.
#[component]
pub fn FieldMessage(id: String, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="fr-messages-group" id=id aria-live="polite">
            {move || error.get().map(|m| view! { <p class="fr-message fr-message--error">{m}</p> })}
        </div>
    }
}

/// The error of one field out of the last failed request, if any.
pub fn field_error<T: Clone + Send + Sync + 'static>(
    result: Signal<Option<Result<T, ApiError>>>,
    field: impl Into<String>,
) -> Signal<Option<String>> {
    let field = field.into();
    Signal::derive(move || match result.get() {
        Some(Err(err)) => err.field_message(&field),
        _ => None,
    })
}

/// The error of the last failed request when no field explains it.
pub fn general_error<T: Clone + Send + Sync + 'static>(
    result: Signal<Option<Result<T, ApiError>>>,
) -> Signal<Option<ApiError>> {
    Signal::derive(move || match result.get() {
        Some(Err(err)) => Some(err),
        _ => None,
    })
}

/// The anonymity guard as the person types (the server's check, from the
/// shared crate): what in `value` would reveal who wrote it, each passage
/// quoted, before anything is sent; otherwise the API's error for the field.
pub fn guarded(
    value: RwSignal<String>,
    api_error: Signal<Option<String>>,
) -> Signal<Option<String>> {
    let session = Session::get();
    Signal::derive(move || {
        let author = session.user().as_ref().and_then(AuthorIdentity::of);
        let spans = value.with(|text| disclosures(text, author.as_ref()));
        if spans.is_empty() {
            api_error.get()
        } else {
            Some(
                spans
                    .iter()
                    .map(DisclosureSpan::explain)
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        }
    })
}

/// A group of checkboxes over a reference list, keeping the chosen codes.
#[component]
pub fn CheckboxList(
    id: &'static str,
    legend: &'static str,
    hint: &'static str,
    options: Signal<Vec<(String, String)>>,
    selected: RwSignal<Vec<String>>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let messages_id = format!("{id}-messages");
    let labelled_by = format!("{id}-legend {messages_id}");
    view! {
        <fieldset
            class="fr-fieldset"
            class:fr-fieldset--error=move || error.get().is_some()
            id=id
            aria-labelledby=labelled_by
        >
            <legend class="fr-fieldset__legend" id=format!("{id}-legend")>
                {legend}
                <span class="fr-hint-text">{hint}</span>
            </legend>
            <div class="jsf-scroll-list">
                <For
                    each=move || options.get()
                    key=|(code, _)| code.clone()
                    children=move |(code, label)| {
                        let input_id = format!("{id}-{code}");
                        let checked_code = code.clone();
                        let toggled_code = code.clone();
                        view! {
                            <div class="fr-fieldset__element">
                                <div class="fr-checkbox-group fr-checkbox-group--sm">
                                    <input
                                        type="checkbox"
                                        id=input_id.clone()
                                        name=id
                                        value=code.clone()
                                        prop:checked=move || selected.with(|s| s.contains(&checked_code))
                                        on:change=move |ev| {
                                            let code = toggled_code.clone();
                                            let checked = event_target_checked(&ev);
                                            selected.update(|s| {
                                                s.retain(|c| c != &code);
                                                if checked {
                                                    s.push(code);
                                                }
                                            });
                                        }
                                    />
                                    <label class="fr-label" for=input_id>{format!("{code} — {label}")}</label>
                                </div>
                            </div>
                        }
                    }
                />
            </div>
            <FieldMessage id=messages_id error/>
        </fieldset>
    }
}

/// A DSFR alert for the error of a failed request that is not about one field.
#[component]
pub fn ErrorAlert(#[prop(into)] error: Signal<Option<ApiError>>) -> impl IntoView {
    move || {
        error.get().map(|err| {
            view! {
                <div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
                    <h2 class="fr-alert__title">{match &err {
                        ApiError::Problem(p) => p.title.clone(),
                        ApiError::Network(_) => "Service injoignable".to_owned(),
                        ApiError::SignedOut => "Session expirée".to_owned(),
                    }}</h2>
                    <p>{err.message()}</p>
                </div>
            }
        })
    }
}
