//! A consultation's current revision, read clause by clause with the
//! contributions on each: where companies contribute and the agent answers.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use shared::Named;
use shared::consultation::{
    ConsultationDto, ConsultationStatus, ContributionDto, DiffDto, EqualInformationDto,
    FairnessDto, RevisionDto, RoundDto, TargetKind,
};
use shared::types::Role;
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::consultation_nav::{Breadcrumb, ConsultationNav, View};
use crate::components::contribution_filters::{FilterBar, Filters};
use crate::components::exports::ExportsPanel;
use crate::components::fairness::{LateInformationPrompt, NoticesPanel};
use crate::components::resource::resource_view;
use crate::components::set_title;
use crate::components::table::DataTable;
use crate::components::target_block::{DialogueContext, TargetBlock, change_of};
use crate::components::time::{french_date_time, relative};
use crate::hooks::use_consultation_data;
use crate::pages::consultation_settings::ConsultationSettings;
use crate::pages::consultations::status_badge;
use crate::pages::publication::PublicationPanel;
use crate::session::Session;

#[derive(Clone)]
struct Loaded {
    consultation: ConsultationDto,
    revision: Option<RevisionDto>,
    contributions: Vec<ContributionDto>,
    /// Diff from round `r` to the revision after it (`r + 1`, or the final
    /// revision for the last round), keyed by `r`: for the highlights of the
    /// current revision and the outcome of the reader's own contributions.
    diffs: HashMap<i32, DiffDto>,
    /// The revision the current one is compared with: the previous one, or
    /// for a final revision, the last round companies read.
    previous: i32,
    /// For the owner agent and the buyer: the detector's report and what
    /// every company was told.
    fairness: Option<FairnessDto>,
    equal_information: Option<EqualInformationDto>,
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
    let previous = consultation
        .publication
        .and_then(|p| p.compared_with())
        .unwrap_or(current - 1);
    let mut wanted: BTreeSet<i32> = contributions
        .iter()
        .filter(|c| c.author.is_you && c.round < current)
        .map(|c| c.round)
        .collect();
    if previous >= 1 {
        wanted.insert(previous);
    }
    let mut diffs = HashMap::new();
    for from in wanted {
        let to = if from == previous { current } else { from + 1 };
        diffs.insert(from, api::diff(&token, id, to, from).await?);
    }
    // Staff see activity counts; of staff, only the owner agent and the
    // buyer read these (an administrator gets 403, and nothing to show).
    let responsible = consultation.activity.contributions.is_some();
    let (fairness, equal_information) = if responsible {
        (
            api::fairness(&token, id).await.ok(),
            api::equal_information(&token, id).await.ok(),
        )
    } else {
        (None, None)
    };
    Ok(Loaded {
        consultation,
        revision,
        contributions,
        diffs,
        previous,
        fairness,
        equal_information,
    })
}

