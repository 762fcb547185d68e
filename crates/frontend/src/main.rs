//! JeSaisFaire web app: Leptos, client-side rendered, DSFR-styled, in French.

// The page arithmetic is display arithmetic on list positions, round numbers
// and dates the server bounds; checked operations would only add noise.
#![allow(clippy::arithmetic_side_effects)]

mod api;
mod app;
mod components;
mod hooks;
mod pages;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    // The static shell of index.html gives way to the app in the same frame.
    if let Some(shell) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("jsf-shell"))
    {
        shell.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
