//! The pages every State service publishes: legal notice, personal data,
//! accessibility statement and site map. Public, no session needed.

use leptos::prelude::*;
use leptos_router::components::A;

use shared::reference::DeploymentDto;

use crate::api;
use crate::components::set_title;

/// What the deployment says about itself; until it answers (or if it
/// cannot), the pages say where the facts are found.
fn deployment() -> Signal<DeploymentDto> {
    let facts = LocalResource::new(api::deployment);
    Signal::derive(move || facts.get().and_then(Result::ok).unwrap_or_default())
}

#[component]
pub fn LegalNoticePage() -> impl IntoView {
    set_title("Mentions légales");
    let facts = deployment();
    view! {
        <h1>"Mentions légales"</h1>
        <h2>"Éditeur"</h2>
        <p>"JeSaisFaire est un service numérique de l'État. "{move || match facts.get().publisher {
            Some(publisher) => format!("Cette instance est éditée par : {publisher}."),
            None => "Il est édité par le service qui l'exploite pour sa région (préfecture ou plateforme régionale des achats de l'État), dont le nom, l'adresse et le directeur de la publication figurent dans la convention de déploiement de cette instance.".into(),
        }}</p>
        {move || facts.get().publication_director.map(|director| view! {
            <p>{format!("Directeur de la publication : {director}.")}</p>
        })}
        <h2>"Objet du service"</h2>
        <p>"JeSaisFaire permet aux services de l'État de consulter les entreprises avant de publier un marché (article R2111-1 du code de la commande publique) : un projet de cahier des clauses techniques particulières (CCTP) est soumis aux entreprises du domaine et du territoire, qui réagissent sous pseudonyme."</p>
        <h2>"Hébergement"</h2>
        <p>{move || match facts.get().host {
            Some(host) => format!("Cette instance est hébergée par : {host}."),
            None => "L'hébergeur de cette instance est désigné dans la convention de déploiement du service qui l'exploite.".into(),
        }}</p>
        <h2>"Propriété intellectuelle"</h2>
        <p>"Le code source de JeSaisFaire est publié sous licence EUPL 1.2. Les contenus déposés par les entreprises restent leur propriété ; ils sont utilisés pour la seule préparation du marché concerné."</p>
        <h2>"Documentation de l'API"</h2>
        <p>"Les intégrateurs trouvent la description de l'interface de programmation sur "<a class="fr-link" href="/api/docs/">"la documentation de l'API"</a>"."</p>
    }
}

