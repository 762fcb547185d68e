//! The rule every free text of the dialogue follows: trimmed, bounded, and
//! present when required.

use shared::auth::Validator;
use shared::types::Invalid;

pub fn text(value: &str, max: usize, required: bool) -> Result<String, Invalid> {
    let trimmed = value.trim();
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
