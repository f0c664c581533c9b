//! Unpaid orders release their stock: an order left `pending_payment` longer than
//! `ORDER_PAYMENT_TIMEOUT_MINUTES` is cancelled by the api's sweep, its stock back, audited once —
//! however many instances sweep at the same time.

use std::time::Duration;

use actix_web::http::Method;
use api::{Settings, Sweep, sweep_expired_orders};
use serde_json::{Value, json};
use test_support::{TestApp, TestResponse, TestStore};

/// The background sweep never fires on its own during these tests: they sweep when they choose.
fn sweep_by_hand(settings: &mut Settings) {
    settings.order_sweep_interval = Duration::from_secs(86_400);
}

async fn sweep(app: &TestApp) -> Sweep {
    sweep_expired_orders(&app.state).await.unwrap()
}

async fn order_of(app: &TestApp, store: &TestStore, variant: &str, quantity: i64) -> Value {
    let cart = app.cart_with(store, variant, quantity).await;
    let order = TestResponse::send_json(
        store.shop(app, Method::POST, "/v1/orders"),
        json!({"cartId": cart, "email": "s@x.test"}),
    )
    .await;
    assert_eq!(order.status, 201, "{}", order.json());
    order.json()
}

async fn order_now(app: &TestApp, store: &TestStore, order: &Value) -> Value {
    let path = format!("/v1/admin/orders/{}", order["id"].as_str().unwrap());
    TestResponse::send(store.admin(app, Method::GET, &path), None)
        .await
        .json()
}

async fn available(app: &TestApp, store: &TestStore, product: &Value) -> i64 {
    let path = format!("/v1/admin/products/{}", product["id"].as_str().unwrap());
    TestResponse::send(store.admin(app, Method::GET, &path), None)
        .await
        .json()["variants"][0]["inventory"]["available"]
        .as_i64()
        .unwrap()
}

/// The store's `order_expired` audit events, every page of them.
async fn expiry_events(app: &TestApp, store: &TestStore) -> Vec<Value> {
    let mut events = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/admin/audit-events?limit=100&cursor={cursor}"),
            None => "/v1/admin/audit-events?limit=100".to_owned(),
        };
        let page = TestResponse::send(store.admin(app, Method::GET, &path), None).await;
        assert_eq!(page.status, 200, "{}", page.json());
        let page = page.json();
        events.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|event| event["action"] == "order_expired")
                .cloned(),
        );
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return events,
        }
    }
}

fn variant(product: &Value) -> &str {
    product["variants"][0]["id"].as_str().unwrap()
}

#[actix_web::test]
async fn an_unpaid_order_past_the_timeout_is_cancelled_and_its_stock_is_back() {
    let app = TestApp::spawn_with(sweep_by_hand).await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1000, 5).await;
    let order = order_of(&app, &store, variant(&product), 2).await;
    assert_eq!(available(&app, &store, &product).await, 3);

    // Within the timeout (60 minutes by default) the order stays.
    app.clock.advance(chrono::Duration::minutes(59));
    assert_eq!(sweep(&app).await, Sweep::default());
    assert_eq!(
        order_now(&app, &store, &order).await["status"],
        "pending_payment"
    );
    assert_eq!(available(&app, &store, &product).await, 3);
    let fresh = order_of(&app, &store, variant(&product), 1).await;

    app.clock.advance(chrono::Duration::minutes(2));
    assert_eq!(
        sweep(&app).await,
        Sweep {
            expired: 1,
            failed: 0
        }
    );
    let expired = order_now(&app, &store, &order).await;
    assert_eq!(expired["status"], "cancelled");
    assert_eq!(
        order_now(&app, &store, &fresh).await["status"],
        "pending_payment",
        "placed 2 minutes ago"
    );
    assert_eq!(
        available(&app, &store, &product).await,
        4,
        "5 - the fresh order's 1"
    );

    let events = expiry_events(&app, &store).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["subject"], order["id"]);
    assert_eq!(events[0]["actorKind"], "system");
    assert_eq!(events[0]["details"]["orderId"], order["id"]);
    assert_eq!(events[0]["details"]["timeoutMinutes"], 60);

    // Sweeping again changes nothing; an expired order is cancelled as any other.
    assert_eq!(sweep(&app).await, Sweep::default());
    assert_eq!(available(&app, &store, &product).await, 4);
    assert_eq!(expiry_events(&app, &store).await.len(), 1);
    let id = order["id"].as_str().unwrap();
    TestResponse::send(
        store.admin(&app, Method::POST, &format!("/v1/admin/orders/{id}/cancel")),
        None,
    )
    .await
    .assert_error(409, "ILLEGAL_TRANSITION");
}

