//! Heavy reads — exports and the fairness examination (its report, its
//! acknowledgement, the check before a publication request) — run one at a time
//! per instance. Each reads a whole dialogue (5 000 contributions on a
//! national consultation) and builds a document in memory (40 to 65 MB):
//! sixteen at once took 1.4 GB and starved every other request of the two
//! cores. The others wait their turn; the rest of the API keeps a core and
//! its speed, and the memory stays bounded by the permits, not by the load.

use std::future::Future;

use tokio::sync::Semaphore;

use crate::error::ApiError;

/// One: on the two cores the service is sized for, the other stays free for
/// every other request, and one document at a time stays under 100 MB.
const PERMITS: usize = 1;

static HEAVY: Semaphore = Semaphore::const_new(PERMITS);

/// `work`, once one of the permits is free; what it freed goes back to the
/// system before the next one starts.
pub async fn in_turn<F: Future>(work: F) -> Result<F::Output, ApiError> {
    let _permit = HEAVY
        .acquire()
        .await
        .map_err(|e| ApiError::Unexpected(e.into()))?;
    let output = work.await;
    crate::memory::release_freed();
    Ok(output)
}
