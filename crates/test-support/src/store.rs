//! A store ready to sell: a merchant, an organization, a storefront domain, an admin key.

use actix_web::http::Method;
use domain::OrgId;
use serde_json::{Value, json};

use crate::{CallerRequest as _, TestApp, TestResponse, TestUser};

/// A store of one test.
#[derive(Clone, Debug)]
pub struct TestStore {
    pub owner: TestUser,
    pub org: OrgId,
    /// An API key with `admin` and `storefront` scopes.
    pub key: String,
    /// The storefront's hostname.
    pub host: String,
}

impl TestApp {
    /// A merchant's store: organization `slug`, domain `slug.shop.test`, an admin+storefront key.
    pub async fn store(&self, slug: &str) -> TestStore {
        let (owner, org) = self.merchant(&format!("owner@{slug}.test"), slug).await;
        let host = format!("{slug}.shop.test");
        self.add_storefront(org, &host).await;
        let key = self.api_key(&owner, &["admin", "storefront"]).await;
        TestStore {
            owner,
            org,
            key,
            host,
        }
    }

    /// A published product with one variant of `price` EUR cents and `stock` units; answers the
    /// product's JSON.
    pub async fn product(&self, store: &TestStore, sku: &str, price: i64, stock: i64) -> Value {
        let body = json!({
            "title": format!("Product {sku}"),
            "status": "published",
            "variants": [{"sku": sku, "price": {"amount": price, "currency": "EUR"}, "inventoryQuantity": stock}],
        });
        let response =
            TestResponse::send_json(store.admin(self, Method::POST, "/v1/admin/products"), body)
                .await;
        assert_eq!(response.status, 201, "product {sku}: {}", response.json());
        response.json()
    }

    /// A cart on the storefront holding `quantity` of `variant`; answers the cart id.
    pub async fn cart_with(&self, store: &TestStore, variant: &str, quantity: i64) -> String {
        let cart =
            TestResponse::send_json(store.shop(self, Method::POST, "/v1/carts"), json!({})).await;
        assert_eq!(cart.status, 201, "cart: {}", cart.json());
        let id = cart.json()["id"].as_str().expect("a cart id").to_owned();
        let added = TestResponse::send_json(
            store.shop(self, Method::POST, &format!("/v1/carts/{id}/items")),
            json!({"variantId": variant, "quantity": quantity}),
        )
        .await;
        assert_eq!(added.status, 200, "add to cart: {}", added.json());
        id
    }
}

impl TestStore {
    /// A request with the store's admin key.
    #[must_use]
    pub fn admin(&self, app: &TestApp, method: Method, path: &str) -> awc::ClientRequest {
        app.request(method, path).with_api_key(&self.key)
    }

    /// A request on the storefront's domain, as an anonymous shopper.
    #[must_use]
    pub fn shop(&self, app: &TestApp, method: Method, path: &str) -> awc::ClientRequest {
        app.request(method, path).on_host(&self.host)
    }
}
