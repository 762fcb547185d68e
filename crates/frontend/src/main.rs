//! JeSaisFaire web app: Leptos, client-side rendered, DSFR-styled, in French.

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
