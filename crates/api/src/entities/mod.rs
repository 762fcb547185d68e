//! sea-orm entities, one module per table.

pub mod company;
pub mod company_cpv_division;
pub mod company_departement;
pub mod refresh_token;
pub mod user;
