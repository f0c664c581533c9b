//! Storefront domains: registered by an organization's admins, resolved from `Host`.

use actix_web::http::Method;
use serde_json::json;
use test_support::{CallerRequest as _, TestApp, TestResponse};

#[actix_web::test]
async fn a_merchant_registers_a_domain_and_the_storefront_resolves() {
    let app = TestApp::spawn().await;
    let (owner, org) = app.merchant("owner@x.test", "acme").await;
    let request = app.as_user(Method::POST, "/v1/admin/store/domains", &owner);
    let created = TestResponse::send_json(request, &json!({"hostname": "Shop.Acme.Test."})).await;
    assert_eq!(created.status, 201, "{}", created.json());
    assert_eq!(created.json()["hostname"], "shop.acme.test");

    let seen = TestResponse::send(app.get("/v1/whoami").on_host("SHOP.acme.test:8080"), None)
        .await
        .json();
    assert_eq!(seen["kind"], "host");
    assert_eq!(seen["organizationId"], org.to_string());

    let list = TestResponse::send(
        app.as_user(Method::GET, "/v1/admin/store/domains", &owner),
        None,
    )
    .await
    .json();
    assert_eq!(list["data"][0]["hostname"], "shop.acme.test");

    let removed = TestResponse::send(
        app.as_user(
            Method::DELETE,
            "/v1/admin/store/domains/SHOP.ACME.TEST",
            &owner,
        ),
        None,
    )
    .await;
    assert_eq!(removed.status, 204);
    TestResponse::send(app.get("/v1/whoami").on_host("shop.acme.test"), None)
        .await
        .assert_error(401, "UNKNOWN_HOST");
}

