use leptos::prelude::*;
use leptos_router::components::A;
use shared::Named;
use shared::auth::TotalRelation;
use shared::consultation::{ActivityDto, ConsultationDto, ConsultationStatus};
use shared::types::Role;

use crate::api;
use crate::components::form::ErrorAlert;
use crate::components::pager::Pager;
use crate::components::set_title;
use crate::components::time::{french_date_time, relative};
use crate::hooks::require_sign_in;
use crate::session::Session;

pub fn status_badge(status: ConsultationStatus) -> impl IntoView {
    let class = match status {
        ConsultationStatus::InDialogue => "fr-badge fr-badge--success fr-badge--no-icon",
        ConsultationStatus::AwaitingApproval => "fr-badge fr-badge--warning fr-badge--no-icon",
        ConsultationStatus::Published => "fr-badge fr-badge--info fr-badge--no-icon",
        _ => "fr-badge fr-badge--no-icon",
    };
    view! { <p class=class>{status.label_fr()}</p> }
}

fn deadline(c: &ConsultationDto) -> String {
    match &c.current_round {
        Some(round) if round.is_open => format!(
            "Tour {} ouvert jusqu'au {} ({})",
            round.number,
            french_date_time(round.closes_at),
            relative(round.closes_at)
        ),
        Some(round) => format!("Tour {} clos", round.number),
        None => "Aucun tour publié".into(),
    }
}

/// Open rounds first, the nearest deadline first among them.
fn ordered(mut items: Vec<ConsultationDto>) -> Vec<ConsultationDto> {
    items.sort_by_key(|c| match &c.current_round {
        Some(r) if r.is_open => (0, r.closes_at.timestamp()),
        _ => (1, -c.updated_at.timestamp()),
    });
    items
}

/// The work awaiting the reader, as badges.
fn activity_badges(a: ActivityDto) -> impl IntoView {
    let plural = |n: u64, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let contributions = a
        .contributions
        .map(|n| plural(n, "contribution", "contributions"));
    let undecided = a
        .undecided
        .filter(|n| *n > 0)
        .map(|n| plural(n, "à traiter", "à traiter"));
    let unread = (a.unread > 0).then(|| plural(a.unread, "nouveauté", "nouveautés"));
    view! {
        <ul class="fr-badges-group fr-mt-1w">
            {contributions.map(|t| view! { <li><p class="fr-badge fr-badge--sm fr-badge--no-icon">{t}</p></li> })}
            {undecided.map(|t| view! { <li><p class="fr-badge fr-badge--sm fr-badge--warning fr-badge--no-icon">{t}</p></li> })}
            {unread.map(|t| view! { <li><p class="fr-badge fr-badge--sm fr-badge--new fr-badge--no-icon">{t}</p></li> })}
        </ul>
    }
}

const PER_PAGE: u64 = 20;

