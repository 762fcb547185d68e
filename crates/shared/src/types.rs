//! Business values that can only exist once parsed and validated.
//!
//! Each `parse` returns the French message a person sees next to the field,
//! so the API and the web app reject the same input with the same words.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::reference;

/// Why a value was refused: a machine code and a French message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub code: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    fn required() -> Self {
        Self::new("required", "Ce champ est obligatoire.")
    }
}

/// Characters no text of the dialogue may hold: control characters other
/// than line breaks and tabs (NUL among them, which PostgreSQL refuses), and
/// the invisible format characters that change how a text reads without
/// showing (bidirectional overrides, zero-width spaces and joiners, BOM).
fn is_forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Every free text as stored: without forbidden characters (refused, named
/// by their code point), line breaks as `\n`, in Unicode NFC, so that the
/// same words typed on two systems compare and search alike.
pub fn plain_text(input: &str) -> Result<String, Invalid> {
    use unicode_normalization::UnicodeNormalization;
    if let Some(c) = input.chars().find(|c| is_forbidden(*c)) {
        return Err(Invalid::new(
            "invisible_character",
            format!(
                "Ce texte contient un caractère invisible ou de contrôle (U+{:04X}) : retirez-le, par exemple en le retapant.",
                u32::from(c)
            ),
        ));
    }
    Ok(input.replace("\r\n", "\n").nfc().collect())
}

/// Words typed into a search box, as stored text would hold them: the
/// forbidden characters dropped (no stored text holds them, and a pasted
/// zero-width space must not hide a match), in NFC.
pub fn search_text(input: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    input.chars().filter(|c| !is_forbidden(*c)).nfc().collect()
}

/// Lowercase, accents removed, `œ`/`æ` spelled out: `Sécurité` → `securite`;
/// how searches and the anonymity guard compare words.
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .replace('œ', "oe")
        .replace('æ', "ae")
}

/// What a search in consultations reads of one: its title, then its
/// summary, folded. Stored with each (migration 16), so that a search
/// compares folded words with folded text, alike on both databases.
pub fn consultation_search_text(title: &str, summary: &str) -> String {
    fold(&format!("{title}\n{summary}"))
}

/// A French establishment number: 14 digits whose Luhn checksum holds,
/// except for La Poste (SIREN 356 000 000), whose establishments are valid
/// when the sum of their digits is a multiple of 5.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Siret(String);

const LA_POSTE_SIREN: &str = "356000000";

impl Siret {
    /// Accepts the digits with or without the usual spaces (`732 829 320 00074`).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.is_empty() {
            return Err(Invalid::required());
        }
        if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new(
                "format",
                "Le numéro SIRET doit comporter exactement 14 chiffres.",
            ));
        }
        let valid = if digits.starts_with(LA_POSTE_SIREN) {
            digit_values(&digits).sum::<u32>().is_multiple_of(5)
        } else {
            luhn_valid(&digits)
        };
        if !valid {
            return Err(Invalid::new(
                "checksum",
                "Le numéro SIRET n'est pas valide (clé de contrôle incorrecte).",
            ));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SIREN: the company part of the number.
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }
}

fn digit_values(digits: &str) -> impl DoubleEndedIterator<Item = u32> + '_ {
    // Callers pass ASCII digits only; anything else counts as 0.
    digits.chars().map(|c| c.to_digit(10).unwrap_or(0))
}

