//! The editing form of one section (with its clauses) and of one criterion.

use leptos::prelude::*;
use shared::brands::brand_mentions;
use shared::consultation::{Clause, DraftDto};

use super::rows::{
    ClauseRow, CriterionRow, Editor, Row, SectionRow, clause_row, move_item, position,
};
use crate::api::ApiError;
use crate::components::confirm::{ConfirmModal, ConfirmTrigger};
use crate::components::form::TextField;

/// Up, down and remove buttons for the row `key` of `rows`, labelled with
/// what they act on. With a `removal_warning` (a section that holds
/// clauses), removing asks first in a modal that says what goes with it.
#[component]
fn RowTools<S, T>(
    what: Signal<String>,
    rows: S,
    key: u64,
    #[prop(optional)] removal_warning: Option<Signal<Option<String>>>,
) -> impl IntoView
where
    S: Update<Value = Vec<T>> + Clone + Send + Sync + 'static,
    T: Row + 'static,
{
    let (up, down, remove) = (rows.clone(), rows.clone(), rows);
    let remove_now = Callback::new(move |()| remove.update(|rows| rows.retain(|r| r.key() != key)));
    let modal_id = format!("remove-{key}-modal");
    let removal = move || {
        match removal_warning.and_then(|w| w.get()) {
        Some(warning) => view! {
            <ConfirmTrigger modal_id=modal_id.clone() class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-delete-line"
                aria_label=Signal::derive(move || format!("Supprimer {}", what.get()))>"Supprimer"</ConfirmTrigger>
            <ConfirmModal id=modal_id.clone() title=Signal::derive(move || format!("Supprimer {} ?", what.get()))
                confirm_label="Supprimer" on_confirm=remove_now>
                <p>{warning}</p>
            </ConfirmModal>
        }
        .into_any(),
        None => view! {
            <button class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-delete-line" type="button"
                aria-label=move || format!("Supprimer {}", what.get())
                on:click=move |_| remove_now.run(())>"Supprimer"</button>
        }
        .into_any(),
    }
    };
    view! {
        <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-btns-group--icon-left jsf-row-tools">
            <li><button class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-arrow-up-line" type="button"
                aria-label=move || format!("Monter {}", what.get())
                on:click=move |_| up.update(|rows| { let i = position(rows, key); move_item(rows, i, true) })>"Monter"</button></li>
            <li><button class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-arrow-down-line" type="button"
                aria-label=move || format!("Descendre {}", what.get())
                on:click=move |_| down.update(|rows| { let i = position(rows, key); move_item(rows, i, false) })>"Descendre"</button></li>
            <li>{removal}</li>
        </ul>
    }
}

/// R2111-7 as the agent types: a brand, a trademark sign or a particular
/// process without "ou équivalent" (the server's check, from the shared
/// crate). A warning, not an error: the draft saves all the same.
#[component]
fn BrandWarning(#[prop(into)] text: RwSignal<String>) -> impl IntoView {
    let found = move || text.with(|t| brand_mentions(t, &[]));
    view! {
        <div aria-live="polite">
            {move || {
                let found = found();
                (!found.is_empty()).then(|| view! {
                    <div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-2w jsf-brand-warning">
                        {found.iter().map(|m| view! { <p>{m.explain()}</p> }).collect_view()}
                    </div>
                })
            }}
        </div>
    }
}

#[component]
pub(super) fn ClauseEditor(
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
            <BrandWarning text=clause.text.clone()/>
            <RowTools what rows=clauses key=clause_key/>
        </fieldset>
    }
}

#[component]
pub(super) fn SectionEditor(
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
    let counted = clauses.clone();
    let removal_warning = Signal::derive(move || {
        match counted.with(Vec::len) {
        0 => None,
        1 => Some("Sa clause est supprimée avec elle. Rien n'est définitif avant l'enregistrement du brouillon.".to_owned()),
        n => Some(format!("Ses {n} clauses sont supprimées avec elle. Rien n'est définitif avant l'enregistrement du brouillon.")),
    }
    });
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
            <RowTools what rows=editor.sections key removal_warning/>
        </section>
    }
}

#[component]
pub(super) fn CriterionEditor(
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
