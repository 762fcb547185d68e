//! The steps that move a consultation towards publication: the agent closes
//! the round and asks for publication, the PFRA buyer approves or sends back.

use leptos::prelude::*;
use shared::consultation::{ConsultationDto, ConsultationStatus, PublicationDecisionRequest};
use shared::types::Role;

use crate::api::{self, ApiError};
use crate::components::form::{ErrorAlert, TextField};
use crate::session::Session;

#[derive(Clone)]
enum Step {
    CloseRound(i32),
    RequestPublication,
    Decide(PublicationDecisionRequest),
}

#[component]
pub fn PublicationPanel(consultation: ConsultationDto, reload: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let id = consultation.id;
    let comment = RwSignal::new(String::new());
    let run = Action::new_local(move |step: &Step| {
        let step = step.clone();
        session.send(move |token| {
            let step = step.clone();
            async move {
                match step {
                    Step::CloseRound(n) => api::close_round(&token, id, n).await,
                    Step::RequestPublication => {
                        api::request_publication(&token, id).await.map(|_| ())
                    }
                    Step::Decide(request) => api::decide_publication(&token, id, request)
                        .await
                        .map(|_| ()),
                }
            }
        })
    });
    Effect::new(move || {
        if let Some(Ok(())) = run.value().get() {
            reload.run(());
        }
    });
    let error = Signal::derive(move || match run.value().get() {
        Some(Err(err)) => Some(err),
        _ => None,
    });
    let comment_error = Signal::derive(move || {
        error
            .get()
            .and_then(|e: ApiError| e.field_message("comment"))
    });
    let role = session.user().map(|u| u.role);
    let open_round = consultation
        .current_round
        .as_ref()
        .filter(|r| r.is_open)
        .map(|r| r.number);
    let body = match (role, consultation.status) {
        (Some(Role::Agent), ConsultationStatus::InDialogue) => open_round.map(|n| view! {
            <p>"Clore le tour avant l'échéance met fin aux contributions de ce tour."</p>
            <button class="fr-btn fr-btn--secondary" type="button" on:click=move |_| { run.dispatch(Step::CloseRound(n)); }>
                {format!("Clore le tour {n} maintenant")}
            </button>
        }.into_any()),
        (Some(Role::Agent), ConsultationStatus::BetweenRounds) => Some(view! {
            <p>"Un nouveau tour ? Révisez le CCTP à partir des contributions, puis publiez la révision suivante."</p>
            <p><a class="fr-link" href=format!("/consultations/{id}/cctp")>"Réviser le CCTP"</a></p>
            <p>"Le dialogue est terminé ? L'acheteur de la PFRA validera la publication du CCTP final."</p>
            <button class="fr-btn" type="button" on:click=move |_| { run.dispatch(Step::RequestPublication); }>
                "Demander la publication"
            </button>
        }.into_any()),
        (Some(Role::Buyer), ConsultationStatus::AwaitingApproval) => Some(view! {
            <p>"L'agent demande la publication du CCTP final (dernière révision)."</p>
            <TextField id="publication-comment" label="Commentaire" hint="Obligatoire pour demander des modifications"
                value=comment error=comment_error/>
            <ul class="fr-btns-group fr-btns-group--inline-md">
                <li><button class="fr-btn" type="button" on:click=move |_| {
                    run.dispatch(Step::Decide(PublicationDecisionRequest { approve: true, comment: comment.get_untracked() }));
                }>"Valider la publication"</button></li>
                <li><button class="fr-btn fr-btn--secondary" type="button" on:click=move |_| {
                    run.dispatch(Step::Decide(PublicationDecisionRequest { approve: false, comment: comment.get_untracked() }));
                }>"Demander des modifications"</button></li>
            </ul>
        }.into_any()),
        _ => None,
    };
    body.map(|body| view! {
        <section class="fr-callout fr-my-4w" aria-labelledby="publication-title">
            <h2 class="fr-callout__title" id="publication-title">"Publication"</h2>
            <ErrorAlert error=Signal::derive(move || error.get().filter(|e| e.field_message("comment").is_none()))/>
            {body}
        </section>
    })
}
