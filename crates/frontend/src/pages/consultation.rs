use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::consultation::{
    Clause, ConsultationDto, ContributionDto, ContributionKind, ContributionRequest, CostDirection,
    DecisionKind, DecisionRequest, RevisionDto, TargetKind,
};
use shared::types::Role;
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::form::{ErrorAlert, TextField};
use crate::components::set_title;
use crate::components::time::{french_date_time, relative};
use crate::pages::account::require_sign_in;
use crate::pages::consultations::status_badge;
use crate::pages::publication::PublicationPanel;
use crate::session::Session;

#[derive(Clone)]
struct Loaded {
    consultation: ConsultationDto,
    revision: Option<RevisionDto>,
    contributions: Vec<ContributionDto>,
}

async fn load(token: String, id: Uuid) -> Result<Loaded, ApiError> {
    let consultation = api::consultation(&token, id).await?;
    let revision = match &consultation.current_round {
        Some(round) => Some(api::revision(&token, id, round.number).await?),
        None => None,
    };
    let contributions = api::contributions(&token, id).await?.items;
    Ok(Loaded {
        consultation,
        revision,
        contributions,
    })
}

fn kind_label(kind: ContributionKind) -> &'static str {
    match kind {
        ContributionKind::Solution => "Solution",
        ContributionKind::Clarification => "Demande de précision",
        ContributionKind::AlternativeClause => "Rédaction alternative",
        ContributionKind::AlternativeCriterion => "Critère alternatif",
    }
}

fn cost_label(cost: CostDirection) -> &'static str {
    match cost {
        CostDirection::Increase => "↑ Hausse du coût",
        CostDirection::Decrease => "↓ Baisse du coût",
        CostDirection::Neutral => "= Sans effet sur le coût",
        CostDirection::Unknown => "? Effet sur le coût inconnu",
    }
}

fn decision_label(decision: DecisionKind) -> &'static str {
    match decision {
        DecisionKind::Accepted => "Retenue",
        DecisionKind::PartiallyAccepted => "Retenue en partie",
        DecisionKind::Rejected => "Non retenue",
        DecisionKind::Answered => "Répondu",
    }
}

