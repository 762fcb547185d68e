//! The sourcing report (compte rendu de sourçage) for the procurement file:
//! what was asked, of whom, what companies proposed, what the agent decided
//! and answered, how the CCTP changed, and who approved it. Companies appear
//! under their pseudonyms only, and the report says so.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::Named;
use shared::consultation::{
    ChangeKind, ContributionDto, DiffDto, DocumentFormat, EventAction, ItemChange, WordChange,
    WordOp,
};
use shared::reference::departement_name;
use uuid::Uuid;

use super::document::Document;
use super::{Export, ExportCache, ExportFile, TargetNames, date, date_time, revisions};
use crate::configuration::FairnessSettings;
use crate::db::Db;
use crate::domain::access::ConsultationAccess;
use crate::domain::anonymity::Labels;
use crate::domain::contributions::views;
use crate::domain::fairness::{detector, equal_information};
use crate::domain::text::slug;
use crate::domain::{cpv, diff};
use crate::entities::{consultation, event, user};
use crate::error::ApiError;

const IDENTITIES_WITHHELD: &str = "Identité des entreprises : chaque entreprise apparaît sous le pseudonyme qui lui a été attribué dans cette consultation (« Entreprise A », « Entreprise B »…). Conformément au principe d'égalité de traitement du dialogue, son identité n'est communiquée ni aux autres entreprises ni dans ce compte rendu.";

/// "Garanties d'égalité": how the dialogue kept companies anonymous, told
/// them all the same things in time, and what the final specification took
/// from whom, with the agent's acknowledgement of the detector's warnings.
async fn equality_guarantees(
    doc: &mut Document,
    db: &Db,
    c: &consultation::Model,
    labels: &Labels,
    settings: FairnessSettings,
) -> Result<(), ApiError> {
    let summary = equal_information::of_consultation(db, c, labels, settings).await?;
    let report = detector::examine_consultation(db, c, settings).await?;
    doc.heading(1, "9. Garanties d'égalité de traitement");
    doc.heading(2, "Anonymat");
    doc.paragraph("Avant leur enregistrement, les textes des entreprises ont été vérifiés : ni leur nom, ni leur SIREN ou SIRET, ni adresse électronique, numéro de téléphone ou site web. Un texte qui en contenait a été refusé et n'a pas été conservé.");
    doc.heading(2, "Égalité d'information");
    let late = summary.public_information.iter().filter(|i| i.late).count();
    doc.paragraph(format!(
        "{} réponse(s) publique(s) et information(s) à toutes les entreprises, dont {late} publiée(s) moins de {} jours avant l'échéance de leur tour :",
        summary.public_information.len(),
        summary.late_information_days
    ));
    for i in &summary.public_information {
        doc.paragraph(format!(
            "{} — {} (tour {}, échéance {}{}) : {}",
            date_time(i.published_at),
            i.kind.label_fr(),
            i.round,
            date_time(i.round_closes_at),
            if i.late { ", tardive" } else { "" },
            i.body
        ));
    }
    doc.paragraph(format!(
        "{} réponse(s) de l'agent à l'auteur seulement, sur des contributions que toutes les entreprises lisent :",
        summary.private_replies.len()
    ));
    for r in &summary.private_replies {
        doc.paragraph(format!(
            "{} — à {} (contribution du tour {}) : {}",
            date_time(r.created_at),
            r.addressee.label,
            r.contribution_round,
            r.body
        ));
    }
    doc.heading(2, "Cahier des charges orienté : le détecteur");
    doc.paragraph(match report.revision {
        Some(n) => format!("Examen de la révision finale {n} (seuil de concentration : {} %).", report.concentration_threshold),
        None => format!("Examen du brouillon en cours, la publication n'étant pas demandée (seuil de concentration : {} %).", report.concentration_threshold),
    });
    for p in &report.provenance {
        doc.paragraph(format!(
            "Révision {} : {} {}.",
            p.revision,
            p.label,
            p.sentence()
        ));
    }
    if report.warnings.is_empty() {
        doc.paragraph("Aucune alerte.");
    }
    for w in &report.warnings {
        doc.paragraph(format!("Alerte — {} : {}", w.kind.label_fr(), w.message));
    }
    if let Some(a) = &report.acknowledgement {
        doc.paragraph(format!(
            "Examen des alertes par l'agent, le {} : {}",
            date_time(a.at),
            a.comment
        ));
    }
    Ok(())
}

/// The text after a change, with what was inserted and deleted marked
/// `[+ … +]` and `[- … -]`; an added or removed item's text as it is.
fn marked(kind: ChangeKind, changes: &[WordChange]) -> String {
    if matches!(kind, ChangeKind::Added | ChangeKind::Removed) {
        return changes.iter().map(|c| c.text.as_str()).collect();
    }
    changes
        .iter()
        .map(|c| match c.op {
            WordOp::Equal => c.text.clone(),
            WordOp::Insert => format!("[+ {} +]", c.text.trim()),
            WordOp::Delete => format!("[- {} -]", c.text.trim()),
        })
        .collect::<Vec<_>>()
        .join("")
}

