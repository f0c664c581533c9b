use migrations::{Migrator, MigratorTrait as _};
use test_database::TestDb;

/// Every migration can be undone and redone: up → down (all) → up, on both engines.
#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let test_db = TestDb::empty().await;
    let conn = &test_db.db.conn;
    Migrator::up(conn, None).await.unwrap();
    let applied = Migrator::get_applied_migrations(conn).await.unwrap().len();
    assert_eq!(applied, Migrator::migrations().len());

    Migrator::down(conn, None).await.unwrap();
    assert!(
        Migrator::get_applied_migrations(conn)
            .await
            .unwrap()
            .is_empty()
    );

    Migrator::up(conn, None).await.unwrap();
    assert!(
        Migrator::get_pending_migrations(conn)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn migrating_twice_is_harmless() {
    let test_db = TestDb::new().await;
    test_db.db.migrate().await.unwrap();
}
