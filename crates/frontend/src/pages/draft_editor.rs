//! The agent's CCTP editor: sections of numbered clauses and weighted
//! criteria, saved with the draft's version so that nobody overwrites
//! someone else's work unknowingly; then the next round is published from it.
//!
//! Every field has its own signal, so typing re-renders only that field and
//! reordering moves the existing DOM nodes (keyed lists) without losing focus.

use std::sync::atomic::{AtomicU64, Ordering};

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::consultation::{
    CctpContent, Clause, ConsultationDto, Criterion, DraftDto, OpenRoundRequest, Section,
};
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::consultation_nav::{Breadcrumb, ConsultationNav, View, use_consultation_id};
use crate::components::form::{ErrorAlert, FieldMessage, TextField, field_error, general_error};
use crate::components::resource::resource_view;
use crate::components::set_title;
use crate::components::time::{french_date_time, now, paris_input_value, paris_to_utc, relative};
use crate::session::{Session, require_sign_in};

static NEXT_KEY: AtomicU64 = AtomicU64::new(1);

/// Identifies a row in the page while it moves; ids exist only once saved.
fn key() -> u64 {
    NEXT_KEY.fetch_add(1, Ordering::Relaxed)
}

#[derive(Clone)]
struct ClauseRow {
    key: u64,
    id: Option<Uuid>,
    number: ArcRwSignal<String>,
    title: ArcRwSignal<String>,
    text: ArcRwSignal<String>,
}

#[derive(Clone)]
struct SectionRow {
    key: u64,
    id: Option<Uuid>,
    title: ArcRwSignal<String>,
    clauses: ArcRwSignal<Vec<ClauseRow>>,
}

#[derive(Clone)]
struct CriterionRow {
    key: u64,
    id: Option<Uuid>,
    name: ArcRwSignal<String>,
    description: ArcRwSignal<String>,
    /// Kept as typed; an unreadable weight is sent as 0 and the API says why.
    weight: ArcRwSignal<String>,
}

fn clause_row(c: Clause) -> ClauseRow {
    ClauseRow {
        key: key(),
        id: c.id,
        number: ArcRwSignal::new(c.number),
        title: ArcRwSignal::new(c.title),
        text: ArcRwSignal::new(c.text),
    }
}

fn section_row(s: Section) -> SectionRow {
    SectionRow {
        key: key(),
        id: s.id,
        title: ArcRwSignal::new(s.title),
        clauses: ArcRwSignal::new(s.clauses.into_iter().map(clause_row).collect()),
    }
}

fn criterion_row(c: Criterion) -> CriterionRow {
    CriterionRow {
        key: key(),
        id: c.id,
        name: ArcRwSignal::new(c.name),
        description: ArcRwSignal::new(c.description),
        weight: ArcRwSignal::new(c.weight.to_string()),
    }
}

fn parse_weight(typed: &str) -> Option<u32> {
    typed.trim().trim_end_matches('%').trim().parse().ok()
}

/// The rows being edited; reading it through `content` tracks every field.
#[derive(Clone, Copy)]
struct Editor {
    sections: RwSignal<Vec<SectionRow>>,
    criteria: RwSignal<Vec<CriterionRow>>,
}

impl Editor {
    fn load(&self, content: CctpContent) {
        self.sections
            .set(content.sections.into_iter().map(section_row).collect());
        self.criteria
            .set(content.criteria.into_iter().map(criterion_row).collect());
    }

    fn content(&self) -> CctpContent {
        CctpContent {
            sections: self.sections.with(|sections| {
                sections
                    .iter()
                    .map(|s| Section {
                        id: s.id,
                        title: s.title.get(),
                        clauses: s.clauses.with(|clauses| {
                            clauses
                                .iter()
                                .map(|c| Clause {
                                    id: c.id,
                                    number: c.number.get(),
                                    title: c.title.get(),
                                    text: c.text.get(),
                                })
                                .collect()
                        }),
                    })
                    .collect()
            }),
            criteria: self.criteria.with(|criteria| {
                criteria
                    .iter()
                    .map(|c| Criterion {
                        id: c.id,
                        name: c.name.get(),
                        description: c.description.get(),
                        weight: c.weight.with(|w| parse_weight(w)).unwrap_or(0),
                    })
                    .collect()
            }),
        }
    }

