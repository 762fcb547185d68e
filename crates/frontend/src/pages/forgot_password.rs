//! "Mot de passe oublié ?": the address to send a reset link to. The answer
//! is the same whether or not the address has an account.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::form::{ErrorAlert, TextField, field_error, general_error};
use crate::components::set_title;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    set_title("Mot de passe oublié");
    let email = RwSignal::new(String::new());
    let ask = Action::new_local(move |email: &String| api::request_password_reset(email.clone()));
    let result = Signal::derive(move || ask.value().get());
    view! {
        <div class="fr-grid-row fr-grid-row--center">
            <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                <h1>"Mot de passe oublié"</h1>
                <Show when=move || matches!(result.get(), Some(Ok(())))
                    fallback=move || view! {
                        <p>"Indiquez l'adresse e-mail de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe."</p>
                        <ErrorAlert error=general_error(result)/>
                        <form novalidate=true on:submit=move |ev| {
                            ev.prevent_default();
                            ask.dispatch(email.get_untracked());
                        }>
                            <TextField id="email" label="Adresse e-mail" hint="Format attendu : nom@domaine.fr"
                                kind="email" autocomplete="email" value=email error=field_error(result, "email")/>
                            <button class="fr-btn" type="submit" disabled=move || ask.pending().get()>"Recevoir un lien"</button>
                        </form>
                    }>
                    <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
                        <h2 class="fr-alert__title">"Demande enregistrée"</h2>
                        <p>{move || format!("Si un compte existe pour {}, un message vient de lui être envoyé. Son lien est valable une heure.", email.get())}</p>
                    </div>
                    <A href="/connexion" attr:class="fr-link">"Retour à la connexion"</A>
                </Show>
            </div>
        </div>
    }
}
