//! Who a consultation concerns: companies of its CPV division and département.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::db_test;
use crate::fixtures::{
    Company, Scene, Staff, call, close_round, company, get, in_round_one, json_of, round_one,
    round_two_opening, staff,
};
use crate::helpers::{Backend, TestApp, problem, spawn_app, text_column};

async fn a_company_outside_the_domain_and_territory_does_not_learn_the_consultation_exists(
    app: TestApp,
) {
    let r = round_one(&app).await;
    let cid = r.id();
    let outsider = &r.outsider;
    problem(
        call(
            &app,
            &outsider.token,
            Method::GET,
            &format!("/consultations/{cid}"),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let listed = json_of(
        call(&app, &outsider.token, Method::GET, "/consultations", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["total"], 0);
    problem(
        call(
            &app,
            &outsider.token,
            Method::POST,
            &r.contributions(),
            Some(json!({"kind": "clarification", "body": "x", "justification": "y"})),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let listed = json_of(
        call(
            &app,
            &r.alpha.token,
            Method::GET,
            "/consultations?status=in_dialogue",
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["total"], 1);
}
db_test!(a_company_outside_the_domain_and_territory_does_not_learn_the_consultation_exists);

async fn a_company_edits_its_profile_and_its_targeting_follows(app: TestApp) {
    let r = round_one(&app).await;
    let profile = |body: serde_json::Value, token: &str| {
        let (token, app) = (token.to_owned(), &app);
        async move { call(app, &token, Method::PUT, "/me/company", Some(body)).await }
    };
    let sees = |token: &str| {
        let (token, app, path) = (token.to_owned(), &app, format!("/consultations/{}", r.id()));
        async move { call(app, &token, Method::GET, &path, None).await.status() }
    };
    assert_eq!(sees(&r.outsider.token).await, StatusCode::NOT_FOUND);
    // Omega now also works in IT in the Rhône: the consultation concerns it.
    let updated = json_of(
        profile(
            json!({"company_name": "Omega Travaux et Réseaux", "cpv_divisions": ["45", "72"], "departements": ["13", "69"]}),
            &r.outsider.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["display_name"], "Omega Travaux et Réseaux");
    assert_eq!(updated["company"]["cpv_divisions"], json!(["45", "72"]));
    assert_eq!(sees(&r.outsider.token).await, StatusCode::OK);
    // Every bad field is reported at once; nothing changes.
    let refused = problem(
        profile(
            json!({"company_name": " ", "cpv_divisions": [], "departements": ["999"]}),
            &r.outsider.token,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let fields: Vec<&str> = refused.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["company_name", "cpv_divisions", "departements[0]"]);
    assert_eq!(sees(&r.outsider.token).await, StatusCode::OK);
    // Staff have no company profile.
    problem(
        profile(
            json!({"company_name": "X", "cpv_divisions": ["72"], "departements": ["69"]}),
            &r.s.agent.token,
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}
db_test!(a_company_edits_its_profile_and_its_targeting_follows);

/// A consultation of the scene's agent in round 1: `visibility` "open" or "targeted".
async fn in_dialogue(
    app: &TestApp,
    s: &Scene,
    title: &str,
    cpv: &str,
    departement: &str,
    visibility: &str,
) -> String {
    let fields = json!({
        "title": title, "cpv_code": cpv, "departement": departement,
        "buyer_id": s.buyer.id, "visibility": visibility,
    });
    in_round_one(app, &s.agent, fields).await.0
}

/// A company's list is read as index searches, open consultations and the
/// targeted ones of each of its (division, département) pairs, united:
/// every page of it, its order and its total are those of one list, be
/// the pairs read apart or, for a company of 36 pairs, together.
async fn a_company_lists_open_and_targeted_consultations_as_one_list_page_by_page(app: TestApp) {
    let r = round_one(&app).await;
    // Open to all although neither its division nor its département is Alpha's.
    let open = in_dialogue(&app, &r.s, "Travaux ouverts", "45000000-7", "13", "open").await;
    // Targeted at another territory: not Alpha's.
    let marseille = in_dialogue(
        &app,
        &r.s,
        "Informatique à Marseille",
        "72000000-5",
        "13",
        "targeted",
    )
    .await;
    let later = in_dialogue(
        &app,
        &r.s,
        "Informatique à Lyon",
        "72000000-5",
        "69",
        "targeted",
    )
    .await;
    // Still a draft although open to all: nobody's.
    let draft = call(
        &app,
        &r.s.agent.token,
        Method::POST,
        "/consultations",
        Some(json!({
            "title": "Brouillon ouvert", "cpv_code": "45000000-7", "departement": "13",
            "buyer_id": r.s.buyer.id, "visibility": "open",
        })),
    )
    .await;
    assert_eq!(draft.status(), StatusCode::CREATED);

    // The list as `company` reads it with `query`.
    let read_by = async |company: &Company, query: String| {
        get(&app, &company.token, &format!("/consultations?{query}")).await
    };
    // Every page of two, in order, each with the list's total.
    let pages = async |company: &Company| {
        let mut ids = Vec::new();
        for n in 1..=3 {
            let page = read_by(company, format!("per_page=2&page={n}")).await;
            assert_eq!(
                page["total"],
                4 - u32::from(company.name == r.alpha.name),
                "{page}"
            );
            for item in page["items"].as_array().unwrap() {
                ids.push(item["id"].as_str().unwrap().to_owned());
            }
        }
        ids
    };
    // Most recently changed first.
    assert_eq!(
        pages(&r.alpha).await,
        [later.as_str(), open.as_str(), r.id()]
    );
    let everywhere = company(
        &app,
        9,
        "Delta Partout",
        &["72", "45", "03", "30", "48", "50"],
        &["69", "13", "01", "38", "42", "73"],
    )
    .await;
    assert_eq!(
        pages(&everywhere).await,
        [later.as_str(), marseille.as_str(), open.as_str(), r.id()]
    );
    // The totals follow each change of a consultation's audience or phase.
    let change = async |id: &str, fields: serde_json::Value| {
        let path = format!("/consultations/{id}");
        let changed = call(&app, &r.s.agent.token, Method::PATCH, &path, Some(fields)).await;
        assert_eq!(changed.status(), StatusCode::OK);
    };
    let totals = async || {
        let mut totals = Vec::new();
        for company in [&r.alpha, &everywhere] {
            totals.push(read_by(company, "per_page=1".into()).await["total"].clone());
        }
        totals
    };
    change(&marseille, json!({"visibility": "open"})).await;
    assert_eq!(totals().await, [4, 4]);
    // Abandoned, still listed.
    change(&marseille, json!({"abandon": true})).await;
    assert_eq!(totals().await, [4, 4]);
    change(&later, json!({"visibility": "open"})).await;
    change(&later, json!({"visibility": "targeted"})).await;
    assert_eq!(totals().await, [4, 4]);

    let search = |q: &str| read_by(&r.alpha, format!("q={q}"));
    // Whatever the case; `%` and `_` are characters, not wildcards.
    for q in ["TRAVAUX", "travaux", "TrAvAuX"] {
        let searched = search(q).await;
        assert_eq!(searched["total"], 1, "{q}");
        assert_eq!(searched["items"][0]["id"], open.as_str());
    }
    for q in ["%25", "_", "trav%25ux", "trav_ux"] {
        assert_eq!(search(q).await["total"], 0, "{q}");
    }
    // Counted apart for a full page or one beyond the end, from the rows
    // of a page the list ends on; the scene's consultation is about
    // software too.
    for page in [1, 2, 3, 4] {
        let query = format!("q=informatique&per_page=1&page={page}");
        let searched = read_by(&everywhere, query).await;
        assert_eq!(searched["total"], 3, "page {page}: {searched}");
        assert_eq!(
            searched["items"].as_array().unwrap().len(),
            usize::from(page < 4)
        );
    }
}
db_test!(a_company_lists_open_and_targeted_consultations_as_one_list_page_by_page);

/// The list's status filter follows the rounds as they close and open,
/// for the agent and for a company: the database keeps the deadline of a
/// consultation's open rounds on its row, from its rounds.
async fn the_status_filter_follows_rounds_as_they_close_and_open(app: TestApp) {
    let r = round_one(&app).await;
    let (agent, alpha) = (&r.s.agent.token, &r.alpha.token);
    // The ids `token` lists with `status`, and the list's total.
    let listed = async |token: &str, status: &str| {
        let page = get(&app, token, &format!("/consultations?status={status}")).await;
        let ids: Vec<String> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(page["total"], ids.len(), "{page}");
        ids
    };
    let only = vec![r.id().to_owned()];
    let expect = async |in_dialogue: &[String], between_rounds: &[String]| {
        for token in [agent, alpha] {
            assert_eq!(listed(token, "in_dialogue").await, in_dialogue);
            assert_eq!(listed(token, "between_rounds").await, between_rounds);
        }
    };
    expect(&only, &[]).await;
    close_round(&app, &r, 1).await;
    expect(&[], &only).await;
    let rounds = format!("/consultations/{}/rounds", r.id());
    let opened = call(
        &app,
        agent,
        Method::POST,
        &rounds,
        Some(round_two_opening()),
    )
    .await;
    json_of(opened, StatusCode::CREATED).await;
    expect(&only, &[]).await;
}
db_test!(the_status_filter_follows_rounds_as_they_close_and_open);

/// A new consultation of `agent` (software, Rhône), still a draft: its id.
async fn draft(app: &TestApp, agent: &Staff, buyer: &Staff, title: &str, summary: &str) -> String {
    let fields = json!({
        "title": title, "summary": summary, "cpv_code": "72000000-5", "departement": "69",
        "buyer_id": buyer.id,
    });
    let created = call(
        app,
        &agent.token,
        Method::POST,
        "/consultations",
        Some(fields),
    );
    json_of(created.await, StatusCode::CREATED).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A search counts its matches up to 200, or to the end of the page asked
/// if further: beyond, the total is that bound and says "more than". The
/// pages themselves are the list's, in its order, however deep.
async fn a_search_counts_its_matches_up_to_a_bound(app: TestApp) {
    let agent = staff(&app, "agent", "agent@rhone.gouv.fr").await;
    let buyer = staff(&app, "buyer", "acheteur@pfra.gouv.fr").await;
    let create = async |title: String| draft(&app, &agent, &buyer, &title, "").await;
    let mut newest_first = Vec::new();
    for n in 0..205 {
        newest_first.insert(0, create(format!("Entretien des locaux, lot {n}")).await);
    }
    let guarding = create("Gardiennage".into()).await;
    let search =
        async |query: &str| get(&app, &agent.token, &format!("/consultations?{query}")).await;
    // `count` consultations of the list from the `first`.
    let slice = |first: usize, count: usize| newest_first[first..first + count].to_vec();

    for (query, total, relation, expected) in [
        // A full page: counted up to 200.
        ("q=entretien", 200, "more_than", slice(0, 20)),
        (
            "q=ENTRETIEN&per_page=100&page=2",
            200,
            "more_than",
            slice(100, 100),
        ),
        // A page ending past 200: counted up to its end, here past the list's.
        (
            "q=entretien&per_page=100&page=3",
            205,
            "exact",
            slice(200, 5),
        ),
        // A page the list ends on tells its size itself.
        ("q=entretien&page=11", 205, "exact", slice(200, 5)),
        ("q=entretien&page=12", 205, "exact", Vec::new()),
        // Few matches: exact.
        ("q=gardiennage", 1, "exact", vec![guarding.clone()]),
        ("q=lot%20204", 1, "exact", slice(0, 1)),
    ] {
        let page = search(query).await;
        assert_eq!(page["total"], total, "{query}: {page}");
        assert_eq!(page["total_relation"], relation, "{query}");
        let items = page["items"].as_array().unwrap();
        let ids: Vec<&str> = items.iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(ids, expected, "{query}");
    }
    // Lists without words are counted exactly.
    let all = search("per_page=1").await;
    assert_eq!(
        (all["total"].clone(), all["total_relation"].clone()),
        (json!(206), json!("exact"))
    );
}
db_test!(a_search_counts_its_matches_up_to_a_bound);

/// A search finds words whatever their case and accents, in the title or
/// the summary, alike on both databases; what it reads follows each change
/// of them, and consultations written before it existed (migration 16) are
/// found once migrated.
async fn a_search_finds_words_whatever_their_case_and_accents(app: TestApp) {
    use migration::{Migrator, MigratorTrait};

    let agent = staff(&app, "agent", "agent@rhone.gouv.fr").await;
    let buyer = staff(&app, "buyer", "acheteur@pfra.gouv.fr").await;
    let title = "Sécurité ÉLECTRIQUE des bâtiments";
    let id = draft(&app, &agent, &buyer, title, "Cœur de réseau et onduleurs").await;
    let finds = async |all_words: &[&str], expected: u64| {
        for words in all_words {
            let query = serde_urlencoded::to_string([("q", words)]).unwrap();
            let page = get(&app, &agent.token, &format!("/consultations?{query}")).await;
            assert_eq!(page["total"], expected, "{words}: {page}");
        }
    };
    let change = async |fields: serde_json::Value| {
        let path = format!("/consultations/{id}");
        let changed = call(&app, &agent.token, Method::PATCH, &path, Some(fields)).await;
        assert_eq!(changed.status(), StatusCode::OK);
    };

    finds(
        &[
            "securite",
            "SÉCURITÉ",
            "Électrique",
            "electrique",
            "sécurité électrique",
            "batiments",
            "BÂTIMENTS",
            "coeur",
            "CŒUR",
            "reseau",
        ],
        1,
    )
    .await;
    finds(&["sécurité incendie", "%", "_", "batiments coeur"], 0).await;
    change(json!({"title": "Gardiennage des bâtiments"})).await;
    finds(&["gardiennage", "batiments", "coeur"], 1).await;
    finds(&["securite"], 0).await;
    change(json!({"summary": "Rondes de nuit"})).await;
    finds(&["rondes", "gardiennage"], 1).await;
    finds(&["coeur"], 0).await;

    // Migration 16 and those after it.
    let from_sixteenth = u32::try_from(Migrator::migrations().len() - 15).unwrap();
    Migrator::down(app.db.schema_conn(), Some(from_sixteenth))
        .await
        .unwrap();
    Migrator::up(app.db.schema_conn(), None).await.unwrap();
    finds(&["GARDIENNAGE", "rondes de nuit"], 1).await;
}
db_test!(a_search_finds_words_whatever_their_case_and_accents);

/// On SQLite, a search tests its words on the listing index walked in date
/// order, which holds the search text, rather than on each consultation's
/// row (migration 17). PostgreSQL keeps its indexes as they were (see the
/// migration), so there is nothing to check there.
#[tokio::test]
async fn on_sqlite_a_search_tests_its_words_on_the_listing_index_rather_than_on_each_row() {
    use sea_orm::{ConnectionTrait, Statement};

    let app = spawn_app(Backend::Sqlite).await;
    let conn = app.db.conn();
    for (listing, index) in [
        (
            "cpv_division = '72' AND departement = '69' AND visibility = 'targeted'",
            "ix_consultations_pair_recent",
        ),
        ("visibility = 'open'", "ix_consultations_open_recent"),
        ("owner_id = x'00'", "ix_consultations_owner_listing"),
        ("buyer_id = x'00'", "ix_consultations_buyer_listing"),
        ("1 = 1", "ix_consultations_listing"),
    ] {
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT id FROM consultations WHERE {listing} \
             AND phase <> 'draft' AND search_text LIKE '%gardiennage%' \
             ORDER BY updated_at DESC, id DESC LIMIT 21"
        );
        let plan = conn
            .query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get::<String>("", "detail").unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(plan.contains(&format!("COVERING INDEX {index}")), "{plan}");
    }
}

/// On PostgreSQL, every connection plans a prepared statement once for any
/// value (see `Db::connect`): a company's list was planned anew at each
/// request, because sea-orm binds its limits.
#[tokio::test]
async fn on_postgresql_every_connection_plans_a_statement_once_for_any_value() {
    let app = spawn_app(Backend::Postgres).await;
    assert_eq!(
        text_column(app.db.conn(), "SHOW plan_cache_mode").await,
        ["force_generic_plan"]
    );
}
