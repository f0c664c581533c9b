//! The catalog: created by admins, seen by storefronts only when published, paged stably.

use actix_web::http::Method;
use serde_json::json;
use test_support::{TestApp, TestResponse, TestStore};

#[actix_web::test]
async fn storefronts_see_published_products_only() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let published = app.product(&store, "TEE-1", 1999, 5).await;
    let draft = TestResponse::send_json(
        store.admin(&app, Method::POST, "/v1/admin/products"),
        json!({"title": "Secret", "variants": [{"sku": "SECRET", "price": {"amount": 100, "currency": "EUR"}}]}),
    )
    .await
    .json();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["handle"], "secret");
    assert_eq!(published["variants"][0]["inventory"]["available"], 5);
    assert_eq!(
        published["variants"][0]["price"],
        json!({"amount": 1999, "currency": "EUR"})
    );

    let listed = TestResponse::send(store.shop(&app, Method::GET, "/v1/products"), None)
        .await
        .json();
    let ids: Vec<&str> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [published["id"].as_str().unwrap()]);
    let path = format!("/v1/products/{}", draft["id"].as_str().unwrap());
    TestResponse::send(store.shop(&app, Method::GET, &path), None)
        .await
        .assert_error(404, "NOT_FOUND");
    let admin = TestResponse::send(
        store.admin(&app, Method::GET, "/v1/admin/products?status=draft"),
        None,
    )
    .await
    .json();
    assert_eq!(admin["data"][0]["id"], draft["id"]);

    // Archived: gone from the storefront.
    let archive = format!("/v1/admin/products/{}", published["id"].as_str().unwrap());
    assert_eq!(
        TestResponse::send(store.admin(&app, Method::DELETE, &archive), None)
            .await
            .json()["status"],
        "archived"
    );
    let listed = TestResponse::send(store.shop(&app, Method::GET, "/v1/products"), None)
        .await
        .json();
    assert_eq!(listed["data"], json!([]));
}

#[actix_web::test]
async fn pages_are_stable_under_inserts_and_search_by_title() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    for sku in ["A", "B", "C", "D", "E"] {
        app.product(&store, sku, 100, 1).await;
    }
    let first = TestResponse::send(store.shop(&app, Method::GET, "/v1/products?limit=2"), None)
        .await
        .json();
    let skus = |page: &serde_json::Value| -> Vec<String> {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["variants"][0]["sku"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(skus(&first), ["E", "D"]);
    app.product(&store, "F", 100, 1).await;
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = TestResponse::send(
        store.shop(
            &app,
            Method::GET,
            &format!("/v1/products?limit=2&cursor={cursor}"),
        ),
        None,
    )
    .await
    .json();
    assert_eq!(skus(&second), ["C", "B"]);
    let cursor = second["nextCursor"].as_str().unwrap();
    let last = TestResponse::send(
        store.shop(
            &app,
            Method::GET,
            &format!("/v1/products?limit=2&cursor={cursor}"),
        ),
        None,
    )
    .await
    .json();
    assert_eq!(skus(&last), ["A"]);
    assert_eq!(last["nextCursor"], serde_json::Value::Null);

    let found = TestResponse::send(
        store.shop(&app, Method::GET, "/v1/products?q=PRODUCT%20c"),
        None,
    )
    .await
    .json();
    assert_eq!(skus(&found), ["C"]);
    let literal = TestResponse::send(store.shop(&app, Method::GET, "/v1/products?q=%25"), None)
        .await
        .json();
    assert_eq!(literal["data"], json!([]), "a % in q is literal");
}

#[actix_web::test]
async fn bad_catalog_input_is_a_clear_4xx_naming_the_field() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let create =
        |body| TestResponse::send_json(store.admin(&app, Method::POST, "/v1/admin/products"), body);
    let body = create(json!({"title": "", "variants": [
        {"sku": "bad sku!", "price": {"amount": 0, "currency": "EUR"}, "inventoryQuantity": -1},
        {"sku": "OK", "price": {"amount": 100, "currency": "USD"}},
    ]}))
    .await
    .assert_error(400, "VALIDATION_ERROR");
    let fields: Vec<&str> = body["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for expected in [
        "title",
        "variants[0].sku",
        "variants[0].price.amount",
        "variants[0].inventoryQuantity",
        "variants[1].price.currency",
    ] {
        assert!(fields.contains(&expected), "{expected} in {fields:?}");
    }
    create(json!({"title": "No variants", "variants": []}))
        .await
        .assert_error(400, "VALIDATION_ERROR");
    create(json!({"title": "Float", "variants": [{"sku": "F", "price": {"amount": 1.5, "currency": "EUR"}}]}))
        .await
        .assert_error(400, "VALIDATION_ERROR");
    app.product(&store, "TAKEN", 100, 1).await;
    create(json!({"title": "Other", "variants": [{"sku": "TAKEN", "price": {"amount": 100, "currency": "EUR"}}]}))
        .await
        .assert_error(409, "SKU_TAKEN");
    create(json!({"title": "Product TAKEN", "variants": [{"sku": "NEW", "price": {"amount": 100, "currency": "EUR"}}]}))
        .await
        .assert_error(409, "HANDLE_TAKEN");
    for query in [
        "limit=0",
        "limit=101",
        "limit=-1",
        "cursor=garbage",
        "status=sold",
    ] {
        TestResponse::send(
            store.admin(&app, Method::GET, &format!("/v1/admin/products?{query}")),
            None,
        )
        .await
        .assert_error(400, "VALIDATION_ERROR");
    }
    TestResponse::send(
        store.admin(&app, Method::GET, "/v1/admin/products/not-a-uuid"),
        None,
    )
    .await
    .assert_error(400, "VALIDATION_ERROR");
}