/// The owner agent answers and decides where the contribution is read.
#[component]
fn AgentActions(contribution: ContributionDto, reload: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let id = contribution.id;
    let is_clarification = contribution.kind == ContributionKind::Clarification;
    let answer = RwSignal::new(String::new());
    let decision = RwSignal::new(
        if is_clarification {
            "answered"
        } else {
            "accepted"
        }
        .to_owned(),
    );
    let rationale = RwSignal::new(String::new());
    let token = move || session.token().unwrap_or_default();
    let send_reply = Action::new_local(move |body: &String| {
        let (token, body) = (token(), body.clone());
        async move { api::reply(&token, id, body).await }
    });
    let send_decision = Action::new_local(move |request: &DecisionRequest| {
        let (token, request) = (token(), request.clone());
        async move { api::decide(&token, id, request).await }
    });
    Effect::new(move || {
        if matches!(send_reply.value().get(), Some(Ok(_)))
            || matches!(send_decision.value().get(), Some(Ok(_)))
        {
            reload.run(());
        }
    });
    let reply_error = Signal::derive(move || match send_reply.value().get() {
        Some(Err(err)) => err.field_message("body"),
        _ => None,
    });
    let decision_error = Signal::derive(move || match send_decision.value().get() {
        Some(Err(err)) => err
            .field_message("rationale")
            .or_else(|| err.field_message("decision")),
        _ => None,
    });
    let prefix = format!("agent-{id}");
    let reply_id = format!("{prefix}-reply");
    let decision_id = format!("{prefix}-decision");
    let rationale_id = format!("{prefix}-rationale");
    let options: Vec<(&str, &str)> = if is_clarification {
        vec![("answered", "Répondu")]
    } else {
        vec![
            ("accepted", "Retenue"),
            ("partially_accepted", "Retenue en partie"),
            ("rejected", "Non retenue"),
        ]
    };
    view! {
        <div class="fr-grid-row fr-grid-row--gutters fr-mt-1w">
            <form class="fr-col-12 fr-col-md-6" on:submit=move |ev| {
                ev.prevent_default();
                send_reply.dispatch(answer.get_untracked());
            }>
                <div class="fr-input-group" class:fr-input-group--error=move || reply_error.get().is_some()>
                    <label class="fr-label" for=reply_id.clone()>"Répondre"</label>
                    <textarea class="fr-input" id=reply_id.clone() rows="2"
                        prop:value=move || answer.get() on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
                    {move || reply_error.get().map(|m| view! { <p class="fr-error-text">{m}</p> })}
                </div>
                <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">"Publier la réponse"</button>
            </form>
            <form class="fr-col-12 fr-col-md-6" on:submit=move |ev| {
                ev.prevent_default();
                send_decision.dispatch(DecisionRequest {
                    decision: serde_json::from_value(serde_json::Value::String(decision.get_untracked())).ok(),
                    rationale: rationale.get_untracked(),
                    integrated_in_round: None,
                });
            }>
                <div class="fr-select-group">
                    <label class="fr-label" for=decision_id.clone()>"Décision"</label>
                    <select class="fr-select" id=decision_id on:change=move |ev| decision.set(event_target_value(&ev))>
                        {options.into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                    </select>
                </div>
                <div class="fr-input-group" class:fr-input-group--error=move || decision_error.get().is_some()>
                    <label class="fr-label" for=rationale_id.clone()>"Motif de la décision"</label>
                    <input class="fr-input" id=rationale_id.clone()
                        prop:value=move || rationale.get() on:input=move |ev| rationale.set(event_target_value(&ev))/>
                    {move || decision_error.get().map(|m| view! { <p class="fr-error-text">{m}</p> })}
                </div>
                <button class="fr-btn fr-btn--sm" type="submit">"Enregistrer la décision"</button>
            </form>
        </div>
    }
}

#[component]
fn ContributionCard(
    contribution: ContributionDto,
    agent_reload: Option<Callback<()>>,
) -> impl IntoView {
    let actions = agent_reload
        .map(|reload| view! { <AgentActions contribution=contribution.clone() reload/> });
    let c = contribution;
    view! {
        <article class="fr-tile fr-mb-2w jsf-contribution">
            <div class="fr-tile__body">
                <h4 class="fr-tile__title fr-text--md">
                    {format!("{} — {} (tour {})", c.author.label, kind_label(c.kind), c.round)}
                </h4>
                <div class="fr-tile__desc">
                    <p>{c.body.clone()}</p>
                    <p class="fr-text--sm"><strong>"Justification : "</strong>{c.justification.clone()}</p>
                    {c.proposed_text.clone().map(|t| view! { <blockquote class="fr-text--sm">{t}</blockquote> })}
                    <ul class="fr-badges-group">
                        {c.cost_direction.map(|d| view! { <li><p class="fr-badge fr-badge--sm fr-badge--no-icon">{cost_label(d)}</p></li> })}
                        {c.confidential.then(|| view! { <li><p class="fr-badge fr-badge--sm fr-badge--warning fr-badge--no-icon">"Confidentielle"</p></li> })}
                        {c.decision.clone().map(|d| view! { <li><p class="fr-badge fr-badge--sm fr-badge--info fr-badge--no-icon">{decision_label(d.decision)}</p></li> })}
                    </ul>
                    {c.decision.clone().map(|d| view! { <p class="fr-text--sm"><strong>"Décision : "</strong>{d.rationale}</p> })}
                    {c.replies.into_iter().map(|r| view! {
                        <p class="fr-text--sm jsf-reply"><strong>{format!("{} : ", r.author.label)}</strong>{r.body}</p>
                    }).collect_view()}
                    {actions}
                </div>
            </div>
        </article>
    }
}

/// The form a company fills where it reads the clause.
#[component]
fn ContributionForm(
    consultation_id: Uuid,
    clause_id: Uuid,
    on_done: Callback<()>,
) -> impl IntoView {
    let session = Session::get();
    let kind = RwSignal::new("solution".to_owned());
    let body = RwSignal::new(String::new());
    let justification = RwSignal::new(String::new());
    let proposed = RwSignal::new(String::new());
    let cost = RwSignal::new(String::new());
    let confidential = RwSignal::new(false);
    let submit = Action::new_local(move |request: &ContributionRequest| {
        let request = request.clone();
        let token = session.token().unwrap_or_default();
        async move { api::contribute(&token, consultation_id, request).await }
    });
    Effect::new(move || {
        if let Some(Ok(_)) = submit.value().get() {
            on_done.run(());
        }
    });
    let field = move |name: &'static str| {
        Signal::derive(move || match submit.value().get() {
            Some(Err(err)) => err.field_message(name),
            _ => None,
        })
    };
    let general = Signal::derive(move || match submit.value().get() {
        Some(Err(err)) => Some(err),
        _ => None,
    });
    let prefix = format!("contribution-{clause_id}");
    let kind_id = format!("{prefix}-kind");
    let cost_name = format!("{prefix}-cost");
    let confidential_id = format!("{prefix}-confidential");
    view! {
        <form class="fr-mt-2w" novalidate=true on:submit=move |ev| {
            ev.prevent_default();
            let chosen: Option<ContributionKind> = serde_json::from_value(serde_json::Value::String(kind.get_untracked())).ok();
            let cost_direction: Option<CostDirection> = serde_json::from_value(serde_json::Value::String(cost.get_untracked())).ok();
            let proposed_text = Some(proposed.get_untracked()).filter(|t| !t.trim().is_empty());
            submit.dispatch(ContributionRequest {
                target_kind: Some(TargetKind::Clause),
                target_id: Some(clause_id),
                kind: chosen,
                body: body.get_untracked(),
                justification: justification.get_untracked(),
                cost_direction,
                proposed_text,
                proposed_weight: None,
                confidential: confidential.get_untracked() && chosen == Some(ContributionKind::Solution),
            });
        }>
            <ErrorAlert error=general/>
            <div class="fr-select-group">
                <label class="fr-label" for=kind_id.clone()>"Type de contribution"</label>
                <select class="fr-select" id=kind_id on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="solution" selected=true>"Proposer une solution"</option>
                    <option value="clarification">"Demander une précision"</option>
                    <option value="alternative_clause">"Proposer une autre rédaction"</option>
                </select>
            </div>
            <TextField id="body" label="Votre contribution" value=body error=field("body")/>
            <TextField id="justification" label="Justification" hint="Pourquoi cette proposition sert le besoin" value=justification error=field("justification")/>
            <Show when=move || kind.get() == "alternative_clause">
                <TextField id="proposed_text" label="Rédaction proposée" value=proposed error=field("proposed_text")/>
            </Show>
            <Show when=move || kind.get() != "clarification">
                <fieldset class="fr-fieldset" aria-labelledby=format!("{prefix}-cost-legend")>
                    <legend class="fr-fieldset__legend" id=format!("{prefix}-cost-legend")>"Effet attendu sur le coût"</legend>
                    {[("increase", "↑ Hausse"), ("decrease", "↓ Baisse"), ("neutral", "= Neutre"), ("unknown", "? Inconnu")].into_iter().map(|(value, label)| {
                        let id = format!("{prefix}-cost-{value}");
                        view! {
                            <div class="fr-fieldset__element fr-fieldset__element--inline">
                                <div class="fr-radio-group">
                                    <input type="radio" id=id.clone() name=cost_name.clone() value=value on:change=move |_| cost.set(value.to_owned())/>
                                    <label class="fr-label" for=id>{label}</label>
                                </div>
                            </div>
                        }
                    }).collect_view()}
                    <div class="fr-messages-group" aria-live="polite">
                        {move || field("cost_direction").get().map(|m| view! { <p class="fr-message fr-message--error">{m}</p> })}
                    </div>
                </fieldset>
            </Show>
            <Show when=move || kind.get() == "solution">
                <div class="fr-toggle">
                    <input type="checkbox" class="fr-toggle__input" id=confidential_id.clone()
                        on:change=move |ev| confidential.set(event_target_checked(&ev))/>
                    <label class="fr-toggle__label" for=confidential_id.clone()>"Confidentielle (vue par l'agent et l'acheteur seulement)"</label>
                </div>
            </Show>
            <button class="fr-btn fr-mt-2w" type="submit" disabled=move || submit.pending().get()>"Envoyer ma contribution"</button>
        </form>
    }
}

