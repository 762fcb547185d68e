//! The DSFR table, scrolling sideways on narrow screens.

use leptos::prelude::*;

/// `children` are the `thead` and `tbody`. The scrolling box is focusable and
/// named, so that keyboard users can scroll it too.
#[component]
pub fn DataTable(caption: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="fr-table"><div class="fr-table__wrapper">
            <div class="fr-table__container" tabindex="0" role="region" aria-label=caption>
                <div class="fr-table__content">
                    <table>
                        <caption>{caption}</caption>
                        {children()}
                    </table>
                </div>
            </div>
        </div></div>
    }
}
