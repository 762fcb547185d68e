//! A contribution as each role reads it, and the forms that act on it: the
//! company writes or edits its own, the owner agent answers and decides.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Named;
use shared::consultation::{
    ContributionDto, ContributionKind, ContributionRequest, ContributionStatus, CostDirection,
    DecisionKind, DecisionRequest, ProvenanceDto, ReplyAudience, TargetKind,
};
use uuid::Uuid;

use crate::api;
use crate::components::form::{
    ErrorAlert, FieldMessage, TextField, field_error, general_error, guarded,
};
use crate::session::Session;

/// A reply under a contribution: the owner agent's answer, or the author's
/// complement once its contribution is settled. The agent says who reads
/// it: every company, or the author alone — except where the rule decides
/// (`fixed`: a clarification's answer is public, a confidential solution's
/// private). A private answer on what every company reads asks first
/// whether it tells something about the need.
#[component]
fn ReplyForm(
    id: Uuid,
    label: &'static str,
    submit: &'static str,
    /// The agent's choice, `None` for the author's complement.
    audience: Option<RwSignal<ReplyAudience>>,
    #[prop(optional)] fixed: Option<ReplyAudience>,
    on_done: Callback<()>,
) -> impl IntoView {
    let session = Session::get();
    let body = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    let send = Action::new_local(move |(body, audience): &(String, Option<ReplyAudience>)| {
        let (body, audience) = (body.clone(), *audience);
        session.send(move |token| {
            let body = body.clone();
            async move { api::reply(&token, id, body, audience).await }
        })
    });
    Effect::new(move || {
        if matches!(send.value().get(), Some(Ok(_))) {
            on_done.run(());
        }
    });
    let dispatch = move || {
        confirming.set(false);
        send.dispatch((body.get_untracked(), audience.map(|a| a.get_untracked())));
    };
    let sent = Signal::derive(move || send.value().get());
    let name = format!("audience-{id}");
    let choice = audience.map(|chosen| match fixed {
        Some(only) => view! {
            <p class="fr-text--sm">{match only {
                ReplyAudience::Public => "Destinataires : toutes les entreprises (la réponse à une demande de précision est publique).",
                ReplyAudience::Author => "Destinataire : l'auteur seulement (solution confidentielle).",
            }}</p>
        }.into_any(),
        None => view! {
            <fieldset class="fr-fieldset" id=format!("{name}-fieldset")>
                <legend class="fr-fieldset__legend fr-text--sm">"Qui lit cette réponse ?"</legend>
                {ReplyAudience::ALL.iter().copied().map(|value| {
                    let radio = format!("{name}-{}", value.as_str());
                    view! {
                        <div class="fr-fieldset__element fr-fieldset__element--inline">
                            <div class="fr-radio-group fr-radio-group--sm">
                                <input type="radio" id=radio.clone() name=name.clone() value=value.as_str()
                                    prop:checked=move || chosen.get() == value
                                    on:change=move |_| chosen.set(value)/>
                                <label class="fr-label" for=radio>{value.label_fr()}</label>
                            </div>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
        }.into_any(),
    });
    let private_by_choice = move || {
        fixed.is_none() && audience.is_some_and(|a| a.get_untracked() == ReplyAudience::Author)
    };
    view! {
        <form on:submit=move |ev| {
            ev.prevent_default();
            if private_by_choice() { confirming.set(true) } else { dispatch() }
        }>
            <ErrorAlert error=Signal::derive(move || general_error(sent).get().filter(|e| e.field_message("body").is_none()))/>
            <TextField id=format!("reply-{id}") label rows=3 value=body error=guarded(body, field_error(sent, "body"))/>
            {choice}
            <Show when=move || confirming.get()>
                <div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-2w" role="alertdialog" aria-labelledby=format!("{name}-question")>
                    <p id=format!("{name}-question")><strong>"Cette réponse apporte-t-elle une information sur le besoin ?"</strong></p>
                    <p class="fr-text--sm">"Si oui, toutes les entreprises doivent la recevoir (égalité de traitement). Une réponse à l'auteur seulement est signalée à l'acheteur."</p>
                    <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
                        <li><button class="fr-btn fr-btn--sm" type="button" on:click=move |_| {
                            if let Some(a) = audience { a.set(ReplyAudience::Public); }
                            dispatch();
                        }>"Oui : l'envoyer à toutes les entreprises"</button></li>
                        <li><button class="fr-btn fr-btn--sm fr-btn--secondary" type="button" on:click=move |_| dispatch()>"Non : l'envoyer à l'auteur seulement"</button></li>
                    </ul>
                </div>
            </Show>
            <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
                <li><button class="fr-btn fr-btn--sm" type="submit" disabled=move || send.pending().get() || confirming.get()>{submit}</button></li>
                <li><button class="fr-btn fr-btn--sm fr-btn--tertiary" type="button" on:click=move |_| on_done.run(())>"Annuler"</button></li>
            </ul>
        </form>
    }
}

/// The decision form, starting from the saved decision when there is one so
/// that saving never overwrites it unknowingly.
#[component]
fn DecisionForm(contribution: ContributionDto, on_done: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let id = contribution.id;
    let is_clarification = contribution.kind == ContributionKind::Clarification;
    let saved = contribution.decision.clone();
    let decision = RwSignal::new(saved.as_ref().map_or(
        if is_clarification {
            DecisionKind::Answered
        } else {
            DecisionKind::Accepted
        },
        |d| d.decision,
    ));
    let rationale = RwSignal::new(
        saved
            .as_ref()
            .map(|d| d.rationale.clone())
            .unwrap_or_default(),
    );
    let send = Action::new_local(move |request: &DecisionRequest| {
        let request = request.clone();
        session.send(move |token| {
            let request = request.clone();
            async move { api::decide(&token, id, request).await }
        })
    });
    Effect::new(move || {
        if matches!(send.value().get(), Some(Ok(_))) {
            on_done.run(());
        }
    });
    let decided = Signal::derive(move || send.value().get());
    let decision_error = Signal::derive(move || {
        field_error(decided, "rationale")
            .get()
            .or_else(|| field_error(decided, "decision").get())
    });
    let decision_id = format!("decision-{id}");
    let options: &[DecisionKind] = if is_clarification {
        &[DecisionKind::Answered]
    } else {
        &[
            DecisionKind::Accepted,
            DecisionKind::PartiallyAccepted,
            DecisionKind::Rejected,
        ]
    };
    // Accepted now, written into the revision that follows the
    // contribution's round (recorded before that revision exists).
    let next_revision = contribution.round.saturating_add(1);
    let kept_round = saved.as_ref().and_then(|d| d.integrated_in_round);
    let revision = kept_round.unwrap_or(next_revision);
    let integrated = RwSignal::new(kept_round.is_some());
    let integrates =
        |d: DecisionKind| matches!(d, DecisionKind::Accepted | DecisionKind::PartiallyAccepted);
    let integrated_id = format!("integrated-{id}");
    view! {
        <form on:submit=move |ev| {
            ev.prevent_default();
            send.dispatch(DecisionRequest {
                decision: Some(decision.get_untracked()),
                rationale: rationale.get_untracked(),
                integrated_in_round: (integrates(decision.get_untracked()) && integrated.get_untracked())
                    .then_some(revision),
            });
        }>
            <ErrorAlert error=Signal::derive(move || general_error(decided).get().filter(|e| e.field_message("rationale").is_none() && e.field_message("decision").is_none()))/>
            <div class="fr-select-group">
                <label class="fr-label" for=decision_id.clone()>"Décision"</label>
                <select class="fr-select" id=decision_id on:change=move |ev| {
                    if let Some(chosen) = DecisionKind::parse(&event_target_value(&ev)) {
                        decision.set(chosen);
                    }
                }>
                    {options.iter().copied().map(|d| view! {
                        <option value=d.as_str() selected=move || decision.get_untracked() == d>{d.label_fr()}</option>
                    }).collect_view()}
                </select>
            </div>
            <TextField id=format!("rationale-{id}") label="Motif de la décision" rows=2 value=rationale error=decision_error/>
            {move || integrates(decision.get()).then(|| {
                let integrated_id = integrated_id.clone();
                view! {
                    <div class="fr-checkbox-group fr-checkbox-group--sm fr-mb-2w">
                        <input type="checkbox" id=integrated_id.clone() prop:checked=move || integrated.get()
                            on:change=move |ev| integrated.set(event_target_checked(&ev))/>
                        <label class="fr-label" for=integrated_id>
                            {format!("À intégrer à la révision {revision}")}
                            <span class="fr-hint-text">"Le lien avec la révision se fait quand elle est publiée."</span>
                        </label>
                    </div>
                }
            })}
            <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
                <li><button class="fr-btn fr-btn--sm" type="submit" disabled=move || send.pending().get()>
                    {if saved.is_some() { "Enregistrer la nouvelle décision" } else { "Enregistrer la décision" }}
                </button></li>
                <li><button class="fr-btn fr-btn--sm fr-btn--tertiary" type="button" on:click=move |_| on_done.run(())>"Annuler"</button></li>
            </ul>
        </form>
    }
}

/// Which form is open under a contribution; one at a time, on demand, so
/// that a page of two hundred contributions stays a list to read.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    Nothing,
    Reply,
    Decision,
    Edit,
}

/// The owner agent answers and decides where the contribution is read.
#[component]
fn AgentActions(contribution: ContributionDto, reload: Callback<()>) -> impl IntoView {
    let id = contribution.id;
    let fixed = if contribution.kind == ContributionKind::Clarification {
        Some(ReplyAudience::Public)
    } else if contribution.confidential {
        Some(ReplyAudience::Author)
    } else {
        None
    };
    let audience = RwSignal::new(fixed.unwrap_or(ReplyAudience::Public));
    let open = RwSignal::new(Open::Nothing);
    let done = Callback::new(move |()| {
        open.set(Open::Nothing);
        reload.run(());
    });
    let decide_label = if contribution.decision.is_some() {
        "Modifier la décision"
    } else {
        "Décider"
    };
    let toggle = move |what: Open| {
        open.update(|o| *o = if *o == what { Open::Nothing } else { what });
    };
    view! {
        <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-mt-1w">
            <li><button class="fr-btn fr-btn--sm fr-btn--secondary" type="button"
                aria-expanded=move || (open.get() == Open::Reply).to_string()
                on:click=move |_| toggle(Open::Reply)>"Répondre"</button></li>
            <li><button class="fr-btn fr-btn--sm fr-btn--secondary" type="button"
                aria-expanded=move || (open.get() == Open::Decision).to_string()
                on:click=move |_| toggle(Open::Decision)>{decide_label}</button></li>
        </ul>
        {move || match open.get() {
            Open::Reply => match fixed {
                Some(only) => view! { <ReplyForm id label="Votre réponse" submit="Publier la réponse" audience=Some(audience) fixed=only on_done=done/> }.into_any(),
                None => view! { <ReplyForm id label="Votre réponse" submit="Publier la réponse" audience=Some(audience) on_done=done/> }.into_any(),
            },
            Open::Decision => view! { <DecisionForm contribution=contribution.clone() on_done=done/> }.into_any(),
            Open::Nothing | Open::Edit => ().into_any(),
        }}
    }
}

/// What the next revision did to the clause or criterion a contribution targeted.
#[derive(Clone, PartialEq)]
pub enum Outcome {
    Changed { from: i32, to: i32 },
    Moved { to: i32 },
    Removed { to: i32 },
    Unchanged { to: i32 },
}

/// The company edits or withdraws its contribution while the round is open
/// and the agent has neither answered nor decided it; after that, it may
/// only complete it with a reply.
#[component]
fn AuthorActions(contribution: ContributionDto, reload: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let id = contribution.id;
    let open = RwSignal::new(Open::Nothing);
    let confirming = RwSignal::new(false);
    let withdraw = Action::new_local(move |(): &()| {
        session.send(move |token| async move { api::withdraw(&token, id).await })
    });
    Effect::new(move || {
        if let Some(Ok(_)) = withdraw.value().get() {
            reload.run(());
        }
    });
    let done = Callback::new(move |()| {
        open.set(Open::Nothing);
        reload.run(());
    });
    let toggle = move |what: Open| {
        open.update(|o| *o = if *o == what { Open::Nothing } else { what });
    };
    if contribution.is_settled() {
        return view! {
            <p class="fr-text--sm fr-mt-1w">"L'agent a répondu ou décidé : cette contribution ne peut plus être modifiée ni retirée, pour que sa réponse reste lisible. Vous pouvez la compléter."</p>
            <button class="fr-btn fr-btn--sm fr-btn--secondary" type="button"
                aria-expanded=move || (open.get() == Open::Reply).to_string()
                on:click=move |_| toggle(Open::Reply)>"Compléter ma contribution"</button>
            <Show when=move || open.get() == Open::Reply>
                <ReplyForm id label="Votre complément" submit="Publier le complément" audience=None on_done=done/>
            </Show>
        }
        .into_any();
    }
    let original = contribution.clone();
    view! {
        <ErrorAlert error=general_error(Signal::derive(move || withdraw.value().get()))/>
        <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
            <li><button class="fr-btn fr-btn--sm fr-btn--secondary" type="button" aria-expanded=move || (open.get() == Open::Edit).to_string()
                on:click=move |_| toggle(Open::Edit)>"Modifier"</button></li>
            <li>{move || if confirming.get() {
                view! { <button class="fr-btn fr-btn--sm" type="button" on:click=move |_| { withdraw.dispatch(()); }>"Confirmer le retrait"</button> }.into_any()
            } else {
                view! { <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="button" on:click=move |_| confirming.set(true)>"Retirer"</button> }.into_any()
            }}</li>
        </ul>
        <Show when=move || open.get() == Open::Edit>
            <ContributionForm consultation_id=original.consultation_id target_kind=original.target_kind
                target_id=original.target_id editing=original.clone() on_done=done
                on_cancel=Callback::new(move |()| open.set(Open::Nothing))/>
        </Show>
    }
    .into_any()
}

#[component]
pub fn ContributionCard(
    contribution: ContributionDto,
    /// Set for the owner agent while the contribution can be answered.
    agent_reload: Option<Callback<()>>,
    /// Set for the author while its round is open.
    author_reload: Option<Callback<()>>,
    /// For the author: what the next revision did to the target.
    outcome: Option<Outcome>,
    /// For the agent and the buyer: the revisions that took its wording.
    taken_over: Vec<ProvenanceDto>,
) -> impl IntoView {
    let actions = agent_reload
        .map(|reload| view! { <AgentActions contribution=contribution.clone() reload/> });
    let own_actions = author_reload
        .map(|reload| view! { <AuthorActions contribution=contribution.clone() reload/> });
    let consultation = contribution.consultation_id;
    let outcome = outcome.map(|o| match o {
        Outcome::Changed { from, to } => view! {
            <p class="fr-text--sm jsf-outcome">
                {format!("La révision {to} a modifié ce passage. ")}
                <A href=format!("/consultations/{consultation}/historique?de={from}&a={to}")>{format!("Voir les changements de la révision {to}")}</A>
            </p>
        }.into_any(),
        Outcome::Moved { to } => view! { <p class="fr-text--sm jsf-outcome">{format!("La révision {to} a déplacé ce passage sans en changer le texte.")}</p> }.into_any(),
        Outcome::Removed { to } => view! { <p class="fr-text--sm jsf-outcome">{format!("La révision {to} a supprimé ce passage.")}</p> }.into_any(),
        Outcome::Unchanged { to } => view! { <p class="fr-text--sm jsf-outcome">{format!("La révision {to} n'a pas modifié ce passage.")}</p> }.into_any(),
    });
    let c = contribution;
    let withdrawn = c.status == ContributionStatus::Withdrawn;
    view! {
        <article class="fr-tile fr-mb-2w jsf-contribution" class:jsf-withdrawn=withdrawn id=format!("contribution-{}", c.id)>
            <div class="fr-tile__body">
                <h4 class="fr-tile__title fr-text--md">
                    {format!("{} — {} (tour {})", c.author.label, c.kind.label_fr(), c.round)}
                </h4>
                <div class="fr-tile__desc">
                    <p>{c.body.clone()}</p>
                    <p class="fr-text--sm"><strong>"Justification : "</strong>{c.justification.clone()}</p>
                    {c.proposed_text.clone().map(|t| view! { <blockquote class="fr-text--sm"><strong>"Rédaction proposée : "</strong>{t}</blockquote> })}
                    {c.proposed_weight.map(|w| view! { <p class="fr-text--sm"><strong>"Poids proposé : "</strong>{format!("{w} %")}</p> })}
                    <ul class="fr-badges-group">
                        {c.cost_direction.map(|d| view! { <li><p class="fr-badge fr-badge--sm fr-badge--no-icon">{d.label_fr()}</p></li> })}
                        {c.confidential.then(|| view! { <li><p class="fr-badge fr-badge--sm fr-badge--warning fr-badge--no-icon">"Confidentielle"</p></li> })}
                        {withdrawn.then(|| view! { <li><p class="fr-badge fr-badge--sm fr-badge--error fr-badge--no-icon">"Retirée"</p></li> })}
                        {c.decision.clone().map(|d| view! { <li><p class="fr-badge fr-badge--sm fr-badge--info fr-badge--no-icon">{d.decision.label_fr()}</p></li> })}
                    </ul>
                    {c.decision.clone().map(|d| view! {
                        <p class="fr-text--sm"><strong>"Décision : "</strong>{d.rationale}
                            {d.integrated_in_round.map(|n| format!(" (intégrée à la révision {n})"))}
                        </p>
                    })}
                    {c.replies.into_iter().map(|r| view! {
                        <p class="fr-text--sm jsf-reply"><strong>{format!("{} : ", r.author.label)}</strong>{r.body}
                            {(r.audience == ReplyAudience::Author && !c.confidential).then(|| view! {
                                " "<span class="fr-badge fr-badge--sm fr-badge--no-icon">"À l'auteur seulement"</span>
                            })}
                        </p>
                    }).collect_view()}
                    {taken_over.into_iter().map(|p| view! {
                        <p class="fr-text--sm jsf-taken-over">{format!("Reprise par la révision {}, {} {}{}", p.revision,
                            if p.target_kind == TargetKind::Criterion { "critère" } else { "clause" }, p.label,
                            if p.similarity > 0 { format!(", à {} %", p.similarity) } else { " (poids)".to_owned() })}</p>
                    }).collect_view()}
                    {outcome}
                    {(!withdrawn).then_some(actions)}
                    {(!withdrawn).then_some(own_actions)}
                </div>
            </div>
        </article>
    }
}

/// What the company types in the form, one signal per field, starting from
/// the contribution being edited when there is one.
#[derive(Clone, Copy)]
struct Fields {
    kind: RwSignal<ContributionKind>,
    body: RwSignal<String>,
    justification: RwSignal<String>,
    proposed: RwSignal<String>,
    weight: RwSignal<String>,
    cost: RwSignal<Option<CostDirection>>,
    confidential: RwSignal<bool>,
}

impl Fields {
    fn new(start: Option<&ContributionDto>) -> Self {
        let text = |pick: fn(&ContributionDto) -> Option<String>| {
            RwSignal::new(start.and_then(pick).unwrap_or_default())
        };
        Self {
            kind: RwSignal::new(start.map_or(ContributionKind::Solution, |c| c.kind)),
            body: text(|c| Some(c.body.clone())),
            justification: text(|c| Some(c.justification.clone())),
            proposed: text(|c| c.proposed_text.clone()),
            weight: text(|c| c.proposed_weight.map(|w| w.to_string())),
            cost: RwSignal::new(start.and_then(|c| c.cost_direction)),
            confidential: RwSignal::new(start.is_some_and(|c| c.confidential)),
        }
    }

    fn request(&self, target_kind: TargetKind, target_id: Option<Uuid>) -> ContributionRequest {
        let kind = self.kind.get_untracked();
        let weight = self.weight.get_untracked();
        ContributionRequest {
            target_kind: Some(target_kind),
            target_id,
            kind: Some(kind),
            body: self.body.get_untracked(),
            justification: self.justification.get_untracked(),
            cost_direction: self.cost.get_untracked(),
            proposed_text: Some(self.proposed.get_untracked()).filter(|t| !t.trim().is_empty()),
            proposed_weight: weight.trim().parse().ok(),
            confidential: self.confidential.get_untracked() && kind == ContributionKind::Solution,
        }
    }
}

/// The four cost directions as radio buttons, in words (not arrows alone).
#[component]
fn CostDirectionField(
    prefix: String,
    cost: RwSignal<Option<CostDirection>>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let legend = format!("{prefix}-cost-legend");
    let messages = format!("{prefix}-cost-messages");
    let name = format!("{prefix}-cost");
    view! {
        <fieldset class="fr-fieldset" aria-labelledby=format!("{legend} {messages}")>
            <legend class="fr-fieldset__legend" id=legend.clone()>"Effet attendu sur le coût"</legend>
            {CostDirection::ALL.iter().copied().map(|value| {
                let id = format!("{prefix}-cost-{}", value.as_str());
                let label = match value {
                    CostDirection::Increase => "↑ Hausse",
                    CostDirection::Decrease => "↓ Baisse",
                    CostDirection::Neutral => "= Neutre",
                    CostDirection::Unknown => "? Inconnu",
                };
                view! {
                    <div class="fr-fieldset__element fr-fieldset__element--inline">
                        <div class="fr-radio-group">
                            <input type="radio" id=id.clone() name=name.clone() value=value.as_str()
                                prop:checked=move || cost.get() == Some(value)
                                on:change=move |_| cost.set(Some(value))/>
                            <label class="fr-label" for=id>{label}</label>
                        </div>
                    </div>
                }
            }).collect_view()}
            <FieldMessage id=messages.clone() error/>
        </fieldset>
    }
}

/// The form a company fills where it reads the clause or criterion; with
/// `editing`, it changes that contribution instead.
#[component]
pub fn ContributionForm(
    consultation_id: Uuid,
    target_kind: TargetKind,
    target_id: Option<Uuid>,
    #[prop(optional)] editing: Option<ContributionDto>,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    // The fields live in `Fields`; what remains is the submission and the markup.
    let session = Session::get();
    let editing_id = editing.as_ref().map(|c| c.id);
    let fields = Fields::new(editing.as_ref());
    let submit = Action::new_local(move |request: &ContributionRequest| {
        let request = request.clone();
        session.send(move |token| {
            let request = request.clone();
            async move {
                match editing_id {
                    Some(id) => api::edit_contribution(&token, id, request).await,
                    None => api::contribute(&token, consultation_id, request).await,
                }
            }
        })
    });
    let result = Signal::derive(move || submit.value().get());
    Effect::new(move || {
        if let Some(Ok(_)) = submit.value().get() {
            on_done.run(());
        }
    });
    // Unique per form: several forms can be open on one page.
    let prefix = match editing_id {
        Some(id) => format!("edit-{id}"),
        None => format!(
            "new-{}",
            target_id.map_or_else(|| "document".to_owned(), |t| t.to_string())
        ),
    };
    let kind_id = format!("{prefix}-kind");
    let proposed_id = format!("{prefix}-proposed");
    let criterion_name_id = format!("{prefix}-criterion-name");
    let weight_id = format!("{prefix}-weight");
    let confidential_id = format!("{prefix}-confidential");
    let alternative = match target_kind {
        TargetKind::Criterion => ContributionKind::AlternativeCriterion,
        _ => ContributionKind::AlternativeClause,
    };
    let Fields {
        kind,
        body,
        justification,
        proposed,
        weight,
        cost,
        confidential,
    } = fields;
    let is = move |k: ContributionKind| kind.get() == k;
    view! {
        <form class="fr-mt-2w jsf-contribution-form" novalidate=true on:submit=move |ev| {
            ev.prevent_default();
            submit.dispatch(fields.request(target_kind, target_id));
        }>
            <ErrorAlert error=general_error(result)/>
            <div class="fr-select-group">
                <label class="fr-label" for=kind_id.clone()>"Type de contribution"</label>
                <select class="fr-select" id=kind_id on:change=move |ev| {
                    if let Some(chosen) = ContributionKind::parse(&event_target_value(&ev)) {
                        kind.set(chosen);
                    }
                }>
                    <option value=ContributionKind::Solution.as_str() selected=move || is(ContributionKind::Solution)>"Proposer une solution"</option>
                    <option value=ContributionKind::Clarification.as_str() selected=move || is(ContributionKind::Clarification)>"Demander une précision"</option>
                    <option value=alternative.as_str() selected=move || is(alternative)>
                        {if alternative == ContributionKind::AlternativeCriterion { "Proposer un autre critère" } else { "Proposer une autre rédaction" }}
                    </option>
                </select>
            </div>
            <TextField id=format!("{prefix}-body") label="Votre contribution" rows=3 value=body error=guarded(body, field_error(result, "body"))/>
            <TextField id=format!("{prefix}-justification") label="Justification" hint="Pourquoi cette proposition sert le besoin" rows=2 value=justification error=guarded(justification, field_error(result, "justification"))/>
            <Show when=move || is(ContributionKind::AlternativeClause)>
                <TextField id=proposed_id.clone() label="Rédaction proposée" rows=3 value=proposed error=guarded(proposed, field_error(result, "proposed_text"))/>
            </Show>
            <Show when=move || is(ContributionKind::AlternativeCriterion)>
                <TextField id=criterion_name_id.clone() label="Nom du critère proposé" value=proposed error=field_error(result, "proposed_text")/>
                <TextField id=weight_id.clone() label="Poids proposé (%)" hint="Un nombre entier entre 1 et 100" kind="number"
                    value=weight error=field_error(result, "proposed_weight")/>
            </Show>
            <Show when=move || !is(ContributionKind::Clarification)>
                <CostDirectionField prefix=prefix.clone() cost error=field_error(result, "cost_direction")/>
            </Show>
            <Show when=move || is(ContributionKind::Solution)>
                <div class="fr-toggle">
                    <input type="checkbox" class="fr-toggle__input" id=confidential_id.clone()
                        prop:checked=move || confidential.get()
                        on:change=move |ev| confidential.set(event_target_checked(&ev))/>
                    <label class="fr-toggle__label" for=confidential_id.clone()>"Confidentielle (vue par l'agent et l'acheteur seulement)"</label>
                </div>
            </Show>
            <ul class="fr-btns-group fr-btns-group--inline fr-mt-2w">
                <li><button class="fr-btn" type="submit" disabled=move || submit.pending().get()>
                    {if editing_id.is_some() { "Enregistrer les modifications" } else { "Envoyer ma contribution" }}
                </button></li>
                <li><button class="fr-btn fr-btn--tertiary" type="button" on:click=move |_| on_cancel.run(())>"Annuler"</button></li>
            </ul>
        </form>
    }
}
