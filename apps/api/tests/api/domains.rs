//! Storefront domains: registered by an organization's admins, resolved from `Host`.

use std::future::Future;

use actix_web::http::Method;
use resolve_caller::Hostname;
use serde_json::json;
use test_support::{CallerRequest as _, TestApp, TestDns, TestResponse, TestUser};

/// The api, asking `dns` for domain proofs, with the platform's hosts of a deployment.
async fn spawn_with_dns(dns: &TestDns) -> TestApp {
    let address = dns.address;
    TestApp::spawn_with(|settings| {
        settings.dns_resolver = Some(address);
        settings.cors_origins = vec![
            "https://dash.example.com".to_owned(),
            "https://app.example.com:8443".to_owned(),
        ];
        settings.platform_store_domain = Some(Hostname::parse("shops.example.com").unwrap());
    })
    .await
}

fn add<'a>(
    app: &'a TestApp,
    user: &'a TestUser,
    host: &str,
) -> impl Future<Output = TestResponse> + 'a {
    TestResponse::send_json(
        app.as_user(Method::POST, "/v1/admin/store/domains", user),
        json!({"hostname": host}),
    )
}

async fn verify(app: &TestApp, user: &TestUser, host: &str) -> TestResponse {
    let path = format!("/v1/admin/store/domains/{host}/verify");
    TestResponse::send(app.as_user(Method::POST, &path, user), None).await
}

async fn served_by(app: &TestApp, host: &str) -> Option<String> {
    let seen = TestResponse::send(app.get("/v1/whoami").on_host(host), None).await;
    (seen.status == 200).then(|| seen.json()["organizationId"].as_str().unwrap().to_owned())
}

/// Publishes the TXT record a claimed domain names.
fn publish(dns: &TestDns, claimed: &serde_json::Value) {
    let record = &claimed["verification"];
    assert_eq!(record["recordType"], "TXT", "{claimed}");
    dns.publish_txt(
        record["name"].as_str().unwrap(),
        record["value"].as_str().unwrap(),
    );
}

