use db::DbError;
use db::repo::store_domains::Claim;
use db::repo::{organizations, store_domains};
use domain::{DomainProof, DomainStatus, OrgId};
use resolve_caller::Hostname;
use test_database::TestDb;

fn host(raw: &str) -> Hostname {
    Hostname::parse(raw).unwrap()
}

fn verified() -> Claim {
    Claim::Verified(DomainProof::Platform)
}

fn pending(token: &str) -> Claim {
    Claim::PendingDns {
        token: token.to_owned(),
    }
}

async fn org(test_db: &TestDb, slug: &str) -> OrgId {
    organizations::create(
        &test_db.db.conn,
        slug,
        slug,
        domain::Clock::now(&domain::SystemClock),
    )
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn a_hostname_belongs_to_at_most_one_org() {
    let test_db = TestDb::new().await;
    let conn = &test_db.db.conn;
    let (acme, globex) = (org(&test_db, "acme").await, org(&test_db, "globex").await);
    let now = domain::Clock::now(&domain::SystemClock);
    store_domains::register(conn, acme, &host("shop.acme.test"), verified(), now)
        .await
        .unwrap();

    let taken =
        store_domains::register(conn, globex, &host("SHOP.acme.test:443"), verified(), now).await;
    assert!(
        matches!(taken, Err(DbError::Conflict("hostname"))),
        "{taken:?}"
    );
    let again = store_domains::register(conn, acme, &host("shop.acme.test"), verified(), now).await;
    assert!(matches!(again, Err(DbError::Conflict(_))), "{again:?}");

    let owner = store_domains::organization_for_host(conn, &host("Shop.Acme.Test."))
        .await
        .unwrap();
    assert_eq!(owner, Some(acme));
    assert_eq!(
        store_domains::organization_for_host(conn, &host("nobody.test"))
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn an_org_lists_and_removes_only_its_own_hostnames() {
    let test_db = TestDb::new().await;
    let conn = &test_db.db.conn;
    let (acme, globex) = (org(&test_db, "acme").await, org(&test_db, "globex").await);
    let now = domain::Clock::now(&domain::SystemClock);
    store_domains::register(conn, acme, &host("shop.acme.test"), verified(), now)
        .await
        .unwrap();
    store_domains::register(conn, acme, &host("www.acme.test"), verified(), now)
        .await
        .unwrap();
    store_domains::register(conn, globex, &host("globex.test"), verified(), now)
        .await
        .unwrap();

    let listed: Vec<String> = store_domains::list(conn, acme)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.hostname)
        .collect();
    assert_eq!(listed, ["shop.acme.test", "www.acme.test"]);

    let foreign = store_domains::remove(conn, globex, &host("shop.acme.test")).await;
    assert!(matches!(foreign, Err(DbError::NotFound)), "{foreign:?}");
    assert_eq!(
        store_domains::organization_for_host(conn, &host("shop.acme.test"))
            .await
            .unwrap(),
        Some(acme)
    );

    store_domains::remove(conn, acme, &host("shop.acme.test"))
        .await
        .unwrap();
    assert_eq!(
        store_domains::organization_for_host(conn, &host("shop.acme.test"))
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn pending_claims_stand_side_by_side_until_one_is_proven() {
    let test_db = TestDb::new().await;
    let conn = &test_db.db.conn;
    let (acme, globex) = (org(&test_db, "acme").await, org(&test_db, "globex").await);
    let now = domain::Clock::now(&domain::SystemClock);
    let shop = host("shop.acme.test");
    for (org, token) in [(acme, "a"), (globex, "g")] {
        let claimed = store_domains::register(conn, org, &shop, pending(token), now)
            .await
            .unwrap();
        assert_eq!(claimed.status, DomainStatus::Pending);
        assert_eq!(claimed.verification_token, token);
    }
    assert_eq!(
        store_domains::organization_for_host(conn, &shop)
            .await
            .unwrap(),
        None
    );

    assert!(
        store_domains::set_verified(conn, globex, &shop, now)
            .await
            .unwrap()
    );
    assert_eq!(
        store_domains::organization_for_host(conn, &shop)
            .await
            .unwrap(),
        Some(globex)
    );
    let second = store_domains::set_verified(conn, acme, &shop, now).await;
    assert!(matches!(second, Err(DbError::Conflict(_))), "{second:?}");
    assert!(
        store_domains::verified_elsewhere(conn, acme, &shop)
            .await
            .unwrap()
    );

    // Back to pending with a new token: it stops resolving, and the other claim may prove it.
    assert!(
        store_domains::set_pending(conn, globex, &shop, "g2", now)
            .await
            .unwrap()
    );
    assert!(
        !store_domains::set_pending(conn, globex, &shop, "g3", now)
            .await
            .unwrap()
    );
    assert_eq!(
        store_domains::organization_for_host(conn, &shop)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store_domains::get(conn, globex, &shop)
            .await
            .unwrap()
            .verification_token,
        "g2"
    );
    assert!(
        store_domains::set_verified(conn, acme, &shop, now)
            .await
            .unwrap()
    );
    let checked = store_domains::proven_by_dns(conn, None, 10).await.unwrap();
    assert_eq!(checked.len(), 2);
}

#[tokio::test]
async fn organization_slugs_are_unique() {
    let test_db = TestDb::new().await;
    org(&test_db, "acme").await;
    let again = organizations::create(
        &test_db.db.conn,
        "Acme 2",
        "acme",
        domain::Clock::now(&domain::SystemClock),
    )
    .await;
    assert!(matches!(again, Err(DbError::Conflict(_))), "{again:?}");
}
