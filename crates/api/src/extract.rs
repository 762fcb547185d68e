//! The JSON body extractor of every handler: like actix's `web::Json`, but a
//! value of the wrong type is reported at its real place in the document
//! (`sections[2].clauses[0].title`), so the web app can put the message next
//! to the right field of a large CCTP. Its size limit is part of its type:
//! small by default, larger where a route documents it (the CCTP draft).

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, mime, web};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

mod strict;

use strict::Strict;

/// Largest JSON body accepted by default, in bytes.
pub const JSON_LIMIT: usize = 64 * 1024;

/// A JSON body of at most `LIMIT` bytes (413 beyond).
pub struct Json<T, const LIMIT: usize = JSON_LIMIT>(T);

impl<T, const LIMIT: usize> Json<T, LIMIT> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T, const LIMIT: usize> Deref for Json<T, LIMIT> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

fn is_json(req: &HttpRequest) -> bool {
    req.mime_type()
        .ok()
        .flatten()
        .is_some_and(|m| m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON))
}

impl<T: DeserializeOwned + 'static, const LIMIT: usize> FromRequest for Json<T, LIMIT> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let body = web::Payload::from_request(req, payload);
        Box::pin(async move {
            if !json {
                return Err(ApiError::UnsupportedMediaType.into());
            }
            let body = body
                .await?
                .to_bytes_limited(LIMIT)
                .await
                .map_err(|_| ApiError::PayloadTooLarge)??;
            parse(&body).map(Json).map_err(Into::into)
        })
    }
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let document: serde_json::Value = serde_json::from_slice(body).map_err(|e| malformed(&e))?;
    serde_path_to_error::deserialize(Strict(&document)).map_err(describe)
}

fn malformed(err: &serde_json::Error) -> ApiError {
    ApiError::MalformedBody(format!(
        "Le corps de la requête n'est pas un JSON valide (ligne {}, colonne {}).",
        err.line(),
        err.column()
    ))
}

fn describe(err: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = err.path().to_string();
    let message = err.into_inner().to_string();
    // "missing field `title`" is reported on the field itself, not its parent.
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    let field = match (path.as_str(), missing) {
        (".", Some(name)) => name.to_owned(),
        (".", None) => "body".to_owned(),
        (parent, Some(name)) => format!("{parent}.{name}"),
        (at, None) => at.to_owned(),
    };
    // serde names what it expected in backquotes: "unknown variant `x`,
    // expected one of `a`, `b`"; the French message lists the same names.
    let expected = message
        .split_once("expected ")
        .map(|(_, names)| names.replace("one of ", ""))
        .unwrap_or_default();
    let (code, text) = if message.starts_with("unknown field") {
        (
            "unknown_field",
            format!("Champ inconnu : vérifiez son nom (champs possibles : {expected})."),
        )
    } else if message.starts_with("unknown variant") {
        (
            "unknown_value",
            format!("Valeur inconnue (valeurs possibles : {expected})."),
        )
    } else if message.starts_with("invalid value: integer") {
        (
            "out_of_range",
            "Nombre hors des limites permises.".to_owned(),
        )
    } else {
        ("invalid_type", "Valeur de type incorrect.".to_owned())
    };
    ApiError::field(&field, code, text)
}

#[cfg(test)]
mod tests {
    use shared::consultation::CctpContent;

    use super::*;

    fn field_of(body: &str) -> String {
        match parse::<CctpContent>(body.as_bytes()) {
            Err(ApiError::Validation(errors)) => errors[0].field.clone(),
            other => panic!("expected a field error, got {:?}", other.err()),
        }
    }

    #[test]
    fn a_wrong_value_deep_in_a_draft_is_reported_at_its_path() {
        let body = r#"{"sections": [{"title": "A", "clauses": []},
            {"title": "B", "clauses": [{"number": "2.1", "title": 7, "text": "t"}]}]}"#;
        assert_eq!(field_of(body), "sections[1].clauses[0].title");
        let missing =
            r#"{"sections": [{"title": "A", "clauses": [{"number": "1", "text": "t"}]}]}"#;
        assert_eq!(field_of(missing), "sections[0].clauses[0].title");
    }

    fn error_of(body: &str) -> shared::FieldError {
        match parse::<CctpContent>(body.as_bytes()) {
            Err(ApiError::Validation(mut errors)) => errors.remove(0),
            other => panic!("expected a field error, got {:?}", other.err()),
        }
    }

    #[test]
    fn a_misspelt_field_is_named_not_ignored() {
        let error = error_of(r#"{"sections": [{"title": "A", "clauses": [], "titel": "B"}]}"#);
        assert_eq!(error.field, "sections[0].titel");
        assert_eq!(error.code, "unknown_field");
        assert!(error.message.contains("`title`"), "{}", error.message);
    }

    #[test]
    fn a_weight_written_as_a_float_is_a_whole_number_and_a_huge_one_is_out_of_range() {
        let parsed = parse::<CctpContent>(br#"{"criteria": [{"name": "Prix", "weight": 40.0}]}"#);
        assert_eq!(parsed.map(|c| c.criteria[0].weight).ok(), Some(40));
        let huge = error_of(r#"{"criteria": [{"name": "Prix", "weight": 1e12}]}"#);
        assert_eq!(
            (huge.field.as_str(), huge.code.as_str()),
            ("criteria[0].weight", "out_of_range")
        );
        let half = error_of(r#"{"criteria": [{"name": "Prix", "weight": 40.5}]}"#);
        assert_eq!(
            (half.field.as_str(), half.code.as_str()),
            ("criteria[0].weight", "invalid_type")
        );
    }

    #[test]
    fn an_object_is_expected_where_the_schema_says_object() {
        assert_eq!(error_of(r#"[[], []]"#).code, "invalid_type");
        let nested = error_of(r#"{"sections": [[null, "Objet", []]]}"#);
        assert_eq!(
            (nested.field.as_str(), nested.code.as_str()),
            ("sections[0]", "invalid_type")
        );
    }

    #[test]
    fn broken_json_is_malformed_not_a_field_error() {
        assert!(matches!(
            parse::<CctpContent>(b"{\"sections\": ["),
            Err(ApiError::MalformedBody(_))
        ));
        assert!(matches!(
            parse::<CctpContent>(b"{} trailing"),
            Err(ApiError::MalformedBody(_))
        ));
    }
}
