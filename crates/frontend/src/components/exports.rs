//! Downloads of a consultation's exports, where people look for them: the
//! CCTP (staff any revision, companies the final one once published), and
//! for staff the sourcing report, the contributions table and open data.

use leptos::prelude::*;
use shared::Named;
use shared::consultation::{ConsultationDto, ConsultationStatus, DocumentFormat};
use shared::types::Role;
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::form::ErrorAlert;
use crate::session::Session;

/// One button per file; the error of the last failed download shows above.
#[component]
fn Downloads(files: Vec<(String, String)>) -> impl IntoView {
    let session = Session::get();
    let save = Action::new_local(move |path: &String| {
        let path = path.clone();
        session.send(move |token| {
            let path = path.clone();
            async move { api::download(&token, &path).await }
        })
    });
    let error = Signal::derive(move || match save.value().get() {
        Some(Err(err)) => Some(err),
        _ => None::<ApiError>,
    });
    view! {
        <ErrorAlert error/>
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm">
            {files.into_iter().map(|(label, path)| view! {
                <li><button class="fr-btn fr-btn--secondary fr-btn--icon-left fr-icon-download-line" type="button"
                    on:click=move |_| { save.dispatch(path.clone()); }>{label}</button></li>
            }).collect_view()}
        </ul>
    }
}

fn document_files(what: &str, path: &str) -> Vec<(String, String)> {
    DocumentFormat::ALL
        .iter()
        .map(|f| {
            let separator = if path.contains('?') { '&' } else { '?' };
            (
                format!("{what} — {}", f.label_fr()),
                format!("{path}{separator}format={}", f.as_str()),
            )
        })
        .collect()
}

/// The CCTP of a revision: the files and the printable view.
#[component]
pub fn CctpDownloads(id: Uuid, revision: i32) -> impl IntoView {
    let files = document_files(
        &format!("CCTP, révision {revision}"),
        &format!("/consultations/{id}/exports/cctp?revision={revision}"),
    );
    view! {
        <Downloads files/>
        <p><a class="fr-link fr-icon-printer-line fr-link--icon-left" href=format!("/consultations/{id}/imprimer?revision={revision}")>
            "Version imprimable du CCTP (pour l'enregistrer en PDF)"</a></p>
    }
}

/// What staff keep in the procurement file.
#[component]
pub fn RecordDownloads(id: Uuid) -> impl IntoView {
    let mut files = document_files(
        "Compte rendu de sourçage",
        &format!("/consultations/{id}/exports/sourcing-report"),
    );
    files.push((
        "Contributions — tableur (.csv)".to_owned(),
        format!("/consultations/{id}/exports/contributions"),
    ));
    files.push((
        "Données ouvertes — OCDS (.json)".to_owned(),
        format!("/consultations/{id}/ocds"),
    ));
    view! { <Downloads files/> }
}

/// The downloads a reader of the consultation may use, if any.
#[component]
pub fn ExportsPanel(consultation: ConsultationDto) -> impl IntoView {
    let role = Session::get().user_now().map(|u| u.role);
    let id = consultation.id;
    let Some(latest) = consultation.current_round.as_ref().map(|r| r.number) else {
        return ().into_any();
    };
    let published = consultation.status == ConsultationStatus::Published;
    let revision = consultation.publication.map_or(latest, |p| p.revision);
    match role {
        Some(Role::Agent | Role::Buyer | Role::Admin) => view! {
            <section class="fr-my-4w" aria-labelledby="exports-title">
                <h2 class="fr-h4" id="exports-title">"Documents à télécharger"</h2>
                <h3 class="fr-h6">{if published { "CCTP final" } else { "CCTP" }}</h3>
                <CctpDownloads id revision/>
                <h3 class="fr-h6">"Dossier de la consultation"</h3>
                <p class="fr-text--sm">"Les entreprises n'y apparaissent que sous leur pseudonyme."</p>
                <RecordDownloads id/>
            </section>
        }
        .into_any(),
        Some(Role::Company) if published => view! {
            <section class="fr-my-4w" aria-labelledby="exports-title">
                <h2 class="fr-h4" id="exports-title">"CCTP final à télécharger"</h2>
                <CctpDownloads id revision/>
            </section>
        }
        .into_any(),
        _ => ().into_any(),
    }
}
