use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::resource::resource_view;
use crate::components::set_title;
use crate::components::time::{french_date_time, relative};
use crate::hooks::require_sign_in;
use crate::session::Session;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    set_title("Notifications");
    require_sign_in();
    let session = Session::get();
    let list = LocalResource::new(move || {
        session.fetch(|token| async move { api::notifications(&token).await })
    });
    let mark = Action::new_local(move |id: &uuid::Uuid| {
        let id = *id;
        session.send(move |token| async move { api::mark_read(&token, id).await })
    });
    Effect::new(move || {
        if let Some(Ok(())) = mark.value().get() {
            list.refetch();
        }
    });
    view! {
        <h1>"Notifications"</h1>
        {resource_view(list, "Chargement des notifications…", move |notes| if notes.items.is_empty() {
                view! { <p>"Aucune notification."</p> }.into_any()
            } else {
                view! {
                    <p>{format!("{} non lue{}", notes.unread, if notes.unread > 1 { "s" } else { "" })}</p>
                    <ul class="jsf-plain-list">
                        {notes.items.into_iter().map(|n| {
                            let id = n.id;
                            view! {
                                <li class="fr-mb-2w">
                                    <p class=if n.read { "fr-mb-0" } else { "fr-mb-0 fr-text--bold" }>
                                        {if n.read { "" } else { "Non lue — " }}{n.message}
                                    </p>
                                    <p class="fr-text--sm fr-mb-1w">
                                        {format!("{} ({}) — ", french_date_time(n.created_at), relative(n.created_at))}
                                        <A href=format!("/consultations/{}", n.consultation_id)>"Voir la consultation"</A>
                                    </p>
                                    {(!n.read).then(|| view! {
                                        <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="button"
                                            on:click=move |_| { mark.dispatch(id); }>"Marquer comme lue"</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
    }
}
