//! The agent's CCTP editor: sections of numbered clauses and weighted
//! criteria, saved with the draft's version so that nobody overwrites
//! someone else's work unknowingly; then the next round is published from it.
//!
//! Every field has its own signal, so typing re-renders only that field and
//! reordering moves the existing DOM nodes (keyed lists) without losing focus.

mod publish_round;
mod row_editors;
mod rows;

use leptos::prelude::*;
use shared::consultation::{CctpContent, ConsultationDto, Criterion, DraftDto, Section};

use crate::api::{self, ApiError};
use crate::components::consultation_nav::{Breadcrumb, ConsultationNav, View};
use crate::components::form::{ErrorAlert, field_error, general_error};
use crate::components::resource::resource_view;
use crate::components::set_title;
use crate::components::time::{french_date_time, now};
use crate::hooks::{require_sign_in, use_consultation_id, warn_before_leaving};
use crate::session::Session;
use publish_round::PublishRound;
use row_editors::{CriterionEditor, SectionEditor};
use rows::{Editor, criterion_row, section_row};

/// Saving with the version read last; `overwrite` first reads the
/// version someone else saved, to replace it knowingly.
#[derive(Clone)]
struct Save {
    content: CctpContent,
    overwrite: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum SaveState {
    Saved,
    Unsaved,
    Saving,
}

#[component]
pub fn DraftEditorPage() -> impl IntoView {
    // The page wires the editor state (load, save, conflict) to its blocks;
    // each block is its own component below.
    set_title("Rédiger le CCTP");
    require_sign_in();
    let session = Session::get();
    let id = use_consultation_id();
    // The action reads the id when dispatched, outside any reactive scope.
    let id_now = move || untrack(id);
    let loaded = LocalResource::new(move || {
        let id = id();
        session.fetch(move |token| async move {
            let id = id.ok_or_else(ApiError::not_found)?;
            let consultation = api::consultation(&token, id).await?;
            let draft = api::draft(&token, id).await?;
            Ok((consultation, draft))
        })
    });
    let editor = Editor {
        sections: RwSignal::new(Vec::new()),
        criteria: RwSignal::new(Vec::new()),
    };
    let saved = RwSignal::new(None::<DraftDto>);
    let saved_at = RwSignal::new(None::<chrono::DateTime<chrono::Utc>>);
    Effect::new(move || {
        if let Some(Some(Ok((_, draft)))) = loaded.get() {
            editor.load(draft.content.clone());
            saved.set(Some(draft));
        }
    });
    // Recomputed at each keystroke: compared in place, never copied.
    let dirty: Signal<bool> = Memo::new(move |_| {
        saved.with(|s| s.as_ref().is_some_and(|s| editor.differs_from(&s.content)))
    })
    .into();
    warn_before_leaving(
        dirty,
        "Vos modifications du CCTP ne sont pas enregistrées. Quitter la page sans les enregistrer ?",
    );

    let save = Action::new_local(move |request: &Save| {
        let (request, id) = (request.clone(), id_now());
        let version = saved.with_untracked(|s| s.as_ref().map_or(0, |s| s.version));
        session.send(move |token| {
            let request = request.clone();
            async move {
                let id = id.ok_or_else(ApiError::not_found)?;
                let version = if request.overwrite {
                    api::draft(&token, id).await?.version
                } else {
                    version
                };
                api::save_draft(&token, id, version, &request.content).await
            }
        })
    });
    let result = Signal::derive(move || save.value().get());
    Effect::new(move || {
        if let Some(Ok(draft)) = save.value().get() {
            editor.load(draft.content.clone());
            saved.set(Some(draft));
            saved_at.set(Some(now()));
        }
    });
    let state = move || {
        if save.pending().get() {
            SaveState::Saving
        } else if dirty.get() {
            SaveState::Unsaved
        } else {
            SaveState::Saved
        }
    };
    let conflict =
        Signal::derive(move || matches!(result.get(), Some(Err(e)) if e.is_precondition_failed()));
    let total = Signal::derive(move || editor.weight_total());
    let do_save = move |overwrite: bool| {
        save.dispatch(Save {
            content: untrack(|| editor.content()),
            overwrite,
        });
    };

    resource_view(
        loaded,
        "Chargement du brouillon…",
        move |(consultation, _): (ConsultationDto, DraftDto)| {
            let c = consultation.clone();
            let title = c.title.clone();
            view! {
            <Breadcrumb consultation=(c.id, c.title.clone()) here="Rédiger le CCTP"/>
            <h1>"Rédiger le CCTP"</h1>
            <p>{title.clone()}</p>
            <ConsultationNav id=c.id current=View::Editor/>
            <SaveBar state=Signal::derive(state) saved_at dirty
                on_save=Callback::new(move |()| do_save(false)) on_renumber=Callback::new(move |()| editor.renumber())/>
            <Show when=move || conflict.get()>
                <ConflictAlert on_reload=Callback::new(move |()| { save.value().set(None); loaded.refetch(); })
                    on_overwrite=Callback::new(move |()| do_save(true))/>
            </Show>
            <ErrorAlert error=Signal::derive(move || general_error(result).get().filter(|e| !e.is_precondition_failed()))/>
            <Show when=move || field_error(result, "criteria").get().is_some() || field_error(result, "draft").get().is_some()>
                <p class="fr-message fr-message--error">{move || field_error(result, "criteria").get().or_else(|| field_error(result, "draft").get())}</p>
            </Show>

            <h2 class="fr-mt-4w">"Sections et clauses"</h2>
            <Show when=move || editor.sections.with(Vec::is_empty)>
                <p>"Le CCTP est vide : commencez par une section (par exemple « Objet du marché »), puis ajoutez-y des clauses."</p>
            </Show>
            <For each=move || editor.sections.get() key=|s| s.key children=move |section| view! {
                <SectionEditor section editor errors=result/>
            }/>
            <button class="fr-btn fr-btn--secondary" type="button" on:click=move |_| {
                editor.sections.update(|s| s.push(section_row(Section::default())));
            }>"Ajouter une section"</button>

            <h2 class="fr-mt-6w">"Critères de jugement"</h2>
            <WeightTotal total/>
            <For each=move || editor.criteria.get() key=|c| c.key children=move |criterion| view! {
                <CriterionEditor criterion editor errors=result/>
            }/>
            <button class="fr-btn fr-btn--secondary" type="button" on:click=move |_| {
                editor.criteria.update(|c| c.push(criterion_row(Criterion::default())));
            }>"Ajouter un critère"</button>

            <PublishRound consultation=c dirty/>
        }.into_any()
        },
    )
}

/// Where the draft stands, and the buttons that act on all of it.
#[component]
fn SaveBar(
    state: Signal<SaveState>,
    saved_at: RwSignal<Option<chrono::DateTime<chrono::Utc>>>,
    dirty: Signal<bool>,
    on_save: Callback<()>,
    on_renumber: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="jsf-save-bar fr-py-2w">
            <p class="fr-mb-1w" role="status" aria-live="polite">
                {move || match state.get() {
                    SaveState::Saving => "Enregistrement…".to_owned(),
                    SaveState::Unsaved => "Modifications non enregistrées".to_owned(),
                    SaveState::Saved => match saved_at.get() {
                        Some(at) => format!("Enregistré ({})", french_date_time(at)),
                        None => "Brouillon à jour".to_owned(),
                    },
                }}
            </p>
            <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
                <li><button class="fr-btn fr-btn--sm" type="button" disabled=move || !dirty.get() || state.get() == SaveState::Saving
                    on:click=move |_| on_save.run(())>"Enregistrer le brouillon"</button></li>
                <li><button class="fr-btn fr-btn--sm fr-btn--secondary" type="button"
                    on:click=move |_| on_renumber.run(())>"Renuméroter les clauses"</button></li>
            </ul>
        </div>
    }
}

