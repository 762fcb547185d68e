//! Exports read back by real readers: pandoc opens the DOCX, ODT and
//! Markdown files; every clause number, title, text and criterion weight
//! must be there, in order.

use std::io::Write;
use std::process::Command;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::db_test;
use crate::fixtures::{
    RoundOne, answer_and_decide, call, json_of, publish, round_one, second_round,
};
use crate::helpers::{TestApp, problem};

/// The text of a document as pandoc reads it, whitespace collapsed.
pub fn read_with_pandoc(bytes: &[u8], format: &str) -> String {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(bytes).unwrap();
    let output = Command::new("pandoc")
        .args(["-f", format, "-t", "plain", "--wrap=none", "--standalone"])
        .arg(file.path())
        .output()
        .expect("pandoc is needed to read the exports: `just test` installs it");
    assert!(
        output.status.success(),
        "pandoc could not read the {format} file: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    collapse(&String::from_utf8(output.stdout).unwrap())
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Asserts that each expected text appears in `document`, in this order.
pub fn assert_in_order(document: &str, expected: &[String]) {
    let mut from = 0;
    for text in expected {
        let text = collapse(text);
        match document[from..].find(&text) {
            Some(at) => from += at + text.len(),
            None => panic!(
                "« {text} » is missing or out of order after byte {from}: {}",
                &document[from..]
            ),
        }
    }
}

/// What the CCTP of a revision must show, in reading order.
fn cctp_texts(content: &Value) -> Vec<String> {
    let mut texts = Vec::new();
    for section in content["sections"].as_array().unwrap() {
        texts.push(section["title"].as_str().unwrap().to_owned());
        for clause in section["clauses"].as_array().unwrap() {
            for field in ["number", "title", "text"] {
                texts.push(clause[field].as_str().unwrap().to_owned());
            }
        }
    }
    for criterion in content["criteria"].as_array().unwrap() {
        texts.push(criterion["name"].as_str().unwrap().to_owned());
        texts.push(format!("{} %", criterion["weight"]));
    }
    texts
}

pub async fn download(app: &TestApp, token: &str, path: &str) -> (String, String, Vec<u8>) {
    let response = call(app, token, Method::GET, path, None).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    let (kind, disposition) = (header("content-type"), header("content-disposition"));
    (kind, disposition, response.bytes().await.unwrap().to_vec())
}

async fn published(app: &TestApp) -> RoundOne {
    let r = round_one(app).await;
    answer_and_decide(app, &r).await;
    second_round(app, &r).await;
    publish(app, &r).await;
    r
}

async fn the_final_cctp_opens_in_a_real_reader_in_every_format(app: TestApp) {
    let r = published(&app).await;
    let cid = r.id();
    let final_cctp = json_of(
        call(
            &app,
            &r.s.agent.token,
            Method::GET,
            &format!("/consultations/{cid}/rounds/3"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(final_cctp["round"]["for_publication"], true);
    let mut expected = vec![
        "Maintenance du parc informatique".to_owned(),
        "72000000-5".to_owned(),
        "Services de technologies de l'information, conseil, développement de logiciels, internet et appui".to_owned(),
        "Rhône (69)".to_owned(),
        "Révision 3".to_owned(),
    ];
    expected.extend(cctp_texts(&final_cctp["content"]));
    for (format, reader, kind) in [
        (
            "docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("odt", "odt", "application/vnd.oasis.opendocument.text"),
        ("markdown", "markdown-smart", "text/markdown; charset=utf-8"),
    ] {
        let extension = if format == "markdown" { "md" } else { format };
        let path = format!("/consultations/{cid}/exports/cctp?format={format}");
        // The final CCTP is the default, for staff and companies alike.
        for token in [&r.s.agent.token, &r.s.buyer.token, &r.beta.token] {
            let (content_type, disposition, bytes) = download(&app, token, &path).await;
            assert_eq!(content_type, kind);
            assert_eq!(
                disposition,
                format!(
                    "attachment; filename=\"cctp-maintenance-du-parc-informatique-v3.{extension}\""
                )
            );
            assert_in_order(&read_with_pandoc(&bytes, reader), &expected);
        }
    }
    // Staff export any revision; companies only the final CCTP.
    let first = format!("/consultations/{cid}/exports/cctp?revision=1&format=markdown");
    let (_, disposition, bytes) = download(&app, &r.s.agent.token, &first).await;
    assert!(disposition.contains("-v1.md"));
    let round_one_content = json_of(
        call(
            &app,
            &r.s.agent.token,
            Method::GET,
            &format!("/consultations/{cid}/rounds/1"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_in_order(
        &read_with_pandoc(&bytes, "markdown-smart"),
        &cctp_texts(&round_one_content["content"]),
    );
    problem(
        call(&app, &r.alpha.token, Method::GET, &first, None).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        call(
            &app,
            &r.outsider.token,
            Method::GET,
            &format!("/consultations/{cid}/exports/cctp"),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        call(
            &app,
            &r.s.agent.token,
            Method::GET,
            &format!("/consultations/{cid}/exports/cctp?format=pdf"),
            None,
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    problem(
        call(
            &app,
            &r.s.agent.token,
            Method::GET,
            &format!("/consultations/{cid}/exports/cctp?revision=9"),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}
db_test!(the_final_cctp_opens_in_a_real_reader_in_every_format);

async fn companies_export_no_cctp_before_publication(app: TestApp) {
    let r = round_one(&app).await;
    let path = format!("/consultations/{}/exports/cctp", r.id());
    problem(
        call(&app, &r.alpha.token, Method::GET, &path, None).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let (_, disposition, _) = download(&app, &r.s.agent.token, &path).await;
    assert!(disposition.ends_with("-v1.docx\""));
}
db_test!(companies_export_no_cctp_before_publication);
