//! The person's notifications: what happened, a link to where it happened
//! (marking it read), and everything marked read at once.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::consultation::NotificationDto;

use crate::api;
use crate::components::layout::UnreadCount;
use crate::components::pager::Pager;
use crate::components::resource::resource_view;
use crate::components::set_title;
use crate::components::time::{french_date_time, relative};
use crate::hooks::require_sign_in;
use crate::session::Session;

const PER_PAGE: u64 = 20;

/// Where a notification leads: the contribution it is about, or the consultation.
fn link(n: &NotificationDto) -> String {
    let page = format!("/consultations/{}", n.consultation_id);
    match n.contribution_id {
        Some(c) => format!("{page}#contribution-{c}"),
        None => page,
    }
}

#[derive(Clone, Copy)]
enum Mark {
    One(uuid::Uuid),
    All,
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    set_title("Notifications");
    require_sign_in();
    let session = Session::get();
    let unread_count = UnreadCount::get();
    let page = RwSignal::new(1_u64);
    let list = LocalResource::new(move || {
        let page = page.get();
        session.fetch(move |token| async move { api::notifications(&token, page, PER_PAGE).await })
    });
    let mark = Action::new_local(move |what: &Mark| {
        let what = *what;
        let sent = session.send(move |token| async move {
            match what {
                Mark::One(id) => api::mark_read(&token, id).await,
                Mark::All => api::mark_all_read(&token).await,
            }
        });
        // Following a notification leaves this page before the answer comes:
        // the count in the header (which outlives the page) is told here,
        // not by an effect of the page.
        async move {
            let result = sent.await;
            if result.is_ok() {
                unread_count.changed();
            }
            result
        }
    });
    Effect::new(move || {
        if let Some(Ok(())) = mark.value().get() {
            list.refetch();
        }
    });
    view! {
        <h1>"Notifications"</h1>
        {resource_view(list, "Chargement des notifications…", move |notes| if notes.total == 0 {
                view! { <p>"Aucune notification."</p> }.into_any()
            } else {
                view! {
                    <p>{format!("{} non lue{}", notes.unread, if notes.unread > 1 { "s" } else { "" })}</p>
                    {(notes.unread > 0).then(|| view! {
                        <button class="fr-btn fr-btn--sm fr-btn--secondary fr-mb-3w" type="button"
                            on:click=move |_| { mark.dispatch(Mark::All); }>"Tout marquer comme lu"</button>
                    })}
                    <ul class="jsf-plain-list">
                        {notes.items.into_iter().map(|n| {
                            let (id, read) = (n.id, n.read);
                            view! {
                                <li class="fr-mb-2w">
                                    <p class=if read { "fr-mb-0" } else { "fr-mb-0 fr-text--bold" }>
                                        {if read { "" } else { "Non lue — " }}{n.message.clone()}
                                    </p>
                                    <p class="fr-text--sm fr-mb-1w">
                                        {format!("{} ({}) — ", french_date_time(n.created_at), relative(n.created_at))}
                                        // Following it is reading it.
                                        <A href=link(&n) on:click=move |_| if !read { mark.dispatch(Mark::One(id)); }>
                                            {if n.contribution_id.is_some() { "Voir la contribution" } else { "Voir la consultation" }}
                                        </A>
                                    </p>
                                    {(!read).then(|| view! {
                                        <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="button"
                                            on:click=move |_| { mark.dispatch(Mark::One(id)); }>"Marquer comme lue"</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <Pager page pages=notes.total.div_ceil(PER_PAGE).max(1)/>
                }.into_any()
            })}
    }
}
