//! The rule every free text of the dialogue follows: trimmed, without
//! invisible or control characters, in NFC, bounded, and present when
//! required.

use shared::auth::Validator;
use shared::types::{Invalid, fold, plain_text, search_text};

pub fn text(value: &str, max: usize, required: bool) -> Result<String, Invalid> {
    let clean = plain_text(value.trim())?;
    let trimmed = clean.as_str();
    if required && trimmed.is_empty() {
        return Err(Invalid {
            code: "required",
            message: "Ce champ est obligatoire.".into(),
        });
    }
    if trimmed.chars().count() > max {
        return Err(Invalid {
            code: "too_long",
            message: format!("Ce texte ne peut pas dépasser {max} caractères."),
        });
    }
    Ok(trimmed.to_owned())
}

/// Replaces a text by its trimmed form when valid, records the error otherwise.
pub fn text_in_place(
    v: &mut Validator,
    field: &str,
    value: &mut String,
    max: usize,
    required: bool,
) {
    if let Some(valid) = v.field(field, text(value, max, required)) {
        *value = valid;
    }
}

/// Search words of a query string, cleaned as stored text is (see
/// `search_text`): any words are a valid search.
pub fn search_words<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let value: Option<String> = serde::Deserialize::deserialize(deserializer)?;
    Ok(value.map(|v| search_text(&v)))
}

/// A title as a file name part: `Maintenance des équipements` →
/// `maintenance-des-equipements`, at most 60 characters.
pub fn slug(title: &str) -> String {
    let folded = fold(title);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut slug = String::new();
    for word in words {
        if slug.len().saturating_add(word.len()) >= 60 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.is_empty() {
        "consultation".to_owned()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slug_keeps_ascii_words_of_the_title() {
        assert_eq!(
            slug("Maintenance des équipements — Préfecture (Rhône)"),
            "maintenance-des-equipements-prefecture-rhone"
        );
        assert_eq!(slug("« »"), "consultation");
        assert!(slug(&"mot ".repeat(100)).len() < 60);
    }
}
