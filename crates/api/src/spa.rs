//! Serves the built web app; client-side routes fall back to `index.html`,
//! while anything under `/api` stays an API answer. The build's own scripts,
//! styles and wasm go out precompressed when the build made `.br`/`.gz`
//! copies (`just web-release`) and the browser accepts them.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig, static_dir: &Path) {
    let index = static_dir.join("index.html");
    if !index.is_file() {
        tracing::warn!(dir = %static_dir.display(), "web app not built: only the API is served");
        return;
    }
    let build = web::Data::new(BuildDir(static_dir.to_path_buf()));
    cfg.service(
        web::resource(r"/{asset:[^/]+\.(?:wasm|js|css)}")
            .app_data(build)
            .route(web::get().to(build_asset))
            .route(web::head().to(build_asset)),
    );
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

struct BuildDir(PathBuf);

/// Brotli first: it is about a fifth smaller than gzip on the wasm.
const PRECOMPRESSED: [(&str, &str, ContentEncoding); 2] = [
    ("br", "br", ContentEncoding::Brotli),
    ("gzip", "gz", ContentEncoding::Gzip),
];

fn accepts(req: &HttpRequest, encoding: &str) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|token| {
            let mut parts = token.split(';').map(str::trim);
            let name = parts.next()?;
            let refused = parts.any(|p| p.replace(' ', "") == "q=0");
            (!refused).then_some(name)
        })
        .any(|name| name.eq_ignore_ascii_case(encoding))
}

async fn build_asset(
    req: HttpRequest,
    asset: web::Path<String>,
    build: web::Data<BuildDir>,
) -> HttpResponse {
    let raw = build.0.join(asset.as_str());
    if !raw.is_file() {
        return ApiError::NotFound.error_response();
    }
    let mime = actix_files::file_extension_to_mime(
        raw.extension().and_then(|e| e.to_str()).unwrap_or_default(),
    );
    let compressed = PRECOMPRESSED
        .into_iter()
        .find_map(|(name, suffix, encoding)| {
            let path = build.0.join(format!("{asset}.{suffix}"));
            (accepts(&req, name) && path.is_file()).then_some((path, encoding))
        });
    let file = match compressed {
        Some((path, encoding)) => NamedFile::open(path).map(|f| f.set_content_encoding(encoding)),
        None => NamedFile::open(&raw),
    };
    match file {
        Ok(file) => {
            let mut response = file.set_content_type(mime).into_response(&req);
            response
                .headers_mut()
                .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            response
        }
        Err(err) => {
            ApiError::Unexpected(anyhow::Error::new(err).context("web app asset unreadable"))
                .error_response()
        }
    }
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