/// Luhn checksum over a string of ASCII digits.
pub fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digit_values(digits)
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                // A digit doubled is at most 18: neither operation can overflow.
                let doubled = d.saturating_mul(2);
                if doubled > 9 {
                    doubled.saturating_sub(9)
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

impl fmt::Display for Siret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One of the 45 two-digit divisions of the CPV 2008.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CpvDivision(String);

impl CpvDivision {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = input.trim();
        if code.is_empty() {
            return Err(Invalid::required());
        }
        match reference::cpv_division_label(code) {
            Some(_) => Ok(Self(code.to_owned())),
            None => Err(Invalid::new(
                "unknown",
                format!("« {code} » n'est pas une division CPV connue (deux chiffres, ex. 72)."),
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn label(&self) -> &'static str {
        reference::cpv_division_label(&self.0).unwrap_or_default()
    }
}

/// One of the 101 French départements (INSEE code, `2A`/`2B`, `971`–`976`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Departement(String);

impl Departement {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(Invalid::required());
        }
        match reference::departement_name(&code) {
            Some(_) => Ok(Self(code)),
            None => Err(Invalid::new(
                "unknown",
                format!("« {code} » n'est pas un code de département connu (ex. 69, 2A, 974)."),
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn name(&self) -> &'static str {
        reference::departement_name(&self.0).unwrap_or_default()
    }
}

/// An e-mail address, trimmed and lower-cased so that one person has one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

pub const EMAIL_MAX_LEN: usize = 254;

impl Email {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err(Invalid::required());
        }
        if email.chars().count() > EMAIL_MAX_LEN {
            return Err(Invalid::new(
                "too_long",
                format!("L'adresse e-mail ne peut pas dépasser {EMAIL_MAX_LEN} caractères."),
            ));
        }
        let well_formed = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !email.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if !well_formed {
            return Err(Invalid::new(
                "format",
                "L'adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr).",
            ));
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the policy; never serialised.
#[derive(Clone)]
pub struct Password(String);

pub const PASSWORD_MIN_LEN: usize = 12;
pub const PASSWORD_MAX_LEN: usize = 128;

impl Password {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let len = input.chars().count();
        if len == 0 {
            return Err(Invalid::required());
        }
        if len < PASSWORD_MIN_LEN {
            return Err(Invalid::new(
                "too_short",
                format!("Le mot de passe doit comporter au moins {PASSWORD_MIN_LEN} caractères."),
            ));
        }
        if len > PASSWORD_MAX_LEN {
            return Err(Invalid::new(
                "too_long",
                format!("Le mot de passe ne peut pas dépasser {PASSWORD_MAX_LEN} caractères."),
            ));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A short human-readable name (company or person), trimmed, 2 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DisplayName(String);

pub const DISPLAY_NAME_MAX_LEN: usize = 200;

impl DisplayName {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let name = plain_text(input.trim())?;
        let name = name.as_str();
        let len = name.chars().count();
        if len == 0 {
            return Err(Invalid::required());
        }
        if len < 2 {
            return Err(Invalid::new(
                "too_short",
                "Le nom doit comporter au moins 2 caractères.",
            ));
        }
        if len > DISPLAY_NAME_MAX_LEN {
            return Err(Invalid::new(
                "too_long",
                format!("Le nom ne peut pas dépasser {DISPLAY_NAME_MAX_LEN} caractères."),
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::named::named! {
    /// What a person may do on JeSaisFaire.
    pub enum Role {
        /// State agent: writes draft CCTPs and runs the dialogue.
        Agent = "agent": "Agent de l'État",
        /// Company (PME): reads drafts and contributes.
        Company = "company": "Entreprise",
        /// Buyer of the regional platform (PFRA): approves publication.
        Buyer = "buyer": "Acheteur PFRA",
        /// Administrator: manages accounts.
        Admin = "admin": "Administrateur",
    }
}

crate::named::named! {
    /// The roles an administrator gives: companies register themselves.
    pub enum StaffRole {
        Agent = "agent": "Agent de l'État",
        Buyer = "buyer": "Acheteur PFRA",
        Admin = "admin": "Administrateur",
    }
}

impl From<StaffRole> for Role {
    fn from(role: StaffRole) -> Self {
        match role {
            StaffRole::Agent => Self::Agent,
            StaffRole::Buyer => Self::Buyer,
            StaffRole::Admin => Self::Admin,
        }
    }
}

impl Role {
    /// The State's side of the dialogue (agents, PFRA buyers, administrators),
    /// as opposed to companies.
    pub fn is_staff(self) -> bool {
        !matches!(self, Self::Company)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_control_characters_are_refused_and_text_is_stored_in_nfc() {
        for bad in [
            "nul\0",
            "droite\u{202E}gauche",
            "zéro\u{200B}largeur",
            "bom\u{FEFF}",
            "bell\u{7}",
        ] {
            let refused = plain_text(bad).unwrap_err();
            assert_eq!(refused.code, "invisible_character", "{bad:?}");
            assert!(refused.message.contains("U+"));
        }
        // "é" typed as e + combining acute becomes one character.
        assert_eq!(plain_text("e\u{301}t\u{e9}").unwrap(), "\u{e9}t\u{e9}");
        assert_eq!(
            plain_text("ligne 1\r\nligne 2\tfin").unwrap(),
            "ligne 1\nligne 2\tfin"
        );
    }

    /// Completes 13 digits with the Luhn check digit.
    fn with_check_digit(prefix: &str) -> String {
        (0..10)
            .map(|d| format!("{prefix}{d}"))
            .find(|candidate| luhn_valid(candidate))
            .unwrap()
    }

    #[test]
    fn a_siret_with_a_valid_luhn_key_is_accepted_with_or_without_spaces() {
        let siret = with_check_digit("7328293200007");
        assert_eq!(Siret::parse(&siret).unwrap().as_str(), siret);
        let spaced = format!(
            "{} {} {} {}",
            &siret[..3],
            &siret[3..6],
            &siret[6..9],
            &siret[9..]
        );
        assert_eq!(Siret::parse(&spaced).unwrap().as_str(), siret);
    }

    #[test]
    fn a_siret_with_a_wrong_key_is_refused_as_a_checksum_error() {
        let valid = with_check_digit("1234567890123");
        let last = valid.as_bytes()[13] - b'0';
        let wrong = format!("{}{}", &valid[..13], (last + 1) % 10);
        assert_eq!(Siret::parse(&wrong).unwrap_err().code, "checksum");
    }

    #[test]
    fn a_siret_of_the_wrong_length_or_with_letters_is_a_format_error() {
        assert_eq!(Siret::parse("1234").unwrap_err().code, "format");
        assert_eq!(Siret::parse("1234567890123A").unwrap_err().code, "format");
        assert_eq!(Siret::parse("  ").unwrap_err().code, "required");
    }

    #[test]
    fn la_poste_establishments_follow_the_sum_of_digits_rule() {
        // 35600000000048 is La Poste's head office; sum of digits = 3+5+6+4+8 = 26 → no.
        // The rule is "sum divisible by 5": 356000000 + 12345 → 3+5+6+1+2+3+4+5 = 29 → no,
        // 356000000 + 12346 → 30 → yes, even though its Luhn key is wrong.
        assert!(!luhn_valid("35600000012346"));
        assert!(Siret::parse("35600000012346").is_ok());
        assert_eq!(Siret::parse("35600000012345").unwrap_err().code, "checksum");
    }

    #[test]
    fn cpv_divisions_and_departements_come_from_the_reference_lists() {
        assert_eq!(CpvDivision::parse("72").unwrap().as_str(), "72");
        assert!(
            CpvDivision::parse("72")
                .unwrap()
                .label()
                .contains("logiciels")
        );
        assert_eq!(CpvDivision::parse("99").unwrap_err().code, "unknown");
        assert_eq!(Departement::parse("2a").unwrap().as_str(), "2A");
        assert_eq!(Departement::parse("974").unwrap().name(), "La Réunion");
        assert_eq!(Departement::parse("20").unwrap_err().code, "unknown");
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Jeanne.Martin@Exemple.FR ")
                .unwrap()
                .as_str(),
            "jeanne.martin@exemple.fr"
        );
        for bad in [
            "jeanne",
            "jeanne@",
            "@exemple.fr",
            "a@b",
            "a b@c.fr",
            "a@b@c.fr",
        ] {
            assert_eq!(Email::parse(bad).unwrap_err().code, "format", "{bad}");
        }
    }

    #[test]
    fn passwords_need_twelve_characters_and_allow_at_least_sixty_four() {
        assert_eq!(Password::parse("court").unwrap_err().code, "too_short");
        assert!(Password::parse("douze-caract").is_ok());
        assert!(Password::parse(&"x".repeat(64)).is_ok());
        assert_eq!(
            Password::parse(&"x".repeat(129)).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn every_role_but_companies_is_staff() {
        assert!(Role::Agent.is_staff() && Role::Buyer.is_staff() && Role::Admin.is_staff());
        assert!(!Role::Company.is_staff());
    }
}
