//! A consultation's current revision, read clause by clause with the
//! contributions on each: where companies contribute and the agent answers.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use leptos::prelude::*;
use shared::consultation::{
    ChangeKind, ConsultationDto, ConsultationStatus, ContributionDto, ContributionStatus, DiffDto,
    RevisionDto, TargetKind,
};
use shared::types::Role;
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::consultation_nav::{
    Breadcrumb, ConsultationNav, View, use_consultation_data,
};
use crate::components::contribution::{
    COSTS, ContributionCard, ContributionForm, DECISIONS, KINDS, Outcome, cost_label,
    decision_label, kind_label, wire,
};
use crate::components::resource::resource_view;
use crate::components::set_title;
use crate::components::table::DataTable;
use crate::components::time::{french_date_time, relative};
use crate::pages::consultations::status_badge;
use crate::pages::publication::PublicationPanel;
use crate::session::Session;

#[derive(Clone)]
struct Loaded {
    consultation: ConsultationDto,
    revision: Option<RevisionDto>,
    contributions: Vec<ContributionDto>,
    /// Diff from round `r` to `r + 1`, keyed by `r`: for the highlights of the
    /// current revision and the outcome of the reader's own contributions.
    diffs: HashMap<i32, DiffDto>,
}

async fn load(token: String, id: Option<Uuid>) -> Result<Loaded, ApiError> {
    let id = id.ok_or_else(ApiError::not_found)?;
    let consultation = api::consultation(&token, id).await?;
    let current = consultation.current_round.as_ref().map(|r| r.number);
    let revision = match current {
        Some(round) => Some(api::revision(&token, id, round).await?),
        None => None,
    };
    let contributions = api::contributions(&token, id).await?;
    let current = current.unwrap_or(0);
    let mut wanted: BTreeSet<i32> = contributions
        .iter()
        .filter(|c| c.author.is_you && c.round < current)
        .map(|c| c.round)
        .collect();
    if current > 1 {
        wanted.insert(current - 1);
    }
    let mut diffs = HashMap::new();
    for from in wanted {
        diffs.insert(from, api::diff(&token, id, from + 1, from).await?);
    }
    Ok(Loaded {
        consultation,
        revision,
        contributions,
        diffs,
    })
}

fn change_of(diff: Option<&DiffDto>, target: Uuid) -> Option<ChangeKind> {
    diff.and_then(|d| {
        d.clauses
            .iter()
            .chain(&d.criteria)
            .find(|c| c.id == target)
            .map(|c| c.change)
    })
}

/// What the revision after the contribution's round did to its target.
fn outcome(c: &ContributionDto, diffs: &HashMap<i32, DiffDto>) -> Option<Outcome> {
    let diff = diffs.get(&c.round)?;
    let target = c.target_id?;
    let (from, to) = (diff.from, diff.to);
    Some(match change_of(Some(diff), target) {
        Some(ChangeKind::Removed) => Outcome::Removed { to },
        Some(ChangeKind::Modified | ChangeKind::MovedAndModified) => Outcome::Changed { from, to },
        Some(ChangeKind::Moved) => Outcome::Moved { to },
        _ => Outcome::Unchanged { to },
    })
}

/// The contribution filters, as chosen in the form ("" is "all").
#[derive(Clone, Copy)]
struct Filters {
    kind: RwSignal<String>,
    cost: RwSignal<String>,
    decision: RwSignal<String>,
    round: RwSignal<String>,
    /// Only the reader's own contributions (companies).
    mine: RwSignal<bool>,
}

impl Filters {
    fn keeps(&self, c: &ContributionDto) -> bool {
        let matches =
            |filter: RwSignal<String>, value: String| filter.with(|f| f.is_empty() || *f == value);
        matches(self.kind, wire(c.kind))
            && matches(self.cost, c.cost_direction.map(wire).unwrap_or_default())
            && matches(
                self.decision,
                c.decision
                    .as_ref()
                    .map_or_else(|| "none".to_owned(), |d| wire(d.decision)),
            )
            && matches(self.round, c.round.to_string())
            && (c.author.is_you || !self.mine.get())
    }
}

/// What every block of the page needs to know about the reader and the round.
#[derive(Clone)]
struct Context {
    consultation_id: Uuid,
    reload: Callback<()>,
    /// The owner agent may still answer and decide.
    agent_answers: bool,
    /// The round companies contribute to now.
    open_round: Option<i32>,
    is_company: bool,
    diffs: Arc<HashMap<i32, DiffDto>>,
}

