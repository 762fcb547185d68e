//! "Mon compte": who one is; a company confirms its address, edits its name
//! and what its targeting follows (CPV divisions, départements) and can
//! delete its account; everyone changes their password, ends every session
//! at once, chooses their e-mails and manages personal API tokens.

mod api_tokens;
mod deletion;
mod mail;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::Named;
use shared::auth::{
    ChangePasswordRequest, CompanyDto, CompanyProfileRequest, RefreshTokenDelivery, UserDto,
};
use shared::reference::{cpv_division_label, departement_name};

use crate::api;
use crate::components::confirm::{ConfirmModal, ConfirmTrigger};
use crate::components::form::{ErrorAlert, TextField, field_error, general_error};
use crate::components::resource::resource_view;
use crate::components::set_title;
use crate::components::targeting_fields::TargetingFields;
use crate::hooks::require_sign_in;
use crate::session::Session;
use api_tokens::ApiTokens;
use deletion::AccountDeletion;
use mail::MailPreferences;

#[component]
pub fn AccountPage() -> impl IntoView {
    set_title("Mon compte");
    require_sign_in();
    let session = Session::get();
    let account =
        LocalResource::new(move || session.fetch(|token| async move { api::me(&token).await }));
    let reload = Callback::new(move |()| account.refetch());
    // Outside the details: a new password renews the session, which reloads them.
    let password_changed = RwSignal::new(false);
    view! {
        <h1>"Mon compte"</h1>
        {resource_view(account, "Chargement de votre compte…", move |user| view! { <AccountDetails user reload password_changed/> })}
    }
}

