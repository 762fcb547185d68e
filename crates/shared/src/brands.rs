//! Brands and processes in a specification. R2111-7 of the code de la
//! commande publique forbids a specification to name a brand, a patent or a
//! particular process that would favour or exclude operators, unless the
//! need cannot be described otherwise, and then followed by "ou
//! équivalent". The editor runs this check as the agent types (this crate
//! compiles to wasm); the server adds the names only one company used.

use serde::{Deserialize, Serialize};

use crate::types::fold;

crate::named::named! {
    /// Why a span of a clause may favour one operator.
    pub enum BrandReason {
        TrademarkSign = "trademark_sign": "Signe de marque (®, ™)",
        BrandWord = "brand_word": "Marque citée",
        Process = "process": "Procédé particulier ou breveté",
        SingleCompany = "single_company": "Nom cité par une seule entreprise",
    }
}

/// A span of a clause, in characters (Unicode scalar values) from the
/// start of the text, end excluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandMention {
    pub reason: BrandReason,
    pub start: u32,
    pub end: u32,
    /// The characters found, as written.
    pub text: String,
}

impl BrandMention {
    /// The French sentence shown to the agent and the buyer.
    pub fn explain(&self) -> String {
        let what = match self.reason {
            BrandReason::TrademarkSign => "porte un signe de marque",
            BrandReason::BrandWord => "cite une marque",
            BrandReason::Process => "désigne un procédé particulier ou breveté",
            BrandReason::SingleCompany => {
                "n'apparaît que dans les contributions d'une seule entreprise"
            }
        };
        format!(
            "« {} » {what} : ajoutez « ou équivalent » ou décrivez le besoin sans le nommer (article R2111-7 du code de la commande publique).",
            self.text
        )
    }
}

struct Word {
    start: usize,
    end: usize,
    written: String,
    folded: String,
    sentence: usize,
}

impl Word {
    fn capitalised(&self) -> bool {
        self.written.chars().next().is_some_and(char::is_uppercase)
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '®' | '™' | '-' | '_')
}

/// A full stop ends a sentence only before a space or the end ("3.2" and
/// "v2.1" do not).
fn ends_sentence(c: char, next: Option<char>) -> bool {
    matches!(c, ';' | '!' | '?' | '\n') || (c == '.' && next.is_none_or(char::is_whitespace))
}

fn words(text: &str) -> Vec<Word> {
    let chars: Vec<char> = text.chars().collect();
    let mut words = Vec::new();
    let mut sentence = 0;
    let mut current: Option<usize> = None;
    for (i, c) in chars.iter().copied().enumerate() {
        if is_word_char(c) {
            current.get_or_insert(i);
            continue;
        }
        if let Some(start) = current.take() {
            words.push(word(&chars, start, i, sentence));
        }
        if ends_sentence(c, chars.get(i.saturating_add(1)).copied()) {
            sentence = sentence.saturating_add(1);
        }
    }
    if let Some(start) = current {
        words.push(word(&chars, start, chars.len(), sentence));
    }
    words
}

fn word(chars: &[char], start: usize, end: usize, sentence: usize) -> Word {
    let written: String = chars.get(start..end).unwrap_or_default().iter().collect();
    let trimmed = written.trim_matches(|c| c == '-' || c == '_').to_owned();
    Word {
        start,
        end,
        folded: fold(&trimmed),
        written,
        sentence,
    }
}

/// Sentences that say "ou équivalent" (or équivalente, équivalents…).
fn excused_sentences(words: &[Word]) -> Vec<usize> {
    words
        .windows(2)
        .filter_map(|pair| match pair {
            [ou, eq] if ou.folded == "ou" && eq.folded.starts_with("equivalent") => {
                Some(ou.sentence)
            }
            _ => None,
        })
        .collect()
}

