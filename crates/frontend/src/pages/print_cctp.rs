//! The CCTP of a revision laid out for paper: a title page, numbered
//! sections and clauses, the criteria table. The print style sheet drops
//! the site's header, menus and buttons, so "Imprimer" or "Enregistrer au
//! format PDF" in the browser gives a clean document.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::consultation::{ConsultationDto, RevisionDto};
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::consultation_nav::Breadcrumb;
use crate::components::resource::resource_view;
use crate::components::set_title;
use crate::components::time::french_date_time;
use crate::hooks::use_consultation_data;

#[derive(Clone)]
struct Loaded {
    consultation: ConsultationDto,
    revision: RevisionDto,
}

async fn load(token: String, id: Option<Uuid>, asked: Option<i32>) -> Result<Loaded, ApiError> {
    let id = id.ok_or_else(ApiError::not_found)?;
    let consultation = api::consultation(&token, id).await?;
    let number = asked
        .or(consultation.publication.map(|p| p.revision))
        .or(consultation.current_round.as_ref().map(|r| r.number))
        .ok_or_else(ApiError::not_found)?;
    let revision = api::revision(&token, id, number).await?;
    Ok(Loaded {
        consultation,
        revision,
    })
}

fn print() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

#[component]
pub fn PrintCctpPage() -> impl IntoView {
    set_title("CCTP — version imprimable");
    let asked =
        use_query_map().with_untracked(|q| q.get("revision").and_then(|v| v.parse::<i32>().ok()));
    let data = use_consultation_data(move |token, id| load(token, id, asked));
    resource_view(data, "Chargement du CCTP…", move |loaded: Loaded| {
        let c = loaded.consultation;
        let round = loaded.revision.round;
        let content = loaded.revision.content;
        set_title(&format!("CCTP — {} — révision {}", c.title, round.number));
        let version = if round.for_publication
            && c.publication
                .is_some_and(|p| p.approved && p.revision == round.number)
        {
            format!("Révision {} — CCTP final validé", round.number)
        } else {
            format!("Révision {}", round.number)
        };
        view! {
            <div class="jsf-no-print">
                <Breadcrumb consultation=(c.id, c.title.clone()) here="Version imprimable"/>
                <p>"Cette page est mise en forme pour l'impression : la commande « Imprimer » du navigateur permet aussi de l'enregistrer en PDF."</p>
                <button class="fr-btn fr-icon-printer-line fr-btn--icon-left fr-mb-4w" type="button" on:click=move |_| print()>"Imprimer ou enregistrer en PDF"</button>
            </div>
            <article class="jsf-print">
                <header class="jsf-title-page">
                    <p class="fr-text--lead">"Cahier des clauses techniques particulières (CCTP)"</p>
                    <h1>{c.title.clone()}</h1>
                    <p>{format!("Code CPV : {} — {}", c.cpv_code, c.cpv_label)}</p>
                    <p>{format!("Département : {} ({})", c.departement_name, c.departement)}</p>
                    <p>{format!("Version : {version}")}</p>
                    <p>{format!("Date : {}", french_date_time(round.opened_at))}</p>
                    <p class="jsf-multiline">{format!("Objet : {}", c.summary)}</p>
                </header>
                {content.sections.into_iter().enumerate().map(|(i, section)| view! {
                    <h2>{format!("{}. {}", i + 1, section.title)}</h2>
                    {section.clauses.into_iter().map(|clause| view! {
                        <h3 class="fr-h5">{format!("{} — {}", clause.number, clause.title)}</h3>
                        <p class="jsf-multiline">{clause.text}</p>
                    }).collect_view()}
                }).collect_view()}
                <h2>"Critères de jugement des offres"</h2>
                <div class="fr-table"><table>
                    <caption>"Critères et pondération"</caption>
                    <thead><tr><th scope="col">"Critère"</th><th scope="col">"Description"</th><th scope="col">"Pondération"</th></tr></thead>
                    <tbody>{content.criteria.into_iter().map(|k| view! {
                        <tr><td>{k.name}</td><td>{k.description}</td><td>{format!("{} %", k.weight)}</td></tr>
                    }).collect_view()}</tbody>
                </table></div>
            </article>
        }
        .into_any()
    })
}
