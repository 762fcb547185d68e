//! Reference lists embedded in the binary: the CPV 2008 divisions and the
//! French départements, with their official French labels.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

const CPV_DIVISIONS_CSV: &str = include_str!("../data/cpv-divisions.csv");
const DEPARTEMENTS_CSV: &str = include_str!("../data/departements.csv");

/// A CPV division and its French label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CpvDivisionEntry {
    #[cfg_attr(feature = "openapi", schema(example = "72"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "Services de technologies de l'information, conseil, développement de logiciels, internet et appui"
        )
    )]
    pub label: String,
}

/// A full CPV 2008 code (with its check digit) and its French label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CpvCodeEntry {
    #[cfg_attr(feature = "openapi", schema(example = "72260000-5"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Services relatifs aux logiciels")
    )]
    pub label: String,
}

/// A département and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartementEntry {
    #[cfg_attr(feature = "openapi", schema(example = "2A"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "Corse-du-Sud"))]
    pub name: String,
}

pub static CPV_DIVISIONS: LazyLock<Vec<CpvDivisionEntry>> = LazyLock::new(|| {
    parse_two_columns(CPV_DIVISIONS_CSV)
        .map(|(code, label)| CpvDivisionEntry { code, label })
        .collect()
});

pub static DEPARTEMENTS: LazyLock<Vec<DepartementEntry>> = LazyLock::new(|| {
    parse_two_columns(DEPARTEMENTS_CSV)
        .map(|(code, name)| DepartementEntry { code, name })
        .collect()
});

pub fn cpv_division_label(code: &str) -> Option<&'static str> {
    CPV_DIVISIONS
        .iter()
        .find(|d| d.code == code)
        .map(|d| d.label.as_str())
}

pub fn departement_name(code: &str) -> Option<&'static str> {
    DEPARTEMENTS
        .iter()
        .find(|d| d.code == code)
        .map(|d| d.name.as_str())
}

/// Reads `code,label` rows after the header; the label may be double-quoted
/// (it then contains commas) with `""` for a literal quote.
pub fn parse_two_columns(csv: &'static str) -> impl Iterator<Item = (String, String)> {
    csv.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .filter_map(|line| {
            let (code, rest) = line.split_once(',')?;
            let label = match rest.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                Some(quoted) => quoted.replace("\"\"", "\""),
                None => rest.to_owned(),
            };
            Some((code.trim().to_owned(), label.trim().to_owned()))
        })
}

/// Who runs this instance: the facts its legal pages state. Each is set by
/// the deployment (environment variables); an unset one is `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "publisher": "Préfecture du Rhône, 106 rue Pierre Corneille, 69003 Lyon",
    "publication_director": "Le préfet du Rhône",
    "host": "Ministère de l'Intérieur, centre serveur de Lognes",
    "contact": "sourcing@rhone.gouv.fr",
    "data_protection_officer": "dpd@interieur.gouv.fr"
})))]
pub struct DeploymentDto {
    /// Éditeur: the service that runs the instance, with its address.
    pub publisher: Option<String>,
    pub publication_director: Option<String>,
    /// Hébergeur, with its address.
    pub host: Option<String>,
    /// Where people report a problem (accessibility, questions).
    pub contact: Option<String>,
    /// Délégué à la protection des données.
    pub data_protection_officer: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_lists_hold_the_45_divisions_and_the_101_departements() {
        assert_eq!(CPV_DIVISIONS.len(), 45);
        assert_eq!(DEPARTEMENTS.len(), 101);
        assert!(DEPARTEMENTS.iter().any(|d| d.code == "2B"));
        assert!(DEPARTEMENTS.iter().any(|d| d.code == "976"));
        assert!(
            CPV_DIVISIONS
                .iter()
                .all(|d| d.code.len() == 2 && !d.label.starts_with('"'))
        );
    }
}
