//! The anonymity guard: what in a text could tell who wrote it.
//!
//! Exchanges are anonymous (a company is "Entreprise B"), and a company can
//! break that by accident ("notre société Dupont SA…", a phone number) or on
//! purpose, to lobby the agent. Before a company's text is saved it is
//! checked for its own name, SIREN/SIRET and e-mail, and for any e-mail
//! address, French phone number, web address or SIRET-like number at all;
//! staff texts get the generic part. The web app runs the same check while
//! the person types (this crate compiles to wasm), so both refuse the same
//! spans with the same words.

use crate::auth::UserDto;
use crate::types::{fold, luhn_valid};
use serde::{Deserialize, Serialize};

crate::named::named! {
    /// What a span of text could reveal.
    pub enum DisclosureKind {
        CompanyName = "company_name": "Nom de l'entreprise",
        Siret = "siret": "Numéro SIREN ou SIRET",
        Email = "email": "Adresse e-mail",
        Phone = "phone": "Numéro de téléphone",
        Url = "url": "Adresse de site web",
    }
}

/// A span of a text that identifies someone, in characters (Unicode scalar
/// values) from the start of the text, end excluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisclosureSpan {
    pub kind: DisclosureKind,
    pub start: u32,
    pub end: u32,
    /// The characters found, as written.
    pub text: String,
}

impl DisclosureSpan {
    /// The French sentence shown under the field.
    pub fn explain(&self) -> String {
        let what = match self.kind {
            DisclosureKind::CompanyName => "au nom de votre entreprise",
            DisclosureKind::Siret => "à un numéro SIREN ou SIRET",
            DisclosureKind::Email => "à une adresse e-mail",
            DisclosureKind::Phone => "à un numéro de téléphone",
            DisclosureKind::Url => "à une adresse de site web",
        };
        format!(
            "« {} » ressemble {what} : retirez-le pour rester anonyme.",
            self.text
        )
    }
}

/// Who wrote the text, for the part of the check that looks for them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorIdentity {
    pub company_name: String,
    pub siret: String,
    pub email: String,
}

impl AuthorIdentity {
    /// A company account's identity, as the web app knows it.
    pub fn of(user: &UserDto) -> Option<Self> {
        user.company.as_ref().map(|company| Self {
            company_name: company.name.clone(),
            siret: company.siret.clone(),
            email: user.email.clone(),
        })
    }
}

/// Every span of `text` that identifies its author (when known) or anyone
/// (an e-mail address, a phone number, a web address, a SIRET-like number),
/// in order, without overlaps.
pub fn disclosures(text: &str, author: Option<&AuthorIdentity>) -> Vec<DisclosureSpan> {
    let chars: Vec<char> = text.chars().collect();
    let mut found: Vec<(usize, usize, DisclosureKind)> = Vec::new();
    found.extend(emails(&chars));
    found.extend(web_addresses(&chars));
    found.extend(numbers(&chars, author));
    if let Some(author) = author {
        found.extend(company_name(&chars, &author.company_name));
    }
    found.sort_by_key(|(start, end, _)| (*start, std::cmp::Reverse(*end)));
    let mut spans: Vec<DisclosureSpan> = Vec::new();
    for (start, end, kind) in found {
        if spans.last().is_some_and(|s| start < s.end as usize) {
            continue;
        }
        spans.push(DisclosureSpan {
            kind,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
            text: chars.get(start..end).unwrap_or_default().iter().collect(),
        });
    }
    spans
}

type Found = (usize, usize, DisclosureKind);

