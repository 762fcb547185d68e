//! glibc's allocator, kept lean for a long-running server: tuned once at
//! start-up, and handed back what work that allocates tens of megabytes at
//! once (a heavy read's document, a password hash) freed.

/// glibc's default mmap threshold, kept fixed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 128 * 1024;
/// Arenas shared by all threads.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const ARENAS: libc::c_int = 2;

/// Tunes the allocator; to be called before any other thread starts. By
/// default glibc raises its mmap threshold to the size of every large
/// block freed (up to 32 MiB): after one password hash (19 MiB) such blocks
/// come from the heap and stay there, and each thread gets an arena of its
/// own that keeps what its exports freed. Measured on the national data
/// set: 30 sign-ins took the server from 39 to 293 MB; with the threshold
/// fixed, 44 MB.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn tune_allocator() {
    // SAFETY: mallopt only sets parameters of the allocator, with values
    // in their documented ranges; it is called before any other thread
    // exists.
    let set = unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD)
            & libc::mallopt(libc::M_ARENA_MAX, ARENAS)
    };
    if set != 1 {
        eprintln!("glibc refused the allocator settings: the server may use more memory");
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune_allocator() {}

/// Large blocks freed into glibc's heaps stay resident: a document's tens
/// of megabytes as small blocks scattered through pages that live blocks
/// share; and a password hash's 19 MiB, which glibc maps apart only when
/// its heaps have no free stretch that large, so that once a heavy read has
/// left one, each hashing thread's hash makes it resident again and keeps
/// it. `malloc_trim` hands the wholly free pages back. Measured on the
/// national data set: after 16 sourcing reports, 168 → 119 MB resident;
/// after every read of `just bench`, 52 sign-ins and 2 s of writes,
/// 99.5 → 62 MiB, the sign-ins as fast (8.3 and 8.2 s).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn release_freed() {
    // SAFETY: malloc_trim takes the allocator's own locks and only gives
    // free pages back to the system; no block in use is touched.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release_freed() {}
