//! Serves the built web app; client-side routes fall back to `index.html`,
//! while anything under `/api` stays an API answer. Files go out
//! precompressed (`.br`, `.gz`, made once by `just web-release`) to browsers
//! that accept them, through actix-files' own negotiation.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next, from_fn};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::ApiError;
use crate::routes::methods::ApiMethods;

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
            .wrap(from_fn(cache_policy))
            .wrap(DefaultHeaders::new().add((header::VARY, "accept-encoding")))
            .service(files),
    );
}

/// How long browsers keep a file: for ever when its name carries the hash of
/// its content (a new build has new names), a day for the DSFR files (same
/// names across builds), and never for the shell (set where it is served).
fn cache_control(path: &str) -> Option<&'static str> {
    if is_content_hashed(path) {
        Some("public, max-age=31536000, immutable")
    } else if path.starts_with("/dsfr/") {
        Some("public, max-age=86400")
    } else {
        None
    }
}

/// Trunk names its outputs `name-<16 hex digits>` (`_bg` for the wasm).
fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn cache_policy(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let policy = cache_control(req.path());
    let mut response = next.call(req).await?;
    if let Some(policy) = policy
        && response.status().is_success()
    {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    Ok(response)
}

fn is_build_asset(path: &str) -> bool {
    Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ASSET_EXTENSIONS.contains(&e))
}

async fn client_route(req: &HttpRequest, index: PathBuf) -> HttpResponse {
    if req.path().starts_with("/api") || is_build_asset(req.path()) {
        return not_found(req.clone())
            .await
            .unwrap_or_else(|e| e.error_response());
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

/// Nothing answers this request: 405 when the address exists with other
/// methods, 404 otherwise.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    match req
        .app_data::<web::Data<ApiMethods>>()
        .and_then(|methods| methods.refuse(&req))
    {
        Some(refused) => Ok(refused),
        None => Err(ApiError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::cache_control;

    #[test]
    fn hashed_build_files_are_cached_for_ever_dsfr_for_a_day_the_shell_never() {
        let forever = Some("public, max-age=31536000, immutable");
        assert_eq!(
            cache_control("/jesaisfaire-frontend-6ce00227917b31e0.js"),
            forever
        );
        assert_eq!(
            cache_control("/jesaisfaire-frontend-6ce00227917b31e0_bg.wasm"),
            forever
        );
        assert_eq!(cache_control("/style-2fec45be2d4fb680.css"), forever);
        assert_eq!(
            cache_control("/dsfr/dsfr.min.css"),
            Some("public, max-age=86400")
        );
        assert_eq!(cache_control("/index.html"), None);
        assert_eq!(
            cache_control("/consultations/6ce00227-9170-4b31-a0e0-2fec45be2d4f"),
            None
        );
    }
}
