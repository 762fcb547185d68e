//! Exports read back by real readers: pandoc opens the DOCX, ODT and
//! Markdown files; every clause number, title, text and criterion weight
//! must be there, in order.

use std::io::Write;
use std::process::Command;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::db_test;
use crate::fixtures::{
    RoundOne, answer_and_decide, call, json_of, publish, revalidate, round_one, second_round,
    validators, withdraw,
};
use crate::helpers::{TestApp, problem, spawn_on};

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

/// A GET the API must refuse with `status` and a problem body.
async fn refused(app: &TestApp, token: &str, path: &str, status: StatusCode) {
    problem(call(app, token, Method::GET, path, None).await, status).await;
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
            let text = read_with_pandoc(&bytes, reader);
            assert_no_identity(&r, "the CCTP", &text);
            assert_in_order(&text, &expected);
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
    refused(&app, &r.alpha.token, &first, StatusCode::FORBIDDEN).await;
    refused(
        &app,
        &r.outsider.token,
        &format!("/consultations/{cid}/exports/cctp"),
        StatusCode::NOT_FOUND,
    )
    .await;
    refused(
        &app,
        &r.s.agent.token,
        &format!("/consultations/{cid}/exports/cctp?format=pdf"),
        StatusCode::BAD_REQUEST,
    )
    .await;
    refused(
        &app,
        &r.s.agent.token,
        &format!("/consultations/{cid}/exports/cctp?revision=9"),
        StatusCode::NOT_FOUND,
    )
    .await;
}
db_test!(the_final_cctp_opens_in_a_real_reader_in_every_format);

async fn companies_export_no_cctp_before_publication(app: TestApp) {
    let r = round_one(&app).await;
    let path = format!("/consultations/{}/exports/cctp", r.id());
    refused(&app, &r.alpha.token, &path, StatusCode::FORBIDDEN).await;
    let (_, disposition, _) = download(&app, &r.s.agent.token, &path).await;
    assert!(disposition.ends_with("-v1.docx\""));
}
db_test!(companies_export_no_cctp_before_publication);

/// Every identity of the test companies: none may appear in an export.
fn identities(r: &RoundOne) -> Vec<String> {
    [&r.alpha, &r.beta, &r.gamma, &r.outsider]
        .iter()
        .flat_map(|c| {
            [
                c.name.clone(),
                c.email.clone(),
                c.siret.clone(),
                c.id.clone(),
            ]
        })
        .collect()
}

fn assert_no_identity(r: &RoundOne, what: &str, text: &str) {
    for identity in identities(r) {
        assert!(!text.contains(&identity), "{what} reveals « {identity} »");
    }
}

async fn the_sourcing_report_and_the_contributions_table_name_no_company(app: TestApp) {
    let r = published(&app).await;
    let cid = r.id();
    let report = format!("/consultations/{cid}/exports/sourcing-report");
    let mut texts = Vec::new();
    for (format, reader) in [("docx", "docx"), ("markdown", "markdown-smart")] {
        let (_, disposition, bytes) =
            download(&app, &r.s.buyer.token, &format!("{report}?format={format}")).await;
        assert!(disposition.contains("compte-rendu-sourcing-maintenance-du-parc-informatique."));
        let text = read_with_pandoc(&bytes, reader);
        assert_no_identity(&r, "the sourcing report", &text);
        assert_in_order(
            &text,
            &[
                "Compte rendu de sourçage — Maintenance du parc informatique".to_owned(),
                "Identité des entreprises".to_owned(),
                "1. Objet".to_owned(),
                "2. Ciblage".to_owned(),
                "72000000-5".to_owned(),
                "3. Déroulement".to_owned(),
                "Première version".to_owned(),
                "4. Participation".to_owned(),
                "3 entreprise(s) ont contribué : Entreprise A, Entreprise B, Entreprise C."
                    .to_owned(),
                "5. Contributions, réponses et décisions".to_owned(),
                "Clause 1.2".to_owned(),
                "Solution confidentielle".to_owned(),
                r.secret["body"].as_str().unwrap().to_owned(),
                r.alternative["body"].as_str().unwrap().to_owned(),
                "Retenue en partie".to_owned(),
                "Le CCTP dans son ensemble".to_owned(),
                r.question["body"].as_str().unwrap().to_owned(),
                "Oui, un seul site : la préfecture à Lyon.".to_owned(),
                "6. Évolution du CCTP entre les révisions".to_owned(),
                "De la révision 1 à la révision 2".to_owned(),
                "Modification".to_owned(),
                "7. Révision finale".to_owned(),
                "Révision finale 3 comparée à la révision 2".to_owned(),
                "8. Validation de la publication".to_owned(),
                "Publication validée".to_owned(),
                "(acheteur PFRA)".to_owned(),
                "9. Garanties".to_owned(),
                "Anonymat".to_owned(),
                "1 réponse(s) publique(s)".to_owned(),
                "Cahier des charges orienté : le détecteur".to_owned(),
                "Examen de la révision finale 3".to_owned(),
                "Entreprise C (tour 1)".to_owned(),
                "Examen des alertes par".to_owned(),
            ],
        );
        texts.push(text);
    }

    let table = format!("/consultations/{cid}/exports/contributions");
    let (content_type, disposition, bytes) = download(&app, &r.s.agent.token, &table).await;
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert!(disposition.contains("contributions-maintenance-du-parc-informatique.csv"));
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "the CSV starts with a UTF-8 byte order mark"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_no_identity(&r, "the contributions table", &text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap().len(), 17);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        5,
        "the four contributions of round 1 and the one of round 2"
    );
    assert!(rows.iter().all(|row| row[0].starts_with("Entreprise ")));
    let alternative = rows
        .iter()
        .find(|row| &row[7] == r.alternative["body"].as_str().unwrap())
        .unwrap();
    assert_eq!(&alternative[1], "1");
    assert_eq!(&alternative[3], "Clause 1.2 — Délais");
    assert_eq!(&alternative[4], "Rédaction alternative");
    assert_eq!(&alternative[11], "Retenue en partie");
    assert_eq!(&alternative[13], "1");

    // Staff only: companies that see the consultation are refused, others do not see it.
    for path in [&report, &table] {
        for token in [&r.alpha.token, &r.beta.token] {
            refused(&app, token, path, StatusCode::FORBIDDEN).await;
        }
        refused(&app, &r.outsider.token, path, StatusCode::NOT_FOUND).await;
    }
}
db_test!(the_sourcing_report_and_the_contributions_table_name_no_company);

