//! Where a revision's new wording comes from: each new or changed clause
//! and criterion compared with the texts of the contributions of earlier
//! rounds.
//!
//! The measure is word-level and robust to small edits: texts are folded
//! (case, accents) and cut into words, and only runs of at least
//! `RUN` words in the same order count as shared, so that common words
//! scattered through a long text match nothing. A clause takes over a
//! contribution when the shared runs make up `MIN_SIMILARITY` of the two
//! texts together (a reworded alternative clause), or of the words the
//! revision inserted (a sentence of a solution added to the clause) — and
//! the revision moved towards the contribution: a contribution that quoted
//! the old clause is not the source of the new one.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use shared::consultation::{CctpContent, ContributionKind, TargetKind};
use shared::types::fold;
use similar::{Algorithm, DiffOp, capture_diff_slices};
use uuid::Uuid;

/// Shorter runs of shared words are coincidences ("le titulaire").
const RUN: usize = 3;
/// Below this, no link is reported.
pub const MIN_SIMILARITY: u8 = 60;
/// The new text must be this much closer to the contribution than the old.
const MIN_GAIN: u8 = 10;
/// Links kept per changed item: the closest contributions, the earliest
/// first among equals. When thousands of companies proposed the same
/// wording, listing every one of them tells the agent nothing more and
/// made the report of a 5 000-contribution consultation weigh 27 MB.
pub const MAX_LINKS: usize = 5;

/// A contribution's texts, as the detector reads them.
#[derive(Clone)]
pub struct Source {
    pub id: Uuid,
    pub kind: ContributionKind,
    pub round: i32,
    pub target_id: Option<Uuid>,
    pub proposed_text: Option<String>,
    pub body: String,
    pub proposed_weight: Option<u32>,
}

/// How much one clause or criterion changed in a revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub target_kind: TargetKind,
    pub target_id: Uuid,
    pub label: String,
    /// Words inserted plus words deleted (a new item: all its words).
    pub changed_words: u32,
}

/// A change that takes over a contribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub target_kind: TargetKind,
    pub target_id: Uuid,
    pub label: String,
    pub contribution_id: Uuid,
    pub similarity: u8,
    pub weight_taken: bool,
}

/// What a revision changed and took over, stored once it is frozen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionProvenance {
    pub changes: Vec<Change>,
    pub links: Vec<Link>,
}

/// The words of the texts of one computation, each as a number: comparing
/// texts then compares integers, not strings (a revision is compared with
/// thousands of contributions).
#[derive(Default)]
struct Vocabulary(HashMap<String, Word>);

type Word = u32;

/// A text's words, folded (case and accents).
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Vocabulary {
    fn words(&mut self, text: &str) -> Vec<Word> {
        words(text)
            .into_iter()
            .map(|w| {
                let next = Word::try_from(self.0.len()).unwrap_or(Word::MAX);
                *self.0.entry(w).or_insert(next)
            })
            .collect()
    }
}

/// The runs of `RUN` words of a text, to tell at once the contributions
/// that share none with a changed item: they cannot be its source.
fn runs(words: &[Word]) -> HashSet<&[Word]> {
    words.windows(RUN).collect()
}

/// Words of `a` in runs of at least `RUN` words that `b` has in the same order.
fn shared_words(a: &[Word], b: &[Word]) -> usize {
    capture_diff_slices(Algorithm::Myers, a, b)
        .iter()
        .map(|op| match op {
            DiffOp::Equal { len, .. } if *len >= RUN => *len,
            _ => 0,
        })
        .sum()
}

fn percent(part: usize, whole: usize) -> u8 {
    let p = part.saturating_mul(100).checked_div(whole).unwrap_or(0);
    u8::try_from(p.min(100)).unwrap_or(100)
}

/// Both texts' words in shared runs, over both texts' words.
fn similarity(a: &[Word], b: &[Word]) -> u8 {
    percent(
        shared_words(a, b).saturating_mul(2),
        a.len().saturating_add(b.len()),
    )
}

/// The words `after` inserted into `before`, and how many changed.
fn inserted(before: &[Word], after: &[Word]) -> (Vec<Word>, usize) {
    let mut inserted = Vec::new();
    let mut changed = 0usize;
    for op in capture_diff_slices(Algorithm::Myers, before, after) {
        match op {
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                inserted.extend(after.iter().skip(new_index).take(new_len).cloned());
                changed = changed.saturating_add(new_len);
            }
            DiffOp::Delete { old_len, .. } => changed = changed.saturating_add(old_len),
            DiffOp::Replace {
                old_len,
                new_index,
                new_len,
                ..
            } => {
                inserted.extend(after.iter().skip(new_index).take(new_len).cloned());
                changed = changed.saturating_add(old_len).saturating_add(new_len);
            }
            DiffOp::Equal { .. } => {}
        }
    }
    (inserted, changed)
}

