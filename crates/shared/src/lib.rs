//! Types shared by the JeSaisFaire API and its web app.
//!
//! Everything here compiles for `wasm32-unknown-unknown` and depends on no
//! server crate, so the browser and the server parse and validate the same
//! way and speak the same wire format.

mod named;

pub mod auth;
pub mod brands;
pub mod consultation;
pub mod disclosure;
pub mod error;
pub mod mail;
pub mod reference;
pub mod types;

pub use error::{ErrorCode, FieldError, ProblemDetails};
pub use named::Named;