#[component]
fn AccountDetails(
    user: UserDto,
    reload: Callback<()>,
    password_changed: RwSignal<bool>,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let company = user.company.clone().map(|company| {
        let divisions: Vec<String> = company
            .cpv_divisions
            .iter()
            .map(|c| format!("{c} — {}", cpv_division_label(c).unwrap_or_default()))
            .collect();
        let departements: Vec<String> = company
            .departements
            .iter()
            .map(|c| format!("{c} — {}", departement_name(c).unwrap_or_default()))
            .collect();
        let done = Callback::new(move |()| {
            editing.set(false);
            reload.run(());
        });
        let current = company.clone();
        view! {
            <h2 class="fr-mt-4w">"Mon entreprise"</h2>
            <Show when=move || !editing.get() fallback=move || view! {
                <CompanyProfileForm company=current.clone() on_done=done on_cancel=Callback::new(move |()| editing.set(false))/>
            }>
                <dl class="jsf-details">
                    <dt>"Raison sociale"</dt><dd>{company.name.clone()}</dd>
                    <dt>"SIRET"</dt><dd>{company.siret.clone()}</dd>
                    <dt>"Domaines d'activité"</dt>
                    <dd><ul>{divisions.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ul></dd>
                    <dt>"Départements d'intervention"</dt>
                    <dd><ul>{departements.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ul></dd>
                </dl>
                <button class="fr-btn fr-btn--secondary" type="button" on:click=move |_| editing.set(true)>"Modifier mon entreprise"</button>
            </Show>
            <p class="fr-hint-text fr-mt-2w">"Ces informations ne sont jamais montrées aux autres participants. Les consultations qui vous concernent suivent vos domaines et départements."</p>
        }
    });
    let is_company = user.company.is_some();
    let unverified = is_company && !user.email_verified;
    view! {
        <Show when=move || unverified>
            <UnverifiedAddress/>
        </Show>
        <dl class="jsf-details">
            <dt>"Nom"</dt><dd>{user.display_name}</dd>
            <dt>"Adresse e-mail"</dt><dd>{user.email}</dd>
            <dt>"Rôle"</dt><dd><p class="fr-badge fr-badge--info">{user.role.label_fr()}</p></dd>
        </dl>
        {company}
        <MailPreferences/>
        <AccountSecurity changed=password_changed/>
        <ApiTokens/>
        <Show when=move || is_company>
            <AccountDeletion/>
        </Show>
    }
}

/// A company whose address is not confirmed reads but does not contribute.
#[component]
fn UnverifiedAddress() -> impl IntoView {
    let session = Session::get();
    let resend = Action::new_local(move |(): &()| {
        session.send(|token| async move { api::resend_verification(&token).await })
    });
    let error = Signal::derive(move || match resend.value().get() {
        Some(Err(err)) => Some(err),
        _ => None,
    });
    view! {
        <div class="fr-alert fr-alert--warning fr-mb-3w">
            <h2 class="fr-alert__title">"Adresse e-mail à confirmer"</h2>
            <p>"Suivez le lien du message que nous vous avons envoyé pour pouvoir contribuer aux consultations. Vous ne le trouvez pas, ou il a expiré ?"</p>
            <Show when=move || matches!(resend.value().get(), Some(Ok(())))
                fallback=move || view! {
                    <button class="fr-btn fr-btn--sm fr-mt-1w" type="button" disabled=move || resend.pending().get()
                        on:click=move |_| { resend.dispatch(()); }>"Renvoyer le lien"</button>
                }>
                <p role="status"><strong>"Un nouveau lien vient de vous être envoyé (valable 48 heures)."</strong></p>
            </Show>
        </div>
        <ErrorAlert error/>
    }
}

/// The password, and every session of the account.
#[component]
fn AccountSecurity(changed: RwSignal<bool>) -> impl IntoView {
    let session = Session::get();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let change = Action::new_local(move |request: &ChangePasswordRequest| {
        let request = request.clone();
        session.send(move |token| {
            let request = request.clone();
            async move { api::change_password(&token, &request).await }
        })
    });
    Effect::new(move || {
        if let Some(Ok(tokens)) = change.value().get() {
            session.sign_in(tokens);
            current.set(String::new());
            new.set(String::new());
            changed.set(true);
        }
    });
    let result = Signal::derive(move || change.value().get().map(|r| r.map(|_| ())));
    let navigate = use_navigate();
    let everywhere = Action::new_local(move |(): &()| {
        session.send(|token| async move { api::logout_everywhere(&token).await })
    });
    Effect::new(move || {
        if let Some(Ok(())) = everywhere.value().get() {
            // The answer cleared the session cookies; forget the token too.
            session.sign_out();
            navigate("/connexion", Default::default());
        }
    });
    let everywhere_error = Signal::derive(move || match everywhere.value().get() {
        Some(Err(err)) => Some(err),
        _ => None,
    });
    view! {
        <h2 class="fr-mt-6w">"Mot de passe"</h2>
        <Show when=move || changed.get()>
            <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
                <h3 class="fr-alert__title">"Mot de passe modifié"</h3>
                <p>"Vos autres sessions (autres navigateurs, autres appareils) ont été fermées."</p>
            </div>
        </Show>
        <form novalidate=true on:submit=move |ev| {
            ev.prevent_default();
            changed.set(false);
            change.dispatch(ChangePasswordRequest {
                current_password: current.get_untracked(),
                new_password: new.get_untracked(),
                refresh_token_delivery: RefreshTokenDelivery::Cookie,
            });
        }>
            <ErrorAlert error=general_error(result)/>
            <TextField id="current_password" label="Mot de passe actuel" kind="password"
                autocomplete="current-password" value=current error=field_error(result, "current_password")/>
            <TextField id="new_password" label="Nouveau mot de passe" hint="12 caractères au moins" kind="password"
                autocomplete="new-password" value=new error=field_error(result, "new_password")/>
            <button class="fr-btn" type="submit" disabled=move || change.pending().get()>"Changer le mot de passe"</button>
        </form>
        <h2 class="fr-mt-6w">"Sessions"</h2>
        <p>"Vous avez utilisé JeSaisFaire sur un autre appareil, ou vous pensez qu'un tiers a accès à votre compte ?"</p>
        <ErrorAlert error=everywhere_error/>
        <ConfirmTrigger modal_id="logout-everywhere-modal" class="fr-btn fr-btn--secondary">"Se déconnecter partout"</ConfirmTrigger>
        <ConfirmModal id="logout-everywhere-modal" title="Se déconnecter partout ?".to_owned() confirm_label="Se déconnecter partout"
            on_confirm=Callback::new(move |()| { everywhere.dispatch(()); })>
            <p>"Toutes vos sessions sont fermées, celle-ci comprise, sur tous vos navigateurs et appareils. Vous devrez vous reconnecter."</p>
        </ConfirmModal>
    }
}

/// The company's name, divisions and départements, replaced together.
#[component]
fn CompanyProfileForm(
    company: CompanyDto,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let session = Session::get();
    let name = RwSignal::new(company.name);
    let cpv_divisions = RwSignal::new(company.cpv_divisions);
    let departements = RwSignal::new(company.departements);
    let save = Action::new_local(move |request: &CompanyProfileRequest| {
        let request = request.clone();
        session.send(move |token| {
            let request = request.clone();
            async move { api::update_company_profile(&token, &request).await }
        })
    });
    Effect::new(move || {
        if let Some(Ok(_)) = save.value().get() {
            on_done.run(());
        }
    });
    let result = Signal::derive(move || save.value().get());
    view! {
        <form novalidate=true on:submit=move |ev| {
            ev.prevent_default();
            save.dispatch(CompanyProfileRequest {
                company_name: name.get_untracked(),
                cpv_divisions: cpv_divisions.get_untracked(),
                departements: departements.get_untracked(),
            });
        }>
            <ErrorAlert error=general_error(result)/>
            <TextField id="company_name" label="Raison sociale" value=name error=field_error(result, "company_name")/>
            <TargetingFields cpv_divisions departements
                divisions_error=field_error(result, "cpv_divisions") departements_error=field_error(result, "departements")/>
            <ul class="fr-btns-group fr-btns-group--inline">
                <li><button class="fr-btn" type="submit" disabled=move || save.pending().get()>"Enregistrer"</button></li>
                <li><button class="fr-btn fr-btn--tertiary" type="button" on:click=move |_| on_cancel.run(())>"Annuler"</button></li>
            </ul>
        </form>
    }
}