/// How a changed item is named: its number or name, before and after.
fn item_label(change: &ItemChange) -> String {
    match (&change.label_before, &change.label_after) {
        (Some(before), Some(after)) if before != after => format!("{before} → {after}"),
        (_, Some(label)) | (Some(label), None) => label.clone(),
        (None, None) => String::new(),
    }
}

fn change_lines(diff: &DiffDto, detailed: bool) -> Vec<String> {
    let line = |prefix: &str, change: &ItemChange| {
        let title = marked(change.change, &change.title);
        let mut text = format!(
            "{prefix} {} {}: {}",
            item_label(change),
            if title.is_empty() {
                String::new()
            } else {
                format!("— {title} ")
            },
            change.change.label_fr()
        );
        if let (Some(before), Some(after)) = (change.weight_before, change.weight_after)
            && before != after
        {
            text.push_str(&format!(" (pondération {before} % → {after} %)"));
        }
        if detailed && !change.text.is_empty() {
            text.push('\n');
            text.push_str(&marked(change.change, &change.text));
        }
        text
    };
    let mut lines: Vec<String> = diff.clauses.iter().map(|c| line("Clause", c)).collect();
    lines.extend(diff.criteria.iter().map(|c| line("Critère", c)));
    lines
}

fn contribution_text(c: &ContributionDto) -> String {
    let mut lines = vec![format!(
        "{} — {} (tour {}, déposée le {})",
        c.author.label,
        c.kind.label_fr(),
        c.round,
        date(c.created_at)
    )];
    if let Some(cost) = c.cost_direction {
        lines.push(format!("Effet sur le coût : {}", cost.label_fr()));
    }
    if c.confidential {
        lines.push("Solution confidentielle (lue par l'agent et l'acheteur seulement)".to_owned());
    }
    lines.push(format!("Contribution : {}", c.body));
    lines.push(format!("Justification : {}", c.justification));
    if let Some(text) = &c.proposed_text {
        lines.push(format!("Rédaction proposée : {text}"));
    }
    if let Some(weight) = c.proposed_weight {
        lines.push(format!("Pondération proposée : {weight} %"));
    }
    match &c.decision {
        Some(d) => {
            let integrated = d
                .integrated_in_round
                .map(|n| format!(", intégrée à la révision {n}"))
                .unwrap_or_default();
            lines.push(format!(
                "Décision de l'agent ({}{integrated}) : {} — {}",
                date(d.decided_at),
                d.decision.label_fr(),
                d.rationale
            ));
        }
        None => lines.push("Décision de l'agent : aucune".to_owned()),
    }
    for reply in &c.replies {
        lines.push(format!(
            "Réponse — {} ({}) : {}",
            reply.author.label,
            date(reply.created_at),
            reply.body
        ));
    }
    lines.join("\n")
}

/// The sourcing report of a consultation (staff only).
pub async fn export(
    db: &Db,
    cache: &ExportCache,
    access: &ConsultationAccess,
    format: DocumentFormat,
    fairness: FairnessSettings,
) -> Result<ExportFile, ApiError> {
    access.require_staff()?;
    cache
        .get(db.conn(), access, Export::SourcingReport(format), || {
            build(db, access, format, fairness)
        })
        .await
}

