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
    leptos::mount::mount_to_body(app::App);
}
