//! "Jetons d'API": programs of integrators act for the person without their
//! password. A token is shown once, at creation.

use chrono::{NaiveDate, TimeZone, Utc};
use leptos::prelude::*;
use shared::Named;
use shared::auth::{ApiTokenDto, ApiTokenRequest, CreatedApiTokenDto, TokenAccess};
use uuid::Uuid;

use crate::api;
use crate::components::form::{ErrorAlert, TextField, field_error, general_error};
use crate::components::resource::resource_view;
use crate::components::table::DataTable;
use crate::components::time::french_date_time;
use crate::session::Session;

#[component]
pub fn ApiTokens() -> impl IntoView {
    let session = Session::get();
    let tokens = LocalResource::new(move || {
        session.fetch(|token| async move { api::api_tokens(&token).await })
    });
    let changed = Callback::new(move |()| tokens.refetch());
    view! {
        <h2 class="fr-mt-6w">"Jetons d'API"</h2>
        <p>"Un jeton permet à un logiciel (tableur, progiciel, script) d'utiliser l'API de JeSaisFaire en votre nom, avec vos droits, sans connaître votre mot de passe. Envoyez-le dans l'en-tête « Authorization: Bearer … »."</p>
        <NewTokenForm on_created=changed/>
        {resource_view(tokens, "Chargement de vos jetons…", move |items| view! { <TokenList items on_revoked=changed/> })}
    }
}

#[component]
fn NewTokenForm(on_created: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let name = RwSignal::new(String::new());
    let access = RwSignal::new(TokenAccess::Read);
    let expiry = RwSignal::new(String::new());
    let create = Action::new_local(move |request: &ApiTokenRequest| {
        let request = request.clone();
        session.send(move |token| {
            let request = request.clone();
            async move { api::create_api_token(&token, &request).await }
        })
    });
    Effect::new(move || {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
            expiry.set(String::new());
            on_created.run(());
        }
    });
    let result = Signal::derive(move || create.value().get());
    view! {
        {move || match result.get() {
            Some(Ok(CreatedApiTokenDto { token, api_token })) => view! {
                <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
                    <h3 class="fr-alert__title">{format!("Jeton « {} » créé", api_token.name)}</h3>
                    <p>"Copiez-le maintenant : il ne sera plus jamais affiché."</p>
                    <p><code class="jsf-token">{token}</code></p>
                </div>
            }.into_any(),
            _ => ().into_any(),
        }}
        <form novalidate=true on:submit=move |ev| {
            ev.prevent_default();
            let expires_at = NaiveDate::parse_from_str(&expiry.get_untracked(), "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(23, 59, 59))
                .map(|d| Utc.from_utc_datetime(&d));
            create.dispatch(ApiTokenRequest {
                name: name.get_untracked(),
                access: access.get_untracked(),
                expires_at,
            });
        }>
            <ErrorAlert error=general_error(result)/>
            <TextField id="api_token_name" label="Nom du jeton" hint="Pour le reconnaître, par exemple « Synchronisation ERP »"
                value=name error=field_error(result, "name")/>
            <div class="fr-select-group">
                <label class="fr-label" for="api_token_access">"Droits"</label>
                <select class="fr-select" id="api_token_access" on:change=move |ev| {
                    if let Some(chosen) = TokenAccess::parse(&event_target_value(&ev)) {
                        access.set(chosen);
                    }
                }>
                    {TokenAccess::ALL.iter().copied().map(|a| view! {
                        <option value=a.as_str() selected=move || access.get() == a>{a.label_fr()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="fr-input-group">
                <label class="fr-label" for="api_token_expiry">"Date d'expiration (facultative)"
                    <span class="fr-hint-text">"Le jeton cesse de fonctionner après ce jour."</span>
                </label>
                <input class="fr-input" type="date" id="api_token_expiry"
                    prop:value=move || expiry.get() on:input=move |ev| expiry.set(event_target_value(&ev))/>
                {move || field_error(result, "expires_at").get().map(|m| view! { <p class="fr-error-text">{m}</p> })}
            </div>
            <button class="fr-btn fr-btn--secondary" type="submit" disabled=move || create.pending().get()>"Créer un jeton"</button>
        </form>
    }
}

#[component]
fn TokenList(items: Vec<ApiTokenDto>, on_revoked: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let revoke = Action::new_local(move |id: &Uuid| {
        let id = *id;
        session.send(move |token| async move { api::revoke_api_token(&token, id).await })
    });
    Effect::new(move || {
        if let Some(Ok(())) = revoke.value().get() {
            on_revoked.run(());
        }
    });
    let error = Signal::derive(move || match revoke.value().get() {
        Some(Err(err)) => Some(err),
        _ => None,
    });
    if items.is_empty() {
        return view! { <p class="fr-mt-2w">"Aucun jeton actif."</p> }.into_any();
    }
    view! {
        <ErrorAlert error/>
        <DataTable caption="Vos jetons actifs">
            <thead><tr>
                <th scope="col">"Nom"</th><th scope="col">"Droits"</th><th scope="col">"Créé le"</th>
                <th scope="col">"Expire le"</th><th scope="col">"Dernière utilisation"</th><th scope="col">"Action"</th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|t| {
                    let label = format!("Révoquer le jeton « {} »", t.name);
                    view! {
                        <tr>
                            <td>{t.name.clone()}</td>
                            <td>{t.access.label_fr()}</td>
                            <td>{french_date_time(t.created_at)}</td>
                            <td>{t.expires_at.map(french_date_time).unwrap_or_else(|| "Jamais".into())}</td>
                            <td>{t.last_used_at.map(french_date_time).unwrap_or_else(|| "Jamais".into())}</td>
                            <td><button class="fr-btn fr-btn--tertiary fr-btn--sm" type="button" aria-label=label
                                on:click=move |_| { revoke.dispatch(t.id); }>"Révoquer"</button></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </DataTable>
    }
    .into_any()
}
