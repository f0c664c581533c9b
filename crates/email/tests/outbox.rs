//! The outbox over a real database: couriers sharing it never send a message twice, a message
//! that cannot be read is given up at once, and the last failure gives a message up.

#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

use chrono::Duration;
use db::repo::email_outbox::{self, NewMail};
use domain::{Clock, EmailStatus, SystemClock};
use email::{Courier, Delivery, Mail};
use test_database::TestDb;

fn mail(n: usize) -> Mail {
    Mail::VerifyEmail {
        name: format!("User {n}"),
        link: format!("https://dash.example/verify-email?token=t{n}"),
        valid_hours: 24,
    }
}

fn eml_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|entry| {
            entry
                .as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|ext| ext == "eml")
        })
        .count()
}

#[tokio::test]
async fn two_couriers_on_one_outbox_send_each_message_once() {
    let database = TestDb::new().await;
    let conn = &database.db.conn;
    let now = Clock::now(&SystemClock);
    for n in 0..30 {
        email::queue(conn, &format!("user{n}@example.com"), &mail(n), now)
            .await
            .unwrap();
    }
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Courier::new(&Delivery::Folder(a_dir.path().to_owned()), "a@example.com").unwrap();
    let b = Courier::new(&Delivery::Folder(b_dir.path().to_owned()), "b@example.com").unwrap();
    // Two rounds each, at once: 20 a round, 30 in all.
    let (ra1, rb1) = tokio::join!(a.deliver_due(conn, now), b.deliver_due(conn, now));
    let (ra2, rb2) = tokio::join!(a.deliver_due(conn, now), b.deliver_due(conn, now));
    let sent: usize = [ra1, rb1, ra2, rb2]
        .into_iter()
        .map(|round| round.unwrap().sent)
        .sum();
    assert_eq!(sent, 30);
    assert_eq!(eml_files(a_dir.path()) + eml_files(b_dir.path()), 30);
    let stored = email_outbox::for_recipient(conn, "user7@example.com")
        .await
        .unwrap();
    assert_eq!(stored[0].status, EmailStatus::Sent);
    assert_eq!(stored[0].attempts, 1);
    assert_eq!(stored[0].message, "");
}

#[tokio::test]
async fn a_message_is_given_up_after_its_last_attempt() {
    let database = TestDb::new().await;
    let conn = &database.db.conn;
    let mut now = Clock::now(&SystemClock);
    // A recipient no mail server would take: every attempt fails the same way.
    email_outbox::enqueue(
        conn,
        NewMail {
            recipient: "not an address",
            kind: "verify_email",
            message: &serde_json::to_string(&mail(1)).unwrap(),
        },
        now,
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let courier = Courier::new(&Delivery::Folder(dir.path().to_owned()), "a@example.com").unwrap();
    let mut retried = 0;
    loop {
        let round = courier.deliver_due(conn, now).await.unwrap();
        assert_eq!(round.sent, 0);
        if round.given_up == 1 {
            break;
        }
        assert_eq!(round.retrying, 1, "due again at each retry");
        retried += 1;
        now += Duration::hours(1);
    }
    assert_eq!(retried, 9, "ten attempts in all");
    let stored = email_outbox::for_recipient(conn, "not an address")
        .await
        .unwrap();
    assert_eq!(stored[0].status, EmailStatus::Failed);
    assert!(
        stored[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("recipient")
    );
    assert_eq!(stored[0].message, "", "a given-up message keeps no link");
    assert_eq!(
        courier.deliver_due(conn, now).await.unwrap(),
        Default::default()
    );
}
