//! History of the revisions: what changed between any two rounds, with
//! insertions and deletions marked in the text (not by colour alone).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::consultation::{DiffDto, ItemChange, ProvenanceDto, WordChange, WordOp};
use shared::types::Role;

use crate::api::{self, ApiError};
use crate::components::consultation_nav::{Breadcrumb, ConsultationNav, View};
use crate::components::fairness::provenance_line;
use crate::components::resource::resource_view;
use crate::components::set_title;
use crate::components::time::french_date_time;
use crate::hooks::{require_sign_in, use_consultation_id};
use crate::session::Session;

/// A text with its insertions and deletions marked, for screen readers too,
/// whitespace and line breaks as typed (the CSS keeps them).
fn marked(changes: Vec<WordChange>) -> impl IntoView {
    let mut after_delete = false;
    changes
        .into_iter()
        .map(|part| {
            // A deletion directly followed by its replacement: a space keeps them apart.
            let separator = (after_delete && part.op == WordOp::Insert).then_some(" ");
            after_delete = part.op == WordOp::Delete;
            match part.op {
                WordOp::Equal => view! { <span>{part.text}</span> }.into_any(),
                WordOp::Insert => view! { {separator}<ins><span class="fr-sr-only">"[ajouté] "</span>{part.text}</ins> }.into_any(),
                WordOp::Delete => view! { <del><span class="fr-sr-only">"[supprimé] "</span>{part.text}</del> }.into_any(),
            }
        })
        .collect_view()
}

#[component]
fn Change(change: ItemChange, provenance: Vec<ProvenanceDto>) -> impl IntoView {
    let label = match (&change.label_before, &change.label_after) {
        (Some(before), Some(after)) if before != after => format!("{before} → {after}"),
        (_, Some(after)) => after.clone(),
        (Some(before), None) => before.clone(),
        (None, None) => String::new(),
    };
    let weight = match (change.weight_before, change.weight_after) {
        (Some(b), Some(a)) if a != b => Some(format!("Poids : {b} % → {a} %")),
        _ => None,
    };
    // The number and the title name the clause together, as on the revision.
    let titled = !change.title.is_empty();
    view! {
        <li class="fr-mb-3w">
            <p class="fr-mb-1w jsf-diff"><strong>{label}{titled.then_some(" — ")}{marked(change.title)}</strong>" "
                <span class="fr-badge fr-badge--sm fr-badge--no-icon">{change.change.label_fr()}</span>
            </p>
            {weight.map(|w| view! { <p class="fr-text--sm">{w}</p> })}
            <p class="jsf-diff">{marked(change.text)}</p>
            {provenance.iter().filter(|p| p.target_id == change.id).map(provenance_line).collect_view()}
        </li>
    }
}

/// One heading and its changes; nothing at all when nothing changed.
#[component]
fn ChangeList(
    heading: &'static str,
    changes: Vec<ItemChange>,
    provenance: Vec<ProvenanceDto>,
) -> impl IntoView {
    (!changes.is_empty()).then(|| {
        view! {
            <h2 class="fr-mt-4w">{heading}</h2>
            <ul class="jsf-plain-list">{changes.into_iter().map(|c| view! { <Change change=c provenance=provenance.clone()/> }).collect_view()}</ul>
        }
    })
}

