pub mod confirm;
pub mod consultation_nav;
pub mod contribution;
pub mod contribution_filters;
pub mod exports;
pub mod fairness;
pub mod form;
pub mod layout;
pub mod pager;
pub mod resource;
pub mod table;
pub mod target_block;
pub mod targeting_fields;
pub mod time;

/// Sets the browser tab title, which screen readers announce on navigation.
pub fn set_title(page: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{page} — JeSaisFaire"));
    }
}
