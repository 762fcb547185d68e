//! The editor's model: one signal per field, rows keyed for the page's life
//! so that moving a row keeps its DOM nodes (and the focus).

use std::sync::atomic::{AtomicU64, Ordering};

use leptos::prelude::*;
use shared::consultation::{CctpContent, Clause, Criterion, Section};
use uuid::Uuid;

static NEXT_KEY: AtomicU64 = AtomicU64::new(1);

/// Identifies a row in the page while it moves; ids exist only once saved.
pub(super) fn key() -> u64 {
    NEXT_KEY.fetch_add(1, Ordering::Relaxed)
}

#[derive(Clone)]
pub(super) struct ClauseRow {
    pub(super) key: u64,
    pub(super) id: Option<Uuid>,
    pub(super) number: ArcRwSignal<String>,
    pub(super) title: ArcRwSignal<String>,
    pub(super) text: ArcRwSignal<String>,
}

#[derive(Clone)]
pub(super) struct SectionRow {
    pub(super) key: u64,
    pub(super) id: Option<Uuid>,
    pub(super) title: ArcRwSignal<String>,
    pub(super) clauses: ArcRwSignal<Vec<ClauseRow>>,
}

#[derive(Clone)]
pub(super) struct CriterionRow {
    pub(super) key: u64,
    pub(super) id: Option<Uuid>,
    pub(super) name: ArcRwSignal<String>,
    pub(super) description: ArcRwSignal<String>,
    /// Kept as typed; an unreadable weight is sent as 0 and the API says why.
    pub(super) weight: ArcRwSignal<String>,
}

pub(super) fn clause_row(c: Clause) -> ClauseRow {
    ClauseRow {
        key: key(),
        id: c.id,
        number: ArcRwSignal::new(c.number),
        title: ArcRwSignal::new(c.title),
        text: ArcRwSignal::new(c.text),
    }
}

pub(super) fn section_row(s: Section) -> SectionRow {
    SectionRow {
        key: key(),
        id: s.id,
        title: ArcRwSignal::new(s.title),
        clauses: ArcRwSignal::new(s.clauses.into_iter().map(clause_row).collect()),
    }
}

pub(super) fn criterion_row(c: Criterion) -> CriterionRow {
    CriterionRow {
        key: key(),
        id: c.id,
        name: ArcRwSignal::new(c.name),
        description: ArcRwSignal::new(c.description),
        weight: ArcRwSignal::new(c.weight.to_string()),
    }
}

pub(super) fn parse_weight(typed: &str) -> Option<u32> {
    typed.trim().trim_end_matches('%').trim().parse().ok()
}

/// The rows being edited; reading it through `content` tracks every field.
#[derive(Clone, Copy)]
pub(super) struct Editor {
    pub(super) sections: RwSignal<Vec<SectionRow>>,
    pub(super) criteria: RwSignal<Vec<CriterionRow>>,
}

/// Sets a field only when its value changes: only that field re-renders.
fn refresh(field: &ArcRwSignal<String>, value: &str) {
    if field.with_untracked(|v| v != value) {
        field.set(value.to_owned());
    }
}

impl Editor {
    /// Shows `content`. When it has the shape of the rows on screen (after a
    /// save: the same rows, with their new ids), the rows are updated in
    /// place, field by field; a 150-page draft is not rebuilt on every save.
    pub(super) fn load(&self, content: CctpContent) {
        if self.same_shape(&content) {
            self.refresh_in_place(&content);
            return;
        }
        self.sections
            .set(content.sections.into_iter().map(section_row).collect());
        self.criteria
            .set(content.criteria.into_iter().map(criterion_row).collect());
    }

    fn same_shape(&self, content: &CctpContent) -> bool {
        let sections = self.sections.with_untracked(|rows| {
            rows.len() == content.sections.len()
                && rows
                    .iter()
                    .zip(&content.sections)
                    .all(|(row, s)| row.clauses.with_untracked(Vec::len) == s.clauses.len())
        });
        sections && self.criteria.with_untracked(Vec::len) == content.criteria.len()
    }

