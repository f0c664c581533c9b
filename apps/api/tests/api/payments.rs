//! Payment webhooks, refunds and the numbers: events stored, processed once, kept when they fail.

use actix_web::http::Method;
use hmac::{Hmac, Mac as _};
use serde_json::{Value, json};
use sha2::Sha256;
use test_support::{TestApp, TestResponse, TestStore};

const SECRET: &str = "checkout-secret-for-tests";

async fn app() -> TestApp {
    TestApp::spawn_with(|settings| settings.checkout_api_secret = Some(api::Secret::new(SECRET)))
        .await
}

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
    assert_eq!(order.status, 201);
    order.json()
}

fn generic(app: &TestApp, store: &TestStore, secret: Option<&str>) -> awc::ClientRequest {
    let mut request = app.post(&format!("/v1/webhooks/payments/generic?org={}", store.org));
    if let Some(secret) = secret {
        request = request.insert_header(("x-checkout-secret", secret.to_owned()));
    }
    request
}

fn event(id: &str, kind: &str, order: &Value, amount: i64) -> Value {
    json!({"id": id, "type": kind, "orderId": order["id"], "amount": amount, "currency": "EUR"})
}

async fn order(app: &TestApp, store: &TestStore, order: &Value) -> Value {
    let path = format!("/v1/admin/orders/{}", order["id"].as_str().unwrap());
    TestResponse::send(store.admin(app, Method::GET, &path), None)
        .await
        .json()
}

async fn refund(app: &TestApp, store: &TestStore, order: &Value, amount: i64) -> TestResponse {
    let path = format!("/v1/admin/orders/{}/refunds", order["id"].as_str().unwrap());
    TestResponse::send_json(
        store.admin(app, Method::POST, &path),
        json!({"amount": amount, "reason": "damaged"}),
    )
    .await
}