    /// `2.3` is the third clause of the second section.
    fn renumber(&self) {
        self.sections.with_untracked(|sections| {
            for (i, section) in sections.iter().enumerate() {
                section.clauses.with_untracked(|clauses| {
                    for (j, clause) in clauses.iter().enumerate() {
                        clause.number.set(format!("{}.{}", i + 1, j + 1));
                    }
                });
            }
        });
    }
}

fn move_item<T>(items: &mut [T], index: usize, up: bool) {
    let other = if up {
        index.checked_sub(1)
    } else {
        Some(index + 1)
    };
    if let Some(other) = other.filter(|o| *o < items.len()) {
        items.swap(index, other);
    }
}

fn position<T: Row>(items: &[T], key: u64) -> usize {
    items.iter().position(|i| i.key() == key).unwrap_or(0)
}

/// A row of the editor, known by its page-local key.
trait Row {
    fn key(&self) -> u64;
}

impl Row for SectionRow {
    fn key(&self) -> u64 {
        self.key
    }
}

impl Row for ClauseRow {
    fn key(&self) -> u64 {
        self.key
    }
}

impl Row for CriterionRow {
    fn key(&self) -> u64 {
        self.key
    }
}

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

/// Up, down and remove buttons for the row `key` of `rows`, labelled with
/// what they act on.
#[component]
fn RowTools<S, T>(what: Signal<String>, rows: S, key: u64) -> impl IntoView
where
    S: Update<Value = Vec<T>> + Clone + Send + Sync + 'static,
    T: Row + 'static,
{
    let (up, down, remove) = (rows.clone(), rows.clone(), rows);
    view! {
        <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-btns-group--icon-left jsf-row-tools">
            <li><button class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-arrow-up-line" type="button"
                aria-label=move || format!("Monter {}", what.get())
                on:click=move |_| up.update(|rows| { let i = position(rows, key); move_item(rows, i, true) })>"Monter"</button></li>
            <li><button class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-arrow-down-line" type="button"
                aria-label=move || format!("Descendre {}", what.get())
                on:click=move |_| down.update(|rows| { let i = position(rows, key); move_item(rows, i, false) })>"Descendre"</button></li>
            <li><button class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-delete-line" type="button"
                aria-label=move || format!("Supprimer {}", what.get())
                on:click=move |_| remove.update(|rows| rows.retain(|r| r.key() != key))>"Supprimer"</button></li>
        </ul>
    }
}

#[component]
fn ClauseEditor(
    section: SectionRow,
    clause: ClauseRow,
    editor: Editor,
    errors: Signal<Option<Result<DraftDto, ApiError>>>,
) -> impl IntoView {
    let (section_key, clause_key) = (section.key, clause.key);
    let clauses = section.clauses.clone();
    // Where the row is now, for the API's field paths (`sections[0].clauses[2].text`).
    let path = {
        let clauses = clauses.clone();
        Signal::derive(move || {
            let i = editor.sections.with(|s| position(s, section_key));
            let j = clauses.with(|c| position(c, clause_key));
            format!("sections[{i}].clauses[{j}]")
        })
    };
    let error = move |field: &'static str| {
        Signal::derive(move || match errors.get() {
            Some(Err(err)) => err.field_message(&format!("{}.{field}", path.get())),
            _ => None,
        })
    };
    let number = clause.number.clone();
    let what = Signal::derive(move || format!("la clause {}", number.get()));
    let label = clause.number.clone();
    let dom = format!("clause-{clause_key}");
    view! {
        <fieldset class="jsf-clause-editor" aria-label=move || format!("Clause {}", label.get())>
            <div class="fr-grid-row fr-grid-row--gutters">
                <TextField id=format!("{dom}-number") label="Numéro" value=clause.number.clone() error=error("number") class="fr-col-12 fr-col-md-3"/>
                <TextField id=format!("{dom}-title") label="Titre de la clause" value=clause.title.clone() error=error("title") class="fr-col-12 fr-col-md-9"/>
            </div>
            <TextField id=format!("{dom}-text") label="Texte de la clause" value=clause.text.clone() error=error("text") rows=4/>
            <RowTools what rows=clauses key=clause_key/>
        </fieldset>
    }
}

