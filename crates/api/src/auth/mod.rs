//! Authentication (who is calling) and permissions (what they may do).

pub mod jwt;
pub mod password;
pub mod permissions;
pub mod refresh_token;

pub use jwt::JwtKeys;
pub use permissions::{AdminCapability, Authenticated, RequireAdmin};