#[actix_web::test]
async fn products_are_updated_and_stock_is_adjusted_with_a_reason() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1000, 2).await;
    let (id, variant) = (
        product["id"].as_str().unwrap(),
        product["variants"][0]["id"].as_str().unwrap(),
    );
    let updated = TestResponse::send_json(
        store.admin(&app, Method::PATCH, &format!("/v1/admin/products/{id}")),
        json!({"title": "Better tee", "variants": [{"id": variant, "price": {"amount": 1200, "currency": "EUR"}}]}),
    )
    .await
    .json();
    assert_eq!(updated["title"], "Better tee");
    assert_eq!(updated["variants"][0]["price"]["amount"], 1200);

    let adjust = |delta: i64| {
        TestResponse::send_json(
            store.admin(
                &app,
                Method::POST,
                &format!("/v1/admin/inventory/{variant}/adjustments"),
            ),
            json!({"delta": delta, "reason": "cycle count"}),
        )
    };
    assert_eq!(adjust(3).await.json()["available"], 5);
    adjust(-6).await.assert_error(409, "INSUFFICIENT_STOCK");
    assert_eq!(adjust(-5).await.json()["available"], 0);
    adjust(0).await.assert_error(400, "VALIDATION_ERROR");
    let levels = TestResponse::send(store.admin(&app, Method::GET, "/v1/admin/inventory"), None)
        .await
        .json();
    assert_eq!(levels["data"][0]["available"], 0);
}

/// `POST …/adjustments` of `delta` with the store's admin key, and an `Idempotency-Key` when given.
async fn adjust(
    app: &TestApp,
    store: &TestStore,
    variant: &str,
    key: Option<&str>,
    delta: i64,
) -> TestResponse {
    let path = format!("/v1/admin/inventory/{variant}/adjustments");
    let mut request = store.admin(app, Method::POST, &path);
    if let Some(key) = key {
        request = request.insert_header(("idempotency-key", key.to_owned()));
    }
    TestResponse::send_json(request, json!({"delta": delta, "reason": "cycle count"})).await
}