#[component]
fn FilterBar(filters: Filters, rounds: Vec<i32>, is_company: bool) -> impl IntoView {
    let select = move |id: &'static str,
                       label: &'static str,
                       signal: RwSignal<String>,
                       options: Vec<(String, String)>| {
        view! {
            <div class="fr-select-group fr-col-12 fr-col-sm-6 fr-col-md-3">
                <label class="fr-label" for=id>{label}</label>
                <select class="fr-select" id=id on:change=move |ev| signal.set(event_target_value(&ev))>
                    <option value="" selected=true>"Tous"</option>
                    {options.into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
                </select>
            </div>
        }
    };
    let kinds = KINDS
        .into_iter()
        .map(|k| (wire(k), kind_label(k).to_owned()))
        .collect();
    let costs = COSTS
        .into_iter()
        .map(|c| (wire(c), cost_label(c).to_owned()))
        .collect();
    let mut decisions: Vec<(String, String)> = DECISIONS
        .into_iter()
        .map(|d| (wire(d), decision_label(d).to_owned()))
        .collect();
    decisions.push(("none".into(), "Sans décision".into()));
    let rounds = rounds
        .into_iter()
        .map(|r| (r.to_string(), format!("Tour {r}")))
        .collect();
    view! {
        <form class="fr-grid-row fr-grid-row--gutters fr-mb-2w" aria-label="Filtrer les contributions" on:submit=|ev| ev.prevent_default()>
            {select("filter-kind", "Type", filters.kind, kinds)}
            {select("filter-cost", "Effet sur le coût", filters.cost, costs)}
            {select("filter-decision", "Décision", filters.decision, decisions)}
            {select("filter-round", "Tour", filters.round, rounds)}
            {is_company.then(|| view! {
                <div class="fr-col-12 fr-checkbox-group">
                    <input type="checkbox" id="filter-mine" on:change=move |ev| filters.mine.set(event_target_checked(&ev))/>
                    <label class="fr-label" for="filter-mine">"Seulement mes contributions"</label>
                </div>
            })}
        </form>
    }
}

/// A clause or criterion with its contributions and, for companies during
/// a round, the form to contribute on it.
#[component]
fn TargetBlock(
    target_kind: TargetKind,
    target_id: Uuid,
    heading: String,
    #[prop(optional)] text: Option<String>,
    change: Option<(ChangeKind, i32)>,
    contributions: Signal<Vec<ContributionDto>>,
    ctx: Context,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let reload = ctx.reload;
    let done = Callback::new(move |()| {
        open.set(false);
        reload.run(());
    });
    let count = move || contributions.with(Vec::len);
    let badge = change.map(|(kind, from)| {
        let text = match kind {
            ChangeKind::Added => "Nouveau".to_owned(),
            ChangeKind::Moved => format!("Déplacé depuis la révision {from}"),
            _ => format!("Modifié depuis la révision {from}"),
        };
        view! { <span class="fr-badge fr-badge--sm fr-badge--new fr-badge--no-icon fr-ml-1w">{text}</span> }
    });
    let changed = change.is_some();
    let what = match target_kind {
        TargetKind::Criterion => "ce critère",
        _ => "cette clause",
    };
    let can_contribute = ctx.is_company && ctx.open_round.is_some();
    let consultation_id = ctx.consultation_id;
    let card_ctx = ctx.clone();
    view! {
        <section class="fr-mb-4w jsf-target" class:jsf-changed=changed aria-labelledby=format!("target-{target_id}")>
            <h3 class="fr-h6" id=format!("target-{target_id}")>
                {heading}" "
                <span class="fr-badge fr-badge--sm fr-badge--no-icon">
                    {move || match count() { 0 => "aucune contribution".to_owned(), 1 => "1 contribution".to_owned(), n => format!("{n} contributions") }}
                </span>
                {badge}
            </h3>
            {text.map(|t| view! { <p class="jsf-clause-text">{t}</p> })}
            <For each=move || contributions.get() key=|c| (c.id, c.updated_at, c.replies.len(), c.decision.as_ref().map(|d| d.decided_at)) children=move |c| {
                let ctx = card_ctx.clone();
                let outcome = if c.author.is_you { outcome(&c, &ctx.diffs) } else { None };
                let author_can_edit = c.author.is_you && c.status == ContributionStatus::Active && ctx.open_round == Some(c.round);
                view! {
                    <ContributionCard contribution=c
                        agent_reload=ctx.agent_answers.then_some(ctx.reload)
                        author_reload=author_can_edit.then_some(ctx.reload)
                        outcome/>
                }
            }/>
            <Show when=move || can_contribute>
                <button class="fr-btn fr-btn--secondary fr-btn--sm" type="button" aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|o| *o = !*o)>
                    {format!("Contribuer sur {what}")}
                </button>
                <Show when=move || open.get()>
                    <ContributionForm consultation_id target_kind target_id=Some(target_id) on_done=done/>
                </Show>
            </Show>
        </section>
    }
}