fn is_local_part(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_host(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-')
}

/// `name@host.tld`.
fn emails(chars: &[char]) -> Vec<Found> {
    let mut found = Vec::new();
    for (at, _) in chars.iter().enumerate().filter(|(_, c)| **c == '@') {
        let start = chars
            .get(..at)
            .unwrap_or_default()
            .iter()
            .rposition(|c| !is_local_part(*c))
            .map_or(0, |p| p.saturating_add(1));
        let after = at.saturating_add(1);
        let host_len = chars
            .get(after..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| is_host(**c))
            .count();
        let host: String = chars
            .get(after..after.saturating_add(host_len))
            .unwrap_or_default()
            .iter()
            .collect();
        let host = host.trim_end_matches(['.', '-']);
        let tld_ok = host
            .rsplit_once('.')
            .is_some_and(|(_, tld)| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if start < at && tld_ok {
            found.push((
                start,
                after.saturating_add(host.chars().count()),
                DisclosureKind::Email,
            ));
        }
    }
    found
}

/// Top-level domains a French company's site or mail is likely under; a
/// word ending in one of them after a dot is read as a web address
/// (`dupont-menuiserie.fr`), which clause numbers (`3.2.1`) and
/// abbreviations (`etc.`) never are.
const DOMAINS: &[&str] = &[
    "fr", "com", "net", "org", "eu", "io", "info", "biz", "pro", "tech", "app", "dev", "bzh",
    "paris", "alsace", "corsica", "re", "be", "ch", "lu", "de", "es", "it", "uk", "co", "shop",
];

/// `http://…`, `https://…`, `www.…` and `name.tld` for the domains above.
fn web_addresses(chars: &[char]) -> Vec<Found> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let at_word_start = i == 0
            || chars
                .get(i.saturating_sub(1))
                .is_some_and(|c| !is_host(*c) && *c != '@' && *c != '/');
        if !at_word_start {
            i = i.saturating_add(1);
            continue;
        }
        let rest: String = chars
            .get(i..chars.len().min(i.saturating_add(12)))
            .unwrap_or_default()
            .iter()
            .collect::<String>()
            .to_ascii_lowercase();
        let end_of_word = |from: usize| {
            from.saturating_add(
                chars
                    .get(from..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '»' | '<' | '>' | ')'))
                    .count(),
            )
        };
        if rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("www.") {
            let end = trim_punctuation(chars, i, end_of_word(i));
            found.push((i, end, DisclosureKind::Url));
            i = end.max(i.saturating_add(1));
            continue;
        }
        let host_len = chars
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| is_host(**c))
            .count();
        let end = trim_punctuation(chars, i, i.saturating_add(host_len));
        let host: String = chars.get(i..end).unwrap_or_default().iter().collect();
        let labels: Vec<&str> = host.split('.').collect();
        let is_domain = labels.len() >= 2
            && labels.iter().all(|l| !l.is_empty())
            && labels
                .last()
                .is_some_and(|tld| DOMAINS.contains(&tld.to_ascii_lowercase().as_str()))
            && labels.first().is_some_and(|l| {
                l.chars().count() >= 2 && l.chars().any(|c| c.is_ascii_alphabetic())
            });
        // Not the domain of an e-mail address, found as such.
        let in_email = chars.get(end) == Some(&'@');
        if is_domain && !in_email {
            // A path after the domain belongs to the address.
            let end = if chars.get(end) == Some(&'/') {
                trim_punctuation(chars, i, end_of_word(end))
            } else {
                end
            };
            found.push((i, end, DisclosureKind::Url));
            i = end.max(i.saturating_add(1));
            continue;
        }
        i = i.saturating_add(host_len.max(1));
    }
    found
}

/// The end of a span without the punctuation that closes the sentence.
fn trim_punctuation(chars: &[char], start: usize, mut end: usize) -> usize {
    while end > start
        && chars
            .get(end.saturating_sub(1))
            .is_some_and(|c| matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '-'))
    {
        end = end.saturating_sub(1);
    }
    end
}

/// Characters that separate the groups of digits of one number as the
/// French write them: spaces (also non-breaking), dots and hyphens.
fn is_digit_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '\u{a0}' | '\u{202f}')
}

/// Phone numbers and SIREN/SIRET-like numbers: runs of digits in groups
/// separated by one separator each, `+33` and `(0)` included.
fn numbers(chars: &[char], author: Option<&AuthorIdentity>) -> Vec<Found> {
    let own: Vec<String> = author
        .map(|a| {
            let digits: String = a.siret.chars().filter(char::is_ascii_digit).collect();
            let siren: String = digits.chars().take(9).collect();
            [digits, siren]
                .into_iter()
                .filter(|d| d.len() >= 9)
                .collect()
        })
        .unwrap_or_default();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_number = chars
            .get(i)
            .is_some_and(|c| c.is_ascii_digit() || *c == '+');
        let after_word = i > 0
            && chars
                .get(i.saturating_sub(1))
                .is_some_and(|c| c.is_alphanumeric() || *c == ',');
        if !starts_number || after_word {
            i = i.saturating_add(1);
            continue;
        }
        let (end, digits) = digit_run(chars, i);
        if end <= i {
            i = i.saturating_add(1);
            continue;
        }
        if let Some(kind) = classify(&digits, chars, end, &own) {
            found.push((i, end, kind));
        }
        i = end;
    }
    found
}