async fn build(
    db: &Db,
    access: &ConsultationAccess,
    format: DocumentFormat,
    fairness: FairnessSettings,
) -> Result<ExportFile, ApiError> {
    let conn = db.conn();
    let c = access.consultation();
    let revisions = revisions(conn, c.id).await?;
    let labels = Labels::for_record(conn, c).await?;
    let contributions = views::for_record(db, &labels, access).await?;
    let names: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in([c.owner_id, c.buyer_id]))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let name = |id: &Uuid| names.get(id).cloned().unwrap_or_default();
    let publication_events = event::Entity::find()
        .filter(event::Column::ConsultationId.eq(c.id))
        .filter(event::Column::Action.is_in([
            EventAction::PublicationRequested,
            EventAction::ChangesRequested,
            EventAction::PublicationApproved,
        ]))
        .order_by_asc(event::Column::CreatedAt)
        .all(conn)
        .await?;

    let mut doc = Document {
        title: format!("Compte rendu de sourçage — {}", c.title),
        title_page: vec![
            "Consultation préalable des entreprises (article R2111-1 du code de la commande publique), menée sur JeSaisFaire.".to_owned(),
            format!("Agent responsable : {}", name(&c.owner_id)),
            format!("Acheteur de la plateforme régionale (PFRA) : {}", name(&c.buyer_id)),
            format!("Établi le {}", date(Utc::now())),
            IDENTITIES_WITHHELD.to_owned(),
        ],
        blocks: Vec::new(),
    };

    doc.heading(1, "1. Objet");
    doc.paragraph(c.title.clone());
    doc.paragraph(c.summary.clone());

    doc.heading(1, "2. Ciblage");
    doc.paragraph(format!(
        "Code CPV : {} — {}\nDépartement : {} ({})\nEntreprises consultées : {}",
        c.cpv_code,
        cpv::label(&c.cpv_code).unwrap_or_default(),
        departement_name(&c.departement).unwrap_or_default(),
        c.departement,
        c.visibility.label_fr()
    ));

    doc.heading(1, "3. Déroulement");
    doc.table(
        &[
            "Révision",
            "Ouverture",
            "Échéance",
            "Clôture anticipée",
            "Ce qui change",
        ],
        revisions
            .iter()
            .map(|(r, _)| {
                vec![
                    if r.for_publication {
                        format!("{} (soumise pour publication)", r.number)
                    } else {
                        format!("{} (tour {})", r.number, r.number)
                    },
                    date_time(r.opened_at),
                    if r.for_publication {
                        "—".to_owned()
                    } else {
                        date_time(r.closes_at)
                    },
                    r.closed_early_at
                        .map(date_time)
                        .unwrap_or_else(|| "—".to_owned()),
                    r.changelog.clone(),
                ]
            })
            .collect(),
    );

    doc.heading(1, "4. Participation");
    let pseudonyms = labels.pseudonyms();
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for contribution in &contributions {
        let count = by_kind.entry(contribution.kind.label_fr()).or_default();
        *count = count.saturating_add(1);
    }
    doc.paragraph(format!(
        "{} entreprise(s) ont contribué : {}.\n{} contribution(s) : {}.",
        pseudonyms.len(),
        if pseudonyms.is_empty() {
            "aucune".to_owned()
        } else {
            pseudonyms.join(", ")
        },
        contributions.len(),
        by_kind
            .iter()
            .map(|(kind, n)| format!("{kind} : {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));

    doc.heading(1, "5. Contributions, réponses et décisions");
    let targets = TargetNames::of(&revisions);
    let mut grouped: Vec<(String, Vec<&ContributionDto>)> = Vec::new();
    for contribution in &contributions {
        let target = targets.name(contribution);
        match grouped.iter_mut().find(|(t, _)| *t == target) {
            Some((_, list)) => list.push(contribution),
            None => grouped.push((target, vec![contribution])),
        }
    }
    if grouped.is_empty() {
        doc.paragraph("Aucune contribution.");
    }
    for (target, list) in grouped {
        doc.heading(2, target);
        for contribution in list {
            doc.paragraph(contribution_text(contribution));
        }
    }

    doc.heading(1, "6. Évolution du CCTP entre les révisions");
    for pair in revisions.windows(2) {
        if let [(before_round, before), (after_round, after)] = pair {
            let changes = diff::between(before_round.number, before, after_round.number, after);
            doc.heading(
                2,
                format!(
                    "De la révision {} à la révision {}",
                    before_round.number, after_round.number
                ),
            );
            let lines = change_lines(&changes, false);
            doc.paragraph(if lines.is_empty() {
                "Aucune modification.".to_owned()
            } else {
                lines.join("\n")
            });
        }
    }

    doc.heading(1, "7. Révision finale");
    let last_round = revisions.iter().rev().find(|(r, _)| !r.for_publication);
    match (revisions.last(), last_round) {
        (Some((final_round, final_content)), Some((round, content)))
            if final_round.for_publication && round.number < final_round.number =>
        {
            let changes = diff::between(round.number, content, final_round.number, final_content);
            doc.paragraph(format!(
                "Révision finale {} comparée à la révision {}, la dernière soumise aux entreprises (ajouts marqués [+ … +], suppressions [- … -]) :",
                final_round.number, round.number
            ));
            let lines = change_lines(&changes, true);
            doc.paragraph(if lines.is_empty() {
                "Aucune modification.".to_owned()
            } else {
                lines.join("\n\n")
            });
        }
        _ => doc.paragraph("La publication n'a pas encore été demandée : aucune révision finale."),
    }

    doc.heading(1, "8. Validation de la publication");
    if publication_events.is_empty() {
        doc.paragraph("La publication n'a pas été demandée.");
    }
    for e in &publication_events {
        let who = if e.actor_id == c.buyer_id {
            format!("{} (acheteur PFRA)", name(&c.buyer_id))
        } else if e.actor_id == c.owner_id {
            format!("{} (agent)", name(&c.owner_id))
        } else {
            "Administration".to_owned()
        };
        doc.paragraph(format!(
            "{} — {} par {} : {}",
            date_time(e.created_at),
            e.action.label_fr(),
            who,
            e.detail
        ));
    }

    equality_guarantees(&mut doc, db, c, &labels, fairness).await?;

    Ok(ExportFile::new(
        format!(
            "compte-rendu-sourcing-{}.{}",
            slug(&c.title),
            format.extension()
        ),
        format.content_type(),
        doc.render(format)?,
    ))
}
