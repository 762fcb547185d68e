//! One page per file.

pub mod account;
pub mod admin_accounts;
pub mod consultation;
pub mod consultation_settings;
pub mod consultations;
pub mod draft_editor;
pub mod forgot_password;
pub mod history;
pub mod home;
pub mod legal;
pub mod login;
pub mod logout;
pub mod new_consultation;
pub mod not_found;
pub mod notifications;
pub mod print_cctp;
pub mod publication;
pub mod register;
pub mod reset_password;
pub mod synthesis;
pub mod timeline;
pub mod unsubscribe;
pub mod verify_email;
