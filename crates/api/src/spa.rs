//! Serves the built web app; client-side routes fall back to `index.html`,
//! while anything under `/api` stays an API answer.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig, static_dir: &Path) {
    let index = static_dir.join("index.html");
    if !index.is_file() {
        tracing::warn!(dir = %static_dir.display(), "web app not built: only the API is served");
        return;
    }
    cfg.service(
        Files::new("/", static_dir)
            .index_file("index.html")
            .default_handler(fn_service(move |req: ServiceRequest| {
                let index = index.clone();
                async move {
                    let (req, _) = req.into_parts();
                    let response = client_route(&req, index).await;
                    Ok(ServiceResponse::new(req, response))
                }
            })),
    );
}

async fn client_route(req: &HttpRequest, index: PathBuf) -> HttpResponse {
    if req.path().starts_with("/api") {
        return ApiError::NotFound.error_response();
    }
    match NamedFile::open(index) {
        Ok(file) => {
            let mut response = file.into_response(req);
            // The shell must never be cached, or a new release would load stale wasm.
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        Err(err) => ApiError::Unexpected(anyhow::Error::new(err).context("index.html unreadable"))
            .error_response(),
    }
}

pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}
