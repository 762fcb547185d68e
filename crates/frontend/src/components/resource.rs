//! The three states of data fetched for a page: loading, failed, loaded.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::form::ErrorAlert;

/// `loading` is said while the data comes (and while the session is being
/// restored); a failure shows the API's message; `loaded` renders the data.
pub fn resource_view<T, V>(
    data: LocalResource<Option<Result<T, ApiError>>>,
    loading: &'static str,
    loaded: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    let pending = move || view! { <p aria-busy="true">{loading}</p> };
    view! {
        <Transition fallback=pending>
            {move || match data.get() {
                Some(Some(Ok(value))) => loaded(value).into_any(),
                Some(Some(Err(err))) => view! { <ErrorAlert error=Signal::derive(move || Some(err.clone()))/> }.into_any(),
                _ => pending().into_any(),
            }}
        </Transition>
    }
}
