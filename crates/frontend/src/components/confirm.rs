//! Confirmation of an irreversible action in a DSFR modal that says what will
//! happen. The DSFR script opens it from any button with
//! `aria-controls=<id>` and `data-fr-opened="false"`, traps the focus and
//! gives it back; every button of the footer also closes it.

use leptos::prelude::*;

/// The button that opens the confirmation `modal_id`.
#[component]
pub fn ConfirmTrigger(
    #[prop(into)] modal_id: String,
    /// DSFR button classes (primary by default).
    #[prop(default = "fr-btn")]
    class: &'static str,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional, into)] aria_label: Option<Signal<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <button class=class type="button" data-fr-opened="false" aria-controls=modal_id
            disabled=move || disabled.get() aria-label=move || aria_label.map(|l| l.get())>
            {children()}
        </button>
    }
}

/// The modal: a title, what will happen (`children`), confirm and cancel.
#[component]
pub fn ConfirmModal(
    #[prop(into)] id: String,
    #[prop(into)] title: Signal<String>,
    confirm_label: &'static str,
    on_confirm: Callback<()>,
    children: Children,
) -> impl IntoView {
    let title_id = format!("{id}-title");
    let (close, confirm, cancel) = (id.clone(), id.clone(), id.clone());
    let labelled_by = title_id.clone();
    view! {
        <dialog id=id class="fr-modal" aria-labelledby=labelled_by>
            <div class="fr-container fr-container--fluid fr-container-md">
                <div class="fr-grid-row fr-grid-row--center">
                    <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                        <div class="fr-modal__body">
                            <div class="fr-modal__header">
                                <button class="fr-btn--close fr-btn" type="button" aria-controls=close>"Fermer"</button>
                            </div>
                            <div class="fr-modal__content">
                                <h2 class="fr-modal__title" id=title_id>{move || title.get()}</h2>
                                {children()}
                            </div>
                            <div class="fr-modal__footer">
                                <ul class="fr-btns-group fr-btns-group--right fr-btns-group--inline-reverse fr-btns-group--inline-lg">
                                    <li><button class="fr-btn" type="button" aria-controls=confirm
                                        on:click=move |_| on_confirm.run(())>{confirm_label}</button></li>
                                    <li><button class="fr-btn fr-btn--secondary" type="button" aria-controls=cancel>"Annuler"</button></li>
                                </ul>
                            </div>
                        </div>
                    </div>
                </div>
            </div>
        </dialog>
    }
}