    fn refresh_in_place(&self, content: &CctpContent) {
        self.sections.update(|rows| {
            for (row, s) in rows.iter_mut().zip(&content.sections) {
                row.id = s.id;
                refresh(&row.title, &s.title);
                row.clauses.update(|clauses| {
                    for (c, saved) in clauses.iter_mut().zip(&s.clauses) {
                        c.id = saved.id;
                        refresh(&c.number, &saved.number);
                        refresh(&c.title, &saved.title);
                        refresh(&c.text, &saved.text);
                    }
                });
            }
        });
        self.criteria.update(|rows| {
            for (row, c) in rows.iter_mut().zip(&content.criteria) {
                row.id = c.id;
                refresh(&row.name, &c.name);
                refresh(&row.description, &c.description);
                if row.weight.with_untracked(|w| parse_weight(w)) != Some(c.weight) {
                    row.weight.set(c.weight.to_string());
                }
            }
        });
    }

    /// Whether the fields differ from `saved`, compared in place: no copy
    /// of a draft that may weigh half a megabyte, and the comparison stops
    /// at the first difference. Reactive: it tracks every field it reads.
    pub(super) fn differs_from(&self, saved: &CctpContent) -> bool {
        let same_clauses = |rows: &ArcRwSignal<Vec<ClauseRow>>, clauses: &[Clause]| {
            rows.with(|rows| {
                rows.len() == clauses.len()
                    && rows.iter().zip(clauses).all(|(row, c)| {
                        row.id == c.id
                            && row.number.with(|v| *v == c.number)
                            && row.title.with(|v| *v == c.title)
                            && row.text.with(|v| *v == c.text)
                    })
            })
        };
        let same_sections = self.sections.with(|rows| {
            rows.len() == saved.sections.len()
                && rows.iter().zip(&saved.sections).all(|(row, s)| {
                    row.id == s.id
                        && row.title.with(|v| *v == s.title)
                        && same_clauses(&row.clauses, &s.clauses)
                })
        });
        let same_criteria = || {
            self.criteria.with(|rows| {
                rows.len() == saved.criteria.len()
                    && rows.iter().zip(&saved.criteria).all(|(row, k)| {
                        row.id == k.id
                            && row.name.with(|v| *v == k.name)
                            && row.description.with(|v| *v == k.description)
                            && row.weight.with(|w| parse_weight(w).unwrap_or(0)) == k.weight
                    })
            })
        };
        !(same_sections && same_criteria())
    }

    /// The weights as typed, summed (an unreadable one counts 0).
    pub(super) fn weight_total(&self) -> u32 {
        self.criteria.with(|rows| {
            rows.iter()
                .map(|row| row.weight.with(|w| parse_weight(w).unwrap_or(0)))
                .fold(0, u32::saturating_add)
        })
    }

    pub(super) fn content(&self) -> CctpContent {
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
    pub(super) fn renumber(&self) {
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

pub(super) fn move_item<T>(items: &mut [T], index: usize, up: bool) {
    let other = if up {
        index.checked_sub(1)
    } else {
        Some(index + 1)
    };
    if let Some(other) = other.filter(|o| *o < items.len()) {
        items.swap(index, other);
    }
}

pub(super) fn position<T: Row>(items: &[T], key: u64) -> usize {
    items.iter().position(|i| i.key() == key).unwrap_or(0)
}

/// A row of the editor, known by its page-local key.
pub(super) trait Row {
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

#[cfg(test)]
mod tests {
    use leptos::prelude::*;
    use shared::consultation::{CctpContent, Clause, Criterion, Section};

    use super::{Editor, move_item, parse_weight};

    fn draft() -> CctpContent {
        CctpContent {
            sections: vec![Section {
                id: None,
                title: "Objet".into(),
                clauses: vec![Clause {
                    id: None,
                    number: "1.1".into(),
                    title: "Périmètre".into(),
                    text: "400 postes.".into(),
                }],
            }],
            criteria: vec![Criterion {
                id: None,
                name: "Prix".into(),
                description: String::new(),
                weight: 100,
            }],
        }
    }

    #[test]
    fn an_edit_makes_the_draft_differ_until_it_is_undone() {
        let saved = draft();
        let editor = Editor {
            sections: RwSignal::new(Vec::new()),
            criteria: RwSignal::new(Vec::new()),
        };
        editor.load(saved.clone());
        assert!(!editor.differs_from(&saved));
        let text = editor
            .sections
            .with(|s| s[0].clauses.with(|c| c[0].text.clone()));
        text.set("400 postes et 30 imprimantes.".into());
        assert!(editor.differs_from(&saved));
        text.set("400 postes.".into());
        assert!(!editor.differs_from(&saved));
        let weight = editor.criteria.with(|k| k[0].weight.clone());
        weight.set("90 %".into());
        assert!(editor.differs_from(&saved));
        assert_eq!(editor.weight_total(), 90);
        assert_eq!(editor.content().criteria[0].weight, 90);
    }

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