#[component]
fn ClauseBlock(
    clause: Clause,
    consultation_id: Uuid,
    contributions: Vec<ContributionDto>,
    can_contribute: bool,
    is_agent: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let clause_id = clause.id.unwrap_or_default();
    let mine: Vec<ContributionDto> = contributions
        .into_iter()
        .filter(|c| c.target_kind == TargetKind::Clause && c.target_id == Some(clause_id))
        .collect();
    let count = mine.len();
    let open = RwSignal::new(false);
    let done = Callback::new(move |()| {
        open.set(false);
        reload.run(());
    });
    view! {
        <section class="fr-mb-4w jsf-clause" aria-labelledby=format!("clause-{clause_id}")>
            <h3 class="fr-h6" id=format!("clause-{clause_id}")>
                {format!("{} — {} ", clause.number, clause.title)}
                <span class="fr-badge fr-badge--sm fr-badge--no-icon">{format!("{count} contribution{}", if count > 1 { "s" } else { "" })}</span>
            </h3>
            <p>{clause.text}</p>
            {mine.into_iter().map(|c| view! { <ContributionCard contribution=c agent_reload=is_agent.then_some(reload)/> }).collect_view()}
            <Show when=move || can_contribute>
                <button class="fr-btn fr-btn--secondary fr-btn--sm" type="button" aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|o| *o = !*o)>
                    "Contribuer sur cette clause"
                </button>
                <Show when=move || open.get()>
                    <ContributionForm consultation_id clause_id on_done=done/>
                </Show>
            </Show>
        </section>
    }
}

