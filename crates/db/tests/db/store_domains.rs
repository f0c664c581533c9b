use db::DbError;
use db::repo::{organizations, store_domains};
use domain::OrgId;
use resolve_caller::Hostname;
use test_database::TestDb;

fn host(raw: &str) -> Hostname {
    Hostname::parse(raw).unwrap()
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
    store_domains::register(conn, acme, &host("shop.acme.test"), now)
        .await
        .unwrap();

    let taken = store_domains::register(conn, globex, &host("SHOP.acme.test:443"), now).await;
    assert!(
        matches!(taken, Err(DbError::Conflict("hostname"))),
        "{taken:?}"
    );
    let again = store_domains::register(conn, acme, &host("shop.acme.test"), now).await;
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
    store_domains::register(conn, acme, &host("shop.acme.test"), now)
        .await
        .unwrap();
    store_domains::register(conn, acme, &host("www.acme.test"), now)
        .await
        .unwrap();
    store_domains::register(conn, globex, &host("globex.test"), now)
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
