//! What changed between two revisions: clauses and criteria followed by
//! their stable ids, with word-level changes inside modified texts.

use std::collections::{HashMap, HashSet};

use shared::consultation::{CctpContent, ChangeKind, DiffDto, ItemChange, WordChange, WordOp};
use uuid::Uuid;

/// Above this many word pairs, a modified text is shown as replaced whole
/// rather than spending quadratic memory on it.
const MAX_WORD_PAIRS: usize = 4_000_000;

/// Longest common subsequence of two sequences, as index pairs.
fn lcs<T: PartialEq>(a: &[T], b: &[T]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[at(i, j)] = if a[i] == b[j] {
                table[at(i + 1, j + 1)] + 1
            } else {
                table[at(i + 1, j)].max(table[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i] == b[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if table[at(i + 1, j)] >= table[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

fn push(out: &mut Vec<WordChange>, op: WordOp, word: &str) {
    match out.last_mut() {
        Some(last) if last.op == op => {
            last.text.push(' ');
            last.text.push_str(word);
        }
        _ => out.push(WordChange {
            op,
            text: word.to_owned(),
        }),
    }
}

/// Word-level changes from `before` to `after`, consecutive words merged.
pub fn words(before: &str, after: &str) -> Vec<WordChange> {
    let a: Vec<&str> = before.split_whitespace().collect();
    let b: Vec<&str> = after.split_whitespace().collect();
    let mut out = Vec::new();
    if a.len().saturating_mul(b.len()) > MAX_WORD_PAIRS {
        a.iter().for_each(|w| push(&mut out, WordOp::Delete, w));
        b.iter().for_each(|w| push(&mut out, WordOp::Insert, w));
        return out;
    }
    let (mut i, mut j) = (0, 0);
    for (ci, cj) in lcs(&a, &b)
        .into_iter()
        .chain(std::iter::once((a.len(), b.len())))
    {
        a[i..ci]
            .iter()
            .for_each(|w| push(&mut out, WordOp::Delete, w));
        b[j..cj]
            .iter()
            .for_each(|w| push(&mut out, WordOp::Insert, w));
        if ci < a.len() && cj < b.len() {
            push(&mut out, WordOp::Equal, a[ci]);
        }
        (i, j) = (ci + 1, cj + 1);
    }
    out
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

fn compare(before: &[Item], after: &[Item]) -> Vec<ItemChange> {
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
    let in_place: HashSet<Uuid> = lcs(&common_before, &common_after)
        .into_iter()
        .map(|(i, _)| common_before[i])
        .collect();
    let mut changes = Vec::new();
    for item in after {
        let Some(previous) = old.get(&item.id) else {
            changes.push(ItemChange {
                id: item.id,
                change: ChangeKind::Added,
                label_before: None,
                label_after: Some(item.label.clone()),
                text: words("", item.text),
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
            text: words(previous.text, item.text),
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
            text: words(item.text, ""),
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
    DiffDto {
        from,
        to,
        clauses: compare(&clause_items(before), &clause_items(after)),
        criteria: compare(&criterion_items(before), &criterion_items(after)),
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
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn word_changes_mark_insertions_and_deletions() {
        let changes = words(
            "Le titulaire intervient sous 4 heures.",
            "Le titulaire intervient sous 8 heures ouvrées.",
        );
        assert_eq!(
            render(&changes),
            "Le titulaire intervient sous [-4 heures.] [+8 heures ouvrées.]"
        );
        assert_eq!(render(&words("a b", "a b")), "a b");
        assert_eq!(render(&words("", "a")), "[+a]");
    }
}