#[component]
pub fn ConsultationPage() -> impl IntoView {
    set_title("Consultation");
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<Uuid>().ok()));
    require_sign_in("/consultations");
    let session = Session::get();
    let data = LocalResource::new(move || {
        let token = session.token();
        let id = id();
        async move {
            match (token, id) {
                (Some(token), Some(id)) => Some(load(token, id).await),
                _ => None,
            }
        }
    });
    let reload = Callback::new(move |()| data.refetch());
    let is_company = move || session.user().is_some_and(|u| u.role == Role::Company);
    let loading = || view! { <p aria-busy="true">"Chargement de la consultation…"</p> };
    view! {
        <Transition fallback=loading>
            {move || match data.get() {
                Some(Some(Ok(loaded))) => {
                    let c = loaded.consultation.clone();
                    set_title(&c.title);
                    let open = c.current_round.as_ref().is_some_and(|r| r.is_open);
                    let can_contribute = open && is_company();
                    let is_agent = session.user().is_some_and(|u| u.role == Role::Agent);
                    let round_info = c.current_round.clone().map(|r| if r.is_open {
                        format!("Tour {} ouvert jusqu'au {} ({}).", r.number, french_date_time(r.closes_at), relative(r.closes_at))
                    } else {
                        format!("Tour {} clos.", r.number)
                    });
                    let contributions = loaded.contributions.clone();
                    view! {
                        <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
                            <ol class="fr-breadcrumb__list">
                                <li><a class="fr-breadcrumb__link" href="/consultations">"Consultations"</a></li>
                                <li><a class="fr-breadcrumb__link" aria-current="page">{c.title.clone()}</a></li>
                            </ol>
                        </nav>
                        <h1>{c.title.clone()}</h1>
                        {status_badge(c.status)}
                        <p class="fr-mt-2w">{c.summary.clone()}</p>
                        <p class="fr-text--sm">{format!("{} — {} — {} ({})", c.cpv_code, c.cpv_label, c.departement_name, c.departement)}</p>
                        <PublicationPanel consultation=c.clone() reload/>
                        {c.current_round.as_ref().filter(|r| r.number > 1).map(|_| view! {
                            <p><A href=format!("/consultations/{}/historique", c.id) attr:class="fr-link">"Voir ce qui a changé entre les révisions"</A></p>
                        })}
                        {round_info.map(|info| view! { <div class="fr-notice fr-notice--info"><div class="fr-container"><div class="fr-notice__body"><p class="fr-notice__title">{info}</p></div></div></div> })}
                        {match loaded.revision.clone() {
                            None => view! { <p class="fr-mt-4w">"Le projet de CCTP n'est pas encore publié."</p> }.into_any(),
                            Some(revision) => view! {
                                <h2 class="fr-mt-4w">{format!("Projet de CCTP — révision {}", revision.round.number)}</h2>
                                {revision.content.sections.into_iter().map(|section| {
                                    let contributions = contributions.clone();
                                    view! {
                                        <h3 class="fr-h5 fr-mt-4w">{section.title}</h3>
                                        {section.clauses.into_iter().map(|clause| view! {
                                            <ClauseBlock clause consultation_id=c.id contributions=contributions.clone() can_contribute is_agent reload/>
                                        }).collect_view()}
                                    }
                                }).collect_view()}
                                <h2 class="fr-mt-4w">"Critères de jugement"</h2>
                                <div class="fr-table"><table>
                                    <caption>"Critères et pondération"</caption>
                                    <thead><tr><th scope="col">"Critère"</th><th scope="col">"Description"</th><th scope="col">"Poids"</th></tr></thead>
                                    <tbody>
                                        {revision.content.criteria.into_iter().map(|k| view! {
                                            <tr><td>{k.name}</td><td>{k.description}</td><td>{format!("{} %", k.weight)}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                                <h2 class="fr-mt-4w">"Contributions sur le document et les critères"</h2>
                                {
                                    let general: Vec<ContributionDto> = contributions.iter().filter(|c| c.target_kind != TargetKind::Clause).cloned().collect();
                                    if general.is_empty() {
                                        view! { <p>"Aucune pour le moment."</p> }.into_any()
                                    } else {
                                        general.into_iter().map(|c| view! { <ContributionCard contribution=c agent_reload=is_agent.then_some(reload)/> }).collect_view().into_any()
                                    }
                                }
                            }.into_any(),
                        }}
                    }.into_any()
                }
                Some(Some(Err(err))) => view! { <ErrorAlert error=Signal::derive(move || Some(err.clone()))/> }.into_any(),
                _ => loading().into_any(),
            }}
        </Transition>
    }
}
