//! The consultation state machine.
//!
//! ```text
//!  Draft ──open round 1──▶ Dialogue ──request publication──▶ AwaitingApproval ──approve──▶ Published
//!                          ▲  │ open round N                        │
//!                          │  └──▶ itself                           │
//!                          └──────────── changes requested ─────────┘
//!  Draft, Dialogue, AwaitingApproval ──abandon──▶ Abandoned
//! ```
//!
//! `Phase::allows` holds exactly these arrows; `move_to` is the only way along them.
//!
//! The stored `Phase` says where the consultation stands; whether a round is
//! open depends on the clock, so the status shown to people (`InDialogue` or
//! `BetweenRounds`) is computed from the phase and the latest round.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DeriveActiveEnum, EnumIter,
    IntoActiveModel, Set,
};
use shared::consultation::{ConsultationStatus, RoundDto};

use crate::entities::{consultation, round};
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum Phase {
    /// The agent writes the CCTP; companies do not see it yet.
    Draft,
    /// At least one round was opened; rounds open and close in turn.
    Dialogue,
    /// The agent asked the PFRA buyer to approve publication; the draft is frozen.
    AwaitingApproval,
    /// Approved: the final revision is frozen and leaves the tool.
    Published,
    /// Given up by its agent.
    Abandoned,
}

impl Phase {
    /// Whether the working draft may still change.
    pub fn ensure_editable(self) -> Result<(), ApiError> {
        match self {
            Self::Draft | Self::Dialogue => Ok(()),
            Self::AwaitingApproval => Err(ApiError::Conflict(
                "La publication est demandée : le brouillon est figé jusqu'à la décision de l'acheteur.".into(),
            )),
            Self::Published | Self::Abandoned => Err(ApiError::Conflict(
                "Cette consultation est close : son CCTP ne peut plus changer.".into(),
            )),
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, Self::Published | Self::Abandoned)
    }

    /// The arrows of the state machine above.
    fn allows(self, next: Phase) -> bool {
        use Phase::{Abandoned, AwaitingApproval, Dialogue, Draft, Published};
        matches!(
            (self, next),
            (Draft | Dialogue, Dialogue)
                | (Dialogue, AwaitingApproval)
                | (AwaitingApproval, Published | Dialogue)
                | (Draft | Dialogue | AwaitingApproval, Abandoned)
        )
    }
}

/// The one place a consultation changes phase. Callers check the business
/// conditions (and answer the person why not); reaching here with an arrow
/// the state machine lacks is a bug, logged as such.
pub async fn move_to(
    conn: &impl ConnectionTrait,
    current: consultation::Model,
    next: Phase,
    now: DateTime<Utc>,
) -> Result<consultation::Model, ApiError> {
    if !current.phase.allows(next) {
        return Err(ApiError::Unexpected(anyhow::anyhow!(
            "consultation {} cannot go from {:?} to {next:?}",
            current.id,
            current.phase
        )));
    }
    let mut model = current.into_active_model();
    model.phase = Set(next);
    model.updated_at = Set(now);
    Ok(model.update(conn).await?)
}

/// A round takes contributions until its deadline, unless the agent closed
/// it early. `status_condition` reads the same rule from the latest such
/// deadline, which the database keeps on the consultation (migration 15).
pub fn is_open(round: &round::Head, now: DateTime<Utc>) -> bool {
    round.closed_early_at.is_none() && round.closes_at > now
}

/// The status people see, from the phase and the latest round.
pub fn status(phase: Phase, latest: Option<&RoundDto>) -> ConsultationStatus {
    match phase {
        Phase::Draft => ConsultationStatus::Draft,
        Phase::AwaitingApproval => ConsultationStatus::AwaitingApproval,
        Phase::Published => ConsultationStatus::Published,
        Phase::Abandoned => ConsultationStatus::Abandoned,
        Phase::Dialogue if latest.is_some_and(|r| r.is_open) => ConsultationStatus::InDialogue,
        Phase::Dialogue => ConsultationStatus::BetweenRounds,
    }
}

/// The same rule as `status`, as a condition on the consultations table.
pub fn status_condition(status: ConsultationStatus, now: DateTime<Utc>) -> Condition {
    use consultation::Column::OpenRoundUntil;
    let phase = |p: Phase| Condition::all().add(consultation::Column::Phase.eq(p));
    match status {
        ConsultationStatus::Draft => phase(Phase::Draft),
        ConsultationStatus::AwaitingApproval => phase(Phase::AwaitingApproval),
        ConsultationStatus::Published => phase(Phase::Published),
        ConsultationStatus::Abandoned => phase(Phase::Abandoned),
        ConsultationStatus::InDialogue => phase(Phase::Dialogue).add(OpenRoundUntil.gt(now)),
        ConsultationStatus::BetweenRounds => phase(Phase::Dialogue).add(
            Condition::any()
                .add(OpenRoundUntil.is_null())
                .add(OpenRoundUntil.lte(now)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::Phase::{self, Abandoned, AwaitingApproval, Dialogue, Draft, Published};

    #[test]
    fn the_state_machine_has_exactly_its_arrows() {
        let all = [Draft, Dialogue, AwaitingApproval, Published, Abandoned];
        let arrows: Vec<(Phase, Phase)> = all
            .iter()
            .flat_map(|from| all.iter().map(move |to| (*from, *to)))
            .filter(|(from, to)| from.allows(*to))
            .collect();
        assert_eq!(
            arrows,
            [
                (Draft, Dialogue),
                (Draft, Abandoned),
                (Dialogue, Dialogue),
                (Dialogue, AwaitingApproval),
                (Dialogue, Abandoned),
                (AwaitingApproval, Dialogue),
                (AwaitingApproval, Published),
                (AwaitingApproval, Abandoned),
            ]
        );
    }
}
