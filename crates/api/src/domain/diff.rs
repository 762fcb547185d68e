//! What changed between two revisions: clauses and criteria followed by
//! their stable ids, with word-level changes inside modified titles and
//! texts. The diffs come from `similar`, bounded in time: past the deadline
//! it approximates instead of holding the request.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use shared::consultation::{CctpContent, ChangeKind, DiffDto, ItemChange, WordChange, WordOp};
use similar::{Algorithm, ChangeTag, DiffTag, TextDiff, capture_diff_slices_deadline};
use uuid::Uuid;

/// Longest time one comparison of two revisions may take, all items together.
const TIME_LIMIT: Duration = Duration::from_secs(2);

/// Word-level changes in one text, whitespace and line breaks kept as typed.
///
/// Changes separated only by whitespace form one block (all that was
/// deleted, then all that was inserted), so "4 heures" → "8 jours" reads as
/// one replacement rather than a patchwork of words and spaces.
pub fn words(before: &str, after: &str, deadline: Instant) -> Vec<WordChange> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .deadline(deadline)
        .diff_words(before, after);
    let mut out = Blocks::default();
    for change in diff.iter_all_changes() {
        out.push(change.tag(), change.value());
    }
    out.finish()
}

/// Builds the merged changes of `words`.
#[derive(Default)]
struct Blocks {
    out: Vec<WordChange>,
    deleted: String,
    inserted: String,
    /// Whitespace seen since the last change, kept until we know whether the
    /// block of changes goes on.
    gap: String,
}

impl Blocks {
    fn in_change(&self) -> bool {
        !self.deleted.is_empty() || !self.inserted.is_empty()
    }

    fn push(&mut self, tag: ChangeTag, value: &str) {
        match tag {
            ChangeTag::Equal if self.in_change() && value.trim().is_empty() => {
                self.gap.push_str(value);
            }
            ChangeTag::Equal => {
                self.flush();
                self.append(WordOp::Equal, value);
            }
            ChangeTag::Delete | ChangeTag::Insert => {
                // The block goes on: the gap belongs to each side it separates.
                let gap = std::mem::take(&mut self.gap);
                for side in [&mut self.deleted, &mut self.inserted] {
                    if !side.is_empty() {
                        side.push_str(&gap);
                    }
                }
                let side = if tag == ChangeTag::Delete {
                    &mut self.deleted
                } else {
                    &mut self.inserted
                };
                side.push_str(value);
            }
        }
    }

    /// Ends a block of changes: what it deleted, what it inserted, then the
    /// whitespace that followed it.
    fn flush(&mut self) {
        let deleted = std::mem::take(&mut self.deleted);
        let inserted = std::mem::take(&mut self.inserted);
        let gap = std::mem::take(&mut self.gap);
        self.append(WordOp::Delete, &deleted);
        self.append(WordOp::Insert, &inserted);
        self.append(WordOp::Equal, &gap);
    }

    fn append(&mut self, op: WordOp, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(text),
            _ => self.out.push(WordChange {
                op,
                text: text.to_owned(),
            }),
        }
    }

    fn finish(mut self) -> Vec<WordChange> {
        self.flush();
        self.out
    }
}

/// One comparable item: its id, the group it sits in, its label, text and weight.
struct Item<'a> {
    id: Uuid,
    group: Option<Uuid>,
    label: String,
    title: &'a str,
    text: &'a str,
    weight: Option<u32>,
}