/// How much the change from `before` to `after` takes from `source`.
fn taken(before: &[Word], after: &[Word], added: &[Word], source: &[Word]) -> u8 {
    let whole = similarity(after, source);
    let of_added = if added.len() >= RUN {
        percent(shared_words(added, source), added.len())
    } else {
        0
    };
    let now = whole.max(of_added);
    if now >= MIN_SIMILARITY && now >= similarity(before, source).saturating_add(MIN_GAIN) {
        now
    } else {
        0
    }
}

struct Item {
    kind: TargetKind,
    id: Uuid,
    label: String,
    text: String,
    weight: Option<u32>,
}

fn clause_items(content: &CctpContent) -> Vec<(Uuid, String, String, Option<u32>)> {
    let clauses = content.clauses().filter_map(|(_, c)| {
        let text = format!("{} {}", c.title, c.text);
        c.id.map(|id| (id, c.number.clone(), text, None))
    });
    clauses.collect()
}

fn criterion_items(content: &CctpContent) -> Vec<(Uuid, String, String, Option<u32>)> {
    content
        .criteria
        .iter()
        .filter_map(|c| {
            let text = format!("{} {}", c.name, c.description);
            c.id.map(|id| (id, c.name.clone(), text, Some(c.weight)))
        })
        .collect()
}

/// What `after` changed from `before`, and which of `sources` (the
/// contributions of the rounds before `after`) it took over.
pub fn revision_provenance(
    before: &CctpContent,
    after: &CctpContent,
    sources: &[Source],
) -> RevisionProvenance {
    let mut vocabulary = Vocabulary::default();
    let source_words: Vec<(Vec<Word>, Vec<Word>)> = sources
        .iter()
        .map(|s| {
            let proposed = s.proposed_text.as_deref().unwrap_or_default();
            (vocabulary.words(proposed), vocabulary.words(&s.body))
        })
        .collect();
    let mut result = RevisionProvenance::default();
    for (kind, old_items, new_items) in [
        (
            TargetKind::Clause,
            clause_items(before),
            clause_items(after),
        ),
        (
            TargetKind::Criterion,
            criterion_items(before),
            criterion_items(after),
        ),
    ] {
        for (id, label, text, weight) in new_items {
            let old = old_items.iter().find(|(old_id, ..)| *old_id == id);
            if old.is_some_and(|(_, _, t, w)| *t == text && *w == weight) {
                continue;
            }
            let item = Item {
                kind,
                id,
                label,
                text,
                weight,
            };
            let old_words = vocabulary.words(old.map_or("", |(_, _, t, _)| t.as_str()));
            let new_words = vocabulary.words(&item.text);
            let weight_changed = old.is_none_or(|(_, _, _, w)| *w != weight);
            take_over(
                &mut result,
                &item,
                &old_words,
                &new_words,
                weight_changed,
                sources,
                &source_words,
            );
        }
    }
    result
}

fn take_over(
    result: &mut RevisionProvenance,
    item: &Item,
    old_words: &[Word],
    new_words: &[Word],
    weight_changed: bool,
    sources: &[Source],
    source_words: &[(Vec<Word>, Vec<Word>)],
) {
    let (added, changed) = inserted(old_words, new_words);
    result.changes.push(Change {
        target_kind: item.kind,
        target_id: item.id,
        label: item.label.clone(),
        changed_words: u32::try_from(changed.max(1)).unwrap_or(u32::MAX),
    });
    let text_changed = changed > 0;
    let item_runs: HashSet<&[Word]> = runs(new_words).union(&runs(&added)).copied().collect();
    let may_share = |text: &[Word]| text.windows(RUN).any(|run| item_runs.contains(run));
    let mut links: Vec<Link> = sources
        .iter()
        .zip(source_words)
        .filter_map(|(source, (proposed, body))| {
            let similarity = if text_changed && (may_share(proposed) || may_share(body)) {
                taken(old_words, new_words, &added, proposed)
                    .max(taken(old_words, new_words, &added, body))
            } else {
                0
            };
            let weight_taken = weight_changed
                && source.kind == ContributionKind::AlternativeCriterion
                && source.target_id == Some(item.id)
                && source.proposed_weight.is_some()
                && source.proposed_weight == item.weight;
            (similarity > 0 || weight_taken).then(|| Link {
                target_kind: item.kind,
                target_id: item.id,
                label: item.label.clone(),
                contribution_id: source.id,
                similarity,
                weight_taken,
            })
        })
        .collect();
    // Stable: among equals, the first proposed (sources come in their order).
    links.sort_by_key(|l| std::cmp::Reverse(l.similarity));
    result.links.extend(links.into_iter().take(MAX_LINKS));
}

#[cfg(test)]
mod tests {
    use shared::consultation::{Clause, Criterion, Section};

    use super::*;

