//! Heavy reads — exports and the fairness examination — run a few at a
//! time per instance. Each reads a whole dialogue (5 000 contributions on
//! a national consultation) and builds a document in memory: sixteen at
//! once took 1.4 GB and starved every other request of the two cores.
//! Beyond the permits, a request waits its turn; the rest of the API keeps
//! its speed and the memory stays bounded by the permits, not by the load.

use std::future::Future;

use tokio::sync::Semaphore;

use crate::error::ApiError;

/// As many as the cores the service is sized for.
const PERMITS: usize = 1;

static HEAVY: Semaphore = Semaphore::const_new(PERMITS);

/// `work`, once one of the permits is free.
pub async fn in_turn<F: Future>(work: F) -> Result<F::Output, ApiError> {
    let _permit = HEAVY
        .acquire()
        .await
        .map_err(|e| ApiError::Unexpected(e.into()))?;
    Ok(work.await)
}