/// Someone saved first (HTTP 412): nothing typed is lost; the agent chooses.
#[component]
fn ConflictAlert(on_reload: Callback<()>, on_overwrite: Callback<()>) -> impl IntoView {
    view! {
        <div class="fr-alert fr-alert--warning fr-mb-3w" role="alert">
            <h2 class="fr-alert__title">"Quelqu'un a enregistré le brouillon avant vous"</h2>
            <p>"Vos modifications ne sont pas perdues : elles sont toujours à l'écran. Rechargez la version enregistrée (vos modifications seront abandonnées) ou remplacez-la par la vôtre."</p>
            <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-mt-2w">
                <li><button class="fr-btn fr-btn--sm fr-btn--secondary" type="button" on:click=move |_| on_reload.run(())>
                    "Recharger la version enregistrée"</button></li>
                <li><button class="fr-btn fr-btn--sm" type="button" on:click=move |_| on_overwrite.run(())>
                    "Remplacer par ma version"</button></li>
            </ul>
        </div>
    }
}

/// The running total of the criteria weights, and what is missing.
#[component]
fn WeightTotal(total: Signal<u32>) -> impl IntoView {
    view! {
        <p role="status" aria-live="polite" class=move || if total.get() == 100 { "fr-message fr-message--valid" } else { "fr-message fr-message--info" }>
            {move || match total.get() {
                100 => "Total des poids : 100 %".to_owned(),
                t if t < 100 => format!("Total des poids : {t} % — il manque {} %", 100 - t),
                t => format!("Total des poids : {t} % — {} % de trop", t - 100),
            }}
        </p>
    }
}
