//! A clause, a criterion or the whole document with its contributions and,
//! for companies during a round, the form to contribute on it.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use shared::consultation::{
    ChangeKind, ContributionDto, ContributionStatus, DiffDto, ProvenanceDto, TargetKind,
};
use uuid::Uuid;

use crate::components::contribution::{ContributionCard, ContributionForm, Outcome};
use crate::components::fairness::provenance_line;

pub fn change_of(diff: Option<&DiffDto>, target: Uuid) -> Option<ChangeKind> {
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

/// What every block of the page needs to know about the reader and the round.
#[derive(Clone)]
pub struct DialogueContext {
    pub consultation_id: Uuid,
    pub reload: Callback<()>,
    /// The owner agent may still answer and decide.
    pub agent_answers: bool,
    /// The round companies contribute to now.
    pub open_round: Option<i32>,
    pub is_company: bool,
    pub diffs: Arc<HashMap<i32, DiffDto>>,
    /// The agent's compact view: contributions folded under their passage.
    pub compact: RwSignal<bool>,
    /// For the owner agent and the buyer: where the revisions took their
    /// wording from (the detector's provenance); empty for others.
    pub provenance: Arc<Vec<ProvenanceDto>>,
    /// The revision read, whose provenance shows under each passage.
    pub revision: i32,
}

/// A clause, a criterion or the whole document with its contributions and,
/// for companies during a round, the form to contribute on it.
#[component]
pub fn TargetBlock(
    target_kind: TargetKind,
    /// None for the whole document.
    target_id: Option<Uuid>,
    heading: String,
    #[prop(optional)] text: Option<String>,
    change: Option<(ChangeKind, i32)>,
    contributions: Signal<Vec<ContributionDto>>,
    ctx: DialogueContext,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let reload = ctx.reload;
    let done = Callback::new(move |()| {
        open.set(false);
        reload.run(());
    });
    // Withdrawn contributions stay listed (struck through) but, as in the
    // synthesis, do not count.
    let count = move || {
        contributions.with(|all| {
            all.iter()
                .filter(|c| c.status == ContributionStatus::Active)
                .count()
        })
    };
    let badge = change.map(|(kind, from)| {
        let text = match kind {
            ChangeKind::Added => "Nouveau".to_owned(),
            ChangeKind::Moved => format!("Déplacé depuis la révision {from}"),
            _ => format!("Modifié depuis la révision {from}"),
        };
        view! { <span class="fr-badge fr-badge--sm fr-badge--new fr-badge--no-icon fr-ml-1w">{text}</span> }
    });
    let changed = change.is_some();
    let action = match target_kind {
        TargetKind::Criterion => "Contribuer sur ce critère",
        TargetKind::Clause => "Contribuer sur cette clause",
        TargetKind::Document => "Poser une question ou contribuer sur l'ensemble du document",
    };
    let anchor = target_id.map_or_else(|| "target-document".to_owned(), |t| format!("target-{t}"));
    let can_contribute = ctx.is_company && ctx.open_round.is_some();
    // In the compact view each passage shows its counts; the agent unfolds one.
    let compact = ctx.compact;
    let unfolded = RwSignal::new(false);
    let undecided =
        move || contributions.with(|all| all.iter().filter(|c| c.awaits_decision()).count());
    let folded = move || compact.get() && !unfolded.get() && count() > 0;
    let consultation_id = ctx.consultation_id;
    let card_ctx = ctx.clone();
    view! {
        <section class="fr-mb-4w jsf-target" class:jsf-changed=changed aria-labelledby=anchor.clone()>
            <h3 class="fr-h6" id=anchor.clone()>
                {heading}" "
                <span class="fr-badge fr-badge--sm fr-badge--no-icon">
                    {move || match count() { 0 => "aucune contribution".to_owned(), 1 => "1 contribution".to_owned(), n => format!("{n} contributions") }}
                </span>
                {badge}
            </h3>
            {text.map(|t| view! { <p class="jsf-clause-text">{t}</p> })}
            {target_id.map(|t| ctx.provenance.iter()
                .filter(|p| p.target_id == t && p.revision == ctx.revision)
                .map(provenance_line)
                .collect_view())}
            <Show when=folded>
                <button class="fr-btn fr-btn--tertiary fr-btn--sm" type="button" on:click=move |_| unfolded.set(true)>
                    {move || match (count(), undecided()) {
                        (1, 0) => "Afficher la contribution".to_owned(),
                        (1, _) => "Afficher la contribution (à traiter)".to_owned(),
                        (n, 0) => format!("Afficher les {n} contributions"),
                        (n, u) => format!("Afficher les {n} contributions ({u} à traiter)"),
                    }}
                </button>
            </Show>
            <For each=move || if folded() { Vec::new() } else { contributions.get() } key=|c| (c.id, c.updated_at, c.replies.len(), c.decision.as_ref().map(|d| d.decided_at)) children=move |c| {
                let ctx = card_ctx.clone();
                let outcome = if c.author.is_you { outcome(&c, &ctx.diffs) } else { None };
                // Settled ones may still be completed after their round.
                let author_acts = c.author.is_you && c.status == ContributionStatus::Active
                    && (ctx.open_round == Some(c.round) || c.is_settled());
                let taken_over: Vec<ProvenanceDto> = ctx.provenance.iter()
                    .filter(|p| p.contribution_id == c.id)
                    .cloned()
                    .collect();
                view! {
                    <ContributionCard contribution=c
                        agent_reload=ctx.agent_answers.then_some(ctx.reload)
                        author_reload=author_acts.then_some(ctx.reload)
                        outcome taken_over/>
                }
            }/>
            <Show when=move || can_contribute>
                <button class="fr-btn fr-btn--secondary fr-btn--sm" type="button" aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|o| *o = !*o)>
                    {action}
                </button>
                <Show when=move || open.get()>
                    <ContributionForm consultation_id target_kind target_id on_done=done
                        on_cancel=Callback::new(move |()| open.set(false))/>
                </Show>
            </Show>
        </section>
    }
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
            answered_at: None,
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
            title: Vec::new(),
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
