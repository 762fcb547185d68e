//! Filtering the contributions of a consultation page: by kind, cost
//! direction, decision, round, and (companies) their own only.

use leptos::prelude::*;
use shared::Named;
use shared::consultation::{ContributionDto, ContributionKind, CostDirection, DecisionKind};

/// What the decision filter keeps.
#[derive(Clone, Copy, PartialEq)]
pub enum DecisionFilter {
    Undecided,
    Decided(DecisionKind),
}

/// The filters as chosen; `None` keeps everything.
#[derive(Clone, Copy)]
pub struct Filters {
    kind: RwSignal<Option<ContributionKind>>,
    cost: RwSignal<Option<CostDirection>>,
    decision: RwSignal<Option<DecisionFilter>>,
    round: RwSignal<Option<i32>>,
    /// Only the reader's own contributions (companies).
    mine: RwSignal<bool>,
}

impl Filters {
    pub fn new() -> Self {
        Self {
            kind: RwSignal::new(None),
            cost: RwSignal::new(None),
            decision: RwSignal::new(None),
            round: RwSignal::new(None),
            mine: RwSignal::new(false),
        }
    }

    pub fn keeps(&self, c: &ContributionDto) -> bool {
        let decision = match &c.decision {
            Some(d) => DecisionFilter::Decided(d.decision),
            None => DecisionFilter::Undecided,
        };
        keeps(self.kind, c.kind)
            && self.cost.with(|f| f.is_none() || *f == c.cost_direction)
            && keeps(self.decision, decision)
            && keeps(self.round, c.round)
            && (c.author.is_you || !self.mine.get())
    }
}

fn keeps<T: PartialEq + Send + Sync + 'static>(filter: RwSignal<Option<T>>, value: T) -> bool {
    filter.with(|f| f.as_ref().is_none_or(|f| *f == value))
}

/// A "Tous" select over `options` (form value, label, value).
fn choice<T: Copy + Send + Sync + 'static>(
    id: &'static str,
    label: &'static str,
    signal: RwSignal<Option<T>>,
    options: Vec<(String, String, T)>,
) -> impl IntoView {
    let values: Vec<(String, T)> = options.iter().map(|(v, _, t)| (v.clone(), *t)).collect();
    view! {
        <div class="fr-select-group fr-col-12 fr-col-sm-6 fr-col-md-3">
            <label class="fr-label" for=id>{label}</label>
            <select class="fr-select" id=id on:change=move |ev| {
                let chosen = event_target_value(&ev);
                signal.set(values.iter().find(|(v, _)| *v == chosen).map(|(_, t)| *t));
            }>
                <option value="" selected=true>"Tous"</option>
                {options.into_iter().map(|(value, text, _)| view! { <option value=value>{text}</option> }).collect_view()}
            </select>
        </div>
    }
}

fn named_options<T: Named>() -> Vec<(String, String, T)> {
    T::ALL
        .iter()
        .map(|v| (v.as_str().to_owned(), v.label_fr().to_owned(), *v))
        .collect()
}

#[component]
pub fn FilterBar(filters: Filters, rounds: Vec<i32>, is_company: bool) -> impl IntoView {
    let mut decisions: Vec<(String, String, DecisionFilter)> = DecisionKind::ALL
        .iter()
        .map(|d| {
            let filter = DecisionFilter::Decided(*d);
            (d.as_str().to_owned(), d.label_fr().to_owned(), filter)
        })
        .collect();
    decisions.push((
        "none".into(),
        "Sans décision".into(),
        DecisionFilter::Undecided,
    ));
    let rounds = rounds
        .into_iter()
        .map(|r| (r.to_string(), format!("Tour {r}"), r))
        .collect();
    view! {
        <form class="fr-grid-row fr-grid-row--gutters fr-mb-2w" aria-label="Filtrer les contributions" on:submit=|ev| ev.prevent_default()>
            {choice("filter-kind", "Type", filters.kind, named_options())}
            {choice("filter-cost", "Effet sur le coût", filters.cost, named_options())}
            {choice("filter-decision", "Décision", filters.decision, decisions)}
            {choice("filter-round", "Tour", filters.round, rounds)}
            {is_company.then(|| view! {
                <div class="fr-col-12 fr-checkbox-group">
                    <input type="checkbox" id="filter-mine" on:change=move |ev| filters.mine.set(event_target_checked(&ev))/>
                    <label class="fr-label" for="filter-mine">"Seulement mes contributions"</label>
                </div>
            })}
        </form>
    }
}