/// What changed between two revisions, clauses then criteria; for the
/// agent and the buyer, with where the new wording came from.
#[component]
pub fn Changes(
    diff: DiffDto,
    /// The detector's provenance, any revision (those of `diff.to` show).
    #[prop(optional)]
    provenance: Vec<ProvenanceDto>,
) -> impl IntoView {
    if diff.clauses.is_empty() && diff.criteria.is_empty() {
        return view! { <p class="fr-mt-2w">"Aucune différence entre ces deux révisions."</p> }
            .into_any();
    }
    // Provenance compares each revision with the one before it.
    let provenance: Vec<ProvenanceDto> = provenance
        .into_iter()
        .filter(|p| p.revision == diff.to && diff.from == diff.to - 1)
        .collect();
    view! {
        <ChangeList heading="Clauses" changes=diff.clauses provenance=provenance.clone()/>
        <ChangeList heading="Critères" changes=diff.criteria provenance/>
    }
    .into_any()
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    // Two round pickers and the comparison they choose: signals, then markup.
    set_title("Historique des révisions");
    require_sign_in();
    let id = use_consultation_id();
    let session = Session::get();
    // `?de=1&a=2` opens a given comparison (links from a contribution).
    let query = use_query_map();
    let asked =
        move |key: &str| query.with_untracked(|q| q.get(key).and_then(|v| v.parse::<i32>().ok()));
    let from = RwSignal::new(asked("de"));
    let to = RwSignal::new(asked("a"));
    let consultation = LocalResource::new(move || {
        let id = id();
        session.fetch(move |token| async move {
            match id {
                Some(id) => api::consultation(&token, id).await,
                None => Err(ApiError::not_found()),
            }
        })
    });
    let rounds = LocalResource::new(move || {
        let id = id();
        session.fetch(move |token| async move {
            match id {
                Some(id) => api::rounds(&token, id).await,
                None => Err(ApiError::not_found()),
            }
        })
    });
    // Default comparison: the previous round against the latest.
    Effect::new(move || {
        if let Some(Some(Ok(list))) = rounds.get()
            && to.get_untracked().is_none()
            && let Some(last) = list.last()
        {
            to.set(Some(last.number));
            from.set(Some((last.number - 1).max(1)));
        }
    });
    let diff = LocalResource::new(move || {
        let (id, from, to) = (id(), from.get(), to.get());
        let fetched = session.fetch(move |token| async move {
            match (id, from, to) {
                (Some(id), Some(from), Some(to)) => api::diff(&token, id, to, from).await.map(Some),
                _ => Ok(None),
            }
        });
        async move { fetched.await.and_then(Result::transpose) }
    });
    // The agent and the buyer also read where the wording came from.
    let responsible = matches!(
        session.user_now().map(|u| u.role),
        Some(Role::Agent | Role::Buyer)
    );
    let provenance = LocalResource::new(move || {
        let id = id();
        session.fetch(move |token| async move {
            Ok(match id {
                Some(id) if responsible => api::fairness(&token, id)
                    .await
                    .map(|f| f.provenance)
                    .unwrap_or_default(),
                _ => Vec::new(),
            })
        })
    });
    let select = move |label: &'static str,
                       id_attr: &'static str,
                       target: RwSignal<Option<i32>>| {
        view! {
            <div class="fr-select-group fr-col-12 fr-col-md-6">
                <label class="fr-label" for=id_attr>{label}</label>
                <select class="fr-select" id=id_attr on:change=move |ev| target.set(event_target_value(&ev).parse().ok())>
                    {move || match rounds.get() {
                        Some(Some(Ok(list))) => list.into_iter().map(|r| {
                            let n = r.number;
                            view! {
                                <option value=n.to_string() selected=move || target.get() == Some(n)>
                                    {format!("Révision {n} — {}", french_date_time(r.opened_at))}
                                </option>
                            }
                        }).collect_view().into_any(),
                        _ => ().into_any(),
                    }}
                </select>
            </div>
        }
    };
    view! {
        {move || match consultation.get() {
            Some(Some(Ok(c))) => view! {
                <Breadcrumb consultation=(c.id, c.title.clone()) here="Historique"/>
            }.into_any(),
            _ => view! { <Breadcrumb here="Historique"/> }.into_any(),
        }}
        <h1>"Historique des révisions"</h1>
        {move || id().map(|id| view! { <ConsultationNav id current=View::History/> })}
        <div class="fr-grid-row fr-grid-row--gutters">
            {select("Comparer la révision", "diff-from", from)}
            {select("avec la révision", "diff-to", to)}
        </div>
        {resource_view(diff, "Chargement de la comparaison…", move |d| {
            let provenance = match provenance.get() {
                Some(Some(Ok(list))) => list,
                _ => Vec::new(),
            };
            view! { <Changes diff=d provenance/> }
        })}
    }
}
