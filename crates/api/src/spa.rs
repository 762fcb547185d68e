//! Serves the built web app; client-side routes fall back to `index.html`,
//! while anything under `/api` stays an API answer. Files go out
//! precompressed (`.br`, `.gz`, made once by `just web-release`) to browsers
//! that accept them, through actix-files' own negotiation.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::ApiError;

/// Files of the build that a client route can never be: a missing one is a
/// 404, not the application shell.
const ASSET_EXTENSIONS: [&str; 6] = ["wasm", "js", "css", "svg", "json", "map"];

pub fn configure(cfg: &mut web::ServiceConfig, static_dir: &Path) {
    let index = static_dir.join("index.html");
    if !index.is_file() {
        tracing::warn!(dir = %static_dir.display(), "web app not built: only the API is served");
        return;
    }
    let files = Files::new("/", static_dir)
        .index_file("index.html")
        .try_compressed()
        .default_handler(fn_service(move |req: ServiceRequest| {
            let index = index.clone();
            async move {
                let (req, _) = req.into_parts();
                let response = client_route(&req, index).await;
                Ok(ServiceResponse::new(req, response))
            }
        }));
    // Every file may have compressed copies: caches must key on the encoding.
    cfg.service(
        web::scope("")
            .wrap(DefaultHeaders::new().add((header::VARY, "accept-encoding")))
            .service(files),
    );
}

fn is_build_asset(path: &str) -> bool {
    Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ASSET_EXTENSIONS.contains(&e))
}

async fn client_route(req: &HttpRequest, index: PathBuf) -> HttpResponse {
    if req.path().starts_with("/api") || is_build_asset(req.path()) {
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