/// The rows of a contributions table, after its byte order mark.
fn table_rows(bytes: &[u8]) -> Vec<csv::StringRecord> {
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..])
        .records()
        .map(Result::unwrap)
        .collect()
}

/// Files are kept once built and sent again while the dialogue stands
/// still; a write taken by another instance on the same database shows in
/// the next download.
async fn an_export_shows_every_write_whichever_instance_took_it(app: TestApp) {
    let r = round_one(&app).await;
    let other = spawn_on(&app.db_url).await;
    let cid = r.id();
    let agent = &r.s.agent.token;
    let table = format!("/consultations/{cid}/exports/contributions");
    let ocds = format!("/consultations/{cid}/ocds");
    let report = format!("/consultations/{cid}/exports/sourcing-report?format=markdown");
    let answer = "Oui, un seul site : la préfecture à Lyon.";
    let question = r.question["body"].as_str().unwrap();
    let question_row =
        |rows: &[csv::StringRecord]| rows.iter().find(|row| &row[7] == question).unwrap().clone();

    let before = download(&app, agent, &table).await.2;
    assert_eq!(download(&app, agent, &table).await.2, before);
    assert_eq!(table_rows(&before).len(), 4);
    assert_eq!(&question_row(&table_rows(&before))[11], "");
    let package: Value = serde_json::from_slice(&download(&app, agent, &ocds).await.2).unwrap();
    assert!(package["releases"][0]["tender"]["enquiries"][0]["answer"].is_null());
    assert!(
        !String::from_utf8(download(&app, agent, &report).await.2)
            .unwrap()
            .contains(answer)
    );

    // A copy held is not sent again while nothing moves (`304`), and only
    // to those who may read it.
    let mut held = Vec::new();
    for path in [&table, &ocds, &report] {
        let (etag, cache) = validators(&call(&app, agent, Method::GET, path, None).await);
        assert_eq!(cache, "private, no-cache");
        let again = revalidate(&app, Some(agent), path, &etag).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        held.push((path, etag));
    }
    let staff_copy = revalidate(&app, Some(&r.beta.token), &table, &held[0].1).await;
    assert_eq!(staff_copy.status(), StatusCode::FORBIDDEN);

    answer_and_decide(&other, &r).await;
    for (path, etag) in &held {
        let changed = revalidate(&app, Some(agent), path, etag).await;
        assert_eq!(changed.status(), StatusCode::OK, "{path}");
        assert_ne!(&validators(&changed).0, etag, "{path}");
    }
    let decided = table_rows(&download(&app, agent, &table).await.2);
    assert_eq!(&question_row(&decided)[11], "Répondu");
    let package: Value = serde_json::from_slice(&download(&app, agent, &ocds).await.2).unwrap();
    assert_eq!(
        package["releases"][0]["tender"]["enquiries"][0]["answer"],
        answer
    );
    assert!(
        String::from_utf8(download(&app, agent, &report).await.2)
            .unwrap()
            .contains(answer)
    );

    let secret = r.secret["id"].as_str().unwrap();
    assert_eq!(
        withdraw(&other, &r.alpha.token, secret).await.status(),
        StatusCode::OK
    );
    let withdrawn = table_rows(&download(&app, agent, &table).await.2);
    assert_eq!(withdrawn.len(), 3);
    assert!(
        withdrawn
            .iter()
            .all(|row| &row[7] != r.secret["body"].as_str().unwrap())
    );

    // Kept for staff, still refused to companies before publication.
    refused(&app, &r.beta.token, &ocds, StatusCode::FORBIDDEN).await;
    refused(&app, &r.beta.token, &table, StatusCode::FORBIDDEN).await;
}
db_test!(an_export_shows_every_write_whichever_instance_took_it);