#[component]
pub fn PersonalDataPage() -> impl IntoView {
    set_title("Données personnelles");
    let facts = deployment();
    view! {
        <h1>"Données personnelles"</h1>
        <h2>"Ce qui est traité, et pourquoi"</h2>
        <ul>
            <li>"Comptes : adresse e-mail, nom affiché, rôle, mot de passe (conservé sous forme d'empreinte Argon2, jamais en clair)."</li>
            <li>"Entreprises : raison sociale, SIRET, domaines d'activité (divisions CPV) et départements d'intervention, pour leur proposer les consultations qui les concernent."</li>
            <li>"Échanges : contributions, réponses et décisions, rattachés à une consultation ; les entreprises y apparaissent sous un pseudonyme, leur identité n'est jamais montrée aux autres participants."</li>
            <li>"Journal : les actions sur une consultation (qui, quand), pour la traçabilité de la procédure ; pour les comptes, leur désactivation, réactivation ou suppression."</li>
            <li>"Messages électroniques : l'adresse du destinataire, le sujet et le contenu des messages envoyés (ouverture d'un tour, réponses, rappels, liens de confirmation et de réinitialisation), et les préférences de chacun. Les messages ne nomment jamais une entreprise auprès d'une autre : seulement son pseudonyme."</li>
        </ul>
        <p>"Base légale : l'exécution d'une mission d'intérêt public (article 6.1.e du RGPD), la préparation des marchés publics de l'État."</p>
        <h2>"Durées de conservation"</h2>
        <ul>
            <li>"Sessions de connexion : 30 jours au plus après la connexion."</li>
            <li>"Messages électroniques envoyés : 90 jours."</li>
            <li>"Liens de confirmation d'adresse : 48 heures ; liens de réinitialisation du mot de passe : 1 heure, utilisables une seule fois."</li>
            <li>"Comptes : tant qu'ils sont utilisés. Une entreprise supprime elle-même son compte dans « Mon compte » : sa raison sociale, son SIRET, son adresse e-mail, ses messages et ses préférences sont effacés aussitôt ; ses contributions restent dans le dossier des consultations sous leur pseudonyme."</li>
            <li>"Consultations et échanges : la durée de conservation du dossier du marché auquel ils se rattachent."</li>
        </ul>
        <h2>"Cookies"</h2>
        <p>"JeSaisFaire ne dépose aucun cookie de mesure d'audience ni de tiers. Deux cookies strictement nécessaires maintiennent la session d'une personne connectée et disparaissent à la déconnexion : "<code>"jsf_refresh"</code>" (jeton de session, illisible par les scripts) et "<code>"jsf_signed_in"</code>" (indique seulement qu'une session existe). Ils ne demandent pas de consentement."</p>
        <h2>"Vos droits"</h2>
        <p>"Vous disposez d'un droit d'accès, de rectification, de limitation et d'opposition sur vos données. Une entreprise modifie elle-même sa raison sociale, ses domaines et ses départements, choisit les messages qu'elle reçoit et peut supprimer son compte dans "<A href="/mon-compte">"Mon compte"</A>" ; chaque message contient un lien de désabonnement. "{move || match facts.get().data_protection_officer {
            Some(dpo) => format!("Pour exercer vos autres droits, écrivez au délégué à la protection des données : {dpo}."),
            None => "Pour exercer vos autres droits, écrivez au délégué à la protection des données du ministère dont relève le service qui exploite cette instance.".into(),
        }}" Si vous estimez que vos droits ne sont pas respectés, vous pouvez saisir la CNIL (www.cnil.fr)."</p>
    }
}

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    set_title("Déclaration d'accessibilité");
    let facts = deployment();
    view! {
        <h1>"Déclaration d'accessibilité"</h1>
        <p>"L'État s'engage à rendre ses services numériques accessibles, conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005."</p>
        <h2>"État de conformité"</h2>
        <p><strong>"JeSaisFaire est non conforme"</strong>" au référentiel général d'amélioration de l'accessibilité (RGAA 4.1) : aucun audit de conformité n'a encore été mené, ce qui impose ce statut."</p>
        <p>"Chaque page est néanmoins vérifiée automatiquement à chaque modification du service (règles WCAG 2.1 A et AA, outil axe-core, sur écran large et sur téléphone), pour chaque rôle : visiteur, entreprise, agent et acheteur. Le service utilise le système de design de l'État (DSFR)."</p>
        <h2>"Signaler un défaut d'accessibilité"</h2>
        <p>"Si vous n'arrivez pas à accéder à un contenu ou à une fonctionnalité, "{move || match facts.get().contact {
            Some(contact) => format!("écrivez à {contact}"),
            None => "contactez le service qui exploite cette instance".into(),
        }}" : nous vous proposerons une alternative accessible et corrigerons le défaut."</p>
        <h2>"Voies de recours"</h2>
        <p>"Si vous avez signalé un défaut qui vous empêche d'accéder à un contenu et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez écrire au Défenseur des droits, utiliser son formulaire de contact en ligne, ou contacter son délégué dans votre région. Courrier, sans affranchissement : Défenseur des droits, libre réponse 71120, 75342 Paris CEDEX 07."</p>
    }
}

#[component]
pub fn SiteMapPage() -> impl IntoView {
    set_title("Plan du site");
    view! {
        <h1>"Plan du site"</h1>
        <ul>
            <li><A href="/">"Accueil"</A></li>
            <li><A href="/connexion">"Connexion"</A></li>
            <li><A href="/inscription">"Inscrire mon entreprise"</A></li>
            <li><A href="/mot-de-passe-oublie">"Mot de passe oublié"</A></li>
            <li>"Une fois connecté :"
                <ul>
                    <li><A href="/consultations">"Consultations"</A></li>
                    <li><A href="/notifications">"Notifications"</A></li>
                    <li><A href="/mon-compte">"Mon compte"</A></li>
                    <li><A href="/consultations/nouvelle">"Nouvelle consultation (agents)"</A></li>
                    <li><A href="/administration/comptes">"Comptes (administrateurs)"</A></li>
                </ul>
            </li>
            <li><A href="/mentions-legales">"Mentions légales"</A></li>
            <li><A href="/donnees-personnelles">"Données personnelles"</A></li>
            <li><A href="/accessibilite">"Accessibilité"</A></li>
            <li><a href="/api/docs/">"Documentation de l'API"</a></li>
        </ul>
    }
}
