//! `api seed`: a demo store with a catalog, for trying the api and for load tests.

use api_types::commerce::{CreateProductRequest, NewVariant};
use commerce::catalog;
use db::TransactionTrait as _;
use db::repo::{organizations, store_domains};
use domain::{Currency, Money, OrgRole, ProductStatus};
use identity::{Actor, NewApiKeyRequest, SignUp};
use resolve_caller::{Hostname, Scope};
use serde::Serialize;

use crate::state::AppState;

/// What a seeded store is reached with.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeededStore {
    pub organization_id: String,
    pub host: String,
    pub api_key: String,
    pub owner_email: String,
    pub owner_password: String,
    pub products: usize,
}

const BATCH: usize = 500;

/// Creates an owner, an organization with the storefront domain `host`, an admin+storefront key
/// and `products` published products (one variant each, ample stock).
pub async fn seed(state: &AppState, host: &str, products: usize) -> anyhow::Result<SeededStore> {
    let host = Hostname::parse(host)?;
    let slug: String = host.as_str().replace('.', "-").chars().take(60).collect();
    let now = state.now();
    let email = format!("owner@{}", host.as_str());
    let password = format!("seed-{}", uuid::Uuid::now_v7().simple());
    let owner = state
        .identity
        .sign_up(
            SignUp {
                email: email.clone(),
                password: password.clone(),
                name: "Demo owner".to_owned(),
            },
            &Actor::system(),
            None,
        )
        .await?;
    let org = organizations::create(&state.db.conn, "Demo store", &slug, now).await?;
    db::repo::members::add(&state.db.conn, org.id, owner.user_id(), OrgRole::Owner, now).await?;
    // The seeded hostname serves at once, as a name the platform gave would.
    let claim = store_domains::Claim::Verified(domain::DomainProof::Platform);
    store_domains::register(&state.db.conn, org.id, &host, claim, now).await?;
    let key = state
        .identity
        .create_api_key(
            org.id,
            owner.user_id(),
            NewApiKeyRequest {
                name: "seed".to_owned(),
                scopes: vec![Scope::Admin, Scope::Storefront],
                expires_in: None,
            },
            &Actor::system(),
        )
        .await?;

    let currency: Currency = commerce::store::currency(&state.db.conn, org.id).await?;
    for start in (0..products).step_by(BATCH) {
        let txn = state.db.conn.begin().await?;
        for n in start..(start + BATCH).min(products) {
            let request = CreateProductRequest {
                title: format!("Demo product {n:05}"),
                handle: None,
                description: Some(format!("The {n}th product of the demo catalog.")),
                status: Some(ProductStatus::Published),
                variants: vec![NewVariant {
                    sku: format!("DEMO-{n:05}"),
                    title: None,
                    price: Money::new(500 + i64::try_from(n % 50).unwrap_or(0) * 100, currency),
                    inventory_quantity: Some(1_000_000),
                }],
            };
            catalog::create_product(&txn, org.id, currency, request, now).await?;
        }
        txn.commit().await?;
    }
    Ok(SeededStore {
        organization_id: org.id.to_string(),
        host: host.to_string(),
        api_key: key.key,
        owner_email: email,
        owner_password: password,
        products,
    })
}