/// The variant's stock, as the inventory list shows it.
async fn available(app: &TestApp, store: &TestStore, variant: &str) -> i64 {
    let levels = TestResponse::send(
        store.admin(app, Method::GET, "/v1/admin/inventory?limit=100"),
        None,
    )
    .await
    .json();
    levels["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|level| level["variantId"] == variant)
        .unwrap()["available"]
        .as_i64()
        .unwrap()
}

#[actix_web::test]
async fn a_stock_adjustment_retried_with_its_key_is_applied_once() {
    let app = TestApp::spawn().await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1000, 10).await;
    let variant = product["variants"][0]["id"].as_str().unwrap();

    let first = adjust(&app, &store, variant, Some("recount-1"), -4).await;
    let again = adjust(&app, &store, variant, Some("recount-1"), -4).await;
    assert_eq!((first.status.as_u16(), again.status.as_u16()), (200, 200));
    assert_eq!(first.json()["available"], 6);
    assert_eq!(first.json(), again.json());
    assert_eq!(first.header("idempotent-replayed"), None);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(available(&app, &store, variant).await, 6, "applied once");

    // The same key with another delta is refused and changes nothing; a new key applies.
    adjust(&app, &store, variant, Some("recount-1"), -3)
        .await
        .assert_error(422, "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(available(&app, &store, variant).await, 6);
    let next = adjust(&app, &store, variant, Some("recount-2"), -4).await;
    assert_eq!(next.json()["available"], 2);

    // A refused attempt is not kept as the answer: the key is free again for the same request.
    adjust(&app, &store, variant, Some("recount-3"), -5)
        .await
        .assert_error(409, "INSUFFICIENT_STOCK");
    assert_eq!(
        adjust(&app, &store, variant, Some("recount-4"), 5)
            .await
            .json()["available"],
        7
    );
    let retried = adjust(&app, &store, variant, Some("recount-3"), -5).await;
    assert_eq!(retried.status, 200, "{}", retried.json());
    assert_eq!(retried.header("idempotent-replayed"), None);
    assert_eq!(available(&app, &store, variant).await, 2);
}

/// A double-click: the same adjustment with the same key, twice at once, changes stock once; the
/// other answer is the first one replayed, or 409 while it is still in progress.
#[actix_web::test]
async fn concurrent_adjustments_with_one_key_apply_once() {
    let app = TestApp::spawn_with(|settings| settings.workers = Some(2)).await;
    let store = app.store("acme").await;
    let product = app.product(&store, "TEE", 1000, 100).await;
    let variant = product["variants"][0]["id"].as_str().unwrap();

    for round in 0..5_i64 {
        let key = format!("double-click-{round}");
        let (a, b) = futures_util::future::join(
            adjust(&app, &store, variant, Some(&key), -3),
            adjust(&app, &store, variant, Some(&key), -3),
        )
        .await;
        let expected = 100 - 3 * (round + 1);
        assert_eq!(
            available(&app, &store, variant).await,
            expected,
            "applied once"
        );
        let (applied, other) = if a.header("idempotent-replayed").is_none() && a.status == 200 {
            (&a, &b)
        } else {
            (&b, &a)
        };
        assert_eq!(applied.status, 200, "{} / {}", a.json(), b.json());
        assert_eq!(applied.header("idempotent-replayed"), None);
        assert_eq!(applied.json()["available"], expected);
        match other.status.as_u16() {
            200 => {
                assert_eq!(other.header("idempotent-replayed"), Some("true"));
                assert_eq!(other.json(), applied.json());
            }
            _ => {
                other.assert_error(409, "IDEMPOTENCY_IN_PROGRESS");
            }
        }
    }
}

/// Two removals with different keys that together would overdraw: exactly one applies, the other
/// is 409 `INSUFFICIENT_STOCK`, and stock never goes below zero.
#[actix_web::test]
async fn concurrent_removals_never_take_stock_below_zero() {
    let app = TestApp::spawn_with(|settings| settings.workers = Some(2)).await;
    let store = app.store("acme").await;
    for round in 0..5 {
        let product = app.product(&store, &format!("LAST-{round}"), 500, 5).await;
        let variant = product["variants"][0]["id"].as_str().unwrap();
        let (a, b) = futures_util::future::join(
            adjust(
                &app,
                &store,
                variant,
                Some(&format!("shrink-{round}-a")),
                -3,
            ),
            adjust(
                &app,
                &store,
                variant,
                Some(&format!("shrink-{round}-b")),
                -3,
            ),
        )
        .await;
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{} / {}", a.json(), b.json());
        let (applied, refused) = if a.status == 200 { (&a, &b) } else { (&b, &a) };
        assert_eq!(applied.json()["available"], 2);
        refused.assert_error(409, "INSUFFICIENT_STOCK");
        assert_eq!(available(&app, &store, variant).await, 2);
    }
}