#[component]
pub fn ConsultationPage() -> impl IntoView {
    set_title("Consultation");
    let data = use_consultation_data(load);
    let session = Session::get();
    let reload = Callback::new(move |()| data.refetch());
    let filters = Filters::new();
    let shown = Memo::new(move |_| match data.get() {
        Some(Some(Ok(loaded))) => loaded
            .contributions
            .into_iter()
            .filter(|c| filters.keeps(c))
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    });
    let role = move || session.user().map(|u| u.role);
    let compact = RwSignal::new(false);
    scroll_to_anchor_once_loaded(Signal::derive(move || {
        matches!(data.get(), Some(Some(Ok(_))))
    }));
    resource_view(
        data,
        "Chargement de la consultation…",
        move |loaded: Loaded| {
            let c = loaded.consultation.clone();
            set_title(&c.title);
            let ctx = DialogueContext {
                consultation_id: c.id,
                reload,
                agent_answers: role() == Some(Role::Agent)
                    && matches!(
                        c.status,
                        ConsultationStatus::InDialogue | ConsultationStatus::BetweenRounds
                    ),
                open_round: c
                    .current_round
                    .as_ref()
                    .filter(|r| r.is_open)
                    .map(|r| r.number),
                is_company: role() == Some(Role::Company),
                diffs: Arc::new(loaded.diffs.clone()),
                compact,
                provenance: Arc::new(
                    loaded
                        .fairness
                        .clone()
                        .map(|f| f.provenance)
                        .unwrap_or_default(),
                ),
                revision: loaded.revision.as_ref().map_or(0, |r| r.round.number),
            };
            let agent_in_dialogue = role() == Some(Role::Agent)
                && matches!(
                    c.status,
                    ConsultationStatus::InDialogue | ConsultationStatus::BetweenRounds
                );
            let clauses: Vec<(Uuid, String)> = loaded
                .revision
                .as_ref()
                .map(|r| {
                    r.content
                        .clauses()
                        .filter_map(|(_, k)| Some((k.id?, format!("{} — {}", k.number, k.title))))
                        .collect()
                })
                .unwrap_or_default();
            let late = loaded
                .equal_information
                .clone()
                .filter(|_| agent_in_dialogue)
                .and_then(|e| Some((e.late_in_open_round?, e.late_information_days)));
            let to_do = ctx
                .agent_answers
                .then(|| view! { <ToDo contributions=loaded.contributions.clone() compact/> });
            view! {
                <Breadcrumb here=c.title.clone()/>
                <h1>{c.title.clone()}</h1>
                {status_badge(c.status)}
                <p class="fr-mt-2w">{c.summary.clone()}</p>
                <p class="fr-text--sm">{format!("{} — {} — {} ({})", c.cpv_code, c.cpv_label, c.departement_name, c.departement)}</p>
                <ConsultationNav id=c.id current=View::Revision/>
                {(role() == Some(Role::Company)).then(|| view! {
                    <p class="fr-badge fr-badge--info fr-badge--no-icon fr-mb-2w">{match c.you_appear_as.clone() {
                        Some(pseudonym) => format!("Vous apparaissez comme {pseudonym}"),
                        None => "Vous recevrez un pseudonyme à votre première contribution".to_owned(),
                    }}</p>
                })}
                {(role() == Some(Role::Agent) && !matches!(c.status, ConsultationStatus::Published | ConsultationStatus::Abandoned))
                    .then(|| view! { <ConsultationSettings consultation=c.clone() reload/> })}
                {late.map(|(late, days)| view! { <LateInformationPrompt consultation_id=c.id late days reload/> })}
                <PublicationPanel consultation=c.clone() reload/>
                <ExportsPanel consultation=c.clone()/>
                {to_do}
                {c.current_round.clone().map(|round| view! { <RoundNotice round/> })}
                {c.current_round.is_some().then(|| view! {
                    <NoticesPanel consultation_id=c.id publish_on=agent_in_dialogue.then_some(clauses) on_published=reload/>
                })}
                {match loaded.revision.clone() {
                    None => view! {
                        <p class="fr-mt-4w">"Le projet de CCTP n'est pas encore publié."</p>
                        {(role() == Some(Role::Agent)).then(|| view! {
                            <p><a class="fr-btn" href=format!("/consultations/{}/cctp", c.id)>"Rédiger le CCTP"</a></p>
                        })}
                    }.into_any(),
                    Some(revision) => view! {
                        <RevisionView revision diffs=loaded.diffs.clone() previous=loaded.previous shown filters ctx/>
                    }.into_any(),
                }}
            }.into_any()
        },
    )
}

/// A link to one contribution (`#contribution-…`, from a notification)
/// lands on it once the page has loaded it, the first time only: reloads
/// after an answer must not move the page.
fn scroll_to_anchor_once_loaded(loaded: Signal<bool>) {
    let location = use_location();
    let done = StoredValue::new(false);
    Effect::new(move || {
        if !loaded.get() || done.get_value() {
            return;
        }
        done.set_value(true);
        let hash = location.hash.get_untracked();
        if let Some(id) = hash.strip_prefix('#').filter(|id| !id.is_empty()) {
            let id = id.to_owned();
            request_animation_frame(move || {
                if let Some(target) = document().get_element_by_id(&id) {
                    target.scroll_into_view();
                }
            });
        }
    });
}

/// The agent's work list: contributions without a decision, each a link to
/// its card, and the switch to the compact view of a long page.
#[component]
fn ToDo(contributions: Vec<ContributionDto>, compact: RwSignal<bool>) -> impl IntoView {
    let pending: Vec<ContributionDto> = contributions
        .into_iter()
        .filter(ContributionDto::awaits_decision)
        .collect();
    let count = pending.len();
    view! {
        <section class="fr-mb-4w" aria-labelledby="to-do-title">
            <h2 class="fr-h5" id="to-do-title">{match count {
                0 => "À traiter : rien, chaque contribution a sa décision".to_owned(),
                1 => "À traiter : 1 contribution sans décision".to_owned(),
                n => format!("À traiter : {n} contributions sans décision"),
            }}</h2>
            {(count > 0).then(|| view! {
                <ul class="jsf-to-do">
                    {pending.into_iter().map(|c| view! {
                        // Unfold everything so that the card exists to jump to.
                        <li><a class="fr-link" href=format!("#contribution-{}", c.id) on:click=move |_| compact.set(false)>
                            {format!("{} — {} (tour {}) : {}", c.author.label, c.kind.label_fr(), c.round, excerpt(&c.body))}
                        </a></li>
                    }).collect_view()}
                </ul>
            })}
            <div class="fr-toggle">
                <input type="checkbox" class="fr-toggle__input" id="compact-view"
                    prop:checked=move || compact.get() on:change=move |ev| compact.set(event_target_checked(&ev))/>
                <label class="fr-toggle__label" for="compact-view">"Vue compacte : contributions repliées sous chaque passage"</label>
            </div>
        </section>
    }
}

