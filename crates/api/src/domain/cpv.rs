//! The whole CPV 2008 nomenclature (9 454 codes with their French labels),
//! embedded in the API only: the web app asks for what it shows. A
//! consultation's code must be one of them; people find them by code prefix
//! or by words of the label, accents and case aside.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::domain::pagination::PageRequest;
use shared::auth::Page;
use shared::reference::{CpvCodeEntry, parse_two_columns};
use shared::types::fold;

/// The nomenclature as embedded: code, label.
pub const CPV_CSV: &str = include_str!("../../data/cpv-2008-fr.csv");

struct Entry {
    code: String,
    /// The code without its dash: `722600005`, for prefix searches.
    digits: String,
    label: String,
    /// The label lowercased, without accents: what words are matched against.
    folded: String,
}

static CPV: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    parse_two_columns(CPV_CSV)
        .map(|(code, label)| Entry {
            digits: code.replace('-', ""),
            folded: fold(&label),
            code,
            label,
        })
        .collect()
});

/// Labels by full code: every consultation a list shows names its code.
static LABELS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    CPV.iter()
        .map(|e| (e.code.as_str(), e.label.as_str()))
        .collect()
});

/// The label of a full code (`72260000-5`), if the code exists.
pub fn label(code: &str) -> Option<&'static str> {
    LABELS.get(code).copied()
}

/// How well an entry answers a query; lower is better, `None` is no match.
fn rank(entry: &Entry, query: &Query) -> Option<u8> {
    match query {
        Query::Code(digits) if entry.digits == *digits => Some(0),
        Query::Code(digits) => entry.digits.starts_with(digits.as_str()).then_some(1),
        Query::Words(phrase, words) => {
            if entry.folded.starts_with(phrase.as_str()) {
                return Some(2);
            }
            // The label is split again for each word of the query (one or
            // two): no allocation for each of the 9 454 codes a search ranks.
            words
                .iter()
                .all(|w| {
                    entry
                        .folded
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|l| l.starts_with(w.as_str()))
                })
                .then_some(3)
        }
    }
}

enum Query {
    /// Digits of a code, dash removed.
    Code(String),
    /// The folded query, and its words.
    Words(String, Vec<String>),
}

fn parse_query(q: &str) -> Option<Query> {
    let q = q.trim();
    if q.is_empty() {
        return None;
    }
    if q.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Some(Query::Code(q.replace('-', "")));
    }
    let phrase = fold(q);
    let words = phrase
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    Some(Query::Words(phrase, words))
}

/// The codes answering `q`, best first (the exact code, then codes it
/// prefixes, then labels that start with the query, then labels holding
/// every word as a word start), each rank in code order; every code in order
/// without a query.
pub fn search(q: &str, page: PageRequest) -> Page<CpvCodeEntry> {
    let query = parse_query(q);
    let mut found: Vec<(u8, &Entry)> = CPV
        .iter()
        .filter_map(|e| match &query {
            Some(query) => rank(e, query).map(|r| (r, e)),
            None => Some((0, e)),
        })
        .collect();
    // Stable: within a rank, the file's code order stays.
    found.sort_by_key(|(r, _)| *r);
    page.of_all(found.into_iter().map(|(_, e)| CpvCodeEntry {
        code: e.code.clone(),
        label: e.label.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pagination::PageQuery;

    fn first(q: &str, n: u64) -> Page<CpvCodeEntry> {
        let page = PageQuery {
            page: None,
            per_page: Some(n),
        };
        search(q, page.resolve())
    }

    fn codes(q: &str) -> Vec<String> {
        first(q, 5).items.into_iter().map(|e| e.code).collect()
    }

    #[test]
    fn the_whole_nomenclature_is_embedded() {
        assert_eq!(CPV.len(), 9_454);
        assert_eq!(label("72260000-5"), Some("Services relatifs aux logiciels"));
        assert_eq!(label("72260000-4"), None);
    }

    #[test]
    fn codes_are_found_by_prefix_and_exactly_first() {
        assert_eq!(codes("72260000-5")[0], "72260000-5");
        let prefixed = codes("7226");
        assert!(!prefixed.is_empty() && prefixed.iter().all(|c| c.starts_with("7226")));
    }

    #[test]
    fn labels_are_found_by_words_without_accents_or_case() {
        let found = first("securite", 50).items;
        assert!(
            found
                .iter()
                .any(|e| e.label.to_lowercase().contains("sécurité"))
        );
        let found = first("logiciel", 3).items;
        assert!(found[0].label.starts_with("Logiciel"), "{found:?}");
        let all = first("", 10);
        assert_eq!((all.items.len(), all.total), (10, 9_454));
    }
}
