use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use shared::Named;
use shared::types::Role;

use crate::hooks::login_then;
use crate::session::Session;

/// DSFR header: Marianne block, service name, role-aware navigation.
#[component]
pub fn Header() -> impl IntoView {
    let session = Session::get();
    view! {
        <header role="banner" class="fr-header">
            <div class="fr-header__body">
                <div class="fr-container">
                    <div class="fr-header__body-row">
                        <div class="fr-header__brand fr-enlarge-link">
                            <div class="fr-header__brand-top">
                                <div class="fr-header__logo">
                                    <p class="fr-logo">"République" <br/> "Française"</p>
                                </div>
                                <div class="fr-header__navbar">
                                    <PhoneUnreadLink/>
                                    <button class="fr-btn--menu fr-btn" data-fr-opened="false"
                                        aria-controls="menu-modal" aria-haspopup="menu" id="menu-button" title="Menu">
                                        "Menu"
                                    </button>
                                </div>
                            </div>
                            <div class="fr-header__service">
                                <A href="/" attr:title="Accueil — JeSaisFaire">
                                    <p class="fr-header__service-title">"JeSaisFaire"</p>
                                </A>
                                <p class="fr-header__service-tagline">
                                    "Préparer ensemble le cahier des charges, avant le marché"
                                </p>
                            </div>
                        </div>
                        <div class="fr-header__tools">
                            <div class="fr-header__tools-links">
                                <ToolLinks/>
                            </div>
                        </div>
                    </div>
                </div>
            </div>
            <div class="fr-header__menu fr-modal" id="menu-modal" aria-labelledby="menu-button">
                <div class="fr-container">
                    <button class="fr-btn--close fr-btn" aria-controls="menu-modal" title="Fermer">"Fermer"</button>
                    <div class="fr-header__menu-links">
                        <ToolLinks/>
                    </div>
                    <nav class="fr-nav" role="navigation" aria-label="Menu principal" id="menu-principal" tabindex="-1">
                        <ul class="fr-nav__list">
                            <li class="fr-nav__item">
                                <A href="/" attr:class="fr-nav__link" exact=true>"Accueil"</A>
                            </li>
                            {move || session.user().map(|user| role_links(user.role))}
                        </ul>
                    </nav>
                </div>
            </div>
        </header>
    }
}

/// Sign-in or account links; DSFR shows them in the header on large screens
/// and in the menu modal on small ones, so the header renders them twice.
#[component]
fn ToolLinks() -> impl IntoView {
    let session = Session::get();
    let location = use_location();
    let navigate = use_navigate();
    // Signing in from a page comes back to it.
    let login = move || {
        let here = location.pathname.get();
        if matches!(
            here.as_str(),
            "/" | "/connexion" | "/inscription" | "/deconnexion"
        ) {
            "/connexion".to_owned()
        } else {
            login_then(&format!("{here}{}", location.search.get()))
        }
    };
    view! {
        <ul class="fr-btns-group">
            {move || match session.user() {
                None => view! {
                    <li>
                        <A href=login attr:class="fr-btn fr-icon-lock-line">"Se connecter"</A>
                    </li>
                    <li>
                        <A href="/inscription" attr:class="fr-btn fr-icon-add-circle-line">"Inscrire mon entreprise"</A>
                    </li>
                }.into_any(),
                Some(user) => {
                    let navigate = navigate.clone();
                    view! {
                    <li>
                        <A href="/mon-compte" attr:class="fr-btn fr-icon-account-circle-line">
                            {format!("Mon compte ({})", user.role.label_fr())}
                        </A>
                    </li>
                    <li>
                        // A button, not a link: signing out changes state, which a
                        // prefetch or a crawler following a link must never do.
                        <button class="fr-btn fr-icon-logout-box-r-line" type="button" on:click=move |_| {
                            // Leave first: a page that needs a session would
                            // otherwise send to the login page as it ends.
                            navigate("/deconnexion", Default::default());
                            leptos::task::spawn_local(session.log_out());
                        }>"Se déconnecter"</button>
                    </li>
                }.into_any()
                }

            }}
        </ul>
    }
}

/// The number of unread notifications, shared by the menu link and the
/// phone header; counted again on every page change and whenever a page
/// marks some read.
#[derive(Clone, Copy)]
pub struct UnreadCount {
    changes: RwSignal<u64>,
    count: LocalResource<Option<u64>>,
}