#[component]
fn SectionEditor(
    section: SectionRow,
    editor: Editor,
    errors: Signal<Option<Result<DraftDto, ApiError>>>,
) -> impl IntoView {
    let key = section.key;
    let index = Signal::derive(move || editor.sections.with(|s| position(s, key)));
    let title_error = Signal::derive(move || match errors.get() {
        Some(Err(err)) => err.field_message(&format!("sections[{}].title", index.get())),
        _ => None,
    });
    let what = Signal::derive(move || format!("la section {}", index.get() + 1));
    let clauses = section.clauses.clone();
    let add_clause = {
        let clauses = clauses.clone();
        move |_| {
            let n = clauses.with_untracked(Vec::len) + 1;
            clauses.update(|c| {
                c.push(clause_row(Clause {
                    number: format!("{}.{n}", index.get_untracked() + 1),
                    ..Clause::default()
                }))
            });
        }
    };
    let each = clauses.clone();
    let section_for_rows = section.clone();
    view! {
        <section class="fr-mb-6w jsf-section-editor" aria-labelledby=format!("section-{key}-heading")>
            <h3 class="fr-h5" id=format!("section-{key}-heading")>{move || format!("Section {}", index.get() + 1)}</h3>
            <TextField id=format!("section-{key}-title") label="Titre de la section" value=section.title.clone() error=title_error/>
            <For each=move || each.get() key=|c| c.key children=move |clause| view! {
                <ClauseEditor section=section_for_rows.clone() clause editor errors/>
            }/>
            <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm">
                <li><button class="fr-btn fr-btn--secondary fr-btn--sm" type="button" on:click=add_clause>
                    {move || format!("Ajouter une clause à la section {}", index.get() + 1)}
                </button></li>
            </ul>
            <RowTools what rows=editor.sections key/>
        </section>
    }
}

#[component]
fn CriterionEditor(
    criterion: CriterionRow,
    editor: Editor,
    errors: Signal<Option<Result<DraftDto, ApiError>>>,
) -> impl IntoView {
    let key = criterion.key;
    let index = Signal::derive(move || editor.criteria.with(|c| position(c, key)));
    let error = move |field: &'static str| {
        Signal::derive(move || match errors.get() {
            Some(Err(err)) => err.field_message(&format!("criteria[{}].{field}", index.get())),
            _ => None,
        })
    };
    let name = criterion.name.clone();
    let what = Signal::derive(move || format!("le critère {}", name.get()));
    view! {
        <fieldset class="jsf-criterion-editor" aria-label=move || format!("Critère {}", index.get() + 1)>
            <div class="fr-grid-row fr-grid-row--gutters">
                <TextField id=format!("criterion-{key}-name") label="Critère" value=criterion.name.clone() error=error("name") class="fr-col-12 fr-col-md-4"/>
                <TextField id=format!("criterion-{key}-description") label="Description" value=criterion.description.clone() error=error("description") class="fr-col-12 fr-col-md-6"/>
                <TextField id=format!("criterion-{key}-weight") label="Poids (%)" value=criterion.weight.clone() error=error("weight") class="fr-col-12 fr-col-md-2"/>
            </div>
            <RowTools what rows=editor.criteria key/>
        </fieldset>
    }
}