/// RFC 7396 JSON Merge Patch: how an OCDS extension applies to the schema.
fn merge_patch(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else {
                    merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

fn schema(name: &str) -> Value {
    let path = format!("{}/tests/data/ocds/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Validates a release package against the official OCDS 1.1.5 schemas:
/// the package schema for the envelope, the release schema with the
/// Enquiries extension merged for each release.
pub fn assert_valid_ocds(package: &Value) {
    let mut envelope = schema("release-package-schema.json");
    // Releases are checked below against the merged schema (the package
    // schema refers to the release schema by URL).
    envelope["properties"]["releases"]["items"] = serde_json::json!({});
    let mut release = schema("release-schema.json");
    merge_patch(
        &mut release,
        &schema("enquiry-extension-release-schema.json"),
    );
    let check = |schema: &Value, instance: &Value, what: &str| {
        let validator = jsonschema::draft4::new(schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{what} is not valid OCDS: {errors:#?}");
    };
    check(&envelope, package, "the package");
    for r in package["releases"].as_array().unwrap() {
        check(&release, r, "a release");
    }
}

async fn the_ocds_package_is_valid_and_shows_enquirers_by_pseudonym_only(app: TestApp) {
    let r = round_one(&app).await;
    answer_and_decide(&app, &r).await;
    let cid = r.id();
    let path = format!("/consultations/{cid}/ocds");
    // During the dialogue: a planning release, for staff only.
    let (content_type, disposition, bytes) = download(&app, &r.s.agent.token, &path).await;
    assert_eq!(content_type, "application/json");
    assert!(disposition.contains("ocds-maintenance-du-parc-informatique.json"));
    let planning: Value = serde_json::from_slice(&bytes).unwrap();
    assert_valid_ocds(&planning);
    let release = &planning["releases"][0];
    assert_eq!(release["tag"], serde_json::json!(["planning"]));
    assert_eq!(
        release["ocid"],
        format!("{}-{cid}", crate::helpers::OCID_PREFIX)
    );
    assert_eq!(
        release["tender"]["items"][0]["classification"]["scheme"],
        "CPV"
    );
    assert_eq!(
        release["tender"]["items"][0]["classification"]["id"],
        "72000000-5"
    );
    let enquiries = release["tender"]["enquiries"].as_array().unwrap();
    assert_eq!(
        enquiries.len(),
        1,
        "only the clarification request, never the confidential solution"
    );
    assert_eq!(enquiries[0]["description"], r.question["body"]);
    assert_eq!(
        enquiries[0]["answer"],
        "Oui, un seul site : la préfecture à Lyon."
    );
    assert_eq!(enquiries[0]["author"]["name"], "Entreprise B");
    let enquirers: Vec<&Value> = release["parties"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["roles"] == serde_json::json!(["enquirer"]))
        .collect();
    assert_eq!(enquirers.len(), 1);
    assert_eq!(enquirers[0]["name"], "Entreprise B");
    assert_no_identity(&r, "the OCDS package", &planning.to_string());
    assert!(
        !planning
            .to_string()
            .contains("Télémaintenance avec prise de main")
    );
    refused(&app, &r.beta.token, &path, StatusCode::FORBIDDEN).await;
    let open_data = json_of(
        app.client
            .get(app.url("/open-data/ocds"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(open_data["total"], 0, "nothing is published yet");

    // Once published: a tender release, readable by companies and listed for harvesters.
    second_round(&app, &r).await;
    publish(&app, &r).await;
    let (_, _, bytes) = download(&app, &r.beta.token, &path).await;
    let tender: Value = serde_json::from_slice(&bytes).unwrap();
    assert_valid_ocds(&tender);
    assert_eq!(tender["releases"][0]["tag"], serde_json::json!(["tender"]));
    assert!(
        tender["releases"][0]["tender"]["awardCriteriaDetails"]
            .as_str()
            .unwrap()
            .contains("%")
    );
    let open_data = json_of(
        app.client
            .get(app.url("/open-data/ocds"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(open_data["total"], 1);
    let harvested = &open_data["items"][0];
    assert_valid_ocds(harvested);
    assert_eq!(
        harvested["releases"][0]["ocid"],
        tender["releases"][0]["ocid"]
    );
    assert_no_identity(&r, "the open-data list", &open_data.to_string());
    refused(&app, &r.outsider.token, &path, StatusCode::NOT_FOUND).await;
}
db_test!(the_ocds_package_is_valid_and_shows_enquirers_by_pseudonym_only);