/// From `start`, the digits of one number and where it ends. A hyphen
/// joins short groups only (`04-72-…`, `732-829-320`), so that a CPV code
/// (`72000000-5`), a standard (`13501-1`) or a range of years (`2027-2030`)
/// is not read as one long number.
fn digit_run(chars: &[char], start: usize) -> (usize, String) {
    let mut digits = String::new();
    let mut i = start;
    let mut end = start;
    let mut group = 0usize;
    if chars.get(i) == Some(&'+') {
        digits.push('+');
        i = i.saturating_add(1);
    }
    while let Some(c) = chars.get(i) {
        let next = chars.get(i.saturating_add(1));
        if c.is_ascii_digit() {
            digits.push(*c);
            group = group.saturating_add(1);
            i = i.saturating_add(1);
            end = i;
        } else if *c == '(' && next == Some(&'0') && chars.get(i.saturating_add(2)) == Some(&')') {
            // +33 (0)1 23 45 67 89: the trunk zero in brackets.
            i = i.saturating_add(3);
            group = 0;
        } else if is_digit_separator(*c)
            && next.is_some_and(|n| n.is_ascii_digit() || *n == '(')
            && (*c != '-' || group <= 3)
        {
            i = i.saturating_add(1);
            group = 0;
        } else {
            break;
        }
    }
    (end, digits)
}

fn classify(digits: &str, chars: &[char], end: usize, own: &[String]) -> Option<DisclosureKind> {
    let plain = digits.trim_start_matches('+');
    if own.iter().any(|o| plain.contains(o.as_str())) {
        return Some(DisclosureKind::Siret);
    }
    let international = digits
        .strip_prefix("+33")
        .or_else(|| digits.strip_prefix("0033"));
    if let Some(national) = international {
        let national = national.strip_prefix('0').unwrap_or(national);
        return (national.len() == 9 && !national.starts_with('0'))
            .then_some(DisclosureKind::Phone);
    }
    if digits.starts_with('+') {
        // Another country: as many digits as a phone number has.
        return (8..=15)
            .contains(&plain.len())
            .then_some(DisclosureKind::Phone);
    }
    let bytes = plain.as_bytes();
    if plain.len() == 10 && bytes.first() == Some(&b'0') && bytes.get(1).is_some_and(|d| *d != b'0')
    {
        return Some(DisclosureKind::Phone);
    }
    if plain.len() == 14 {
        return Some(DisclosureKind::Siret);
    }
    // Nine digits that pass the SIREN check, unless they are an amount.
    if plain.len() == 9 && luhn_valid(plain) && !is_amount(chars, end) {
        return Some(DisclosureKind::Siret);
    }
    None
}

/// A number followed by a currency or a unit of money is an amount.
fn is_amount(chars: &[char], end: usize) -> bool {
    let next: String = chars
        .get(end..chars.len().min(end.saturating_add(8)))
        .unwrap_or_default()
        .iter()
        .collect::<String>()
        .trim_start()
        .to_lowercase();
    ["€", "eur", "k€", "m€", "ht", "ttc"]
        .iter()
        .any(|unit| next.starts_with(unit))
}

/// Legal forms, which a company name is written with or without.
const LEGAL_FORMS: &[&str] = &[
    "sa",
    "sas",
    "sasu",
    "sarl",
    "eurl",
    "snc",
    "scop",
    "sca",
    "sci",
    "scs",
    "selarl",
    "selas",
    "ei",
    "eirl",
    "gie",
    "sem",
    "spl",
    "scic",
    "societe",
    "ste",
    "ets",
    "etablissements",
    "groupe",
    "et",
    "cie",
];