#[component]
pub fn ConsultationsPage() -> impl IntoView {
    set_title("Consultations");
    require_sign_in();
    let session = Session::get();
    let role = move || session.user().map(|u| u.role);
    // A buyer comes here to approve: what awaits them is shown first.
    let status = RwSignal::new(None::<ConsultationStatus>);
    Effect::new(move || {
        if role() == Some(Role::Buyer) {
            status.set(Some(ConsultationStatus::AwaitingApproval));
        }
    });
    let search = RwSignal::new(String::new());
    let typed = RwSignal::new(String::new());
    let page = RwSignal::new(1_u64);
    let list = LocalResource::new(move || {
        let (status, search, page) = (status.get(), search.get(), page.get());
        session.fetch(move |token| {
            let search = search.clone();
            async move { api::consultations(&token, status, &search, page, PER_PAGE).await }
        })
    });
    // Companies never see drafts: no use offering them the filter.
    let statuses = move || {
        ConsultationStatus::ALL
            .iter()
            .copied()
            .filter(|s| role() != Some(Role::Company) || *s != ConsultationStatus::Draft)
            .collect::<Vec<_>>()
    };
    let intro = move || match session.user().map(|u| u.role) {
        Some(Role::Company) => {
            "Les consultations de votre domaine et de votre territoire, les tours ouverts d'abord."
        }
        Some(Role::Agent) => "Les consultations dont vous conduisez le dialogue.",
        Some(Role::Buyer) => "Les consultations dont vous validerez la publication.",
        _ => "Toutes les consultations.",
    };
    let loading = || view! { <p aria-busy="true">"Chargement des consultations…"</p> };
    view! {
        <h1>"Consultations"</h1>
        <p>{intro}</p>
        <Show when=move || role() == Some(Role::Agent)>
            <A href="/consultations/nouvelle" attr:class="fr-btn fr-icon-add-line fr-btn--icon-left fr-mb-3w">"Nouvelle consultation"</A>
        </Show>
        <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-md-5 fr-select-group">
                <label class="fr-label" for="status-filter">"Afficher"</label>
                <select class="fr-select" id="status-filter" on:change=move |ev| {
                    status.set(ConsultationStatus::parse(&event_target_value(&ev)));
                    page.set(1);
                }>
                    <option value="" selected=move || status.get().is_none()>"Toutes les consultations"</option>
                    {move || statuses().into_iter().map(|s| {
                        view! { <option value=s.as_str() selected=move || status.get() == Some(s)>{s.label_fr()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <form class="fr-col-12 fr-col-md-7" role="search" on:submit=move |ev| {
                ev.prevent_default();
                search.set(typed.get_untracked());
                page.set(1);
            }>
                <div class="fr-search-bar">
                    <label class="fr-label" for="consultation-search">"Rechercher dans les titres et présentations"</label>
                    <input class="fr-input" type="search" id="consultation-search" placeholder="Rechercher"
                        prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
                    <button class="fr-btn" type="submit" title="Rechercher">"Rechercher"</button>
                </div>
            </form>
        </div>
        <Transition fallback=loading>
            {move || match list.get() {
                Some(Some(Ok(found))) if found.items.is_empty() => view! {
                    <div class="fr-callout"><p class="fr-callout__text">{move || if status.get().is_some() || !search.get().is_empty() { "Aucune consultation ne correspond." } else { "Aucune consultation pour le moment." }}</p></div>
                }.into_any(),
                Some(Some(Ok(found))) => {
                    let pages = found.pages();
                    let more = found.total_relation == TotalRelation::MoreThan;
                    let plural = if found.total > 1 || more { "s" } else { "" };
                    view! {
                    <p class="fr-text--sm" role="status">{format!("{}{} consultation{plural}", if more { "Plus de " } else { "" }, found.total)}</p>
                    <ul class="fr-grid-row fr-grid-row--gutters jsf-plain-list">
                        {ordered(found.items).into_iter().map(|c| {
                            let href = format!("/consultations/{}", c.id);
                            let when = deadline(&c);
                            let badges = activity_badges(c.activity.clone());
                            view! {
                                <li class="fr-col-12 fr-col-md-6">
                                    <div class="fr-card fr-enlarge-link">
                                        <div class="fr-card__body">
                                            <div class="fr-card__content">
                                                <h2 class="fr-card__title"><A href=href>{c.title.clone()}</A></h2>
                                                <p class="fr-card__desc">{c.summary.clone()}</p>
                                                <div class="fr-card__start">{status_badge(c.status)}</div>
                                                <p class="fr-card__detail">{format!("{} — {} ({})", c.cpv_code, c.departement_name, c.departement)}</p>
                                                {badges}
                                                <div class="fr-card__end"><p class="fr-card__detail">{when}</p></div>
                                            </div>
                                        </div>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <Pager page pages more/>
                }.into_any()},
                Some(Some(Err(err))) => view! { <ErrorAlert error=Signal::derive(move || Some(err.clone()))/> }.into_any(),
                _ => loading().into_any(),
            }}
        </Transition>
    }
}