#[actix_web::test]
async fn webhooks_need_the_checkout_secret() {
    let app = app().await;
    let store = app.store("acme").await;
    let order = pending_order(&app, &store, 1000, 1).await;
    let body = event("evt_1", "payment.succeeded", &order, 1000);
    for secret in [None, Some("wrong"), Some("")] {
        TestResponse::send_json(generic(&app, &store, secret), body.clone())
            .await
            .assert_error(401, "INVALID_CHECKOUT_SECRET");
    }
    TestResponse::send_json(
        app.post("/v1/webhooks/payments/generic")
            .insert_header(("x-checkout-secret", SECRET)),
        body.clone(),
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
    TestResponse::send_json(
        app.post(&format!("/v1/webhooks/payments/paypal?org={}", store.org))
            .insert_header(("x-checkout-secret", SECRET)),
        body.clone(),
    )
    .await
    .assert_error(404, "NOT_FOUND");
    TestResponse::send(
        generic(&app, &store, Some(SECRET)).insert_header(("content-type", "application/json")),
        Some("{not json"),
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
    assert_eq!(
        order_status(&app, &store, &order).await,
        "pending_payment",
        "nothing was applied"
    );
}

async fn order_status(app: &TestApp, store: &TestStore, o: &Value) -> String {
    order(app, store, o).await["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[actix_web::test]
async fn a_payment_is_processed_once_and_refunds_never_exceed_it() {
    let app = app().await;
    let store = app.store("acme").await;
    let placed = pending_order(&app, &store, 2500, 2).await;
    let body = event("evt_paid", "payment.succeeded", &placed, 5000);
    let first = TestResponse::send_json(generic(&app, &store, Some(SECRET)), body.clone())
        .await
        .json();
    assert_eq!(
        (
            first["duplicate"].as_bool(),
            first["event"]["status"].as_str()
        ),
        (Some(false), Some("processed"))
    );
    let replay = TestResponse::send_json(generic(&app, &store, Some(SECRET)), body)
        .await
        .json();
    assert_eq!(
        (replay["duplicate"].as_bool(), replay["event"]["id"].clone()),
        (Some(true), first["event"]["id"].clone())
    );
    let paid = order(&app, &store, &placed).await;
    assert_eq!(
        (paid["status"].as_str(), paid["paid"]["amount"].as_i64()),
        (Some("paid"), Some(5000))
    );

    refund(&app, &store, &placed, 5001)
        .await
        .assert_error(409, "REFUND_EXCEEDS_PAID");
    refund(&app, &store, &placed, 0)
        .await
        .assert_error(400, "VALIDATION_ERROR");
    refund(&app, &store, &placed, -5)
        .await
        .assert_error(400, "VALIDATION_ERROR");
    assert_eq!(refund(&app, &store, &placed, 2000).await.status, 201);
    assert_eq!(
        order_status(&app, &store, &placed).await,
        "partially_refunded"
    );
    refund(&app, &store, &placed, 3001)
        .await
        .assert_error(409, "REFUND_EXCEEDS_PAID");
    assert_eq!(refund(&app, &store, &placed, 3000).await.status, 201);
    let refunded = order(&app, &store, &placed).await;
    assert_eq!(
        (
            refunded["status"].as_str(),
            refunded["refunded"]["amount"].as_i64()
        ),
        (Some("refunded"), Some(5000))
    );
    refund(&app, &store, &placed, 1)
        .await
        .assert_error(409, "REFUND_EXCEEDS_PAID");
}

#[actix_web::test]
async fn a_refund_retried_with_its_key_is_made_once() {
    let app = app().await;
    let store = app.store("acme").await;
    let placed = pending_order(&app, &store, 1000, 1).await;
    TestResponse::send_json(
        generic(&app, &store, Some(SECRET)),
        event("evt_p", "payment.succeeded", &placed, 1000),
    )
    .await;
    let path = format!(
        "/v1/admin/orders/{}/refunds",
        placed["id"].as_str().unwrap()
    );
    let send = |amount: i64| {
        TestResponse::send_json(
            store
                .admin(&app, Method::POST, &path)
                .insert_header(("idempotency-key", "refund-1")),
            json!({"amount": amount}),
        )
    };
    let first = send(400).await;
    let again = send(400).await;
    assert_eq!((first.status.as_u16(), again.status.as_u16()), (201, 201));
    assert_eq!(first.json(), again.json());
    send(500).await.assert_error(422, "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(
        order(&app, &store, &placed).await["refunded"]["amount"],
        400
    );
}

/// The store's `order_refunded` audit events, newest first.
async fn refund_events(app: &TestApp, store: &TestStore) -> Vec<Value> {
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
        .filter(|event| event["action"] == "order_refunded")
        .cloned()
        .collect()
}

#[actix_web::test]
async fn a_refund_is_audited_once_even_when_replayed() {
    let app = app().await;
    let store = app.store("acme").await;
    let placed = pending_order(&app, &store, 1000, 1).await;
    TestResponse::send_json(
        generic(&app, &store, Some(SECRET)),
        event("evt_p", "payment.succeeded", &placed, 1000),
    )
    .await;
    let path = format!(
        "/v1/admin/orders/{}/refunds",
        placed["id"].as_str().unwrap()
    );
    let send = || {
        TestResponse::send_json(
            store
                .admin(&app, Method::POST, &path)
                .insert_header(("idempotency-key", "refund-audited")),
            json!({"amount": 400, "reason": "  damaged in transit  "}),
        )
    };
    let first = send().await;
    assert_eq!(first.status, 201, "{}", first.json());
    let again = send().await;
    assert_eq!(again.status, 201);
    assert_eq!(
        again
            .headers
            .get("idempotent-replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    assert_eq!(first.json(), again.json());

    let events = refund_events(&app, &store).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0];
    assert_eq!(event["subject"], placed["id"]);
    assert_eq!(event["actorKind"], "api_key");
    assert!(event["principalId"].is_string(), "{event}");
    assert_eq!(
        event["details"],
        json!({
            "orderId": placed["id"],
            "amount": {"amount": 400, "currency": "EUR"},
            "reason": "damaged in transit",
        })
    );

    // A refund refused records nothing; one without a reason says so.
    refund(&app, &store, &placed, 601)
        .await
        .assert_error(409, "REFUND_EXCEEDS_PAID");
    assert_eq!(refund_events(&app, &store).await.len(), 1);
    let rest = TestResponse::send_json(
        store.admin(&app, Method::POST, &path),
        json!({"amount": 600}),
    )
    .await;
    assert_eq!(rest.status, 201, "{}", rest.json());
    let events = refund_events(&app, &store).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(
        events[0]["details"],
        json!({
            "orderId": placed["id"],
            "amount": {"amount": 600, "currency": "EUR"},
            "reason": null,
        })
    );

    // Another store's log never shows them.
    let other = app.store("other").await;
    assert!(refund_events(&app, &other).await.is_empty());
}

#[actix_web::test]
async fn failed_events_are_kept_and_retried_out_of_order_delivery_included() {
    let app = app().await;
    let store = app.store("acme").await;
    let placed = pending_order(&app, &store, 1000, 1).await;

    // The refund arrives before the payment it refunds: it fails, and is kept.
    let early = TestResponse::send_json(
        generic(&app, &store, Some(SECRET)),
        event("evt_refund", "refund.succeeded", &placed, 300),
    )
    .await
    .json();
    assert_eq!(early["event"]["status"], "failed");
    assert!(
        early["event"]["error"]
            .as_str()
            .unwrap()
            .contains("cannot be refunded")
    );
    let unknown = json!({"id": "evt_ghost", "type": "payment.succeeded", "orderId": uuid::Uuid::now_v7(), "amount": 1, "currency": "EUR"});
    let ghost = TestResponse::send_json(generic(&app, &store, Some(SECRET)), unknown)
        .await
        .json();
    assert_eq!(ghost["event"]["status"], "failed");
    let mismatch = TestResponse::send_json(
        generic(&app, &store, Some(SECRET)),
        event("evt_cheap", "payment.succeeded", &placed, 1),
    )
    .await
    .json();
    assert_eq!(mismatch["event"]["status"], "failed");
    assert_eq!(order_status(&app, &store, &placed).await, "pending_payment");

    TestResponse::send_json(
        generic(&app, &store, Some(SECRET)),
        event("evt_pay", "payment.succeeded", &placed, 1000),
    )
    .await;
    let failed = TestResponse::send(
        store.admin(&app, Method::GET, "/v1/admin/payment-events?status=failed"),
        None,
    )
    .await
    .json();
    assert_eq!(failed["data"].as_array().unwrap().len(), 3);
    let retry = format!(
        "/v1/admin/payment-events/{}/retry",
        early["event"]["id"].as_str().unwrap()
    );
    let retried = TestResponse::send(store.admin(&app, Method::POST, &retry), None)
        .await
        .json();
    assert_eq!(
        (retried["status"].as_str(), retried["attempts"].as_i64()),
        (Some("processed"), Some(2))
    );
    assert_eq!(
        order(&app, &store, &placed).await["status"],
        "partially_refunded"
    );
    TestResponse::send(store.admin(&app, Method::POST, &retry), None)
        .await
        .assert_error(409, "NOT_RETRYABLE");
}

#[actix_web::test]
async fn a_failed_payment_cancels_the_order_and_releases_its_stock() {
    let app = app().await;
    let store = app.store("acme").await;
    let placed = pending_order(&app, &store, 1000, 3).await;
    let received = TestResponse::send_json(
        generic(&app, &store, Some(SECRET)),
        event("evt_fail", "payment.failed", &placed, 3000),
    )
    .await
    .json();
    assert_eq!(received["event"]["status"], "processed");
    let cancelled = order(&app, &store, &placed).await;
    assert_eq!(cancelled["status"], "cancelled");
    let product = format!(
        "/v1/admin/products/{}",
        cancelled["items"][0]["productId"].as_str().unwrap()
    );
    let stock = TestResponse::send(store.admin(&app, Method::GET, &product), None)
        .await
        .json();
    assert_eq!(stock["variants"][0]["inventory"]["available"], 100);
}

fn stripe_signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={timestamp},v1={hex}")
}

#[actix_web::test]
async fn stripe_events_are_verified_over_the_raw_body() {
    let app = app().await;
    let store = app.store("acme").await;
    let placed = pending_order(&app, &store, 1999, 1).await;
    let url = format!("/v1/webhooks/payments/stripe?org={}", store.org);
    let body =
        json!({"id": "evt_stripe_1", "type": "payment_intent.succeeded", "data": {"object": {
        "amount_received": 1999, "currency": "eur", "metadata": {"order_id": placed["id"]}}}})
        .to_string();
    let deliver = |signature: Option<String>| {
        let mut request = app
            .post(&url)
            .insert_header(("x-checkout-secret", SECRET))
            .insert_header(("content-type", "application/json"));
        if let Some(signature) = signature {
            request = request.insert_header(("stripe-signature", signature));
        }
        TestResponse::send(request, Some(&body))
    };
    let now = app.clock_now().timestamp();
    deliver(Some(stripe_signature("whsec_0123456789", now, &body)))
        .await
        .assert_error(401, "INVALID_SIGNATURE");

    let set = TestResponse::send_json(
        store.admin(&app, Method::PATCH, "/v1/admin/store"),
        json!({"stripeWebhookSecret": "whsec_0123456789"}),
    )
    .await;
    assert_eq!(set.json()["stripeWebhookSecretSet"], true);
    deliver(None).await.assert_error(401, "INVALID_SIGNATURE");
    deliver(Some(stripe_signature("whsec_wrong_secret", now, &body)))
        .await
        .assert_error(401, "INVALID_SIGNATURE");
    deliver(Some(stripe_signature("whsec_0123456789", now - 301, &body)))
        .await
        .assert_error(401, "INVALID_SIGNATURE");
    let tampered = body.replace("1999", "1");
    let forged = TestResponse::send(
        app.post(&url)
            .insert_header(("x-checkout-secret", SECRET))
            .insert_header((
                "stripe-signature",
                stripe_signature("whsec_0123456789", now, &body),
            )),
        Some(&tampered),
    )
    .await;
    forged.assert_error(401, "INVALID_SIGNATURE");

    let good = deliver(Some(stripe_signature("whsec_0123456789", now, &body)))
        .await
        .json();
    assert_eq!(good["event"]["status"], "processed");
    assert_eq!(order(&app, &store, &placed).await["status"], "paid");
}

#[actix_web::test]
async fn stats_count_revenue_as_paid_minus_refunded() {
    let app = app().await;
    let store = app.store("acme").await;
    let a = pending_order(&app, &store, 1000, 2).await;
    let b = pending_order(&app, &store, 500, 1).await;
    let _unpaid = pending_order(&app, &store, 700, 1).await;
    TestResponse::send_json(
        generic(&app, &store, Some(SECRET)),
        event("evt_a", "payment.succeeded", &a, 2000),
    )
    .await;
    TestResponse::send_json(
        generic(&app, &store, Some(SECRET)),
        event("evt_b", "payment.succeeded", &b, 500),
    )
    .await;
    assert_eq!(refund(&app, &store, &a, 300).await.status, 201);

    // The period ends now (exclusive): the test clock stands still, so move it past the orders.
    app.clock.advance(chrono::Duration::minutes(1));
    let stats = TestResponse::send(store.admin(&app, Method::GET, "/v1/admin/stats"), None)
        .await
        .json();
    assert_eq!(stats["revenue"], json!({"amount": 2200, "currency": "EUR"}));
    assert_eq!(revenue_of_days(&stats), 2200);
    assert_eq!(stats["paidOrders"], 2);
    assert_eq!(stats["averageOrderValue"]["amount"], 1100);
    let by_status: Vec<(String, i64)> = stats["ordersByStatus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["status"].as_str().unwrap().to_owned(),
                s["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_status,
        [
            ("paid".to_owned(), 1),
            ("partially_refunded".to_owned(), 1),
            ("pending_payment".to_owned(), 1)
        ]
    );
    assert_eq!(stats["topProducts"][0]["units"], 2);
    assert_eq!(stats["topProducts"][0]["revenue"]["amount"], 2000);
    TestResponse::send(
        store.admin(
            &app,
            Method::GET,
            "/v1/admin/stats?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z",
        ),
        None,
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
}

/// The sum of a period's `revenueByDay`.
fn revenue_of_days(stats: &Value) -> i64 {
    stats["revenueByDay"]
        .as_array()
        .unwrap()
        .iter()
        .map(|day| day["revenue"]["amount"].as_i64().unwrap())
        .sum()
}

/// An order of one unit at `price`, paid now (by the api's clock).
async fn paid_order(app: &TestApp, store: &TestStore, price: i64) -> Value {
    let placed = pending_order(app, store, price, 1).await;
    let id = format!("evt_{}", uuid::Uuid::now_v7().simple());
    let paid = TestResponse::send_json(
        generic(app, store, Some(SECRET)),
        event(&id, "payment.succeeded", &placed, price),
    )
    .await;
    assert_eq!(paid.json()["event"]["status"], "processed");
    placed
}

async fn stats_of(
    app: &TestApp,
    store: &TestStore,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> TestResponse {
    let stamp =
        |at: chrono::DateTime<chrono::Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let path = format!("/v1/admin/stats?from={}&to={}", stamp(from), stamp(to));
    TestResponse::send(store.admin(app, Method::GET, &path), None).await
}

#[actix_web::test]
async fn stats_give_revenue_per_utc_day_without_gaps() {
    use chrono::Duration;

    let app = app().await;
    let store = app.store("acme").await;
    let other = app.store("other").await;
    // Midnight (UTC) of the clock's day: day 0.
    let day0 = app
        .clock_now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let at = |at: chrono::DateTime<chrono::Utc>| app.clock.advance(at - app.clock_now());

    at(day0 + Duration::days(1) + Duration::hours(9));
    let damaged = paid_order(&app, &store, 1000).await;
    paid_order(&app, &other, 9999).await;
    let _unpaid = pending_order(&app, &store, 800, 1).await;
    at(day0 + Duration::days(1) + Duration::hours(14));
    paid_order(&app, &store, 500).await;
    // Day 2: no sales here, one in the other store.
    at(day0 + Duration::days(2) + Duration::hours(12));
    paid_order(&app, &other, 9999).await;
    // The last instant of day 3, then the first of day 4.
    at(day0 + Duration::days(4) - Duration::milliseconds(1));
    paid_order(&app, &store, 700).await;
    at(day0 + Duration::days(4));
    paid_order(&app, &store, 300).await;
    // A refund counts against the day its order was made, as it does against `revenue`.
    at(day0 + Duration::days(4) + Duration::hours(1));
    assert_eq!(refund(&app, &store, &damaged, 250).await.status, 201);

    // From noon of day 0 to midnight starting day 5 (exclusive): days 0 to 4.
    let stats = stats_of(
        &app,
        &store,
        day0 + Duration::hours(12),
        day0 + Duration::days(5),
    )
    .await;
    assert_eq!(stats.status, 200, "{}", stats.json());
    let stats = stats.json();
    let date = |days: i64| (day0 + Duration::days(days)).format("%Y-%m-%d").to_string();
    let eur = |amount: i64| json!({"amount": amount, "currency": "EUR"});
    assert_eq!(
        stats["revenueByDay"],
        json!([
            {"day": date(0), "revenue": eur(0)},
            {"day": date(1), "revenue": eur(1250)},
            {"day": date(2), "revenue": eur(0)},
            {"day": date(3), "revenue": eur(700)},
            {"day": date(4), "revenue": eur(300)},
        ])
    );
    assert_eq!(stats["revenue"], eur(2250));
    assert_eq!(revenue_of_days(&stats), 2250);
    assert_eq!(stats["paidOrders"], 4);

    // Within one day; and the other store sees only its own.
    let day3 = stats_of(
        &app,
        &store,
        day0 + Duration::days(3),
        day0 + Duration::days(4),
    )
    .await;
    assert_eq!(
        day3.json()["revenueByDay"],
        json!([{"day": date(3), "revenue": eur(700)}])
    );
    let theirs = stats_of(
        &app,
        &other,
        day0 + Duration::hours(12),
        day0 + Duration::days(5),
    )
    .await
    .json();
    let days: Vec<i64> = theirs["revenueByDay"]
        .as_array()
        .unwrap()
        .iter()
        .map(|day| day["revenue"]["amount"].as_i64().unwrap())
        .collect();
    assert_eq!(days, [0, 9999, 9999, 0, 0]);
    assert_eq!(theirs["revenue"]["amount"], 19998);
}

#[actix_web::test]
async fn stats_periods_are_at_most_366_days() {
    let app = app().await;
    let store = app.store("acme").await;
    let get = |query: &str| {
        TestResponse::send(
            store.admin(&app, Method::GET, &format!("/v1/admin/stats?{query}")),
            None,
        )
    };
    // 2024 is a leap year: 366 days, each of them listed.
    let year = get("from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z").await;
    assert_eq!(year.status, 200, "{}", year.json());
    let days = year.json()["revenueByDay"].as_array().unwrap().clone();
    assert_eq!(days.len(), 366);
    assert_eq!(days[0]["day"], "2024-01-01");
    assert_eq!(days[365]["day"], "2024-12-31");
    assert!(days.iter().all(|day| day["revenue"]["amount"] == 0));

    for query in [
        "from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:01Z",
        "from=2000-01-01T00:00:00Z&to=2030-01-01T00:00:00Z",
    ] {
        let refused = get(query).await.assert_error(400, "VALIDATION_ERROR");
        assert_eq!(
            refused["details"]["fields"][0]["field"], "from",
            "{refused}"
        );
    }
}

/// M1: retries of one event at once apply it once; the losers are told it is not retryable, and
/// no attempt writes `failed` over `processed`.
#[actix_web::test]
async fn concurrent_retries_of_one_event_apply_it_once() {
    let app = app().await;
    let store = app.store("acme").await;
    let placed = pending_order(&app, &store, 1000, 1).await;
    let early = TestResponse::send_json(
        generic(&app, &store, Some(SECRET)),
        event("evt_refund_early", "refund.succeeded", &placed, 300),
    )
    .await
    .json();
    assert_eq!(early["event"]["status"], "failed");
    TestResponse::send_json(
        generic(&app, &store, Some(SECRET)),
        event("evt_pay", "payment.succeeded", &placed, 1000),
    )
    .await;

    let retry = format!(
        "/v1/admin/payment-events/{}/retry",
        early["event"]["id"].as_str().unwrap()
    );
    let retries = (0..8).map(|_| TestResponse::send(store.admin(&app, Method::POST, &retry), None));
    let answers = futures_util::future::join_all(retries).await;
    let applied = answers.iter().filter(|answer| answer.status == 200).count();
    let refused = answers
        .iter()
        .filter(|answer| answer.status == 409 && answer.json()["code"] == "NOT_RETRYABLE")
        .count();
    assert_eq!(
        (applied, refused),
        (1, 7),
        "{:?}",
        answers
            .iter()
            .map(|answer| answer.status)
            .collect::<Vec<_>>()
    );
    let after = order(&app, &store, &placed).await;
    assert_eq!(
        after["refunded"]["amount"], 300,
        "one refund from one event: {after}"
    );
    let failed = TestResponse::send(
        store.admin(&app, Method::GET, "/v1/admin/payment-events?status=failed"),
        None,
    )
    .await
    .json();
    assert!(
        failed["data"].as_array().unwrap().is_empty(),
        "no losing attempt marked the processed event failed: {failed}"
    );
    TestResponse::send(store.admin(&app, Method::POST, &retry), None)
        .await
        .assert_error(409, "NOT_RETRYABLE");
}

/// M1: Stripe's `charge.refunded` carries the refunded total; two of them at once refund the
/// difference once each, worked out from the order as it stands (locked), never both from zero.
#[actix_web::test]
async fn cumulative_refund_events_at_once_refund_the_total_once() {
    let app = app().await;
    let store = app.store("acme").await;
    let placed = paid_order(&app, &store, 1000).await;
    TestResponse::send_json(
        store.admin(&app, Method::PATCH, "/v1/admin/store"),
        json!({"stripeWebhookSecret": "whsec_0123456789"}),
    )
    .await;
    let url = format!("/v1/webhooks/payments/stripe?org={}", store.org);
    let now = app.clock_now().timestamp();
    let deliveries = [("evt_refund_a", 300), ("evt_refund_b", 500)].map(|(id, total)| {
        let body = json!({"id": id, "type": "charge.refunded", "data": {"object": {
            "amount_refunded": total, "currency": "eur", "metadata": {"order_id": placed["id"]}}}})
        .to_string();
        let request = app
            .post(&url)
            .insert_header(("x-checkout-secret", SECRET))
            .insert_header(("content-type", "application/json"))
            .insert_header((
                "stripe-signature",
                stripe_signature("whsec_0123456789", now, &body),
            ));
        async move { TestResponse::send(request, Some(&body)).await }
    });
    let answers = futures_util::future::join_all(deliveries).await;
    for answer in &answers {
        assert_eq!(
            answer.json()["event"]["status"],
            "processed",
            "{}",
            answer.json()
        );
    }
    let after = order(&app, &store, &placed).await;
    assert_eq!(
        after["refunded"]["amount"], 500,
        "the larger total, once: {after}"
    );
}

/// L1: a refund of up to i64::MAX is refused as exceeding what was paid — by the api and by a
/// refund event — never an arithmetic overflow in the database (a 503 on PostgreSQL).
#[actix_web::test]
async fn a_huge_refund_is_refused_as_exceeding_the_payment_not_an_overflow() {
    let app = app().await;
    let store = app.store("acme").await;
    let placed = paid_order(&app, &store, 1000).await;
    assert_eq!(refund(&app, &store, &placed, 1).await.status, 201);
    let refused = refund(&app, &store, &placed, i64::MAX)
        .await
        .assert_error(409, "REFUND_EXCEEDS_PAID");
    assert!(
        refused["error"].as_str().unwrap().contains("at most 999"),
        "{refused}"
    );
    let by_event = TestResponse::send_json(
        generic(&app, &store, Some(SECRET)),
        event("evt_huge", "refund.succeeded", &placed, i64::MAX),
    )
    .await
    .json();
    assert_eq!(by_event["event"]["status"], "failed", "{by_event}");
    assert!(
        by_event["event"]["error"]
            .as_str()
            .unwrap()
            .contains("at most 999"),
        "{by_event}"
    );
    assert_eq!(order(&app, &store, &placed).await["refunded"]["amount"], 1);
}