/// The words of a text, folded (lowercase, no accents), with where each
/// starts and ends in characters.
fn words(chars: &[char]) -> Vec<(usize, usize, String)> {
    let mut words = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars.get(i).is_some_and(|c| c.is_alphanumeric()) {
            i = i.saturating_add(1);
            continue;
        }
        let start = i;
        while chars.get(i).is_some_and(|c| c.is_alphanumeric()) {
            i = i.saturating_add(1);
        }
        let word: String = chars.get(start..i).unwrap_or_default().iter().collect();
        words.push((start, i, fold(&word)));
    }
    words
}

/// The company's name, whatever its case, accents and legal form
/// ("DUPONT", "Dupont S.A.S." for "Dupont SAS").
fn company_name(chars: &[char], name: &str) -> Vec<Found> {
    let name_chars: Vec<char> = name.chars().collect();
    let name_words: Vec<String> = words(&name_chars).into_iter().map(|(_, _, w)| w).collect();
    // Without its legal form, and without the letters of a dotted one.
    let core: Vec<&str> = name_words
        .iter()
        .map(String::as_str)
        .filter(|w| !LEGAL_FORMS.contains(w) && w.chars().count() > 1)
        .collect();
    if core.is_empty() {
        return Vec::new();
    }
    let text = words(chars);
    let mut found = Vec::new();
    for window in text.windows(core.len()) {
        if window
            .iter()
            .map(|(_, _, w)| w.as_str())
            .eq(core.iter().copied())
            && let (Some(first), Some(last)) = (window.first(), window.last())
        {
            found.push((first.0, last.1, DisclosureKind::CompanyName));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table the browser tests run too, against the wasm build: texts
    /// that must be caught (with what must be found), ordinary technical
    /// texts where nothing may be, and the author they are checked for.
    #[derive(serde::Deserialize)]
    struct Table {
        author: Author,
        caught: Vec<Caught>,
        ordinary: Vec<String>,
    }

    #[derive(serde::Deserialize)]
    struct Author {
        company_name: String,
        siret: String,
        email: String,
    }

    #[derive(serde::Deserialize)]
    struct Caught {
        text: String,
        found: String,
    }

    fn table() -> (Table, AuthorIdentity) {
        let table: Table = serde_json::from_str(include_str!("disclosure_table.json")).unwrap();
        let author = AuthorIdentity {
            company_name: table.author.company_name.clone(),
            siret: table.author.siret.clone(),
            email: table.author.email.clone(),
        };
        (table, author)
    }

    #[test]
    fn every_identifying_text_of_the_table_is_caught() {
        let (table, author) = table();
        let mut missed = Vec::new();
        for Caught {
            text,
            found: expected,
        } in &table.caught
        {
            let found = disclosures(text, Some(&author));
            if !found.iter().any(|s| s.text == *expected) {
                missed.push(format!("{text:?}: expected {expected:?}, found {found:?}"));
            }
        }
        assert!(
            missed.is_empty(),
            "{} missed:\n{}",
            missed.len(),
            missed.join("\n")
        );
        assert!(table.caught.len() >= 40);
    }

    #[test]
    fn ordinary_technical_texts_raise_no_false_alarm() {
        let (table, author) = table();
        let alarms: Vec<String> = table
            .ordinary
            .iter()
            .filter_map(|text| {
                let found = disclosures(text, Some(&author));
                (!found.is_empty()).then(|| format!("{text:?}: {found:?}"))
            })
            .collect();
        assert!(alarms.is_empty(), "false alarms:\n{}", alarms.join("\n"));
        assert!(table.ordinary.len() >= 20);
    }

    #[test]
    fn spans_are_counted_in_characters_and_explained_in_french() {
        let found = disclosures("Écrire à jo@exemple.fr", None);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end), (9, 22));
        assert_eq!(
            found[0].explain(),
            "« jo@exemple.fr » ressemble à une adresse e-mail : retirez-le pour rester anonyme."
        );
    }

    #[test]
    fn without_an_author_only_the_generic_part_applies() {
        assert!(disclosures("Atelier Numérique du Rhône propose", None).is_empty());
        assert_eq!(
            disclosures("Appelez le 06 12 34 56 78", None)[0].kind,
            DisclosureKind::Phone
        );
    }
}
