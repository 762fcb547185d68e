//! "Supprimer mon compte" (RGPD), for companies: the identity is erased,
//! the contributions stay in the record under their pseudonym.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::confirm::{ConfirmModal, ConfirmTrigger};
use crate::components::form::{ErrorAlert, TextField, field_error, general_error};
use crate::session::Session;

#[component]
pub fn AccountDeletion() -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    let password = RwSignal::new(String::new());
    let delete = Action::new_local(move |password: &String| {
        let password = password.clone();
        session.send(move |token| {
            let password = password.clone();
            async move { api::delete_account(&token, password).await }
        })
    });
    Effect::new(move || {
        if let Some(Ok(())) = delete.value().get() {
            session.sign_out();
            navigate("/connexion?supprime=1", Default::default());
        }
    });
    let result = Signal::derive(move || delete.value().get());
    view! {
        <h2 class="fr-mt-6w">"Supprimer mon compte"</h2>
        <p>"Le nom, le SIRET et l'adresse e-mail de votre entreprise sont effacés, ainsi que vos préférences, vos messages et vos jetons. Vos contributions restent dans le dossier des consultations, sous leur pseudonyme (« Entreprise B »), comme l'exige la traçabilité de la procédure. Cette action est définitive."</p>
        <ErrorAlert error=general_error(result)/>
        <TextField id="delete_password" label="Mot de passe, pour confirmer" kind="password"
            autocomplete="current-password" value=password error=field_error(result, "password")/>
        <ConfirmTrigger modal_id="delete-account-modal" class="fr-btn fr-btn--secondary">"Supprimer mon compte"</ConfirmTrigger>
        <ConfirmModal id="delete-account-modal" title="Supprimer définitivement votre compte ?".to_owned()
            confirm_label="Supprimer définitivement"
            on_confirm=Callback::new(move |()| { delete.dispatch(password.get_untracked()); })>
            <p>"L'identité de votre entreprise est effacée et vous ne pourrez plus vous connecter. Vos contributions restent visibles sous leur pseudonyme."</p>
        </ConfirmModal>
    }
}
