use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::set_title;
use crate::session::Session;

#[component]
pub fn HomePage() -> impl IntoView {
    set_title("Accueil");
    let session = Session::get();
    view! {
        <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-md-8">
                <h1>"Préparer ensemble le cahier des charges, avant le marché"</h1>
                <p class="fr-text--lead">
                    "JeSaisFaire permet aux agents de l'État de soumettre un projet de CCTP aux entreprises du domaine et du territoire concernés, avant la publication du marché."
                </p>
                <ol class="fr-mb-4w">
                    <li>"L'agent publie un projet de CCTP : sections, clauses et critères de jugement pondérés."</li>
                    <li>"Les entreprises concernées réagissent sur une clause ou un critère : solution, demande de précision ou rédaction alternative, avec une justification et l'effet attendu sur le coût."</li>
                    <li>"L'agent répond, décide, révise son projet et ouvre un nouveau tour de dialogue."</li>
                    <li>"Un acheteur de la plateforme régionale des achats (PFRA) valide la publication du CCTP final."</li>
                </ol>
                <p>
                    "Les échanges sont anonymisés : chaque entreprise apparaît sous un pseudonyme (« Entreprise B ») et les réponses aux demandes de précision sont visibles de toutes, pour l'égalité de traitement."
                </p>
                {move || match session.user() {
                    None => view! {
                        <ul class="fr-btns-group fr-btns-group--inline-md">
                            <li><A href="/inscription" attr:class="fr-btn">"Inscrire mon entreprise"</A></li>
                            <li><A href="/connexion" attr:class="fr-btn fr-btn--secondary">"Se connecter"</A></li>
                        </ul>
                    }.into_any(),
                    Some(user) => view! {
                        <p class="fr-text--bold">{format!("Bonjour {} !", user.display_name)}</p>
                        <A href="/mon-compte" attr:class="fr-btn">"Voir mon compte"</A>
                    }.into_any(),
                }}
            </div>
            <div class="fr-col-12 fr-col-md-4">
                <div class="fr-callout">
                    <h2 class="fr-callout__title">"In English"</h2>
                    <p class="fr-callout__text" lang="en">
                        "JeSaisFaire lets French State buyers and small companies discuss a draft technical specification before the tender is published, in anonymised, structured rounds."
                    </p>
                </div>
            </div>
        </div>
    }
}
