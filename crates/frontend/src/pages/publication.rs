//! The steps that move a consultation towards publication: the agent closes
//! the round and asks for publication, the PFRA buyer approves or sends back.
//! Each irreversible step is confirmed in a modal that says what will happen.

use leptos::prelude::*;
use shared::consultation::{ConsultationDto, ConsultationStatus, PublicationDecisionRequest};
use shared::types::Role;

use crate::api::{self, ApiError};
use crate::components::confirm::{ConfirmModal, ConfirmTrigger};
use crate::components::form::{ErrorAlert, TextField};
use crate::session::Session;

#[derive(Clone)]
enum Step {
    CloseRound(i32),
    RequestPublication,
    Decide(PublicationDecisionRequest),
}

/// The buyer's request for changes, as the agent and the buyer read it.
#[component]
fn ChangesRequested(comment: String, by_you: bool) -> impl IntoView {
    view! {
        <div class="fr-alert fr-alert--warning fr-mb-3w">
            <h3 class="fr-alert__title">{if by_you { "Vous avez demandé des modifications" } else { "L'acheteur demande des modifications" }}</h3>
            <p class="jsf-multiline">{comment}</p>
        </div>
    }
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
    // Why a revision cannot be submitted (weights, no clause), said in full.
    let incomplete = Signal::derive(move || {
        error.get().and_then(|e: ApiError| {
            e.field_message("criteria")
                .or_else(|| e.field_message("draft"))
        })
    });
    let role = session.user_now().map(|u| u.role);
    let round = consultation.current_round.clone();
    let latest = round.as_ref().map_or(0, |r| r.number);
    let open_round = round.as_ref().filter(|r| r.is_open).map(|r| r.number);
    let sent_back = consultation.changes_requested.clone();
    let buyer = consultation.buyer_name.clone();
    let (title, body) = match (role, consultation.status) {
        (Some(Role::Agent), ConsultationStatus::InDialogue) => match open_round {
            Some(n) => (format!("Tour {n} en cours"), view! {
                <p>"Clore le tour avant l'échéance met fin aux contributions de ce tour."</p>
                <ConfirmTrigger modal_id="close-round-modal" class="fr-btn fr-btn--secondary">{format!("Clore le tour {n} maintenant")}</ConfirmTrigger>
                <ConfirmModal id="close-round-modal" title=format!("Clore le tour {n} maintenant ?") confirm_label="Clore le tour"
                    on_confirm=Callback::new(move |()| { run.dispatch(Step::CloseRound(n)); })>
                    <p>"Les entreprises ne pourront plus contribuer à ce tour ; elles en sont prévenues. Un tour clos ne se rouvre pas : pour poursuivre le dialogue, vous publierez une nouvelle révision."</p>
                </ConfirmModal>
            }.into_any()),
            None => return ().into_any(),
        },
        (Some(Role::Agent), ConsultationStatus::BetweenRounds) => ("Suite du dialogue".to_owned(), view! {
            {sent_back.clone().map(|comment| view! { <ChangesRequested comment by_you=false/> })}
            <p>"Un nouveau tour ? Révisez le CCTP à partir des contributions, puis publiez la révision suivante."</p>
            <p><a class="fr-link" href=format!("/consultations/{id}/cctp")>"Réviser le CCTP"</a></p>
            <p>"Le dialogue est terminé ? L'acheteur de la PFRA validera la publication du CCTP. Si vous avez révisé le brouillon depuis la révision "{latest}", il est soumis comme révision "{latest + 1}", lisible par les entreprises, sans nouveau tour de contributions."</p>
            <ConfirmTrigger modal_id="request-publication-modal">"Demander la publication"</ConfirmTrigger>
            <ConfirmModal id="request-publication-modal" title="Demander la publication ?".to_owned() confirm_label="Confirmer la demande"
                on_confirm=Callback::new(move |()| { run.dispatch(Step::RequestPublication); })>
                <p>{format!("{buyer} (PFRA) validera le CCTP ou demandera des modifications.")}</p>
                <p>{format!("Le brouillon enregistré est soumis tel quel : s'il diffère de la révision {latest}, il devient la révision {}, lisible par tous, sans nouveau tour de contributions. Il reste figé jusqu'à la décision de l'acheteur.", latest + 1)}</p>
            </ConfirmModal>
        }.into_any()),
        (Some(Role::Agent), ConsultationStatus::AwaitingApproval) => ("Publication demandée".to_owned(), view! {
            <p>{format!("En attente de la décision de {buyer} (PFRA) sur la révision {latest}.")}</p>
        }.into_any()),
        (Some(Role::Buyer), ConsultationStatus::AwaitingApproval) => ("Validation de la publication".to_owned(), view! {
            <p>{format!("L'agent demande la publication du CCTP tel qu'il figure dans la révision {latest}, ci-dessous.")}
                {round.as_ref().is_some_and(|r| r.for_publication).then_some(" Cette révision a été soumise sans tour de contributions : l'historique montre ce qu'elle change.")}</p>
            <TextField id="publication-comment" label="Commentaire" hint="Obligatoire pour demander des modifications"
                rows=4 value=comment error=comment_error/>
            <ul class="fr-btns-group fr-btns-group--inline-md">
                <li><ConfirmTrigger modal_id="approve-publication-modal">"Valider la publication"</ConfirmTrigger></li>
                <li><button class="fr-btn fr-btn--secondary" type="button" on:click=move |_| {
                    run.dispatch(Step::Decide(PublicationDecisionRequest { approve: false, comment: comment.get_untracked() }));
                }>"Demander des modifications"</button></li>
            </ul>
            <ConfirmModal id="approve-publication-modal" title="Valider la publication ?".to_owned() confirm_label="Confirmer la validation"
                on_confirm=Callback::new(move |()| {
                    run.dispatch(Step::Decide(PublicationDecisionRequest { approve: true, comment: comment.get_untracked() }));
                })>
                <p>{format!("La révision {latest} devient le CCTP final : elle est figée définitivement et quitte l'outil pour la procédure formelle. L'agent et les entreprises en sont prévenus.")}</p>
            </ConfirmModal>
        }.into_any()),
        (Some(Role::Buyer), ConsultationStatus::BetweenRounds) => match sent_back {
            Some(comment) => ("Publication".to_owned(), view! {
                <ChangesRequested comment by_you=true/>
                <p>"L'agent révise le CCTP ; vous serez prévenu quand il redemandera la publication."</p>
            }.into_any()),
            None => return ().into_any(),
        },
        _ => return ().into_any(),
    };
    view! {
        <section class="fr-callout fr-my-4w" aria-labelledby="publication-title">
            <h2 class="fr-callout__title" id="publication-title">{title}</h2>
            <ErrorAlert error=Signal::derive(move || error.get().filter(|e| e.field_message("comment").is_none()))/>
            {move || incomplete.get().map(|m| view! { <p class="fr-message fr-message--error">{m}</p> })}
            {body}
        </section>
    }
    .into_any()
}