#[actix_web::test]
async fn a_hostname_belongs_to_one_org_and_orgs_see_only_their_own() {
    let app = TestApp::spawn().await;
    let (acme, _) = app.merchant("owner@acme.test", "acme").await;
    let (globex, _) = app.merchant("owner@globex.test", "globex").await;
    let add = |user, host: &str| {
        TestResponse::send_json(
            app.as_user(Method::POST, "/v1/admin/store/domains", user),
            json!({"hostname": host}),
        )
    };
    assert_eq!(add(&acme, "shop.acme.test").await.status, 201);
    add(&globex, "shop.acme.test")
        .await
        .assert_error(409, "HOSTNAME_TAKEN");
    add(&globex, "bad_host!")
        .await
        .assert_error(400, "VALIDATION_ERROR");

    let list = TestResponse::send(
        app.as_user(Method::GET, "/v1/admin/store/domains", &globex),
        None,
    )
    .await
    .json();
    assert_eq!(list["data"], json!([]));
    TestResponse::send(
        app.as_user(
            Method::DELETE,
            "/v1/admin/store/domains/shop.acme.test",
            &globex,
        ),
        None,
    )
    .await
    .assert_error(404, "NOT_FOUND");
    let globex_key = app.api_key(&globex, &["admin"]).await;
    TestResponse::send(
        app.request(Method::DELETE, "/v1/admin/store/domains/shop.acme.test")
            .with_api_key(&globex_key),
        None,
    )
    .await
    .assert_error(404, "NOT_FOUND");
    assert_eq!(
        TestResponse::send(app.get("/v1/whoami").on_host("shop.acme.test"), None)
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn storefront_callers_and_storefront_keys_cannot_reach_admin_routes() {
    let app = TestApp::spawn().await;
    let (owner, org) = app.merchant("owner@x.test", "acme").await;
    app.add_storefront(org, "shop.acme.test").await;
    let storefront_key = app.api_key(&owner, &["storefront"]).await;
    let shopper = app.sign_up("shopper@x.test").await;
    for request in [
        app.get("/v1/admin/store/domains").on_host("shop.acme.test"),
        app.get("/v1/admin/store/domains")
            .with_api_key(&storefront_key),
        app.get("/v1/admin/store/domains")
            .on_host("shop.acme.test")
            .with_session_cookie(&shopper.cookie),
    ] {
        let body = TestResponse::send(request, None)
            .await
            .assert_error(403, "FORBIDDEN");
        assert_eq!(body["error"], "Insufficient scope");
    }
    TestResponse::send(
        app.get("/v1/admin/store/domains")
            .on_host("unknown.example"),
        None,
    )
    .await
    .assert_error(401, "UNKNOWN_HOST");
}

#[actix_web::test]
async fn admins_read_the_audit_log_of_their_org_only() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.merchant("owner@x.test", "acme").await;
    let (other, _) = app.merchant("owner@globex.test", "globex").await;
    let key = app.api_key(&owner, &["admin"]).await;
    TestResponse::send_json(
        app.as_user(Method::POST, "/v1/admin/store/domains", &owner),
        &json!({"hostname": "shop.acme.test"}),
    )
    .await;

    let page = TestResponse::send(
        app.get("/v1/admin/audit-events?limit=2").with_api_key(&key),
        None,
    )
    .await
    .json();
    let actions: Vec<&str> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["store_domain_added", "api_key_created"]);
    let cursor = page["nextCursor"].as_str().unwrap();
    let rest = TestResponse::send(
        app.get(&format!("/v1/admin/audit-events?cursor={cursor}"))
            .with_api_key(&key),
        None,
    )
    .await
    .json();
    let actions: Vec<&str> = rest["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["organization_created"]);
    assert_eq!(rest["nextCursor"], serde_json::Value::Null);

    let theirs = TestResponse::send(
        app.as_user(Method::GET, "/v1/admin/audit-events", &other),
        None,
    )
    .await
    .json();
    assert!(
        theirs["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["action"] != "store_domain_added")
    );
    for bad in ["limit=0", "limit=101", "limit=x", "cursor=nope"] {
        TestResponse::send(
            app.get(&format!("/v1/admin/audit-events?{bad}"))
                .with_api_key(&key),
            None,
        )
        .await
        .assert_error(400, "VALIDATION_ERROR");
    }
}

/// Makes the store refuse the audit records of store-domain changes, as a full disk or a failing
/// replica would, on either engine.
async fn refuse_domain_audit_records(app: &TestApp) {
    use sea_orm::ConnectionTrait as _;
    let sql = match app.database.db.backend {
        db::Backend::Sqlite => {
            "CREATE TRIGGER refuse_domain_audit BEFORE INSERT ON audit_event \
             WHEN NEW.action LIKE 'store_domain%' \
             BEGIN SELECT RAISE(ABORT, 'audit refused'); END;"
        }
        db::Backend::Postgres => {
            "CREATE FUNCTION refuse_domain_audit() RETURNS trigger AS $$ BEGIN \
             IF NEW.action LIKE 'store_domain%' THEN RAISE EXCEPTION 'audit refused'; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER refuse_domain_audit BEFORE INSERT ON audit_event \
             FOR EACH ROW EXECUTE FUNCTION refuse_domain_audit();"
        }
    };
    app.database.db.conn.execute_unprepared(sql).await.unwrap();
}

#[actix_web::test]
async fn a_domain_change_without_its_audit_record_is_not_made() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.merchant("owner@x.test", "acme").await;
    let add = |host: &str| {
        TestResponse::send_json(
            app.as_user(Method::POST, "/v1/admin/store/domains", &owner),
            json!({"hostname": host}),
        )
    };
    assert_eq!(add("kept.acme.test").await.status, 201);
    refuse_domain_audit_records(&app).await;

    add("new.acme.test")
        .await
        .assert_error(500, "INTERNAL_ERROR");
    let removal = app.as_user(
        Method::DELETE,
        "/v1/admin/store/domains/kept.acme.test",
        &owner,
    );
    TestResponse::send(removal, None)
        .await
        .assert_error(500, "INTERNAL_ERROR");

    let list = TestResponse::send(
        app.as_user(Method::GET, "/v1/admin/store/domains", &owner),
        None,
    )
    .await
    .json();
    assert_eq!(
        list["data"],
        json!([{"hostname": "kept.acme.test", "createdAt": list["data"][0]["createdAt"]}])
    );
    let served = TestResponse::send(app.get("/v1/whoami").on_host("new.acme.test"), None).await;
    served.assert_error(401, "UNKNOWN_HOST");
}