#[actix_web::test]
async fn a_paid_order_is_never_touched() {
    let app = TestApp::spawn_with(sweep_by_hand).await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1000, 5).await;
    let order = order_of(&app, &store, variant(&product), 2).await;
    let id = order["id"].as_str().unwrap();
    let paid = TestResponse::send_json(
        store.admin(
            &app,
            Method::POST,
            &format!("/v1/admin/orders/{id}/payments"),
        ),
        json!({"amount": 2000, "method": "cash", "reference": "till 1"}),
    )
    .await;
    assert_eq!(paid.status, 200, "{}", paid.json());

    app.clock.advance(chrono::Duration::days(3));
    assert_eq!(sweep(&app).await, Sweep::default());
    assert_eq!(order_now(&app, &store, &order).await["status"], "paid");
    assert_eq!(available(&app, &store, &product).await, 3);
    assert!(expiry_events(&app, &store).await.is_empty());
}

#[actix_web::test]
async fn a_timeout_of_zero_never_expires_anything() {
    let app = TestApp::spawn_with(|settings| settings.order_payment_timeout = None).await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1000, 5).await;
    let order = order_of(&app, &store, variant(&product), 2).await;
    app.clock.advance(chrono::Duration::days(30));
    assert_eq!(sweep(&app).await, Sweep::default());
    assert_eq!(
        order_now(&app, &store, &order).await["status"],
        "pending_payment"
    );
}

/// Two instances over one database sweep the same expired orders at once (more than one batch,
/// of two stores): each order is expired once, its stock released once, one audit event.
#[actix_web::test]
async fn two_instances_sweeping_at_once_release_stock_once() {
    let app = TestApp::spawn_with(sweep_by_hand).await;
    let beside = app.spawn_beside(sweep_by_hand).await;
    let acme = app.store("acme").await;
    let globex = app.store("globex").await;
    let tee = app.product(&acme, "TEE", 500, 100).await;
    let mug = app.product(&globex, "MUG", 700, 100).await;
    let (acme_orders, globex_orders) = (70, 45);
    for _ in 0..acme_orders {
        order_of(&app, &acme, variant(&tee), 1).await;
    }
    for _ in 0..globex_orders {
        order_of(&app, &globex, variant(&mug), 2).await;
    }
    assert_eq!(available(&app, &acme, &tee).await, 30);
    assert_eq!(available(&app, &globex, &mug).await, 10);

    app.clock.advance(chrono::Duration::minutes(61));
    let (one, other) = futures_util::future::join(sweep(&app), sweep(&beside)).await;
    assert_eq!(
        (one.expired + other.expired, one.failed + other.failed),
        (acme_orders + globex_orders, 0),
        "{one:?} {other:?}"
    );
    assert_eq!(available(&app, &acme, &tee).await, 100);
    assert_eq!(available(&app, &globex, &mug).await, 100);
    assert_eq!(expiry_events(&app, &acme).await.len(), acme_orders);
    assert_eq!(expiry_events(&app, &globex).await.len(), globex_orders);
    let cancelled = TestResponse::send(
        acme.admin(
            &app,
            Method::GET,
            "/v1/admin/orders?status=cancelled&limit=100",
        ),
        None,
    )
    .await
    .json();
    assert_eq!(cancelled["data"].as_array().unwrap().len(), 70);
}

/// The api sweeps by itself, every `ORDER_SWEEP_INTERVAL_SECONDS` (here a fraction of a second).
#[actix_web::test]
async fn the_api_sweeps_by_itself_on_its_interval() {
    let app = TestApp::spawn_with(|settings| {
        settings.order_sweep_interval = Duration::from_millis(100);
        settings.order_payment_timeout = Some(chrono::Duration::minutes(5));
    })
    .await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1000, 5).await;
    let order = order_of(&app, &store, variant(&product), 2).await;
    app.clock.advance(chrono::Duration::minutes(6));
    let mut status = Value::Null;
    for _ in 0..100 {
        status = order_now(&app, &store, &order).await["status"].clone();
        if status == "cancelled" {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, "cancelled");
    assert_eq!(available(&app, &store, &product).await, 5);
    assert_eq!(expiry_events(&app, &store).await.len(), 1);
}
