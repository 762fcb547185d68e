//! Moving through the pages of a paginated list.

use leptos::prelude::*;

/// Previous and next pages, when there are several: `pages` of them, or
/// with `more`, more than that (a search stops counting). The attributes'
/// comparisons are in braces: bare, the view macro read the `>` of `>=` as
/// the end of the tag, and the next button was always disabled.
#[component]
pub fn Pager(page: RwSignal<u64>, pages: u64, #[prop(optional)] more: bool) -> impl IntoView {
    let last = if more { u64::MAX } else { pages };
    let of = if more {
        format!("plus de {pages}")
    } else {
        pages.to_string()
    };
    (last > 1).then(|| {
        view! {
            <nav class="fr-pagination fr-mt-3w" role="navigation" aria-label="Pagination">
                <ul class="fr-pagination__list">
                    <li><button class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" type="button"
                        disabled=move || { page.get() <= 1 } on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>"Page précédente"</button></li>
                    <li><span class="fr-pagination__link" aria-current="page">{move || format!("Page {} sur {of}", page.get())}</span></li>
                    <li><button class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" type="button"
                        disabled=move || { page.get() >= last } on:click=move |_| page.update(|p| *p = p.saturating_add(1).min(last))>"Page suivante"</button></li>
                </ul>
            </nav>
        }
    })
}
