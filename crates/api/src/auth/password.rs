//! Argon2id password hashing (OWASP minimum: 19 MiB, 2 passes, 1 lane).
//! Hashing is deliberately slow and big, so it runs on threads of its own,
//! one per core: a burst of 500 logins queues for them instead of taking
//! 500 × 19 MiB, and each thread hands its 19 MiB back after each hash (on
//! tokio's blocking pool, hundreds of threads would each have kept theirs).

use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, LazyLock, Mutex};

use anyhow::Context;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

type Job = Box<dyn FnOnce() + Send>;

/// The queue of the hashing threads, started on first use.
static HASHERS: LazyLock<Sender<Job>> = LazyLock::new(|| {
    let (sender, receiver) = channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    for n in 0..std::thread::available_parallelism().map_or(2, |n| n.get()) {
        let receiver = Arc::clone(&receiver);
        let started = std::thread::Builder::new()
            .name(format!("argon2-{n}"))
            .spawn(move || {
                loop {
                    let next = match receiver.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    match next {
                        Ok(job) => {
                            job();
                            crate::memory::release_freed();
                        }
                        Err(_) => return,
                    }
                }
            });
        if let Err(error) = started {
            tracing::error!(%error, "cannot start a password hashing thread");
        }
    }
    sender
});

/// Runs one hash computation on a hashing thread, when one is free.
async fn bounded<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let (done, result) = tokio::sync::oneshot::channel();
    HASHERS
        .send(Box::new(move || {
            // The waiting request may have gone: nobody to tell.
            let _ = done.send(work());
        }))
        .map_err(|_| anyhow::anyhow!("no password hashing thread is running"))?;
    result.await.context("password hashing thread stopped")
}

fn hasher() -> Argon2<'static> {
    // The parameters are constants known to be valid.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash to verify against when the e-mail is unknown, so that a wrong
/// e-mail costs as much time as a wrong password.
static DUMMY_HASH: LazyLock<Option<String>> =
    LazyLock::new(|| hash_blocking("mot de passe factice pour l'égalité de temps").ok());

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let mut salt_bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| anyhow::anyhow!("argon2 salt encoding failed: {e}"))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    bounded(move || hash_blocking(&password)).await?
}

/// Checks `password` against `hash`, or against a dummy hash when there is
/// no account, and answers false in that case.
pub async fn verify(password: String, hash: Option<String>) -> anyhow::Result<bool> {
    bounded(move || match hash {
        Some(hash) => verify_blocking(&password, &hash),
        None => {
            if let Some(dummy) = DUMMY_HASH.as_deref() {
                verify_blocking(&password, dummy);
            }
            false
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only_and_uses_argon2id() {
        let hash = hash("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify("correct horse battery".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("wrong horse battery".into(), Some(hash))
                .await
                .unwrap()
        );
        assert!(!verify("anything".into(), None).await.unwrap());
    }
}
