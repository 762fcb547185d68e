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

/// Implements `Named`: `named!(Kind { Solution = "solution": "Solution", … });`
macro_rules! named {
    ($ty:ident { $($variant:ident = $name:literal : $label:literal),+ $(,)? }) => {
        impl $crate::named::Named for $ty {
            const ALL: &'static [Self] = &[$(Self::$variant),+];

            fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name),+
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
        ConsultationStatus, ContributionKind, CostDirection, DecisionKind, EventAction,
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
        assert_eq!(ContributionKind::parse("alternative"), None);
    }
}