/// The start of a text, for a list that points to it.
fn excerpt(text: &str) -> String {
    let mut words = text.split_whitespace();
    let start: Vec<&str> = words.by_ref().take(12).collect();
    let more = if words.next().is_some() { " …" } else { "" };
    format!("{}{more}", start.join(" "))
}

/// Whether the round is open, until when, and what changed in it.
#[component]
fn RoundNotice(round: RoundDto) -> impl IntoView {
    let state = if round.for_publication {
        format!(
            "Révision {} soumise pour publication, sans tour de contributions.",
            round.number
        )
    } else if round.is_open {
        format!(
            "Tour {} ouvert jusqu'au {} ({}).",
            round.number,
            french_date_time(round.closes_at),
            relative(round.closes_at)
        )
    } else {
        format!("Tour {} clos.", round.number)
    };
    let changelog = round.changelog;
    view! {
        <div class="fr-notice fr-notice--info fr-mb-3w"><div class="fr-container"><div class="fr-notice__body">
            <p class="fr-notice__title">{state}</p>
            {(!changelog.trim().is_empty()).then(|| view! { <p class="fr-notice__desc">{format!("Ce qui change : {changelog}")}</p> })}
        </div></div></div>
    }
}

/// The current revision, clause by clause and criterion by criterion, each
/// with the contributions the filters keep.
#[component]
fn RevisionView(
    revision: RevisionDto,
    diffs: HashMap<i32, DiffDto>,
    previous: i32,
    shown: Memo<Vec<ContributionDto>>,
    filters: Filters,
    ctx: DialogueContext,
) -> impl IntoView {
    let current = revision.round.number;
    let highlights = diffs.get(&previous).cloned();
    let change = move |target: Option<Uuid>| {
        target
            .and_then(|t| change_of(highlights.as_ref(), t))
            .map(|k| (k, previous))
    };
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
    let rounds: Vec<i32> = (1..=current).collect();
    let criteria = revision.content.criteria.clone();
    let criteria_rows = criteria.iter().map(|k| view! {
        <tr><td>{k.name.clone()}</td><td>{k.description.clone()}</td><td>{format!("{} %", k.weight)}</td></tr>
    }).collect_view();
    let general = on_target(TargetKind::Document, None);
    let general_ctx = ctx.clone();
    view! {
        <h2 class="fr-mt-4w">{if revision.round.for_publication {
            format!("CCTP — révision finale {current}")
        } else {
            format!("Projet de CCTP — révision {current}")
        }}</h2>
        {(previous >= 1).then(|| view! {
            <p class="fr-text--sm">{format!("Les passages marqués « Modifié » ou « Nouveau » ont changé depuis la révision {previous}.")}</p>
        })}
        <h3 class="fr-h6">"Filtrer les contributions"</h3>
        <FilterBar filters rounds is_company=ctx.is_company/>
        {revision.content.sections.into_iter().map(|section| {
            let ctx = ctx.clone();
            view! {
                <h3 class="fr-h5 fr-mt-4w">{section.title}</h3>
                {section.clauses.into_iter().map(|clause| {
                    view! {
                        <TargetBlock target_kind=TargetKind::Clause target_id=clause.id
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
            view! {
                <TargetBlock target_kind=TargetKind::Criterion target_id=k.id
                    heading=format!("Critère « {} » ({} %)", k.name, k.weight)
                    change=change(k.id) contributions=on_target(TargetKind::Criterion, k.id) ctx=ctx.clone()/>
            }
        }).collect_view()}
        <h2 class="fr-mt-6w">"Contributions sur l'ensemble du document"</h2>
        <TargetBlock target_kind=TargetKind::Document target_id=None heading="Le CCTP dans son ensemble".to_owned()
            change=None contributions=general ctx=general_ctx/>
    }
}
