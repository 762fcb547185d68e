//! A person's notifications: read page by page, newest first, with the
//! unread count the database tallies, exact whatever writes them.

use chrono::{Duration, Utc};
use futures_util::future::join_all;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::Value;
use uuid::Uuid;

use crate::db_test;
use crate::fixtures::{Company, RoundOne, answer_and_decide, call, get, round_one};
use crate::helpers::{TestApp, problem};
use jesaisfaire_api::entities::{notification, notification_tally};

/// The notifications stored for `company`, in the order the list shows.
async fn stored(app: &TestApp, company: &Company) -> Vec<notification::Model> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(Uuid::parse_str(&company.id).unwrap()))
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .all(app.db.conn())
        .await
        .unwrap()
}

/// The tally's [received, unread] equals what is stored.
async fn assert_tallied(app: &TestApp, company: &Company) {
    let notes = stored(app, company).await;
    let unread = notes.iter().filter(|n| n.read_at.is_none()).count();
    let tally = notification_tally::Entity::find_by_id(Uuid::parse_str(&company.id).unwrap())
        .one(app.db.conn())
        .await
        .unwrap()
        .map(|t| [t.received, t.unread])
        .unwrap_or_default();
    assert_eq!(
        tally,
        [notes.len(), unread].map(|n| i64::try_from(n).unwrap()),
        "[received, unread]"
    );
}

async fn page(app: &TestApp, company: &Company, query: &str) -> Value {
    get(app, &company.token, &format!("/notifications?{query}")).await
}

/// 45 notifications loaded straight into the database (as a bulk load or
/// a manual fix would), 30 of them at one instant, every third one read.
async fn load_notifications(app: &TestApp, r: &RoundOne, company: &Company) {
    let at = Utc::now() - Duration::hours(1);
    let consultation = Uuid::parse_str(&r.s.consultation).unwrap();
    let rows = (0..45).map(|i| notification::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(Uuid::parse_str(&company.id).unwrap()),
        consultation_id: Set(consultation),
        contribution_id: Set(None),
        message: Set(format!("Message {i}")),
        read_at: Set((i % 3 == 0).then_some(at)),
        created_at: Set(if i < 30 {
            at
        } else {
            at - Duration::minutes(i)
        }),
    });
    notification::Entity::insert_many(rows)
        .exec_without_returning(app.db.conn())
        .await
        .unwrap();
}

async fn notifications_come_page_by_page_and_their_tally_follows_every_write(app: TestApp) {
    let r = round_one(&app).await;
    app.wait_for_fan_out().await;
    load_notifications(&app, &r, &r.beta).await;
    assert_tallied(&app, &r.beta).await;
    let all = stored(&app, &r.beta).await;
    let unread = all.iter().filter(|n| n.read_at.is_none()).count();

    // Pages of 20 cover every notification once, newest first, ties by id.
    let mut listed: Vec<String> = Vec::new();
    for number in 1..=3 {
        let one = page(&app, &r.beta, &format!("page={number}&per_page=20")).await;
        assert_eq!(one["total"], all.len());
        assert_eq!(one["unread"], unread);
        assert_eq!(one["page"], number);
        assert_eq!(one["per_page"], 20);
        for item in one["items"].as_array().unwrap() {
            listed.push(item["id"].as_str().unwrap().to_owned());
        }
    }
    let expected: Vec<String> = all.iter().map(|n| n.id.to_string()).collect();
    assert_eq!(listed, expected);
    // The default page is 20; a page beyond the end is empty, its total kept.
    assert_eq!(
        page(&app, &r.beta, "").await["items"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
    let beyond = page(&app, &r.beta, "page=9").await;
    assert_eq!(beyond["items"].as_array().unwrap().len(), 0);
    assert_eq!(beyond["total"], all.len());
    problem(
        call(
            &app,
            &r.beta.token,
            Method::GET,
            "/notifications?per_page=101",
            None,
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    // Marking reads, one by one and all at once, racing one another: the
    // tally stays the count of what is stored.
    let one_by_one = all
        .iter()
        .filter(|n| n.read_at.is_none())
        .take(8)
        .map(|n| format!("/notifications/{}/read", n.id));
    let marks: Vec<String> = one_by_one
        .chain(std::iter::repeat_n("/notifications/read-all".to_owned(), 4))
        .collect();
    let answers = join_all(
        marks
            .iter()
            .map(|path| call(&app, &r.beta.token, Method::POST, path, None)),
    )
    .await;
    for response in answers {
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }
    assert_tallied(&app, &r.beta).await;
    let read = page(&app, &r.beta, "per_page=1").await;
    assert_eq!(read["unread"], 0);
    assert_eq!(read["total"], all.len());

    // Notifications written by the dialogue, in a request or fanned out,
    // are tallied too: the public answer reaches every company, each
    // decision its author.
    let before: Vec<Value> =
        join_all([&r.alpha, &r.beta, &r.gamma].map(|c| page(&app, c, ""))).await;
    answer_and_decide(&app, &r).await;
    app.wait_for_fan_out().await;
    for (company, before) in [&r.alpha, &r.beta, &r.gamma].into_iter().zip(before) {
        assert_tallied(&app, company).await;
        let after = page(&app, company, "").await;
        let total = |p: &Value| p["total"].as_u64().unwrap();
        assert!(total(&after) > total(&before), "{}", company.name);
        let unread = usize::try_from(after["unread"].as_u64().unwrap()).unwrap();
        let newest = &after["items"].as_array().unwrap()[..unread];
        assert!(
            newest.iter().all(|n| n["read"] == false),
            "{}",
            company.name
        );
    }
    assert_tallied(&app, &r.outsider).await;
}
db_test!(notifications_come_page_by_page_and_their_tally_follows_every_write);