fn compare(before: &[Item], after: &[Item], deadline: Instant) -> Vec<ItemChange> {
    let old: HashMap<Uuid, &Item> = before.iter().map(|i| (i.id, i)).collect();
    let new_ids: HashSet<Uuid> = after.iter().map(|i| i.id).collect();
    // Items kept in the same relative order are not "moved"; the others are.
    let common_before: Vec<Uuid> = before
        .iter()
        .map(|i| i.id)
        .filter(|id| new_ids.contains(id))
        .collect();
    let common_after: Vec<Uuid> = after
        .iter()
        .map(|i| i.id)
        .filter(|id| old.contains_key(id))
        .collect();
    let in_place: HashSet<Uuid> = capture_diff_slices_deadline(
        Algorithm::Myers,
        &common_before,
        &common_after,
        Some(deadline),
    )
    .iter()
    .filter(|op| op.tag() == DiffTag::Equal)
    .filter_map(|op| common_before.get(op.old_range()))
    .flatten()
    .copied()
    .collect();
    let mut changes = Vec::new();
    for item in after {
        let Some(previous) = old.get(&item.id) else {
            changes.push(ItemChange {
                id: item.id,
                change: ChangeKind::Added,
                label_before: None,
                label_after: Some(item.label.clone()),
                title: words("", item.title, deadline),
                text: words("", item.text, deadline),
                weight_before: None,
                weight_after: item.weight,
            });
            continue;
        };
        let moved = !in_place.contains(&item.id) || previous.group != item.group;
        let modified = previous.label != item.label
            || previous.title != item.title
            || previous.text != item.text
            || previous.weight != item.weight;
        let change = match (moved, modified) {
            (false, false) => continue,
            (true, false) => ChangeKind::Moved,
            (false, true) => ChangeKind::Modified,
            (true, true) => ChangeKind::MovedAndModified,
        };
        changes.push(ItemChange {
            id: item.id,
            change,
            label_before: Some(previous.label.clone()),
            label_after: Some(item.label.clone()),
            title: words(previous.title, item.title, deadline),
            text: words(previous.text, item.text, deadline),
            weight_before: previous.weight,
            weight_after: item.weight,
        });
    }
    for item in before.iter().filter(|i| !new_ids.contains(&i.id)) {
        changes.push(ItemChange {
            id: item.id,
            change: ChangeKind::Removed,
            label_before: Some(item.label.clone()),
            label_after: None,
            title: words(item.title, "", deadline),
            text: words(item.text, "", deadline),
            weight_before: item.weight,
            weight_after: None,
        });
    }
    changes
}

fn clause_items(content: &CctpContent) -> Vec<Item<'_>> {
    content
        .clauses()
        .filter_map(|(section, clause)| {
            Some(Item {
                id: clause.id?,
                group: section.id,
                label: clause.number.clone(),
                title: &clause.title,
                text: &clause.text,
                weight: None,
            })
        })
        .collect()
}

fn criterion_items(content: &CctpContent) -> Vec<Item<'_>> {
    content
        .criteria
        .iter()
        .filter_map(|c| {
            Some(Item {
                id: c.id?,
                group: None,
                label: c.name.clone(),
                title: &c.name,
                text: &c.description,
                weight: Some(c.weight),
            })
        })
        .collect()
}

pub fn between(from: i32, before: &CctpContent, to: i32, after: &CctpContent) -> DiffDto {
    let deadline = Instant::now()
        .checked_add(TIME_LIMIT)
        .unwrap_or_else(Instant::now);
    DiffDto {
        from,
        to,
        clauses: compare(&clause_items(before), &clause_items(after), deadline),
        criteria: compare(&criterion_items(before), &criterion_items(after), deadline),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(changes: &[WordChange]) -> String {
        changes
            .iter()
            .map(|c| match c.op {
                WordOp::Equal => c.text.clone(),
                WordOp::Insert => format!("[+{}]", c.text),
                WordOp::Delete => format!("[-{}]", c.text),
            })
            .collect()
    }

    fn changes(before: &str, after: &str) -> String {
        let far = Instant::now().checked_add(Duration::from_secs(60)).unwrap();
        render(&words(before, after, far))
    }

    #[test]
    fn word_changes_mark_insertions_and_deletions_as_one_block() {
        assert_eq!(
            changes(
                "Le titulaire intervient sous 4 heures.",
                "Le titulaire intervient sous 8 heures ouvrées."
            ),
            "Le titulaire intervient sous [-4 heures.][+8 heures ouvrées.]"
        );
        assert_eq!(changes("a b", "a b"), "a b");
        assert_eq!(changes("", "a"), "[+a]");
        assert_eq!(changes("a b c", "a c"), "a [-b ]c");
    }

    #[test]
    fn line_breaks_are_kept_in_every_part() {
        assert_eq!(
            changes(
                "Objet :\n- 400 postes\n- Lyon",
                "Objet :\n- 450 postes\n- Lyon"
            ),
            "Objet :\n- [-400][+450] postes\n- Lyon"
        );
    }

    #[test]
    fn title_changes_are_reported() {
        let clause = |title: &str| shared::consultation::Clause {
            id: Some(Uuid::from_u128(1)),
            number: "1.1".into(),
            title: title.into(),
            text: "Texte".into(),
        };
        let content = |title: &str| CctpContent {
            sections: vec![shared::consultation::Section {
                id: Some(Uuid::from_u128(2)),
                title: "Objet".into(),
                clauses: vec![clause(title)],
            }],
            criteria: vec![],
        };
        let diff = between(1, &content("Périmètre"), 2, &content("Périmètre technique"));
        let change = &diff.clauses[0];
        assert_eq!(change.change, ChangeKind::Modified);
        assert_eq!(render(&change.title), "Périmètre[+ technique]");
        assert_eq!(render(&change.text), "Texte");
    }
}