/// The brands, processes and `names` (folded single words only one company
/// used) a clause mentions without "ou équivalent" in the same sentence.
pub fn brand_mentions(text: &str, names: &[String]) -> Vec<BrandMention> {
    let words = words(text);
    let excused = excused_sentences(&words);
    let mut found: Vec<(BrandReason, usize, usize)> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if excused.contains(&w.sentence) {
            continue;
        }
        let previous = i.checked_sub(1).and_then(|p| words.get(p));
        let next = words
            .get(i.saturating_add(1))
            .filter(|n| n.sentence == w.sentence);
        let named_next = next.filter(|n| n.capitalised());
        let hit = if w.written.contains(['®', '™']) {
            // "Windows ®": the sign alone names the word before it.
            let start = match previous {
                Some(p) if w.folded.chars().all(|c| matches!(c, '®' | '™')) => p.start,
                _ => w.start,
            };
            Some((BrandReason::TrademarkSign, start, w.end))
        } else if matches!(w.folded.as_str(), "marque" | "marques") {
            named_next.map(|n| (BrandReason::BrandWord, w.start, n.end))
        } else if matches!(w.folded.as_str(), "procede" | "procedes") {
            named_next.map(|n| (BrandReason::Process, w.start, n.end))
        } else if w.folded.starts_with("brevet") || w.folded == "proprietaire" {
            Some((BrandReason::Process, w.start, w.end))
        } else if names.contains(&w.folded) {
            Some((BrandReason::SingleCompany, w.start, w.end))
        } else {
            None
        };
        if let Some((reason, start, end)) = hit {
            match found.last_mut() {
                Some(last) if start < last.2 => last.2 = last.2.max(end),
                _ => found.push((reason, start, end)),
            }
        }
    }
    let chars: Vec<char> = text.chars().collect();
    found
        .into_iter()
        .map(|(reason, start, end)| BrandMention {
            reason,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
            text: chars.get(start..end).unwrap_or_default().iter().collect(),
        })
        .collect()
}