/// Publishing round N freezes the saved draft as revision N: the agent
/// confirms in a dialog that says so.
#[component]
fn PublishRound(consultation: ConsultationDto, dirty: Signal<bool>) -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    let id = consultation.id;
    let next = consultation
        .current_round
        .as_ref()
        .map_or(1, |r| r.number + 1);
    let round_open = consultation
        .current_round
        .as_ref()
        .is_some_and(|r| r.is_open);
    let two_weeks = now() + chrono::Duration::days(14);
    let deadline = RwSignal::new(
        paris_input_value(two_weeks)
            .get(..11)
            .map(|d| format!("{d}17:00"))
            .unwrap_or_default(),
    );
    let changelog = RwSignal::new(String::new());
    let publish = Action::new_local(move |request: &OpenRoundRequest| {
        let request = request.clone();
        session.send(move |token| {
            let request = request.clone();
            async move { api::open_round(&token, id, request).await }
        })
    });
    let result = Signal::derive(move || publish.value().get());
    Effect::new(move || {
        if let Some(Ok(_)) = publish.value().get() {
            navigate(&format!("/consultations/{id}"), Default::default());
        }
    });
    let closes_at = move || paris_to_utc(&deadline.get());
    let deadline_error = field_error(result, "closes_at");
    let summary = move || match closes_at() {
        Some(at) => format!("jusqu'au {} ({})", french_date_time(at), relative(at)),
        None => "date limite à préciser".to_owned(),
    };
    if round_open {
        return view! {
            <div class="fr-callout fr-mt-6w"><p class="fr-callout__text">
                "Le tour en cours est ouvert : publiez la révision suivante après sa clôture."
            </p></div>
        }
        .into_any();
    }
    view! {
        <section class="fr-mt-6w fr-p-3w jsf-publish" aria-labelledby="publish-heading">
            <h2 id="publish-heading">{format!("Publier le tour {next}")}</h2>
            <p>"Le brouillon enregistré devient la révision "{next}" : les entreprises concernées sont prévenues et peuvent contribuer jusqu'à la date limite."</p>
            <ErrorAlert error=Signal::derive(move || general_error(result).get().filter(|e| e.field_message("closes_at").is_none() && e.field_message("changelog").is_none()))/>
            <div class="fr-input-group" class:fr-input-group--error=move || deadline_error.get().is_some()>
                <label class="fr-label" for="closes-at">"Date limite des contributions"
                    <span class="fr-hint-text">"Heure de Paris"</span>
                </label>
                <input class="fr-input" type="datetime-local" id="closes-at" aria-describedby="closes-at-messages"
                    prop:value=move || deadline.get() on:input=move |ev| deadline.set(event_target_value(&ev))/>
                <FieldMessage id="closes-at-messages".to_owned() error=deadline_error/>
            </div>
            <TextField id="changelog" label="Ce qui change dans cette révision" hint="Lu par les entreprises en tête de la révision"
                rows=3 value=changelog error=field_error(result, "changelog")/>
            <Show when=move || dirty.get()>
                <p class="fr-message fr-message--warning">"Enregistrez d'abord vos modifications : le tour publie le brouillon enregistré."</p>
            </Show>
            // A DSFR modal: its script opens and closes it, traps the focus
            // and gives it back to the opening button.
            <button class="fr-btn" type="button" disabled=move || dirty.get()
                data-fr-opened="false" aria-controls="publish-modal">{format!("Publier le tour {next}…")}</button>
            <dialog id="publish-modal" class="fr-modal" aria-labelledby="publish-modal-title">
                <div class="fr-container fr-container--fluid fr-container-md">
                    <div class="fr-grid-row fr-grid-row--center">
                        <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                            <div class="fr-modal__body">
                                <div class="fr-modal__header">
                                    <button class="fr-btn--close fr-btn" type="button" aria-controls="publish-modal">"Fermer"</button>
                                </div>
                                <div class="fr-modal__content">
                                    <h2 class="fr-modal__title" id="publish-modal-title">{format!("Publier la révision {next} ?")}</h2>
                                    <p>{move || format!("Les entreprises pourront contribuer {}.", summary())}</p>
                                    <p>"La révision publiée ne pourra plus être modifiée ; vous continuerez à rédiger la suivante."</p>
                                    <ErrorAlert error=general_error(result)/>
                                    {move || deadline_error.get().map(|m| view! { <p class="fr-message fr-message--error">{m}</p> })}
                                </div>
                                <div class="fr-modal__footer">
                                    <ul class="fr-btns-group fr-btns-group--right fr-btns-group--inline-reverse fr-btns-group--inline-lg">
                                        <li><button class="fr-btn" type="button" disabled=move || publish.pending().get() on:click=move |_| {
                                            publish.dispatch(OpenRoundRequest { closes_at: closes_at(), changelog: changelog.get_untracked() });
                                        }>"Confirmer la publication"</button></li>
                                        <li><button class="fr-btn fr-btn--secondary" type="button" aria-controls="publish-modal">"Annuler"</button></li>
                                    </ul>
                                </div>
                            </div>
                        </div>
                    </div>
                </div>
            </dialog>
        </section>
    }.into_any()
}

