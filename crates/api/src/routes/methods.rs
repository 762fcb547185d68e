//! `405 Method Not Allowed` with its `Allow` header, for an address of the
//! API asked with a method it does not take (a `DELETE` on a consultation,
//! a `TRACE`), rather than a 404 that says the address does not exist. The
//! table of addresses and methods is read from the OpenAPI document, which
//! is built from the very routes, so the two cannot disagree.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

/// One documented path: its segments (`None` for a `{parameter}`) and the
/// methods it answers.
struct Route {
    segments: Vec<Option<String>>,
    methods: Vec<&'static str>,
}

pub struct ApiMethods(Vec<Route>);

impl ApiMethods {
    pub fn of(spec: &utoipa::openapi::OpenApi) -> Self {
        Self(
            spec.paths
                .paths
                .iter()
                .map(|(path, item)| Route {
                    segments: path
                        .split('/')
                        .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                        .collect(),
                    methods: [
                        ("GET", item.get.is_some()),
                        ("PUT", item.put.is_some()),
                        ("POST", item.post.is_some()),
                        ("DELETE", item.delete.is_some()),
                        ("PATCH", item.patch.is_some()),
                    ]
                    .into_iter()
                    .filter_map(|(method, exists)| exists.then_some(method))
                    .collect(),
                })
                .collect(),
        )
    }

    /// The methods `path` answers, if it is an address of the API.
    fn allowed(&self, path: &str) -> Option<Vec<&'static str>> {
        let asked: Vec<&str> = path.split('/').collect();
        let mut methods: Vec<&'static str> = self
            .0
            .iter()
            .filter(|route| {
                route.segments.len() == asked.len()
                    && route
                        .segments
                        .iter()
                        .zip(&asked)
                        .all(|(s, a)| s.as_deref().is_none_or(|literal| literal == *a))
            })
            .flat_map(|route| route.methods.iter().copied())
            .collect();
        methods.sort_unstable();
        methods.dedup();
        (!methods.is_empty()).then_some(methods)
    }

    /// 405 with `Allow` when `req`'s address exists with other methods.
    pub fn refuse(&self, req: &HttpRequest) -> Option<HttpResponse> {
        let allowed = self.allowed(req.path())?;
        if allowed.contains(&req.method().as_str()) {
            return None;
        }
        Some(
            HttpResponse::MethodNotAllowed()
                .insert_header((header::ALLOW, allowed.join(", ")))
                .finish(),
        )
    }
}