    fn clause(id: Uuid, text: &str) -> CctpContent {
        CctpContent {
            sections: vec![Section {
                id: Some(Uuid::nil()),
                title: "Maintenance".into(),
                clauses: vec![Clause {
                    id: Some(id),
                    number: "2.1".into(),
                    title: "Délai d'intervention".into(),
                    text: text.into(),
                }],
            }],
            criteria: vec![],
        }
    }

    fn alternative(text: &str) -> Source {
        Source {
            id: Uuid::new_v4(),
            kind: ContributionKind::AlternativeClause,
            round: 1,
            target_id: None,
            proposed_text: Some(text.into()),
            body: "Le délai actuel impose une astreinte coûteuse.".into(),
            proposed_weight: None,
        }
    }

    const PROPOSAL: &str = "Le titulaire intervient sur site sous huit heures ouvrées pour les postes non critiques et sous quatre heures pour les postes critiques, du lundi au vendredi.";

    #[test]
    fn a_proposal_copied_with_small_edits_is_taken_over_at_more_than_80_percent() {
        let id = Uuid::new_v4();
        let before = clause(
            id,
            "Le titulaire intervient sous quatre heures sur tous les postes.",
        );
        let after = clause(
            id,
            "Le titulaire intervient sur site sous 8 heures ouvrées pour les postes non critiques et sous quatre heures pour les postes critiques, du lundi au samedi.",
        );
        let b = alternative(PROPOSAL);
        let found = revision_provenance(
            &before,
            &after,
            &[
                alternative("Un autre texte sans rapport avec la maintenance des postes."),
                b,
            ],
        );
        assert_eq!(found.links.len(), 1, "{found:?}");
        assert!(found.links[0].similarity >= 80, "{found:?}");
    }

    #[test]
    fn of_many_companies_proposing_the_same_wording_the_first_five_are_named() {
        let id = Uuid::new_v4();
        let before = clause(id, "Le titulaire intervient sous quatre heures.");
        let after = clause(id, PROPOSAL);
        let same: Vec<Source> = (0..40).map(|_| alternative(PROPOSAL)).collect();
        let found = revision_provenance(&before, &after, &same);
        let named: Vec<Uuid> = found.links.iter().map(|l| l.contribution_id).collect();
        let first: Vec<Uuid> = same.iter().take(MAX_LINKS).map(|s| s.id).collect();
        assert_eq!(named, first);
    }

    #[test]
    fn a_contribution_quoting_the_old_clause_is_not_the_source_of_the_new_one() {
        let id = Uuid::new_v4();
        let old = "Le titulaire intervient sous quatre heures sur tous les postes du parc.";
        let before = clause(id, old);
        let after = clause(
            id,
            "Le titulaire intervient sous quatre heures sur tous les postes du parc, y compris les imprimantes.",
        );
        let quoting = alternative(old);
        assert!(
            revision_provenance(&before, &after, &[quoting])
                .links
                .is_empty()
        );
    }

    #[test]
    fn an_unchanged_clause_takes_over_nothing() {
        let id = Uuid::new_v4();
        let same = clause(id, PROPOSAL);
        let found = revision_provenance(&same, &same, &[alternative(PROPOSAL)]);
        assert_eq!(found, RevisionProvenance::default());
    }

    #[test]
    fn a_sentence_of_a_solution_added_to_a_clause_is_taken_over() {
        let id = Uuid::new_v4();
        let old = "Le titulaire assure la maintenance corrective des postes de travail.";
        let before = clause(id, old);
        let after = clause(
            id,
            &format!(
                "{old} Une supervision à distance signale les pannes de disque avant qu'elles ne surviennent."
            ),
        );
        let solution = Source {
            kind: ContributionKind::Solution,
            proposed_text: None,
            body: "Nous proposons qu'une supervision à distance signale les pannes de disque avant qu'elles ne surviennent, ce qui réduit les déplacements.".into(),
            ..alternative("")
        };
        let found = revision_provenance(&before, &after, &[solution]);
        assert!(
            found.links.first().is_some_and(|l| l.similarity >= 80),
            "{found:?}"
        );
    }

    #[test]
    fn a_weight_equal_to_the_one_an_alternative_proposed_is_taken() {
        let id = Uuid::new_v4();
        let criteria = |weight| CctpContent {
            sections: vec![],
            criteria: vec![Criterion {
                id: Some(id),
                name: "Prix".into(),
                description: String::new(),
                weight,
            }],
        };
        let proposing = Source {
            kind: ContributionKind::AlternativeCriterion,
            target_id: Some(id),
            proposed_text: Some("Prix".into()),
            proposed_weight: Some(30),
            ..alternative("")
        };
        let found = revision_provenance(&criteria(40), &criteria(30), &[proposing]);
        assert_eq!(found.links.len(), 1);
        assert!(found.links[0].weight_taken);
        assert!(
            revision_provenance(&criteria(40), &criteria(35), &[alternative("Prix")])
                .links
                .is_empty()
        );
    }
}