#[component]
pub fn DraftEditorPage() -> impl IntoView {
    set_title("Rédiger le CCTP");
    require_sign_in();
    let session = Session::get();
    let id = use_consultation_id();
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
    let current = Memo::new(move |_| editor.content());
    let dirty = Signal::derive(move || {
        saved.with(|s| s.as_ref().is_some_and(|s| s.content != current.get()))
    });

    let save = Action::new_local(move |request: &Save| {
        let (request, id) = (request.clone(), id());
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
    let total =
        Signal::derive(move || current.with(|c| c.criteria.iter().map(|k| k.weight).sum::<u32>()));
    let do_save = move |overwrite: bool| {
        save.dispatch(Save {
            content: current.get_untracked(),
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
            <div class="jsf-save-bar fr-py-2w">
                <p class="fr-mb-1w" role="status" aria-live="polite">
                    {move || match state() {
                        SaveState::Saving => "Enregistrement…".to_owned(),
                        SaveState::Unsaved => "Modifications non enregistrées".to_owned(),
                        SaveState::Saved => match saved_at.get() {
                            Some(at) => format!("Enregistré ({})", french_date_time(at)),
                            None => "Brouillon à jour".to_owned(),
                        },
                    }}
                </p>
                <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
                    <li><button class="fr-btn fr-btn--sm" type="button" disabled=move || !dirty.get() || save.pending().get()
                        on:click=move |_| do_save(false)>"Enregistrer le brouillon"</button></li>
                    <li><button class="fr-btn fr-btn--sm fr-btn--secondary" type="button"
                        on:click=move |_| editor.renumber()>"Renuméroter les clauses"</button></li>
                </ul>
            </div>
            <Show when=move || conflict.get()>
                <div class="fr-alert fr-alert--warning fr-mb-3w" role="alert">
                    <h2 class="fr-alert__title">"Quelqu'un a enregistré le brouillon avant vous"</h2>
                    <p>"Vos modifications ne sont pas perdues : elles sont toujours à l'écran. Rechargez la version enregistrée (vos modifications seront abandonnées) ou remplacez-la par la vôtre."</p>
                    <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-mt-2w">
                        <li><button class="fr-btn fr-btn--sm fr-btn--secondary" type="button" on:click=move |_| { save.value().set(None); loaded.refetch(); }>
                            "Recharger la version enregistrée"</button></li>
                        <li><button class="fr-btn fr-btn--sm" type="button" on:click=move |_| do_save(true)>
                            "Remplacer par ma version"</button></li>
                    </ul>
                </div>
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
            <p role="status" aria-live="polite" class=move || if total.get() == 100 { "fr-message fr-message--valid" } else { "fr-message fr-message--info" }>
                {move || match total.get() {
                    100 => "Total des poids : 100 %".to_owned(),
                    t if t < 100 => format!("Total des poids : {t} % — il manque {} %", 100 - t),
                    t => format!("Total des poids : {t} % — {} % de trop", t - 100),
                }}
            </p>
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

#[cfg(test)]
mod tests {
    use super::{move_item, parse_weight};

    #[test]
    fn moving_a_row_swaps_it_with_its_neighbour_and_stops_at_the_ends() {
        let mut rows = vec!['a', 'b', 'c'];
        move_item(&mut rows, 2, true);
        assert_eq!(rows, ['a', 'c', 'b']);
        move_item(&mut rows, 0, true);
        move_item(&mut rows, 2, false);
        assert_eq!(rows, ['a', 'c', 'b']);
    }

    #[test]
    fn weights_are_read_with_or_without_a_percent_sign() {
        assert_eq!(parse_weight(" 40 "), Some(40));
        assert_eq!(parse_weight("35 %"), Some(35));
        assert_eq!(parse_weight("quarante"), None);
    }
}
