//! Enumerations stored in the database: the values the migration guards are
//! exactly those of the Rust enums, and the database refuses any other.

use jesaisfaire_api::domain::consultations::Phase;
use migration::{ENUMERATION_COLUMNS, EVENT_ACTIONS, REPLY_AUDIENCES};
use sea_orm::{ActiveEnum, ConnectionTrait, Iterable};
use shared::consultation::{
    ContributionKind, ContributionStatus, CostDirection, DecisionKind, EventAction, ReplyAudience,
    TargetKind, Visibility,
};
use shared::types::Role;

use crate::db_test;
use crate::helpers::TestApp;

fn values<E: ActiveEnum<Value = String> + Iterable>() -> Vec<String> {
    E::iter().map(|v| v.to_value()).collect()
}

fn guarded(table: &str, column: &str) -> Vec<String> {
    ENUMERATION_COLUMNS
        .iter()
        .find(|(t, c, _)| *t == table && *c == column)
        .map(|(_, _, values)| values.iter().map(|v| (*v).to_owned()).collect())
        .unwrap_or_else(|| panic!("{table}.{column} is not guarded"))
}

#[test]
fn the_guarded_values_are_those_of_the_rust_enumerations() {
    let expected = [
        ("users", "role", values::<Role>()),
        ("consultations", "visibility", values::<Visibility>()),
        ("consultations", "phase", values::<Phase>()),
        ("contributions", "target_kind", values::<TargetKind>()),
        ("contributions", "kind", values::<ContributionKind>()),
        ("contributions", "cost_direction", values::<CostDirection>()),
        ("contributions", "status", values::<ContributionStatus>()),
        ("contributions", "decision", values::<DecisionKind>()),
    ];
    assert_eq!(expected.len(), ENUMERATION_COLUMNS.len() - 1);
    for (table, column, values) in expected {
        assert_eq!(guarded(table, column), values, "{table}.{column}");
    }
    // Widened by the fair-dialogue migration, or added by it.
    let owned = |values: &[&str]| values.iter().map(|v| (*v).to_owned()).collect::<Vec<_>>();
    assert_eq!(owned(EVENT_ACTIONS), values::<EventAction>());
    assert_eq!(owned(REPLY_AUDIENCES), values::<ReplyAudience>());
}

#[test]
fn the_database_values_are_the_wire_values() {
    // The API and the database spell every value the same way, so a filter
    // in a URL and a stored value never need translating.
    for kind in ContributionKind::iter() {
        assert_eq!(
            serde_json::to_value(kind).unwrap(),
            serde_json::Value::String(kind.to_value())
        );
    }
    for action in EventAction::iter() {
        assert_eq!(
            serde_json::to_value(action).unwrap(),
            serde_json::Value::String(action.to_value())
        );
    }
}

async fn the_database_refuses_a_value_outside_an_enumeration(app: TestApp) {
    app.create_staff("agent", "agent@exemple.gouv.fr").await;
    let conn = app.db.conn();
    let set_role = |role: &str| {
        format!("UPDATE users SET role = '{role}' WHERE email = 'agent@exemple.gouv.fr'")
    };
    assert!(conn.execute_unprepared(&set_role("emperor")).await.is_err());
    conn.execute_unprepared(&set_role("buyer")).await.unwrap();
    let insert = |role: &str| {
        format!(
            "INSERT INTO users (id, email, password_hash, role, display_name, created_at) \
             VALUES ('{}', 'x{role}@exemple.fr', 'h', '{role}', 'X', '2026-01-01T00:00:00Z')",
            uuid::Uuid::new_v4()
        )
    };
    assert!(conn.execute_unprepared(&insert("superuser")).await.is_err());
    conn.execute_unprepared(&insert("admin")).await.unwrap();
}
db_test!(the_database_refuses_a_value_outside_an_enumeration);
