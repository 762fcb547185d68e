//! The guards of a fair dialogue as people read them: notices to every
//! company, the late-information prompt, the equal-information summary and
//! the tailored-specification detector's report with its acknowledgement.

use leptos::prelude::*;
use shared::Named;
use shared::consultation::{
    DeadlineRequest, EqualInformationDto, FairnessDto, LateInformationDto, NoticeRequest,
    ProvenanceDto,
};
use uuid::Uuid;

use crate::api;
use crate::components::form::{ErrorAlert, TextField, field_error, general_error};
use crate::components::resource::resource_view;
use crate::components::table::DataTable;
use crate::components::time::french_date_time;
use crate::session::Session;

/// "Informations à toutes les entreprises": everyone who sees the
/// consultation reads them; the owner agent publishes them during the
/// dialogue, optionally about one clause.
#[component]
pub fn NoticesPanel(
    consultation_id: Uuid,
    /// The owner agent during the dialogue: the clauses of the latest
    /// revision (id, "1.2 — Délais") to attach a notice to.
    publish_on: Option<Vec<(Uuid, String)>>,
    /// After a notice: the late-information prompt may change.
    on_published: Callback<()>,
) -> impl IntoView {
    let session = Session::get();
    let id = consultation_id;
    let notices = LocalResource::new(move || {
        session.fetch(move |token| async move { api::notices(&token, id).await })
    });
    let body = RwSignal::new(String::new());
    let clause = RwSignal::new(None::<Uuid>);
    let publish = Action::new_local(move |request: &NoticeRequest| {
        let request = request.clone();
        session.send(move |token| {
            let request = request.clone();
            async move { api::publish_notice(&token, id, request).await }
        })
    });
    let result = Signal::derive(move || publish.value().get());
    Effect::new(move || {
        if let Some(Ok(_)) = publish.value().get() {
            body.set(String::new());
            notices.refetch();
            on_published.run(());
        }
    });
    let form = publish_on.map(|clauses| {
        view! {
            <details class="fr-mt-2w">
                <summary>"Publier une information à toutes les entreprises"</summary>
                <form class="fr-mt-2w" on:submit=move |ev| {
                    ev.prevent_default();
                    publish.dispatch(NoticeRequest { body: body.get_untracked(), clause_id: clause.get_untracked() });
                }>
                    <ErrorAlert error=Signal::derive(move || general_error(result).get().filter(|e| e.field_message("body").is_none()))/>
                    <TextField id="notice-body" label="Information" hint="Elle est envoyée à toutes les entreprises concernées en même temps : l'égalité de traitement veut que ce que l'une apprend, toutes l'apprennent."
                        rows=4 value=body error=field_error(result, "body")/>
                    <div class="fr-select-group">
                        <label class="fr-label" for="notice-clause">"Clause concernée (facultatif)"</label>
                        <select class="fr-select" id="notice-clause" on:change=move |ev| {
                            clause.set(event_target_value(&ev).parse().ok());
                        }>
                            <option value="" selected=true>"Le CCTP dans son ensemble"</option>
                            {clauses.into_iter().map(|(id, label)| view! { <option value=id.to_string()>{label}</option> }).collect_view()}
                        </select>
                    </div>
                    <button class="fr-btn" type="submit" disabled=move || publish.pending().get()>"Publier l'information"</button>
                </form>
            </details>
        }
    });
    view! {
        <section class="fr-mb-4w" aria-labelledby="notices-title">
            <h2 class="fr-h5" id="notices-title">"Informations à toutes les entreprises"</h2>
            {resource_view(notices, "Chargement des informations…", |list| {
                if list.is_empty() {
                    return view! { <p class="fr-text--sm">"Aucune information publiée pour l'instant."</p> }.into_any();
                }
                view! {
                    <ul class="jsf-notices">
                        {list.into_iter().map(|n| view! {
                            <li class="fr-mb-1w">
                                <p class="fr-text--sm fr-mb-0"><strong>{format!("{} — tour {}{}", french_date_time(n.published_at), n.round,
                                    n.clause_number.map(|c| format!(", clause {c}")).unwrap_or_default())}</strong></p>
                                <p class="jsf-multiline">{n.body}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
            {form}
        </section>
    }
}

/// For the owner agent: information published fewer days than the setting
/// before the open round's deadline, and the one action that gives every
/// company that time again.
#[component]
pub fn LateInformationPrompt(
    consultation_id: Uuid,
    late: LateInformationDto,
    days: u32,
    reload: Callback<()>,
) -> impl IntoView {
    let session = Session::get();
    let id = consultation_id;
    let round = late.round;
    let suggested = late.suggested_closes_at;
    let extend = Action::new_local(move |(): &()| {
        session.send(move |token| async move {
            api::extend_deadline(
                &token,
                id,
                round,
                DeadlineRequest {
                    closes_at: Some(suggested),
                },
            )
            .await
        })
    });
    Effect::new(move || {
        if let Some(Ok(_)) = extend.value().get() {
            reload.run(());
        }
    });
    let items = match late.items {
        1 => "Une information publique a été donnée".to_owned(),
        n => format!("{n} informations publiques ont été données"),
    };
    view! {
        <div class="fr-alert fr-alert--warning fr-mb-3w" role="status">
            <h2 class="fr-alert__title">"Information tardive"</h2>
            <p>{format!("{items} moins de {days} jours avant l'échéance du tour {round} ({}). Les entreprises auront-elles le temps d'en tenir compte ?", french_date_time(late.closes_at))}</p>
            <ErrorAlert error=general_error(Signal::derive(move || extend.value().get()))/>
            <button class="fr-btn fr-btn--sm fr-mt-1w" type="button" disabled=move || extend.pending().get()
                on:click=move |_| { extend.dispatch(()); }>
                {format!("Reporter l'échéance au {}", french_date_time(suggested))}
            </button>
            <p class="fr-text--xs fr-mt-1w">"Le report est inscrit au journal et annoncé à toutes les entreprises."</p>
        </div>
    }
}

fn hours(h: i64) -> String {
    match h {
        h if h < 0 => "après l'échéance".to_owned(),
        h if h < 48 => format!("{h} h avant l'échéance"),
        h => format!("{} jours avant l'échéance", h / 24),
    }
}

/// What every company was told, when, and what one company alone was told.
#[component]
pub fn EqualInformationView(summary: EqualInformationDto) -> impl IntoView {
    let days = summary.late_information_days;
    let public = summary.public_information;
    let private = summary.private_replies;
    let private_count = private.len();
    view! {
        <h3 class="fr-h6">"Égalité d'information"</h3>
        {if public.is_empty() {
            view! { <p class="fr-text--sm">"Aucune réponse publique ni information à toutes les entreprises."</p> }.into_any()
        } else {
            view! {
                <DataTable caption="Réponses publiques et informations à toutes les entreprises">
                    <thead><tr><th scope="col">"Date"</th><th scope="col">"Nature"</th><th scope="col">"Tour"</th><th scope="col">"Délai restant"</th><th scope="col">"Texte"</th></tr></thead>
                    <tbody>
                        {public.into_iter().map(|i| view! {
                            <tr>
                                <td>{french_date_time(i.published_at)}</td>
                                <td>{i.kind.label_fr()}</td>
                                <td>{i.round}</td>
                                <td>{hours(i.hours_before_deadline)}
                                    {i.late.then(|| view! { " " <span class="fr-badge fr-badge--sm fr-badge--warning fr-badge--no-icon">{format!("tardive (moins de {days} jours)")}</span> })}
                                </td>
                                <td>{i.body}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </DataTable>
            }.into_any()
        }}
        <p class="fr-text--sm"><strong>{match private_count {
            0 => "Aucune réponse à une seule entreprise sur une contribution que toutes lisent.".to_owned(),
            1 => "1 réponse à l'auteur seulement, sur une contribution que toutes les entreprises lisent :".to_owned(),
            n => format!("{n} réponses à l'auteur seulement, sur des contributions que toutes les entreprises lisent :"),
        }}</strong></p>
        <ul class="jsf-private-replies">
            {private.into_iter().map(|r| view! {
                <li><p class="fr-text--sm">
                    {format!("À {} ({}, tour {}), le {} : ", r.addressee.label, r.contribution_kind.label_fr().to_lowercase(), r.contribution_round, french_date_time(r.created_at))}
                    <a class="fr-link fr-text--sm" href=format!("#contribution-{}", r.contribution_id)>"voir la contribution"</a>
                </p><blockquote class="fr-text--sm">{r.body}</blockquote></li>
            }).collect_view()}
        </ul>
    }
}

/// "reprend la proposition d'Entreprise B (tour 1) à 87 %", as a line.
pub fn provenance_line(p: &ProvenanceDto) -> impl IntoView + use<> {
    let text = format!("{} {}", p.label, p.sentence());
    view! { <p class="fr-text--sm jsf-provenance"><span class="fr-badge fr-badge--sm fr-badge--purple-glycine fr-badge--no-icon">"Provenance"</span>" "{text}</p> }
}

/// The detector's report: warnings (with the acknowledgement form for the
/// owner agent before the publication request), provenance, shares,
/// decisions and brands.
#[component]
pub fn FairnessView(
    consultation_id: Uuid,
    report: FairnessDto,
    can_acknowledge: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let session = Session::get();
    let id = consultation_id;
    let comment = RwSignal::new(String::new());
    let acknowledge = Action::new_local(move |comment: &String| {
        let comment = comment.clone();
        session.send(move |token| {
            let comment = comment.clone();
            async move { api::acknowledge_fairness(&token, id, comment).await }
        })
    });
    let result = Signal::derive(move || acknowledge.value().get());
    Effect::new(move || {
        if let Some(Ok(_)) = acknowledge.value().get() {
            reload.run(());
        }
    });
    let subject = match report.revision {
        Some(n) => format!("Examen de la révision finale {n}."),
        None => "Examen du brouillon, tel qu'il deviendrait la prochaine révision.".to_owned(),
    };
    let pending = report.unacknowledged.clone();
    let warnings = report.warnings.clone();
    let form = (can_acknowledge && !pending.is_empty()).then(|| view! {
        <form class="fr-mt-2w" on:submit=move |ev| {
            ev.prevent_default();
            acknowledge.dispatch(comment.get_untracked());
        }>
            <ErrorAlert error=Signal::derive(move || general_error(result).get().filter(|e| e.field_message("comment").is_none()))/>
            <TextField id="fairness-comment" label="Votre examen des alertes" hint="Pourquoi ces reprises ne faussent pas la concurrence, ou ce que vous avez changé. Ce commentaire figure au compte rendu de sourçage."
                rows=3 value=comment error=field_error(result, "comment")/>
            <button class="fr-btn fr-btn--sm" type="submit" disabled=move || acknowledge.pending().get()>"Prendre acte des alertes"</button>
        </form>
    });
    view! {
        <h3 class="fr-h6">"Cahier des charges orienté ? Ce que le détecteur relève"</h3>
        <p class="fr-text--sm">{format!("{subject} Les alertes ne bloquent rien : l'agent en prend acte avec un commentaire avant de demander la publication (articles R2111-1, R2111-2 et R2111-7 du code de la commande publique).")}</p>
        {if warnings.is_empty() {
            view! { <p class="fr-badge fr-badge--success">"Aucune alerte"</p> }.into_any()
        } else {
            view! {
                <ul class="jsf-fairness-warnings">
                    {warnings.into_iter().map(|w| {
                        let open = pending.contains(&w.key);
                        view! {
                            <li class="fr-mb-1w">
                                <span class="fr-badge fr-badge--sm fr-badge--no-icon" class:fr-badge--warning=open class:fr-badge--info=!open>
                                    {if open { w.kind.label_fr().to_owned() } else { format!("{} — examinée", w.kind.label_fr()) }}
                                </span>
                                <p class="fr-text--sm">{w.message}</p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {report.acknowledgement.map(|a| view! {
            <p class="fr-text--sm"><strong>{format!("Examen de l'agent, le {} : ", french_date_time(a.at))}</strong>{a.comment}</p>
        })}
        {form}
        <details class="fr-mt-2w">
            <summary>"Provenance des rédactions et part de chaque entreprise"</summary>
            {report.provenance.iter().map(|p| {
                let line = format!("Révision {} : ", p.revision);
                view! { <div>{line}{provenance_line(p)}</div> }
            }).collect_view()}
            {(!report.shares.is_empty()).then(|| view! {
                <DataTable caption="Part des changements depuis la révision 1">
                    <thead><tr><th scope="col">"Entreprise"</th><th scope="col">"Part"</th><th scope="col">"Passages"</th></tr></thead>
                    <tbody>
                        {report.shares.into_iter().map(|s| view! {
                            <tr><td>{s.author.label}</td><td>{format!("{} %", s.percent)}</td><td>{s.labels.join(", ")}</td></tr>
                        }).collect_view()}
                    </tbody>
                </DataTable>
            })}
            <ul>
                {report.decisions.into_iter().map(|d| view! {
                    <li class="fr-text--sm">{format!("Contribution d'{} — {} pour la révision {} ({}) : {}", d.author.label, d.decision.label_fr().to_lowercase(), d.revision, d.label, d.outcome.label_fr())}</li>
                }).collect_view()}
            </ul>
        </details>
    }
}

/// Both summaries, for the agent before the publication request and for
/// the buyer at approval.
#[component]
pub fn FairnessSection(consultation_id: Uuid, can_acknowledge: bool) -> impl IntoView {
    let session = Session::get();
    let id = consultation_id;
    let data = LocalResource::new(move || {
        session.fetch(move |token| async move {
            let summary = api::equal_information(&token, id).await?;
            let report = api::fairness(&token, id).await?;
            Ok((summary, report))
        })
    });
    let reload = Callback::new(move |()| data.refetch());
    view! {
        <section class="fr-mt-3w jsf-fairness" aria-labelledby="fairness-title">
            <h2 class="fr-h5" id="fairness-title">"Égalité de traitement"</h2>
            {resource_view(data, "Examen de l'égalité de traitement…", move |(summary, report)| view! {
                <EqualInformationView summary/>
                <FairnessView consultation_id=id report can_acknowledge reload/>
            })}
        </section>
    }
}
