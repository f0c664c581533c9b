//! Payments recorded by hand (`adminRecordPayment`): a bank transfer or cash for the whole total
//! of an order awaiting payment marks it paid, once, audited; anything else is refused.

use actix_web::http::Method;
use serde_json::{Value, json};
use test_support::{CallerRequest as _, TestApp, TestResponse, TestStore};

use crate::agent_support::member_of;

/// An order of `quantity` units at `price`, awaiting payment.
async fn pending_order(app: &TestApp, store: &TestStore, price: i64, quantity: i64) -> Value {
    let sku = format!("SKU-{}", uuid::Uuid::now_v7().simple());
    let product = app.product(store, &sku, price, 100).await;
    let cart = app
        .cart_with(
            store,
            product["variants"][0]["id"].as_str().unwrap(),
            quantity,
        )
        .await;
    let order = TestResponse::send_json(
        store.shop(app, Method::POST, "/v1/orders"),
        json!({"cartId": cart, "email": "s@x.test"}),
    )
    .await;
    assert_eq!(order.status, 201, "{}", order.json());
    order.json()
}

fn payments_of(order: &Value) -> String {
    format!(
        "/v1/admin/orders/{}/payments",
        order["id"].as_str().unwrap()
    )
}

fn transfer(amount: i64) -> Value {
    json!({"amount": amount, "method": "bank_transfer", "reference": "SEPA 2024-0042"})
}

/// `POST …/payments` with the store's admin key, and an `Idempotency-Key` when given.
async fn record(
    app: &TestApp,
    store: &TestStore,
    order: &Value,
    key: Option<&str>,
    body: Value,
) -> TestResponse {
    let mut request = store.admin(app, Method::POST, &payments_of(order));
    if let Some(key) = key {
        request = request.insert_header(("idempotency-key", key.to_owned()));
    }
    TestResponse::send_json(request, body).await
}

async fn order_now(app: &TestApp, store: &TestStore, order: &Value) -> Value {
    let path = format!("/v1/admin/orders/{}", order["id"].as_str().unwrap());
    TestResponse::send(store.admin(app, Method::GET, &path), None)
        .await
        .json()
}

/// The store's `order_payment_recorded` audit events, newest first.
async fn payment_events(app: &TestApp, store: &TestStore) -> Vec<Value> {
    let page = TestResponse::send(
        store.admin(app, Method::GET, "/v1/admin/audit-events?limit=100"),
        None,
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.json());
    page.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["action"] == "order_payment_recorded")
        .cloned()
        .collect()
}

#[actix_web::test]
async fn a_payment_recorded_by_hand_marks_the_order_paid_and_is_audited() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let placed = pending_order(&app, &store, 1250, 2).await;

    let paid = record(&app, &store, &placed, None, transfer(2500)).await;
    assert_eq!(paid.status, 200, "{}", paid.json());
    let paid = paid.json();
    assert_eq!(paid["id"], placed["id"]);
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["paid"], json!({"amount": 2500, "currency": "EUR"}));
    assert_eq!(paid["refunded"]["amount"], 0);
    assert_eq!(order_now(&app, &store, &placed).await, paid);

    let events = payment_events(&app, &store).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0];
    assert_eq!(event["subject"], placed["id"]);
    assert_eq!(event["actorKind"], "api_key");
    assert!(event["principalId"].is_string(), "{event}");
    assert_eq!(
        event["details"],
        json!({
            "orderId": placed["id"],
            "amount": {"amount": 2500, "currency": "EUR"},
            "method": "bank_transfer",
            "reference": "SEPA 2024-0042",
        })
    );

    // The owner at the dashboard may too; the audit log names them.
    let cash = pending_order(&app, &store, 700, 1).await;
    let by_owner = TestResponse::send_json(
        app.as_user(Method::POST, &payments_of(&cash), &store.owner),
        json!({"amount": 700, "method": "cash", "reference": "  receipt 17  "}),
    )
    .await;
    assert_eq!(by_owner.status, 200, "{}", by_owner.json());
    let events = payment_events(&app, &store).await;
    assert_eq!(events.len(), 2);
    assert_eq!(
        (
            events[0]["actorKind"].as_str(),
            events[0]["actorUserId"].as_str()
        ),
        (Some("session"), Some(store.owner.user_id.as_str()))
    );
    assert_eq!(events[0]["details"]["method"], "cash");
    assert_eq!(events[0]["details"]["reference"], "receipt 17");
}