#[component]
pub fn ConsultationPage() -> impl IntoView {
    set_title("Consultation");
    let data = use_consultation_data(load);
    let session = Session::get();
    let reload = Callback::new(move |()| data.refetch());
    let filters = Filters {
        kind: RwSignal::new(String::new()),
        cost: RwSignal::new(String::new()),
        decision: RwSignal::new(String::new()),
        round: RwSignal::new(String::new()),
        mine: RwSignal::new(false),
    };
    let shown = Memo::new(move |_| match data.get() {
        Some(Some(Ok(loaded))) => loaded
            .contributions
            .into_iter()
            .filter(|c| filters.keeps(c))
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    });
    let on_target = move |kind: TargetKind, target: Option<Uuid>| {
        Signal::derive(move || {
            shown.with(|all| {
                all.iter()
                    .filter(|c| c.target_kind == kind && c.target_id == target)
                    .cloned()
                    .collect()
            })
        })
    };
    let role = move || session.user().map(|u| u.role);
    resource_view(
        data,
        "Chargement de la consultation…",
        move |loaded: Loaded| {
            let c = loaded.consultation.clone();
            set_title(&c.title);
            let open_round = c
                .current_round
                .as_ref()
                .filter(|r| r.is_open)
                .map(|r| r.number);
            let ctx = Context {
                consultation_id: c.id,
                reload,
                agent_answers: role() == Some(Role::Agent)
                    && matches!(
                        c.status,
                        ConsultationStatus::InDialogue | ConsultationStatus::BetweenRounds
                    ),
                open_round,
                is_company: role() == Some(Role::Company),
                diffs: Arc::new(loaded.diffs.clone()),
            };
            let current = c.current_round.as_ref().map_or(0, |r| r.number);
            let highlights = loaded.diffs.get(&(current - 1)).cloned();
            let change = move |target: Option<Uuid>| {
                target
                    .and_then(|t| change_of(highlights.as_ref(), t))
                    .map(|k| (k, current - 1))
            };
            let round_info = c.current_round.clone().map(|r| {
                let state = if r.is_open {
                    format!(
                        "Tour {} ouvert jusqu'au {} ({}).",
                        r.number,
                        french_date_time(r.closes_at),
                        relative(r.closes_at)
                    )
                } else {
                    format!("Tour {} clos.", r.number)
                };
                (state, r.changelog)
            });
            let rounds: Vec<i32> = (1..=current).collect();
            view! {
            <Breadcrumb here=c.title.clone()/>
            <h1>{c.title.clone()}</h1>
            {status_badge(c.status)}
            <p class="fr-mt-2w">{c.summary.clone()}</p>
            <p class="fr-text--sm">{format!("{} — {} — {} ({})", c.cpv_code, c.cpv_label, c.departement_name, c.departement)}</p>
            <ConsultationNav id=c.id current=View::Revision/>
            <PublicationPanel consultation=c.clone() reload/>
            {round_info.map(|(state, changelog)| view! {
                <div class="fr-notice fr-notice--info fr-mb-3w"><div class="fr-container"><div class="fr-notice__body">
                    <p class="fr-notice__title">{state}</p>
                    {(!changelog.trim().is_empty()).then(|| view! { <p class="fr-notice__desc">{format!("Ce qui change : {changelog}")}</p> })}
                </div></div></div>
            })}
            {match loaded.revision.clone() {
                None => view! {
                    <p class="fr-mt-4w">"Le projet de CCTP n'est pas encore publié."</p>
                    {(role() == Some(Role::Agent)).then(|| view! {
                        <p><a class="fr-btn" href=format!("/consultations/{}/cctp", c.id)>"Rédiger le CCTP"</a></p>
                    })}
                }.into_any(),
                Some(revision) => {
                    let criteria = revision.content.criteria.clone();
                    let criteria_rows = criteria.iter().map(|k| view! {
                        <tr><td>{k.name.clone()}</td><td>{k.description.clone()}</td><td>{format!("{} %", k.weight)}</td></tr>
                    }).collect_view();
                    view! {
                        <h2 class="fr-mt-4w">{format!("Projet de CCTP — révision {}", revision.round.number)}</h2>
                        {(current > 1).then(|| view! {
                            <p class="fr-text--sm">{format!("Les passages marqués « Modifié » ou « Nouveau » ont changé depuis la révision {}.", current - 1)}</p>
                        })}
                        <h3 class="fr-h6">"Filtrer les contributions"</h3>
                        <FilterBar filters rounds is_company=ctx.is_company/>
                        {revision.content.sections.into_iter().map(|section| {
                            let ctx = ctx.clone();
                            view! {
                                <h3 class="fr-h5 fr-mt-4w">{section.title}</h3>
                                {section.clauses.into_iter().map(|clause| {
                                    let target = clause.id.unwrap_or_default();
                                    view! {
                                        <TargetBlock target_kind=TargetKind::Clause target_id=target
                                            heading=format!("{} — {}", clause.number, clause.title) text=clause.text
                                            change=change(clause.id) contributions=on_target(TargetKind::Clause, clause.id) ctx=ctx.clone()/>
                                    }
                                }).collect_view()}
                            }
                        }).collect_view()}
                        <h2 class="fr-mt-6w">"Critères de jugement"</h2>
                        <DataTable caption="Critères et pondération">
                            <thead><tr><th scope="col">"Critère"</th><th scope="col">"Description"</th><th scope="col">"Poids"</th></tr></thead>
                            <tbody>
                                {criteria_rows}
                            </tbody>
                        </DataTable>
                        {criteria.into_iter().map(|k| {
                            let target = k.id.unwrap_or_default();
                            view! {
                                <TargetBlock target_kind=TargetKind::Criterion target_id=target
                                    heading=format!("Critère « {} » ({} %)", k.name, k.weight)
                                    change=change(k.id) contributions=on_target(TargetKind::Criterion, k.id) ctx=ctx.clone()/>
                            }
                        }).collect_view()}
                        <h2 class="fr-mt-6w">"Contributions sur l'ensemble du document"</h2>
                        {
                            let general = on_target(TargetKind::Document, None);
                            let ctx = ctx.clone();
                            move || if general.with(Vec::is_empty) {
                                view! { <p>"Aucune pour le moment."</p> }.into_any()
                            } else {
                                general.get().into_iter().map(|c| view! {
                                    <ContributionCard contribution=c agent_reload=ctx.agent_answers.then_some(ctx.reload) author_reload=None outcome=None/>
                                }).collect_view().into_any()
                            }
                        }
                    }.into_any()
                }
            }}
        }.into_any()
        },
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use chrono::Utc;
    use shared::consultation::{
        AuthorDto, ChangeKind, ContributionDto, ContributionKind, ContributionStatus, DiffDto,
        ItemChange, TargetKind,
    };
    use uuid::Uuid;

    use super::outcome;
    use crate::components::contribution::Outcome;

    fn contribution(round: i32, target: Uuid) -> ContributionDto {
        ContributionDto {
            id: Uuid::from_u128(99),
            consultation_id: Uuid::from_u128(98),
            round,
            target_kind: TargetKind::Clause,
            target_id: Some(target),
            kind: ContributionKind::Solution,
            body: String::new(),
            justification: String::new(),
            cost_direction: None,
            proposed_text: None,
            proposed_weight: None,
            confidential: false,
            status: ContributionStatus::Active,
            author: AuthorDto {
                label: "Vous".into(),
                is_you: true,
            },
            decision: None,
            replies: Vec::new(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn change(id: u128, change: ChangeKind) -> ItemChange {
        ItemChange {
            id: Uuid::from_u128(id),
            change,
            label_before: None,
            label_after: None,
            text: Vec::new(),
            weight_before: None,
            weight_after: None,
        }
    }

    #[test]
    fn the_next_revision_tells_what_became_of_the_target() {
        let diff = DiffDto {
            from: 1,
            to: 2,
            clauses: vec![
                change(1, ChangeKind::Modified),
                change(2, ChangeKind::Moved),
                change(3, ChangeKind::Removed),
            ],
            criteria: Vec::new(),
        };
        let diffs = HashMap::from([(1, diff)]);
        let on = |target: u128, round: i32| {
            outcome(&contribution(round, Uuid::from_u128(target)), &diffs)
        };
        assert!(on(1, 1) == Some(Outcome::Changed { from: 1, to: 2 }));
        assert!(on(2, 1) == Some(Outcome::Moved { to: 2 }));
        assert!(on(3, 1) == Some(Outcome::Removed { to: 2 }));
        assert!(on(4, 1) == Some(Outcome::Unchanged { to: 2 }));
        // No later revision yet: nothing to tell.
        assert!(on(1, 2).is_none());
    }
}
