use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::layout::{Footer, Header, UnreadCount};
use crate::pages::admin_accounts::AdminAccountsPage;
use crate::pages::draft_editor::DraftEditorPage;
use crate::pages::forgot_password::ForgotPasswordPage;
use crate::pages::history::HistoryPage;
use crate::pages::legal::{AccessibilityPage, LegalNoticePage, PersonalDataPage, SiteMapPage};
use crate::pages::new_consultation::NewConsultationPage;
use crate::pages::notifications::NotificationsPage;
use crate::pages::print_cctp::PrintCctpPage;
use crate::pages::reset_password::ResetPasswordPage;
use crate::pages::synthesis::SynthesisPage;
use crate::pages::timeline::TimelinePage;
use crate::pages::unsubscribe::UnsubscribePage;
use crate::pages::verify_email::VerifyEmailPage;
use crate::pages::{
    account::AccountPage, consultation::ConsultationPage, consultations::ConsultationsPage,
    home::HomePage, login::LoginPage, logout::LogoutPage, not_found::NotFoundPage,
    register::RegisterPage,
};
use crate::session::Session;

#[component]
pub fn App() -> impl IntoView {
    Session::provide();
    view! {
        <Router>
            <Shell/>
        </Router>
    }
}

/// Everything inside the router, so that what it provides (the unread
/// count, which follows the location) reaches the header and every page.
#[component]
fn Shell() -> impl IntoView {
    UnreadCount::provide();
    view! {
        <div class="fr-skiplinks">
            <nav class="fr-container" role="navigation" aria-label="Accès rapide">
                <ul class="fr-skiplinks__list">
                    <li><a class="fr-link" href="#contenu">"Contenu"</a></li>
                    <li><a class="fr-link" href="#menu-principal">"Menu"</a></li>
                    <li><a class="fr-link" href="#pied-de-page">"Pied de page"</a></li>
                </ul>
            </nav>
        </div>
        <Header/>
        <main id="contenu" role="main" class="fr-container fr-py-6w" tabindex="-1">
            <Routes fallback=|| view! { <NotFoundPage/> }>
                <Route path=path!("/") view=HomePage/>
                <Route path=path!("/connexion") view=LoginPage/>
                <Route path=path!("/inscription") view=RegisterPage/>
                <Route path=path!("/mot-de-passe-oublie") view=ForgotPasswordPage/>
                <Route path=path!("/reinitialiser-mot-de-passe") view=ResetPasswordPage/>
                <Route path=path!("/verifier-email") view=VerifyEmailPage/>
                <Route path=path!("/desabonnement/:jeton") view=UnsubscribePage/>
                <Route path=path!("/mentions-legales") view=LegalNoticePage/>
                <Route path=path!("/donnees-personnelles") view=PersonalDataPage/>
                <Route path=path!("/accessibilite") view=AccessibilityPage/>
                <Route path=path!("/plan-du-site") view=SiteMapPage/>
                <Route path=path!("/mon-compte") view=AccountPage/>
                <Route path=path!("/administration/comptes") view=AdminAccountsPage/>
                <Route path=path!("/deconnexion") view=LogoutPage/>
                <Route path=path!("/consultations") view=ConsultationsPage/>
                <Route path=path!("/notifications") view=NotificationsPage/>
                <Route path=path!("/consultations/nouvelle") view=NewConsultationPage/>
                <Route path=path!("/consultations/:id") view=ConsultationPage/>
                <Route path=path!("/consultations/:id/cctp") view=DraftEditorPage/>
                <Route path=path!("/consultations/:id/historique") view=HistoryPage/>
                <Route path=path!("/consultations/:id/imprimer") view=PrintCctpPage/>
                <Route path=path!("/consultations/:id/synthese") view=SynthesisPage/>
                <Route path=path!("/consultations/:id/journal") view=TimelinePage/>
            </Routes>
        </main>
        <Footer/>
    }
}