/// Words that look like a name (a capital inside a sentence, capitals
/// throughout, or letters and digits mixed: "Dell", "HPE", "T14s"), folded;
/// the candidates for `brand_mentions`' names. Common acronyms of public
/// procurement are no one's brand.
pub fn name_like_words(text: &str) -> Vec<String> {
    const COMMON: &[&str] = &[
        "iso",
        "nf",
        "en",
        "ce",
        "rgpd",
        "tva",
        "ht",
        "ttc",
        "cctp",
        "ccap",
        "pme",
        "sla",
        "gti",
        "gtr",
        "anssi",
        "rgaa",
        "rgs",
        "ugap",
        "pfra",
        "cpv",
        "siret",
        "siren",
        "afnor",
        "ue",
        "entreprise",
        "etat",
        "france",
    ];
    let words = words(text);
    let mut names: Vec<String> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let first_of_sentence = i == 0
            || words
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.sentence != w.sentence);
        let letters = w.written.chars().filter(|c| c.is_alphabetic()).count();
        let mixed = letters > 0 && w.written.chars().any(|c| c.is_ascii_digit());
        let capitals = letters >= 2
            && w.written
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase);
        let looks_named = (w.capitalised() && !first_of_sentence) || capitals || mixed;
        if looks_named
            && w.folded.chars().count() >= 3
            && !COMMON.contains(&w.folded.as_str())
            && !names.contains(&w.folded)
        {
            names.push(w.folded.clone());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(text: &str, names: &[&str]) -> Vec<(BrandReason, String)> {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        brand_mentions(text, &names)
            .into_iter()
            .map(|m| (m.reason, m.text))
            .collect()
    }

    #[test]
    fn a_trademark_sign_is_flagged_unless_ou_equivalent_follows() {
        assert_eq!(
            reasons("Les postes sont de marque Fenix® uniquement.", &[]),
            vec![(BrandReason::BrandWord, "marque Fenix®".to_owned())]
        );
        assert!(reasons("Les postes sont de marque Fenix® ou équivalent.", &[]).is_empty());
        assert_eq!(
            reasons("Licences Windows ™ fournies.", &[]),
            vec![(BrandReason::TrademarkSign, "Windows ™".to_owned())]
        );
    }

    #[test]
    fn the_excuse_holds_only_in_its_own_sentence() {
        let flagged = reasons(
            "Un logiciel Orbis® est requis. Un antivirus ou équivalent suffit.",
            &[],
        );
        assert_eq!(
            flagged,
            vec![(BrandReason::TrademarkSign, "Orbis®".to_owned())]
        );
    }

    #[test]
    fn processes_and_patents_are_flagged() {
        assert_eq!(
            reasons("Nettoyage selon le procédé Hydrex breveté.", &[]),
            vec![
                (BrandReason::Process, "procédé Hydrex".to_owned()),
                (BrandReason::Process, "breveté".to_owned())
            ]
        );
        assert!(reasons("Le procédé retenu est décrit au 3.2.", &[]).is_empty());
    }

    #[test]
    fn a_name_only_one_company_used_is_flagged_in_any_case() {
        assert_eq!(
            reasons("Supervision par la console NEXORA.", &["nexora"]),
            vec![(BrandReason::SingleCompany, "NEXORA".to_owned())]
        );
    }

    #[test]
    fn ordinary_technical_text_is_not_flagged() {
        for text in [
            "Le titulaire respecte la norme ISO 27001 et la clause 3.2.",
            "Les matériaux sont classés A2-s1,d0 selon NF EN 13501-1.",
            "Le prix est de 1 200 € HT par an.",
            "Une marque de fabrique lisible figure sur chaque poste.",
        ] {
            assert!(reasons(text, &[]).is_empty(), "{text}");
        }
    }

    /// Clauses of real CCTPs that must be flagged, and ordinary ones that
    /// must not: the table the note reports on.
    const FLAGGED: &[&str] = &[
        "Les postes sont de marque Dell exclusivement.",
        "Le logiciel de messagerie est Microsoft Outlook® en version 2021.",
        "Les copieurs fournis sont des Ricoh™ MP 2555.",
        "Le revêtement est posé selon le procédé Sikaflex sur toute la surface.",
        "La solution de sauvegarde utilise une technologie propriétaire de déduplication.",
        "Le système de contrôle d'accès est breveté par le fabricant.",
        "Les serrures sont de marque Vachette, sans autre possibilité.",
        "Nettoyage des vitres par procédé Osmoclean.",
        "Le pare-feu est un Fortinet® FortiGate 100F.",
        "La console Nexora assure la supervision des postes.",
        "Les écrans de marque Iiyama sont fixés sur bras articulés.",
        "Le traitement de l'air suit le procédé breveté Airclean.",
    ];
    const ORDINARY: &[&str] = &[
        "Le titulaire respecte la norme ISO 27001.",
        "Les matériaux sont classés A2-s1,d0 selon la norme NF EN 13501-1.",
        "Le prix est ferme et non révisable : 1 200 € HT par an.",
        "Une marque de fabrique lisible figure sur chaque poste.",
        "Les postes sont de marque Dell ou équivalent.",
        "Le logiciel de messagerie est Microsoft Outlook® ou équivalent.",
        "Le procédé retenu est décrit à la clause 3.2.",
        "Le titulaire intervient sous 4 heures ouvrées, du lundi au vendredi.",
        "Les interventions ont lieu sur les deux sites de la préfecture à Lyon.",
        "La prestation débute le 1er janvier 2027 pour une durée de 4 ans.",
        "Le titulaire fournit un rapport mensuel conforme au RGPD.",
        "Les déchets sont traités conformément à l'article L541-1 du code de l'environnement.",
        "Une astreinte téléphonique est assurée le samedi de 8 h à 12 h.",
        "Les matériels sont conformes au référentiel RGAA 4.1.",
        "La solution de supervision signale les pannes avant qu'elles ne surviennent.",
    ];

    #[test]
    fn the_table_of_clauses_is_flagged_without_a_miss_or_a_false_alarm() {
        let names = vec!["nexora".to_owned()];
        let missed: Vec<&str> = FLAGGED
            .iter()
            .copied()
            .filter(|t| brand_mentions(t, &names).is_empty())
            .collect();
        let false_alarms: Vec<&str> = ORDINARY
            .iter()
            .copied()
            .filter(|t| !brand_mentions(t, &names).is_empty())
            .collect();
        assert_eq!((missed, false_alarms), (vec![], vec![]));
    }

    #[test]
    fn names_are_capitalised_words_inside_a_sentence_capitals_or_models() {
        assert_eq!(
            name_like_words("Nous proposons la console Nexora et des HPE T14s. Le reste ISO."),
            vec!["nexora", "hpe", "t14s"]
        );
    }

    #[test]
    fn spans_count_characters_not_bytes() {
        let m = brand_mentions("Équipé d'un écran Lumio®.", &[]);
        assert_eq!((m[0].start, m[0].end), (18, 24));
    }
}
