//! Demo accounts for `just run`: one per role, created when missing.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shared::Named;
use shared::auth::{CreateUserRequest, RegisterCompanyRequest};
use shared::consultation::{
    CctpContent, Clause, ContributionKind, ContributionRequest, CostDirection,
    CreateConsultationRequest, Criterion, DecisionKind, DecisionRequest, NoticeRequest,
    OpenRoundRequest, ReplyAudience, ReplyRequest, Section, TargetKind, Visibility,
};
use shared::types::StaffRole;

use crate::auth::Authenticated;
use crate::db::Db;
use crate::domain::access::{AgentCapability, ConsultationAccess};
use crate::domain::consultations::{draft, rounds};
use crate::domain::contributions::{decisions, replies};
use crate::domain::fairness::notices;
use crate::domain::{accounts, consultations, contributions};
use crate::entities::{consultation, user};
use crate::error::ApiError;

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
pub const SECOND_COMPANY_EMAIL: &str = "entreprise2@demo.jesaisfaire.fr";

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

fn demo_emails() -> Vec<&'static str> {
    STAFF
        .iter()
        .map(|(_, email, _)| *email)
        .chain([COMPANY_EMAIL, SECOND_COMPANY_EMAIL])
        .collect()
}

/// Outside demo mode, the demo accounts (with their published password)
/// cannot sign in; they come back when demo mode is on again.
pub async fn retire_demo_accounts(db: &Db) -> anyhow::Result<()> {
    let txn = db.begin_write().await?;
    let retired = user::Entity::update_many()
        .col_expr(user::Column::DisabledAt, Expr::value(Utc::now()))
        .filter(user::Column::Email.is_in(demo_emails()))
        .filter(user::Column::DisabledAt.is_null())
        .exec(&*txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    if retired > 0 {
        tracing::warn!(retired, "demo mode is off: the demo accounts are disabled");
    }
    Ok(())
}

pub async fn ensure_demo_accounts(db: &Db) -> anyhow::Result<()> {
    let txn = db.begin_write().await?;
    user::Entity::update_many()
        .col_expr(
            user::Column::DisabledAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(user::Column::Email.is_in(demo_emails()))
        .filter(user::Column::DeletedAt.is_null())
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    for (role, email, name) in STAFF {
        if exists(db, email).await? {
            continue;
        }
        let request = CreateUserRequest {
            email: email.into(),
            password: DEMO_PASSWORD.into(),
            role: StaffRole::parse(role),
            display_name: name.into(),
        };
        accounts::create_user_from_console(db, request.validate().map_err(invalid)?)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    for (email, name, siret) in [
        (
            COMPANY_EMAIL,
            "Atelier Numérique du Rhône",
            "98765432100015",
        ),
        (
            SECOND_COMPANY_EMAIL,
            "Lyon Maintenance Services",
            "13579246800013",
        ),
    ] {
        if exists(db, email).await? {
            continue;
        }
        let request = RegisterCompanyRequest {
            email: email.into(),
            password: DEMO_PASSWORD.into(),
            company_name: name.into(),
            siret: siret.into(),
            cpv_divisions: vec!["72".into(), "48".into()],
            departements: vec!["69".into(), "01".into(), "42".into()],
        };
        accounts::register_company_from_console(db, request.validate().map_err(invalid)?)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    if consultation::Entity::find().count(db.conn()).await? == 0 {
        dialogue_in_second_round(db)
            .await
            .map_err(|e| anyhow::anyhow!("demo dialogue: {e}"))?;
    }
    Ok(())
}

/// The demo people act as real users do: signed in with their password.
async fn account(db: &Db, email: &str) -> Result<Authenticated, ApiError> {
    Authenticated::sign_in(db, email, DEMO_PASSWORD).await
}

/// The demo CCTP's clause `c` of section `s` (both exist: the demo wrote them).
fn clause_mut(content: &mut CctpContent, s: usize, c: usize) -> Result<&mut Clause, ApiError> {
    content
        .sections
        .get_mut(s)
        .and_then(|section| section.clauses.get_mut(c))
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("demo clause {s}.{c} missing")))
}

fn clause(number: &str, title: &str, text: &str) -> Clause {
    Clause {
        id: None,
        number: number.into(),
        title: title.into(),
        text: text.into(),
    }
}

/// One consultation in its second round, with contributions of every kind,
/// replies and decisions, so that a newcomer sees the product alive.
async fn dialogue_in_second_round(db: &Db) -> Result<(), ApiError> {
    // The demo's story, told in order through the same domain functions as
    // real users; splitting it would scatter one narrative.
    let agent = account(db, "agent@demo.jesaisfaire.fr").await?;
    let buyer = account(db, "acheteur@demo.jesaisfaire.fr").await?;
    let first = account(db, COMPANY_EMAIL).await?;
    let second = account(db, SECOND_COMPANY_EMAIL).await?;
    let created = consultations::create(db, &AgentCapability::require(&agent)?, CreateConsultationRequest {
        title: "Maintenance du parc informatique de la préfecture du Rhône".into(),
        summary: "Maintenance préventive et curative de 400 postes de travail et de 30 imprimantes, sur deux sites à Lyon.".into(),
        cpv_code: "72000000-5".into(),
        departement: "69".into(),
        buyer_id: Some(buyer.user_id()),
        visibility: Visibility::Targeted,
    })
    .await?;
    let owner = ConsultationAccess::load(db.conn(), &agent, created.id)
        .await?
        .as_owner()?;
    let mut content = CctpContent {
        sections: vec![
            Section {
                id: None,
                title: "Objet et périmètre".into(),
                clauses: vec![
                    clause(
                        "1.1",
                        "Périmètre",
                        "Le marché porte sur la maintenance de 400 postes de travail et de 30 imprimantes.",
                    ),
                    clause(
                        "1.2",
                        "Sites",
                        "Les interventions ont lieu sur les deux sites de la préfecture à Lyon.",
                    ),
                ],
            },
            Section {
                id: None,
                title: "Exécution".into(),
                clauses: vec![
                    clause(
                        "2.1",
                        "Délai d'intervention",
                        "Le titulaire intervient sous 4 heures ouvrées après le signalement.",
                    ),
                    clause(
                        "2.2",
                        "Astreinte",
                        "Une astreinte téléphonique est assurée le samedi de 8 h à 12 h.",
                    ),
                ],
            },
        ],
        criteria: vec![
            Criterion {
                id: None,
                name: "Prix".into(),
                description: "Prix global et forfaitaire".into(),
                weight: 40,
            },
            Criterion {
                id: None,
                name: "Valeur technique".into(),
                description: "Méthodologie et moyens".into(),
                weight: 60,
            },
        ],
    };
    content = draft::save_draft(db, &owner, 1, content).await?.content;
    let days = |n| Utc::now().checked_add_signed(chrono::Duration::days(n));
    rounds::open_round(
        db,
        &owner,
        OpenRoundRequest {
            closes_at: days(14),
            changelog: "Première version du CCTP".into(),
        },
    )
    .await?;
    let delay = clause_mut(&mut content, 1, 0)?.id;
    let price = content.criteria.first().and_then(|c| c.id);
    let on_delay =
        |kind, body: &str, justification: &str, cost, proposed: Option<&str>| ContributionRequest {
            target_kind: Some(TargetKind::Clause),
            target_id: delay,
            kind: Some(kind),
            body: body.into(),
            justification: justification.into(),
            cost_direction: cost,
            proposed_text: proposed.map(Into::into),
            proposed_weight: None,
            confidential: false,
        };
    let first_access = ConsultationAccess::load(db.conn(), &first, created.id).await?;
    let mut solution = on_delay(
        ContributionKind::Solution,
        "Télémaintenance avec prise de main à distance pour les incidents logiciels.",
        "La moitié des incidents se règle sans déplacement.",
        Some(CostDirection::Decrease),
        None,
    );
    solution.confidential = true;
    contributions::create(db, &first_access, solution).await?;
    let question = contributions::create(
        db,
        &first_access,
        ContributionRequest {
            target_kind: Some(TargetKind::Document),
            kind: Some(ContributionKind::Clarification),
            body: "Les deux sites disposent-ils d'un local pour stocker des pièces de rechange ?"
                .into(),
            justification: "Un stock sur place réduit les délais et le coût des déplacements."
                .into(),
            ..Default::default()
        },
    )
    .await?;
    let second_access = ConsultationAccess::load(db.conn(), &second, created.id).await?;
    let alternative = contributions::create(db, &second_access, on_delay(ContributionKind::AlternativeClause,
        "Un délai de 8 heures ouvrées suffit pour les postes non critiques.",
        "Un délai de 4 heures impose une astreinte coûteuse sans gain pour la plupart des usagers.",
        Some(CostDirection::Decrease), Some("Le titulaire intervient sous 4 heures ouvrées pour les postes critiques et sous 8 heures ouvrées pour les autres."))).await?;
    let weighting = contributions::create(
        db,
        &second_access,
        ContributionRequest {
            target_kind: Some(TargetKind::Criterion),
            target_id: price,
            kind: Some(ContributionKind::AlternativeCriterion),
            body: "Ramener le poids du prix à 30 %.".into(),
            justification: "La qualité du service compte davantage sur quatre ans.".into(),
            cost_direction: Some(CostDirection::Increase),
            proposed_text: Some("Prix".into()),
            proposed_weight: Some(30),
            ..Default::default()
        },
    )
    .await?;
    replies::reply(
        db,
        &agent,
        question.id,
        ReplyRequest {
            body: "Oui : un local de 10 m² est disponible sur chaque site.".into(),
            audience: None,
        },
    )
    .await?;
    decisions::decide(
        db,
        &agent,
        question.id,
        DecisionRequest {
            decision: Some(DecisionKind::Answered),
            rationale: "Réponse publiée pour toutes les entreprises.".into(),
            integrated_in_round: None,
        },
    )
    .await?;
    decisions::decide(
        db,
        &agent,
        alternative.id,
        DecisionRequest {
            decision: Some(DecisionKind::PartiallyAccepted),
            rationale: "Délai différencié retenu au tour 2.".into(),
            integrated_in_round: Some(2),
        },
    )
    .await?;
    // An answer to one company only, on what every company reads: the
    // buyer finds it in the equal-information summary.
    replies::reply(
        db,
        &agent,
        weighting.id,
        ReplyRequest {
            body: "Le poids du prix sera arbitré avec le service financier avant le tour 2.".into(),
            audience: Some(ReplyAudience::Author),
        },
    )
    .await?;

    clause_mut(&mut content, 1, 0)?.text = "Le titulaire intervient sous 4 heures ouvrées pour les postes critiques et sous 8 heures ouvrées pour les autres.".into();
    clause_mut(&mut content, 0, 1)?.text = "Les interventions ont lieu sur les deux sites de la préfecture à Lyon ; un local de stockage est mis à disposition sur chacun.".into();
    content = draft::save_draft(db, &owner, 2, content).await?.content;
    rounds::close_round(db, &owner, 1).await?;
    rounds::open_round(
        db,
        &owner,
        OpenRoundRequest {
            closes_at: days(5),
            changelog: "Délai d'intervention différencié ; local de stockage précisé.".into(),
        },
    )
    .await?;
    contributions::create(db, &ConsultationAccess::load(db.conn(), &second, created.id).await?, on_delay(ContributionKind::Solution,
        "Nous pouvons garantir 4 heures sur les postes critiques avec un technicien basé à Lyon, supervisé par notre console Nexora.",
        "Technicien déjà présent sur un autre marché local.", Some(CostDirection::Neutral), None)).await?;
    // Information to every company, five days before the deadline: late,
    // so the agent is offered to push the deadline back.
    notices::publish(
        db,
        &owner,
        NoticeRequest {
            body: "Le parc compte désormais 420 postes : 20 postes ont été ajoutés à la salle de crise.".into(),
            clause_id: clause_mut(&mut content, 0, 0)?.id,
        },
    )
    .await?;
    // The agent's working draft for round 3 names the console only one
    // company spoke of, and takes the weight that company proposed: the
    // detector warns.
    clause_mut(&mut content, 1, 1)?.text =
        "Une astreinte téléphonique est assurée le samedi de 8 h à 12 h, supervisée par la console Nexora.".into();
    for (criterion, weight) in content.criteria.iter_mut().zip([30, 70]) {
        criterion.weight = weight;
    }
    draft::save_draft(db, &owner, 3, content).await?;
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
    lines.push(format!("  {:<8} {SECOND_COMPANY_EMAIL}", "company"));
    lines.push("A consultation in its second round is ready to explore.".into());
    lines.join("\n")
}