#[actix_web::test]
async fn a_domain_serves_its_store_only_while_its_txt_record_proves_it() {
    let dns = TestDns::start().await;
    let app = spawn_with_dns(&dns).await;
    let (owner, org) = app.merchant("owner@x.test", "acme").await;
    let created = add(&app, &owner, "Shop.Acme.Test.").await;
    assert_eq!(created.status, 201, "{}", created.json());
    let claimed = created.json();
    assert_eq!(claimed["hostname"], "shop.acme.test");
    assert_eq!(claimed["status"], "pending");
    assert_eq!(
        claimed["verification"]["name"],
        "_commerce-verification.shop.acme.test"
    );
    assert_eq!(served_by(&app, "shop.acme.test").await, None);

    // Asked too early: the record is not there.
    let early = verify(&app, &owner, "shop.acme.test").await;
    early.assert_error(409, "DNS_RECORD_NOT_FOUND");
    assert_eq!(served_by(&app, "shop.acme.test").await, None);

    publish(&dns, &claimed);
    let verified = verify(&app, &owner, "SHOP.acme.test").await;
    assert_eq!(verified.status, 200, "{}", verified.json());
    assert_eq!(verified.json()["status"], "verified");
    assert_eq!(
        served_by(&app, "SHOP.acme.test:8080").await,
        Some(org.to_string())
    );

    // The record is withdrawn: the next check takes the domain off the storefront.
    dns.withdraw(claimed["verification"]["name"].as_str().unwrap());
    let check = api::check_store_domains(&app.state).await.unwrap();
    assert_eq!((check.checked, check.unverified), (1, 1));
    assert_eq!(served_by(&app, "shop.acme.test").await, None);
    let list = TestResponse::send(
        app.as_user(Method::GET, "/v1/admin/store/domains", &owner),
        None,
    )
    .await
    .json();
    assert_eq!(list["data"][0]["status"], "pending");
    assert_ne!(
        list["data"][0]["verification"], claimed["verification"],
        "a new token"
    );

    // Published again (the new record), the check verifies it without being asked.
    publish(&dns, &list["data"][0]);
    let check = api::check_store_domains(&app.state).await.unwrap();
    assert_eq!(check.verified, 1);
    assert_eq!(
        served_by(&app, "shop.acme.test").await,
        Some(org.to_string())
    );

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
async fn a_claim_nobody_proved_cannot_keep_the_domains_owner_out() {
    let dns = TestDns::start().await;
    let app = spawn_with_dns(&dns).await;
    let (squatter, _) = app.merchant("owner@evil.test", "evil").await;
    let (brand, brand_org) = app.merchant("owner@bigbrand.test", "bigbrand").await;
    let squatted = add(&app, &squatter, "shop.bigbrand.com").await;
    assert_eq!(squatted.status, 201);
    assert_eq!(served_by(&app, "shop.bigbrand.com").await, None);

    // The brand claims it too, and proves it: its record is the one in DNS.
    let claimed = add(&app, &brand, "shop.bigbrand.com").await;
    assert_eq!(claimed.status, 201, "{}", claimed.json());
    publish(&dns, &claimed.json());
    assert_eq!(verify(&app, &brand, "shop.bigbrand.com").await.status, 200);
    assert_eq!(
        served_by(&app, "shop.bigbrand.com").await,
        Some(brand_org.to_string())
    );

    // The squatter's token is not in DNS; were it published too, the brand proved it first.
    verify(&app, &squatter, "shop.bigbrand.com")
        .await
        .assert_error(409, "DNS_RECORD_NOT_FOUND");
    publish(&dns, &squatted.json());
    verify(&app, &squatter, "shop.bigbrand.com")
        .await
        .assert_error(409, "HOSTNAME_TAKEN");
    assert_eq!(
        api::check_store_domains(&app.state).await.unwrap().verified,
        0
    );
    assert_eq!(
        served_by(&app, "shop.bigbrand.com").await,
        Some(brand_org.to_string())
    );
    // And a new claim of a proven hostname is refused outright.
    let (late, _) = app.merchant("owner@late.test", "late").await;
    add(&app, &late, "shop.bigbrand.com")
        .await
        .assert_error(409, "HOSTNAME_TAKEN");
}

#[actix_web::test]
async fn names_no_store_may_have_are_refused() {
    let dns = TestDns::start().await;
    let app = spawn_with_dns(&dns).await;
    let (owner, _) = app.merchant("owner@x.test", "acme").await;
    let api_host = app.state.settings.api_public_url.clone();
    let api_host = api_host
        .trim_start_matches("http://")
        .split(':')
        .next()
        .unwrap()
        .to_owned();
    for name in [
        "127.0.0.1",
        "10.1.2.3",
        "api",
        "localhost",
        "shop.localhost",
        "dash.example.com",
        "app.example.com",
        "shops.example.com",
        "a.acme.shops.example.com",
        api_host.as_str(),
    ] {
        let refused = add(&app, &owner, name)
            .await
            .assert_error(400, "VALIDATION_ERROR");
        assert_eq!(
            refused["details"]["fields"][0]["field"], "hostname",
            "{name}: {refused}"
        );
    }
    let list = TestResponse::send(
        app.as_user(Method::GET, "/v1/admin/store/domains", &owner),
        None,
    )
    .await
    .json();
    assert_eq!(list["data"], json!([]));
}

#[actix_web::test]
async fn a_name_under_the_platform_domain_serves_at_once_for_its_first_claimer() {
    let dns = TestDns::start().await;
    let app = spawn_with_dns(&dns).await;
    let (owner, org) = app.merchant("owner@x.test", "acme").await;
    let (other, _) = app.merchant("owner@globex.test", "globex").await;
    let created = add(&app, &owner, "acme.shops.example.com").await;
    assert_eq!(created.status, 201, "{}", created.json());
    assert_eq!(created.json()["status"], "verified");
    assert_eq!(created.json()["proof"], "platform");
    assert_eq!(created.json()["verification"], json!(null));
    assert_eq!(
        served_by(&app, "acme.shops.example.com").await,
        Some(org.to_string())
    );
    add(&app, &other, "acme.shops.example.com")
        .await
        .assert_error(409, "HOSTNAME_TAKEN");
    add(&app, &owner, "acme.shops.example.com")
        .await
        .assert_error(409, "HOSTNAME_TAKEN");
    // The periodic check leaves the platform's names alone.
    assert_eq!(
        api::check_store_domains(&app.state).await.unwrap().checked,
        0
    );
}

#[actix_web::test]
async fn orgs_see_and_remove_only_their_own_hostnames() {
    let app = TestApp::spawn().await;
    let (_, acme_org) = app.merchant("owner@acme.test", "acme").await;
    let (globex, _) = app.merchant("owner@globex.test", "globex").await;
    app.add_storefront(acme_org, "shop.acme.test").await;
    add(&app, &globex, "bad_host!")
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
    let hostnames: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|domain| domain["hostname"].as_str().unwrap())
        .collect();
    assert_eq!(hostnames, ["kept.acme.test"]);
    let served = TestResponse::send(app.get("/v1/whoami").on_host("new.acme.test"), None).await;
    served.assert_error(401, "UNKNOWN_HOST");
}

#[actix_web::test]
async fn a_dns_outage_is_a_503_and_changes_no_domain() {
    // TestApp's resolver asks a closed local port: every lookup fails.
    let app = TestApp::spawn().await;
    let (owner, _) = app.merchant("owner@x.test", "acme").await;
    let claimed = add(&app, &owner, "shop.acme.test").await;
    assert_eq!(claimed.status, 201, "{}", claimed.json());
    verify(&app, &owner, "shop.acme.test")
        .await
        .assert_error(503, "SERVICE_UNAVAILABLE");
    let check = api::check_store_domains(&app.state).await.unwrap();
    assert_eq!(check, identity::store_domains::DomainCheck::default());
    let list = TestResponse::send(
        app.as_user(Method::GET, "/v1/admin/store/domains", &owner),
        None,
    )
    .await
    .json();
    assert_eq!(list["data"][0]["status"], "pending");
    assert_eq!(
        list["data"][0]["verification"],
        claimed.json()["verification"]
    );
}
