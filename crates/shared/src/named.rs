//! Enumerations as they travel: one snake_case name per value — the same in
//! JSON, query strings, form values and database columns — and the French
//! label people read. The web app picks and shows values through this trait,
//! never through strings of its own.

pub trait Named: Copy + PartialEq + 'static {
    /// Every value, in the order the UI lists them.
    const ALL: &'static [Self];

    /// The value's name on the wire (`alternative_clause`).
    fn as_str(self) -> &'static str;

    /// How the UI names it.
    fn label_fr(self) -> &'static str;

    fn parse(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == value)
    }
}

/// Declares an enumeration as it travels, with each value's wire name and
/// French label: serde, the OpenAPI schema (feature `openapi`) and the
/// database column (feature `db`) all spell values in snake_case, and
/// `Named` gives the name and the label.
///
/// ```ignore
/// named! {
///     /// What a contribution proposes.
///     pub enum ContributionKind {
///         Solution = "solution": "Solution",
///         Clarification = "clarification": "Demande de précision",
///     }
/// }
/// ```
macro_rules! named {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $wire:literal : $label:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(
            feature = "db",
            sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
        )]
        // snake_case for serde, the schema and the column alike; the test below
        // checks that each `$wire` name spells it so (derive macros do not all
        // read a per-variant name passed through a macro).
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $crate::named::Named for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];

            fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire),+
                }
            }

            fn label_fr(self) -> &'static str {
                match self {
                    $(Self::$variant => $label),+
                }
            }
        }
    };
}
pub(crate) use named;

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::Named;
    use crate::consultation::{
        ConsultationStatus, ContributionKind, ContributionStatus, CostDirection, DecisionKind,
        DocumentFormat, EventAction, TargetKind, Visibility,
    };
    use crate::types::Role;

    fn wire_names_match_serde<T: Named + Serialize + std::fmt::Debug>() {
        for value in T::ALL {
            assert_eq!(
                serde_json::to_value(value).ok(),
                Some(serde_json::Value::String(value.as_str().to_owned()))
            );
            assert_eq!(T::parse(value.as_str()), Some(*value));
            assert!(!value.label_fr().is_empty());
        }
    }

    #[test]
    fn every_named_value_is_spelt_as_serde_spells_it() {
        wire_names_match_serde::<Role>();
        wire_names_match_serde::<ConsultationStatus>();
        wire_names_match_serde::<ContributionKind>();
        wire_names_match_serde::<CostDirection>();
        wire_names_match_serde::<DecisionKind>();
        wire_names_match_serde::<EventAction>();
        wire_names_match_serde::<TargetKind>();
        wire_names_match_serde::<ContributionStatus>();
        wire_names_match_serde::<Visibility>();
        wire_names_match_serde::<DocumentFormat>();
        assert_eq!(ContributionKind::parse("alternative"), None);
    }
}
