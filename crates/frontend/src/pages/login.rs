use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use shared::types::Role;

use crate::api;
use crate::components::form::{ErrorAlert, TextField};
use crate::components::set_title;
use crate::session::Session;

/// A path of this site: `/…`, and neither `//host` nor `/\host` (browsers
/// read a backslash as a slash), nor any control character.
fn is_own_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
}

/// Where a person lands after login: the page they came from (same-site
/// paths only, never another origin), or else their role's home.
fn landing(next: Option<String>, role: Role) -> String {
    next.filter(|n| is_own_path(n)).unwrap_or_else(|| {
        match role {
            // Buyers' list opens on what awaits their approval.
            Role::Agent | Role::Company | Role::Buyer => "/consultations",
            Role::Admin => "/administration/comptes",
        }
        .into()
    })
}

#[component]
pub fn LoginPage() -> impl IntoView {
    set_title("Connexion");
    let session = Session::get();
    let navigate = use_navigate();
    let query = use_query_map();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());

    let submit = Action::new_local(move |(email, password): &(String, String)| {
        api::login(email.clone(), password.clone())
    });
    Effect::new(move || {
        if let Some(Ok(tokens)) = submit.value().get() {
            let next = landing(query.with_untracked(|q| q.get("next")), tokens.user.role);
            session.sign_in(tokens);
            navigate(&next, Default::default());
        }
    });
    let error = Signal::derive(move || match submit.value().get() {
        Some(Err(err)) => Some(err),
        _ => None,
    });
    let registered = move || query.with(|q| q.get("inscrit").is_some());
    let reset = move || query.with(|q| q.get("reinitialise").is_some());
    let deleted = move || query.with(|q| q.get("supprime").is_some());

    view! {
        <div class="fr-grid-row fr-grid-row--center">
            <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                <h1>"Connexion à JeSaisFaire"</h1>
                <Show when=move || session.expired()>
                    <div class="fr-alert fr-alert--info fr-mb-3w" role="status">
                        <h2 class="fr-alert__title">"Session expirée"</h2>
                        <p>"Reconnectez-vous : vous reviendrez sur la page que vous consultiez."</p>
                    </div>
                </Show>
                <Show when=registered>
                    <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
                        <h2 class="fr-alert__title">"Inscription enregistrée"</h2>
                        <p>"Nous avons envoyé un message à l'adresse indiquée : suivez son lien pour la confirmer (il est valable 48 heures). Vous pourrez alors contribuer aux consultations ; vous pouvez déjà vous connecter pour les lire."</p>
                    </div>
                </Show>
                <Show when=deleted>
                    <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
                        <h2 class="fr-alert__title">"Compte supprimé"</h2>
                        <p>"L'identité de votre entreprise a été effacée. Ses contributions restent dans le dossier des consultations sous leur pseudonyme."</p>
                    </div>
                </Show>
                <Show when=reset>
                    <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
                        <h2 class="fr-alert__title">"Mot de passe modifié"</h2>
                        <p>"Connectez-vous avec votre nouveau mot de passe. Vos anciennes sessions ont été fermées."</p>
                    </div>
                </Show>
                <ErrorAlert error=error/>
                <form on:submit=move |ev| {
                    ev.prevent_default();
                    submit.dispatch((email.get_untracked(), password.get_untracked()));
                }>
                    <fieldset class="fr-fieldset">
                        <legend class="fr-fieldset__legend">"Se connecter avec son compte"</legend>
                        <div class="fr-fieldset__element">
                            <TextField id="email" label="Adresse e-mail" hint="Format attendu : nom@domaine.fr"
                                kind="email" autocomplete="email" value=email error=Signal::derive(|| None::<String>)/>
                        </div>
                        <div class="fr-fieldset__element">
                            <TextField id="password" label="Mot de passe" kind="password"
                                autocomplete="current-password" value=password error=Signal::derive(|| None::<String>)/>
                            <p><A href="/mot-de-passe-oublie" attr:class="fr-link">"Mot de passe oublié ?"</A></p>
                        </div>
                    </fieldset>
                    <button class="fr-btn" type="submit" disabled=move || submit.pending().get()>
                        {move || if submit.pending().get() { "Connexion…" } else { "Se connecter" }}
                    </button>
                </form>
                <hr class="fr-mt-4w"/>
                <h2 class="fr-h5">"Votre entreprise n'a pas de compte ?"</h2>
                <A href="/inscription" attr:class="fr-btn fr-btn--secondary">"Inscrire mon entreprise"</A>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_login_only_paths_of_this_site_are_followed() {
        let to = |next: &str| landing(Some(next.into()), Role::Company);
        assert_eq!(
            to("/consultations/42?onglet=1"),
            "/consultations/42?onglet=1"
        );
        for foreign in [
            "//evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "https://evil.example",
            "/\tx",
            "evil",
        ] {
            assert_eq!(to(foreign), "/consultations", "{foreign}");
        }
    }
}
