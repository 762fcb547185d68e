//! The steps that move a consultation towards publication: the agent closes
//! the round and asks for publication (which freezes the final revision), the
//! PFRA buyer reads what it changes and approves that revision, or sends it
//! back. Once published, everyone finds the final CCTP here.
//! Each irreversible step is confirmed in a modal that says what will happen.

use leptos::prelude::*;
use shared::consultation::{
    ConsultationDto, ConsultationStatus, PublicationDecisionRequest, PublicationDto,
};
use shared::types::Role;
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::confirm::{ConfirmModal, ConfirmTrigger};
use crate::components::fairness::FairnessSection;
use crate::components::form::{ErrorAlert, TextField};
use crate::components::resource::resource_view;
use crate::pages::history::Changes;
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

/// How the final revision differs from the last round companies read.
#[component]
fn FinalChanges(id: Uuid, publication: PublicationDto) -> impl IntoView {
    let session = Session::get();
    let Some(last_round) = publication.compared_with() else {
        return ().into_any();
    };
    let revision = publication.revision;
    let diff = LocalResource::new(move || {
        session.fetch(move |token| async move { api::diff(&token, id, revision, last_round).await })
    });
    view! {
        <details class="fr-mt-2w">
            <summary>{format!("Ce qui change depuis le tour {last_round}, le dernier lu par les entreprises")}</summary>
            {resource_view(diff, "Chargement des changements…", |d| view! { <Changes diff=d/> })}
        </details>
    }
    .into_any()
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
    let submitted = consultation.publication;
    let final_revision = submitted.map_or(latest, |p| p.revision);
    let decide = move |approve: bool| {
        run.dispatch(Step::Decide(PublicationDecisionRequest {
            approve,
            comment: comment.get_untracked(),
            revision: Some(final_revision),
        }));
    };
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
            <p>{format!("Le dialogue est terminé ? Demandez la publication : le brouillon enregistré est figé comme révision finale {}, lisible par les entreprises, sans nouveau tour de contributions. L'acheteur de la PFRA valide cette révision ou demande des modifications.", latest + 1)}</p>
            <FairnessSection consultation_id=id can_acknowledge=true/>
            <ConfirmTrigger modal_id="request-publication-modal">"Demander la publication"</ConfirmTrigger>
            <ConfirmModal id="request-publication-modal" title="Demander la publication ?".to_owned() confirm_label="Confirmer la demande"
                on_confirm=Callback::new(move |()| { run.dispatch(Step::RequestPublication); })>
                <p>{format!("{buyer} (PFRA) validera le CCTP ou demandera des modifications.")}</p>
                <p>{format!("Le brouillon enregistré devient la révision finale {}, lisible par tous, sans nouveau tour de contributions. Il reste figé jusqu'à la décision de l'acheteur.", latest + 1)}</p>
            </ConfirmModal>
        }.into_any()),
        (Some(Role::Agent), ConsultationStatus::AwaitingApproval) => ("Publication demandée".to_owned(), view! {
            <p>{format!("En attente de la décision de {buyer} (PFRA) sur la révision finale {final_revision}.")}</p>
            {submitted.map(|publication| view! { <FinalChanges id publication/> })}
        }.into_any()),
        (Some(Role::Buyer), ConsultationStatus::AwaitingApproval) => ("Validation de la publication".to_owned(), view! {
            <p>{format!("L'agent demande la publication de la révision finale {final_revision}, ci-dessous. Vous validez cette révision précisément.")}</p>
            {submitted.map(|publication| view! { <FinalChanges id publication/> })}
            <FairnessSection consultation_id=id can_acknowledge=false/>
            <TextField id="publication-comment" label="Commentaire" hint="Obligatoire pour demander des modifications"
                rows=4 value=comment error=comment_error/>
            <ul class="fr-btns-group fr-btns-group--inline-md">
                <li><ConfirmTrigger modal_id="approve-publication-modal">{format!("Valider la révision {final_revision}")}</ConfirmTrigger></li>
                <li><button class="fr-btn fr-btn--secondary" type="button" on:click=move |_| decide(false)>"Demander des modifications"</button></li>
            </ul>
            <ConfirmModal id="approve-publication-modal" title="Valider la publication ?".to_owned() confirm_label="Confirmer la validation"
                on_confirm=Callback::new(move |()| decide(true))>
                <p>{format!("La révision {final_revision} devient le CCTP final : elle est figée définitivement et quitte l'outil pour la procédure formelle. L'agent et les entreprises en sont prévenus.")}</p>
            </ConfirmModal>
        }.into_any()),
        (_, ConsultationStatus::Published) => match submitted {
            Some(publication) => ("CCTP final".to_owned(), view! {
                <p>{format!("La révision {} a été validée par l'acheteur de la PFRA : c'est le CCTP final, publié pour la procédure formelle.", publication.revision)}</p>
                <FinalChanges id publication/>
            }.into_any()),
            None => return ().into_any(),
        },
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
