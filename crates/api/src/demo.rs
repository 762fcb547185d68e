//! Demo accounts for `just run`: one per role, created when missing.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shared::auth::{CreateUserRequest, RegisterCompanyRequest};

use crate::auth::AdminCapability;
use crate::db::Db;
use crate::domain::accounts;
use crate::entities::user;

pub const DEMO_PASSWORD: &str = "demo-jesaisfaire-2026";

/// (role, e-mail, display name) of the staff demo accounts.
pub const STAFF: [(&str, &str, &str); 3] = [
    ("admin", "admin@demo.jesaisfaire.fr", "Alex Administrateur"),
    (
        "agent",
        "agent@demo.jesaisfaire.fr",
        "Camille Agent (Préfecture du Rhône)",
    ),
    (
        "buyer",
        "acheteur@demo.jesaisfaire.fr",
        "Dominique Acheteur (PFRA Auvergne-Rhône-Alpes)",
    ),
];
pub const COMPANY_EMAIL: &str = "entreprise@demo.jesaisfaire.fr";

async fn exists(db: &Db, email: &str) -> anyhow::Result<bool> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .count(db.conn())
        .await?
        > 0)
}

fn invalid(errors: Vec<shared::FieldError>) -> anyhow::Error {
    anyhow::anyhow!("invalid demo data: {errors:?}")
}

pub async fn ensure_demo_accounts(db: &Db) -> anyhow::Result<()> {
    let operator = AdminCapability::for_operator();
    for (role, email, name) in STAFF {
        if exists(db, email).await? {
            continue;
        }
        let request = CreateUserRequest {
            email: email.into(),
            password: DEMO_PASSWORD.into(),
            role: role.into(),
            display_name: name.into(),
        };
        accounts::create_user(db, &operator, request.validate().map_err(invalid)?)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    if !exists(db, COMPANY_EMAIL).await? {
        let request = RegisterCompanyRequest {
            email: COMPANY_EMAIL.into(),
            password: DEMO_PASSWORD.into(),
            company_name: "Atelier Numérique du Rhône".into(),
            siret: "98765432100015".into(),
            cpv_divisions: vec!["72".into(), "48".into()],
            departements: vec!["69".into(), "01".into(), "42".into()],
        };
        accounts::register_company(db, request.validate().map_err(invalid)?)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(())
}

/// What `just run` prints once at start-up.
pub fn banner(base_url: &str) -> String {
    let mut lines = vec![
        format!("JeSaisFaire is running: {base_url}/"),
        format!("API documentation:      {base_url}/api/docs/"),
        format!("Demo accounts (password: {DEMO_PASSWORD}):"),
    ];
    for (role, email, _) in STAFF {
        lines.push(format!("  {role:<8} {email}"));
    }
    lines.push(format!("  {:<8} {COMPANY_EMAIL}", "company"));
    lines.join("\n")
}
