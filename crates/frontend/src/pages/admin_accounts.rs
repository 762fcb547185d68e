//! Administrators create the staff accounts (agents, PFRA buyers, other
//! administrators), see every account, and disable or enable them (each
//! change goes to the account's audit trail); companies register themselves.

use leptos::prelude::*;
use shared::Named;
use shared::auth::CreateUserRequest;
use shared::types::StaffRole;
use uuid::Uuid;

use crate::api;
use crate::components::form::{ErrorAlert, TextField, field_error, general_error};
use crate::components::pager::Pager;
use crate::components::set_title;
use crate::components::table::DataTable;
use crate::hooks::require_sign_in;
use crate::session::Session;

#[component]
pub fn AdminAccountsPage() -> impl IntoView {
    set_title("Comptes");
    require_sign_in();
    let session = Session::get();
    let page = RwSignal::new(1_u64);
    let accounts = LocalResource::new(move || {
        let page = page.get();
        session.fetch(move |token| async move { api::users(&token, page).await })
    });
    let created = Callback::new(move |()| accounts.refetch());
    let me = move || session.user().map(|u| u.id);
    let toggle = Action::new_local(move |(id, disabled): &(Uuid, bool)| {
        let (id, disabled) = (*id, *disabled);
        session.send(move |token| async move { api::set_disabled(&token, id, disabled).await })
    });
    Effect::new(move || {
        if let Some(Ok(_)) = toggle.value().get() {
            accounts.refetch();
        }
    });
    let toggle_error = Signal::derive(move || match toggle.value().get() {
        Some(Err(err)) => Some(err),
        _ => None,
    });
    view! {
        <h1>"Comptes"</h1>
        <p>"Créez ici les comptes des agents, des acheteurs de la PFRA et des administrateurs. Les entreprises s'inscrivent elles-mêmes."</p>
        <NewStaffForm on_created=created/>
        <h2 class="fr-mt-6w">"Tous les comptes"</h2>
        <p>"Un compte désactivé ne peut plus se connecter ; ses sessions et ses jetons d'API sont refusés aussitôt."</p>
        <ErrorAlert error=toggle_error/>
        <Transition fallback=|| view! { <p aria-busy="true">"Chargement des comptes…"</p> }>
            {move || match accounts.get() {
                Some(Some(Ok(found))) => {
                    let pages = found.pages();
                    view! {
                        <DataTable caption="Comptes, du plus ancien au plus récent">
                            <thead><tr>
                                <th scope="col">"Nom"</th><th scope="col">"Adresse e-mail"</th><th scope="col">"Rôle"</th>
                                <th scope="col">"État"</th><th scope="col">"Action"</th>
                            </tr></thead>
                            <tbody>
                                {found.items.into_iter().map(|u| {
                                    let (verb, label) = if u.disabled { ("Réactiver", "Réactiver") } else { ("Désactiver", "Désactiver") };
                                    let aria = format!("{label} le compte de {}", u.display_name);
                                    let state = match (u.disabled, u.email_verified) {
                                        (true, _) => "Désactivé",
                                        (false, false) => "Adresse à confirmer",
                                        (false, true) => "Actif",
                                    };
                                    let (id, disable) = (u.id, !u.disabled);
                                    view! {
                                        <tr>
                                            <td>{u.display_name}</td><td>{u.email}</td><td>{u.role.label_fr()}</td><td>{state}</td>
                                            <td>
                                                <Show when=move || me() != Some(id)>
                                                    <button class="fr-btn fr-btn--tertiary fr-btn--sm" type="button" aria-label=aria.clone()
                                                        on:click=move |_| { toggle.dispatch((id, disable)); }>{verb}</button>
                                                </Show>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </DataTable>
                        <Pager page pages/>
                    }.into_any()
                }
                Some(Some(Err(err))) => view! { <ErrorAlert error=Signal::derive(move || Some(err.clone()))/> }.into_any(),
                _ => ().into_any(),
            }}
        </Transition>
    }
}

#[component]
fn NewStaffForm(on_created: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let role = RwSignal::new(StaffRole::Agent);
    let display_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let create = Action::new_local(move |request: &CreateUserRequest| {
        let request = request.clone();
        session.send(move |token| {
            let request = request.clone();
            async move { api::create_user(&token, &request).await }
        })
    });
    let result = Signal::derive(move || create.value().get());
    Effect::new(move || {
        if let Some(Ok(_)) = create.value().get() {
            display_name.set(String::new());
            email.set(String::new());
            password.set(String::new());
            on_created.run(());
        }
    });
    view! {
        <form class="fr-mt-4w" novalidate=true on:submit=move |ev| {
            ev.prevent_default();
            create.dispatch(CreateUserRequest {
                email: email.get_untracked(),
                password: password.get_untracked(),
                role: Some(role.get_untracked()),
                display_name: display_name.get_untracked(),
            });
        }>
            <h2>"Nouveau compte"</h2>
            {move || match result.get() {
                Some(Ok(user)) => view! {
                    <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
                        <h3 class="fr-alert__title">"Compte créé"</h3>
                        <p>{format!("{} ({}) peut se connecter avec le mot de passe choisi.", user.display_name, user.role.label_fr())}</p>
                    </div>
                }.into_any(),
                _ => ().into_any(),
            }}
            <ErrorAlert error=general_error(result)/>
            <div class="fr-select-group">
                <label class="fr-label" for="new-role">"Rôle"</label>
                <select class="fr-select" id="new-role" on:change=move |ev| {
                    if let Some(chosen) = StaffRole::parse(&event_target_value(&ev)) {
                        role.set(chosen);
                    }
                }>
                    {StaffRole::ALL.iter().copied().map(|r| view! {
                        <option value=r.as_str() selected=move || role.get() == r>{r.label_fr()}</option>
                    }).collect_view()}
                </select>
            </div>
            <TextField id="display_name" label="Nom affiché" hint="Par exemple « Claire Martin (PFRA Auvergne-Rhône-Alpes) »"
                value=display_name error=field_error(result, "display_name")/>
            <TextField id="email" label="Adresse e-mail" kind="email" autocomplete="off" value=email error=field_error(result, "email")/>
            <TextField id="password" label="Mot de passe initial" hint="12 caractères au minimum ; à transmettre à la personne"
                kind="password" autocomplete="new-password" value=password error=field_error(result, "password")/>
            <button class="fr-btn" type="submit" disabled=move || create.pending().get()>"Créer le compte"</button>
        </form>
    }
}
