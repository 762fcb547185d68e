//! Conditional reads of what does not change: a frozen revision, a stored
//! diff, the reference data, an exported file. The answer carries an
//! `ETag`; a client that sends it back in `If-None-Match` gets `304 Not
//! Modified` without a body (a revision can weigh a megabyte, a table of
//! contributions more), and the server skips building or sending it.
//!
//! Revisions, diffs and exports are private and answered after the access
//! check: `private, no-cache` lets a browser keep its copy but ask every
//! time, so a withdrawn access is seen at once. Reference data is the same
//! for everyone until the next release: `public`, kept a day.

use std::sync::LazyLock;

use actix_web::http::header::{CacheControl, CacheDirective, ETag, EntityTag, Header, IfNoneMatch};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use shared::reference::{CPV_DIVISIONS, DEPARTEMENTS};

use crate::domain::cpv;

/// How long anyone may keep the reference data without asking again.
const REFERENCE_MAX_AGE: u32 = 24 * 60 * 60;

/// A representation's version (`ETag`) and who may keep it, how long.
pub struct Versioned {
    tag: EntityTag,
    cache: CacheControl,
}

/// A strong tag naming `parts`, which together identify the representation.
fn tag_of(parts: &[&[u8]]) -> EntityTag {
    let mut hash = Sha256::new();
    for part in parts {
        // Length-prefixed, so that ("ab", "c") and ("a", "bc") differ.
        hash.update(part.len().to_be_bytes());
        hash.update(part);
    }
    EntityTag::new_strong(URL_SAFE_NO_PAD.encode(hash.finalize()))
}

impl Versioned {
    /// Behind an access check: kept by the reader's browser only, and checked
    /// with the server at each use.
    pub fn private(parts: &[&[u8]]) -> Self {
        Self {
            tag: tag_of(parts),
            cache: CacheControl(vec![CacheDirective::Private, CacheDirective::NoCache]),
        }
    }

    /// The départements, CPV divisions and CPV codes: one version for all of
    /// them, computed once from the data built into this release.
    pub fn reference() -> &'static Self {
        static REFERENCE: LazyLock<Versioned> = LazyLock::new(|| {
            let tables = serde_json::to_vec(&(&*DEPARTEMENTS, &*CPV_DIVISIONS)).unwrap_or_default();
            let release = env!("CARGO_PKG_VERSION").as_bytes();
            Versioned {
                tag: tag_of(&[release, &tables, cpv::CPV_CSV.as_bytes()]),
                cache: CacheControl(vec![
                    CacheDirective::Public,
                    CacheDirective::MaxAge(REFERENCE_MAX_AGE),
                ]),
            }
        });
        &REFERENCE
    }

    /// `304 Not Modified` when the client's copy is this version.
    pub fn unchanged_for(&self, req: &HttpRequest) -> Option<HttpResponse> {
        let current = match IfNoneMatch::parse(req).ok()? {
            IfNoneMatch::Any => true,
            IfNoneMatch::Items(tags) => tags.iter().any(|t| t.weak_eq(&self.tag)),
        };
        current.then(|| self.headers(HttpResponse::NotModified()).finish())
    }

    /// `200 OK` with this version's headers, for the body to be added.
    pub fn ok(&self) -> HttpResponseBuilder {
        self.headers(HttpResponse::Ok())
    }

    fn headers(&self, mut response: HttpResponseBuilder) -> HttpResponseBuilder {
        response
            .insert_header(ETag(self.tag.clone()))
            .insert_header(self.cache.clone());
        response
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::{StatusCode, header};
    use actix_web::test::TestRequest;

    use super::*;

    fn asking(if_none_match: &str) -> HttpRequest {
        TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, if_none_match))
            .to_http_request()
    }

    #[test]
    fn a_copy_is_current_when_one_of_its_tags_matches_weakly_or_any_is_asked() {
        let version = Versioned::private(&[b"round", b"1"]);
        let tag = version.tag.to_string();
        let listed = format!("\"older\", {tag}");
        for current in [tag.clone(), format!("W/{tag}"), listed, "*".to_owned()] {
            let answer = version.unchanged_for(&asking(&current)).map(|r| r.status());
            assert_eq!(answer, Some(StatusCode::NOT_MODIFIED), "{current}");
        }
        assert!(version.unchanged_for(&asking("\"older\"")).is_none());
        assert!(
            version
                .unchanged_for(&TestRequest::default().to_http_request())
                .is_none()
        );
    }

    #[test]
    fn parts_are_told_apart_by_their_boundaries() {
        assert_ne!(tag_of(&[b"ab", b"c"]), tag_of(&[b"a", b"bc"]));
        assert_eq!(tag_of(&[b"ab", b"c"]), tag_of(&[b"ab", b"c"]));
    }
}
