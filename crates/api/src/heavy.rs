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
    release_freed_memory();
    Ok(output)
}

/// A heavy read frees its tens of megabytes as small blocks scattered
/// through the allocator's heap, whose pages glibc keeps while a live block
/// shares them; `malloc_trim` hands the wholly free pages back. Measured
/// after 16 sourcing reports of the national data set: 168 → 119 MB
/// resident, for a few milliseconds after a job of hundreds.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn release_freed_memory() {
    // SAFETY: malloc_trim takes the allocator's own locks and only gives
    // free pages back to the system; no block in use is touched.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_freed_memory() {}