#[actix_web::test]
async fn a_recorded_payment_can_be_refunded_like_any_other() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let placed = pending_order(&app, &store, 1000, 3).await;
    assert_eq!(
        record(&app, &store, &placed, None, transfer(3000))
            .await
            .status,
        200
    );
    let refunds = format!(
        "/v1/admin/orders/{}/refunds",
        placed["id"].as_str().unwrap()
    );
    let refund = |amount: i64| {
        TestResponse::send_json(
            store.admin(&app, Method::POST, &refunds),
            json!({"amount": amount, "reason": "returned"}),
        )
    };
    assert_eq!(refund(1000).await.status, 201);
    assert_eq!(
        order_now(&app, &store, &placed).await["status"],
        "partially_refunded"
    );
    refund(2001).await.assert_error(409, "REFUND_EXCEEDS_PAID");
    assert_eq!(refund(2000).await.status, 201);
    let refunded = order_now(&app, &store, &placed).await;
    assert_eq!(
        (
            refunded["status"].as_str(),
            refunded["refunded"]["amount"].as_i64()
        ),
        (Some("refunded"), Some(3000))
    );
    // A refunded order takes no payment.
    record(&app, &store, &placed, None, transfer(3000))
        .await
        .assert_error(409, "ILLEGAL_TRANSITION");
}

#[actix_web::test]
async fn a_recorded_payment_retried_with_its_key_is_applied_once() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let placed = pending_order(&app, &store, 1999, 1).await;

    let first = record(&app, &store, &placed, Some("pay-1"), transfer(1999)).await;
    let again = record(&app, &store, &placed, Some("pay-1"), transfer(1999)).await;
    assert_eq!((first.status.as_u16(), again.status.as_u16()), (200, 200));
    assert_eq!(first.json(), again.json());
    assert_eq!(first.header("idempotent-replayed"), None);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.json()["status"], "paid");
    assert_eq!(payment_events(&app, &store).await.len(), 1, "audited once");

    // The same key with another request is refused; a new key finds the order paid.
    let other = json!({"amount": 1999, "method": "cash", "reference": "SEPA 2024-0042"});
    record(&app, &store, &placed, Some("pay-1"), other)
        .await
        .assert_error(422, "IDEMPOTENCY_KEY_REUSED");
    record(&app, &store, &placed, Some("pay-2"), transfer(1999))
        .await
        .assert_error(409, "ILLEGAL_TRANSITION");
    assert_eq!(payment_events(&app, &store).await.len(), 1);

    // A refused attempt is not kept as the answer: the key is free again for the right request.
    let later = pending_order(&app, &store, 500, 1).await;
    record(&app, &store, &later, Some("pay-3"), transfer(499))
        .await
        .assert_error(400, "VALIDATION_ERROR");
    let corrected = record(&app, &store, &later, Some("pay-3"), transfer(500)).await;
    assert_eq!(corrected.status, 200, "{}", corrected.json());
    assert_eq!(corrected.header("idempotent-replayed"), None);
    assert_eq!(payment_events(&app, &store).await.len(), 2);
}

/// Two merchants record the same transfer at once, with different keys: one applies, the other
/// finds the order paid. Never both.
#[actix_web::test]
async fn two_payments_racing_for_one_order_apply_once() {
    let app = TestApp::spawn_with(|settings| settings.workers = Some(2)).await;
    let store = app.store("acme").await;
    let mut orders = Vec::new();
    for _ in 0..5 {
        orders.push(pending_order(&app, &store, 800, 1).await);
    }
    for (round, order) in orders.iter().enumerate() {
        let (a, b) = futures_util::future::join(
            record(
                &app,
                &store,
                order,
                Some(&format!("race-{round}-a")),
                transfer(800),
            ),
            record(
                &app,
                &store,
                order,
                Some(&format!("race-{round}-b")),
                transfer(800),
            ),
        )
        .await;
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{} / {}", a.json(), b.json());
        let refused = if a.status == 409 { &a } else { &b };
        refused.assert_error(409, "ILLEGAL_TRANSITION");
        let after = order_now(&app, &store, order).await;
        assert_eq!(
            (after["status"].as_str(), after["paid"]["amount"].as_i64()),
            (Some("paid"), Some(800))
        );
    }
    assert_eq!(payment_events(&app, &store).await.len(), orders.len());
}

#[actix_web::test]
async fn a_payment_must_be_the_whole_total_with_a_method_and_a_reference() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let placed = pending_order(&app, &store, 1500, 2).await;

    for amount in [2999, 3001, 1500, 0, -3000] {
        let refused = record(&app, &store, &placed, None, transfer(amount))
            .await
            .assert_error(400, "VALIDATION_ERROR");
        let field = &refused["details"]["fields"][0];
        assert_eq!(field["field"], "amount", "{refused}");
        assert!(
            field["message"].as_str().unwrap().contains("3000"),
            "the message names the total: {refused}"
        );
    }
    for reference in [json!(""), json!("   "), json!("x".repeat(201))] {
        let refused = record(
            &app,
            &store,
            &placed,
            None,
            json!({"amount": 3000, "method": "cash", "reference": reference}),
        )
        .await
        .assert_error(400, "VALIDATION_ERROR");
        assert_eq!(refused["details"]["fields"][0]["field"], "reference");
    }
    for body in [
        json!({"amount": 3000, "method": "card", "reference": "r"}),
        json!({"amount": 3000, "reference": "r"}),
        json!({"amount": 3000, "method": "cash"}),
        json!({"amount": "3000", "method": "cash", "reference": "r"}),
    ] {
        record(&app, &store, &placed, None, body)
            .await
            .assert_error(400, "VALIDATION_ERROR");
    }
    let untouched = order_now(&app, &store, &placed).await;
    assert_eq!(
        (
            untouched["status"].as_str(),
            untouched["paid"]["amount"].as_i64()
        ),
        (Some("pending_payment"), Some(0))
    );
    assert!(payment_events(&app, &store).await.is_empty());

    // 200 characters is allowed; every method is.
    for (method, total) in [("bank_transfer", 100), ("cash", 200), ("other", 300)] {
        let order = pending_order(&app, &store, total, 1).await;
        let body = json!({"amount": total, "method": method, "reference": "r".repeat(200)});
        let paid = record(&app, &store, &order, None, body).await;
        assert_eq!(paid.status, 200, "{method}: {}", paid.json());
    }
}

