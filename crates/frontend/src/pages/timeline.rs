//! The consultation's timeline: its rounds for everyone, and for its staff
//! the full journal of who did what (companies by pseudonym).

use leptos::prelude::*;
use shared::Named;
use shared::consultation::{ConsultationDto, EventDto, RoundDto};
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::consultation_nav::{Breadcrumb, ConsultationNav, View};
use crate::components::resource::resource_view;
use crate::components::set_title;
use crate::components::table::DataTable;
use crate::components::time::french_date_time;
use crate::hooks::use_consultation_data;
use crate::session::Session;

#[derive(Clone)]
struct Loaded {
    consultation: ConsultationDto,
    rounds: Vec<RoundDto>,
    /// `None` for companies, who do not read the journal.
    events: Option<Vec<EventDto>>,
}

async fn load(token: String, id: Option<Uuid>, staff: bool) -> Result<Loaded, ApiError> {
    let id = id.ok_or_else(ApiError::not_found)?;
    let consultation = api::consultation(&token, id).await?;
    let rounds = api::rounds(&token, id).await?;
    let events = if staff {
        Some(api::events(&token, id).await?)
    } else {
        None
    };
    Ok(Loaded {
        consultation,
        rounds,
        events,
    })
}

fn round_line(r: &RoundDto) -> String {
    if r.for_publication {
        return format!(
            "Révision {} soumise pour publication le {}, sans tour de contributions.",
            r.number,
            french_date_time(r.opened_at)
        );
    }
    let end = match r.closed_early_at {
        Some(at) => format!("clos par l'agent le {}", french_date_time(at)),
        None if r.is_open => format!("ouvert jusqu'au {}", french_date_time(r.closes_at)),
        None => format!("clos le {}", french_date_time(r.closes_at)),
    };
    format!(
        "Révision {} publiée le {} ; tour {end}.",
        r.number,
        french_date_time(r.opened_at)
    )
}

/// What happened, in words: the action's French name, then the detail when
/// it says more than the name.
fn describe(e: &EventDto) -> String {
    let label = e.action.label_fr();
    let detail = e.detail.trim();
    if detail.is_empty() || detail == label {
        label.to_owned()
    } else {
        format!("{label} — {detail}")
    }
}

#[component]
pub fn TimelinePage() -> impl IntoView {
    set_title("Journal");
    let session = Session::get();
    // The role cannot change without the token changing, which refetches.
    let staff = move || session.user().is_some_and(|u| u.role.is_staff());
    let data = use_consultation_data(move |token, id| load(token, id, staff()));
    resource_view(data, "Chargement du journal…", move |loaded: Loaded| {
        let c = loaded.consultation.clone();
        set_title(&format!("Journal — {}", c.title));
        view! {
            <Breadcrumb consultation=(c.id, c.title.clone()) here="Journal"/>
            <h1>"Journal de la consultation"</h1>
            <ConsultationNav id=c.id current=View::Timeline/>
            <h2 class="fr-h4">"Les tours du dialogue"</h2>
            {if loaded.rounds.is_empty() {
                view! { <p>"Aucun tour publié pour le moment."</p> }.into_any()
            } else {
                view! {
                    <ol class="jsf-timeline">
                        {loaded.rounds.iter().map(|r| view! {
                            <li>
                                <p class="fr-mb-0">{round_line(r)}</p>
                                {(!r.changelog.trim().is_empty()).then(|| view! { <p class="fr-text--sm">{format!("Ce qui change : {}", r.changelog)}</p> })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {loaded.events.map(|events| view! {
                <h2 class="fr-h4 fr-mt-4w">"Qui a fait quoi"</h2>
                <DataTable caption="Événements, du plus ancien au plus récent">
                    <thead><tr><th scope="col">"Date"</th><th scope="col">"Qui"</th><th scope="col">"Quoi"</th></tr></thead>
                    <tbody>
                        {events.into_iter().map(|e| {
                            let what = describe(&e);
                            view! {
                                <tr>
                                    <td>{french_date_time(e.at)}</td>
                                    <td>{e.actor}</td>
                                    <td>{what}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </DataTable>
            })}
        }.into_any()
    })
}