impl UnreadCount {
    pub fn provide() {
        let session = Session::get();
        let location = use_location();
        let changes = RwSignal::new(0);
        let count = LocalResource::new(move || {
            location.pathname.track();
            changes.track();
            let fetched = session.fetch(|token| async move {
                // The count comes with any page: the smallest will do.
                crate::api::notifications(&token, 1, 1)
                    .await
                    .map(|n| n.unread)
            });
            async move { fetched.await.and_then(Result::ok) }
        });
        provide_context(Self { changes, count });
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    pub fn changed(self) {
        self.changes.update(|n| *n = n.wrapping_add(1));
    }

    fn now(self) -> Option<u64> {
        self.count.get().flatten()
    }
}

fn unread_label(n: u64) -> String {
    if n == 1 {
        "1 non lue".to_owned()
    } else {
        format!("{n} non lues")
    }
}

/// "Notifications", with the unread count once it is known.
#[component]
fn NotificationsLink() -> impl IntoView {
    let unread = UnreadCount::get();
    let label = move || match unread.now() {
        Some(0) | None => "Notifications".to_owned(),
        Some(n) => format!("Notifications ({})", unread_label(n)),
    };
    view! { <A href="/notifications" attr:class="fr-nav__link">{label}</A> }
}

/// On phones the menu is folded: the unread count stays in sight beside it.
#[component]
fn PhoneUnreadLink() -> impl IntoView {
    let unread = UnreadCount::get();
    move || {
        unread.now().filter(|n| *n > 0).map(|n| {
            view! {
                <A href="/notifications" attr:class="fr-btn jsf-phone-unread">
                    <span class="fr-sr-only">"Notifications : "</span>{unread_label(n)}
                </A>
            }
        })
    }
}

/// Entries of the main menu for a role; each feature adds its own here.
fn role_links(role: Role) -> impl IntoView {
    let admin_docs = (role == Role::Admin).then(|| {
        view! {
            <li class="fr-nav__item">
                <A href="/administration/comptes" attr:class="fr-nav__link">"Comptes"</A>
            </li>
            <li class="fr-nav__item">
                <a class="fr-nav__link" href="/api/docs/">"Documentation de l'API"</a>
            </li>
        }
    });
    view! {
        <li class="fr-nav__item">
            <A href="/consultations" attr:class="fr-nav__link">"Consultations"</A>
        </li>
        <li class="fr-nav__item">
            <NotificationsLink/>
        </li>
        <li class="fr-nav__item">
            <A href="/mon-compte" attr:class="fr-nav__link">"Mon compte"</A>
        </li>
        {admin_docs}
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="fr-footer" role="contentinfo" id="pied-de-page" tabindex="-1">
            <div class="fr-container">
                <div class="fr-footer__body">
                    <div class="fr-footer__brand fr-enlarge-link">
                        <A href="/" attr:title="Retour à l'accueil — JeSaisFaire">
                            <p class="fr-logo">"République" <br/> "Française"</p>
                        </A>
                    </div>
                    <div class="fr-footer__content">
                        <p class="fr-footer__content-desc">
                            "JeSaisFaire ouvre un dialogue encadré entre les services de l'État et les PME avant la publication d'un marché (sourcing, article R2111-1 du code de la commande publique)."
                        </p>
                    </div>
                </div>
                <div class="fr-footer__bottom">
                    <ul class="fr-footer__bottom-list">
                        <li class="fr-footer__bottom-item"><A href="/plan-du-site" attr:class="fr-footer__bottom-link">"Plan du site"</A></li>
                        <li class="fr-footer__bottom-item"><A href="/accessibilite" attr:class="fr-footer__bottom-link">"Accessibilité : non conforme"</A></li>
                        <li class="fr-footer__bottom-item"><A href="/mentions-legales" attr:class="fr-footer__bottom-link">"Mentions légales"</A></li>
                        <li class="fr-footer__bottom-item"><A href="/donnees-personnelles" attr:class="fr-footer__bottom-link">"Données personnelles"</A></li>
                        <li class="fr-footer__bottom-item">
                            <a class="fr-footer__bottom-link" href="/api/docs/">"Documentation de l'API"</a>
                        </li>
                    </ul>
                </div>
            </div>
        </footer>
    }
}