#[actix_web::test]
async fn only_an_order_of_this_store_awaiting_payment_takes_one() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let globex = app.store("globex").await;

    let paid = pending_order(&app, &store, 1000, 1).await;
    assert_eq!(
        record(&app, &store, &paid, None, transfer(1000))
            .await
            .status,
        200
    );
    let conflict = record(&app, &store, &paid, None, transfer(1000))
        .await
        .assert_error(409, "ILLEGAL_TRANSITION");
    assert_eq!(conflict["details"]["conflict"]["status"], "paid");

    let cancelled = pending_order(&app, &store, 1000, 1).await;
    let cancel = format!(
        "/v1/admin/orders/{}/cancel",
        cancelled["id"].as_str().unwrap()
    );
    assert_eq!(
        TestResponse::send(store.admin(&app, Method::POST, &cancel), None)
            .await
            .status,
        200
    );
    let conflict = record(&app, &store, &cancelled, None, transfer(1000))
        .await
        .assert_error(409, "ILLEGAL_TRANSITION");
    assert_eq!(conflict["details"]["conflict"]["status"], "cancelled");

    let fulfil = format!("/v1/admin/orders/{}/fulfil", paid["id"].as_str().unwrap());
    TestResponse::send(store.admin(&app, Method::POST, &fulfil), None).await;
    record(&app, &store, &paid, None, transfer(1000))
        .await
        .assert_error(409, "ILLEGAL_TRANSITION");

    let ghost = json!({"id": uuid::Uuid::now_v7()});
    record(&app, &store, &ghost, None, transfer(1000))
        .await
        .assert_error(404, "NOT_FOUND");

    // Another store's admin key, with the exact total and a key of its own: not found, untouched.
    let theirs = pending_order(&app, &globex, 1000, 1).await;
    record(&app, &store, &theirs, Some("cross"), transfer(1000))
        .await
        .assert_error(404, "NOT_FOUND");
    let untouched = order_now(&app, &globex, &theirs).await;
    assert_eq!(untouched["status"], "pending_payment");
    assert!(payment_events(&app, &globex).await.is_empty());
    assert_eq!(payment_events(&app, &store).await.len(), 1);
}

#[actix_web::test]
async fn storefront_callers_and_members_cannot_record_payments() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let placed = pending_order(&app, &store, 1000, 1).await;
    let path = payments_of(&placed);
    let storefront_key = app.api_key(&store.owner, &["storefront"]).await;
    let shopper = app.sign_up("shopper@x.test").await;

    for (who, request) in [
        ("the storefront", app.post(&path).on_host(&store.host)),
        (
            "a storefront key",
            app.post(&path).with_api_key(&storefront_key),
        ),
        (
            "a shopper",
            app.post(&path)
                .on_host(&store.host)
                .with_session_cookie(&shopper.cookie)
                .insert_header(("origin", format!("https://{}", store.host))),
        ),
    ] {
        let refused = TestResponse::send_json(request, transfer(1000)).await;
        let body = refused.assert_error(403, "FORBIDDEN");
        assert_eq!(body["error"], "Insufficient scope", "{who}");
    }

    // A member may fulfil and cancel, not take payments (nor refund).
    let member = member_of(&app, &store, "member@acme.test").await;
    TestResponse::send_json(app.as_user(Method::POST, &path, &member), transfer(1000))
        .await
        .assert_error(403, "FORBIDDEN");

    // An invalid credential is a 401, never a lesser caller.
    TestResponse::send_json(
        app.post(&path)
            .with_api_key("ck_never_issued_0123456789abcdef"),
        transfer(1000),
    )
    .await
    .assert_error(401, "INVALID_API_KEY");
    TestResponse::send_json(app.post(&path).on_host("unknown.example"), transfer(1000))
        .await
        .assert_error(401, "UNKNOWN_HOST");

    let untouched = order_now(&app, &store, &placed).await;
    assert_eq!(untouched["status"], "pending_payment");
    assert!(payment_events(&app, &store).await.is_empty());
}
