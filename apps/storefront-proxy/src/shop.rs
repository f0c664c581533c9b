//! Which store a request is for — decided by its `Host` alone, normalised as the api normalises it,
//! and remembered for a bounded time — and the frame drawn around every page of that store.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use api_types::commerce::StorefrontView;
use maud::{Markup, html};
use resolve_caller::Hostname;
use web_ui::components::{Head, document};
use web_ui::{ApiClient, ApiFailure, Credentials, PageError};

/// How long a store found by its host is served from memory: a removed domain stops serving, and
/// a renamed store shows its new name, within this.
pub const KNOWN_HOST_TTL: Duration = Duration::from_secs(30);
/// How long a host no store owns is answered 404 from memory: a new domain starts serving within
/// this, and a flood of random hosts reaches the api once per host per period.
pub const UNKNOWN_HOST_TTL: Duration = Duration::from_secs(10);
/// Hosts remembered of each kind, at most.
const MOST_HOSTS: u64 = 10_000;

/// The verdicts on hosts, shared by every worker.
#[derive(Clone, Debug)]
pub struct HostVerdicts {
    known: moka::future::Cache<String, Arc<StorefrontView>>,
    unknown: moka::future::Cache<String, ()>,
}

impl Default for HostVerdicts {
    fn default() -> Self {
        Self {
            known: moka::future::Cache::builder()
                .max_capacity(MOST_HOSTS)
                .time_to_live(KNOWN_HOST_TTL)
                .build(),
            unknown: moka::future::Cache::builder()
                .max_capacity(MOST_HOSTS)
                .time_to_live(UNKNOWN_HOST_TTL)
                .build(),
        }
    }
}

impl HostVerdicts {
    /// The store `host` names, from memory or from the api (`GET /v1/store` on that host); `None`
    /// when no store owns it.
    async fn store(
        &self,
        api: &ApiClient,
        credentials: &Credentials,
        host: &str,
    ) -> Result<Option<Arc<StorefrontView>>, ApiFailure> {
        if let Some(store) = self.known.get(host).await {
            return Ok(Some(store));
        }
        if self.unknown.contains_key(host) {
            return Ok(None);
        }
        // Asked anonymously: the store's public face is the same for everyone.
        let anonymous = Credentials {
            session_cookie: None,
            ..credentials.clone()
        };
        match api.get::<StorefrontView>(&anonymous, "/v1/store").await {
            Ok(store) => {
                let store = Arc::new(store);
                self.known.insert(host.to_owned(), Arc::clone(&store)).await;
                Ok(Some(store))
            }
            Err(ApiFailure::Refused(body)) if body.status == 401 || body.status == 404 => {
                self.unknown.insert(host.to_owned(), ()).await;
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }
}

/// The store of this request, and the shopper's credentials on its host.
#[derive(Clone, Debug)]
pub struct Shop {
    pub store: Arc<StorefrontView>,
    /// The shopper's cookie and this host: what every api call of the page is made with.
    pub credentials: Credentials,
    /// `https://shop.acme.test`: for canonical URLs and the sitemap.
    pub origin: String,
}

impl FromRequest for Shop {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (Some(api), Some(verdicts)) = (
                req.app_data::<web::Data<ApiClient>>(),
                req.app_data::<web::Data<HostVerdicts>>(),
            ) else {
                return Err(PageError::NotFound);
            };
            let connection = req.connection_info().clone();
            let host = Hostname::parse(connection.host()).map_err(|_| PageError::NotFound)?;
            // The host as the browser sent it (port and all): the api resolves the store from it
            // as it would from the browser, and its origin check compares it with the `Origin`.
            let credentials = Credentials::of(&req).on_host(connection.host());
            let store = verdicts
                .store(api, &credentials, host.as_str())
                .await?
                .ok_or(PageError::NotFound)?;
            Ok(Self {
                origin: format!("{}://{}", connection.scheme(), connection.host()),
                store,
                credentials,
            })
        })
    }
}

/// What a page says about itself to browsers and search engines.
#[derive(Clone, Copy, Debug)]
pub struct PageInfo<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    /// The path of the page's one URL (`/products/tee`), made absolute on this host.
    pub canonical: Option<&'a str>,
}

impl<'a> PageInfo<'a> {
    pub const fn titled(title: &'a str) -> Self {
        Self {
            title,
            description: None,
            canonical: None,
        }
    }
}

/// A page of the shop: the store's header (its name, a search, the cart and the account), `body`,
/// and its footer.
#[must_use]
pub fn shop_page(shop: &Shop, info: PageInfo<'_>, body: Markup) -> Markup {
    let canonical = info.canonical.map(|path| format!("{}{path}", shop.origin));
    let head = Head {
        title: info.title,
        site: &shop.store.name,
        description: info.description,
        canonical: canonical.as_deref(),
        stylesheet: Some("/theme.css"),
    };
    document(
        &head,
        "shop",
        html! {
            header.shop-header {
                a.brand href="/" { span.brand-mark aria-hidden="true" {} (shop.store.name) }
                form.search method="get" action="/" role="search" {
                    label.visually-hidden for="shop-search" { "Search the store" }
                    input #shop-search type="search" name="q" placeholder="Search";
                    button type="submit" { "Search" }
                }
                nav.shop-nav aria-label="Shop" {
                    a href="/cart" { "Cart" }
                    a href="/account" { "Account" }
                }
            }
            main #main.shop-main { (body) }
            footer.shop-footer {
                span { "© " (shop.store.name) }
                @if let Some(email) = &shop.store.support_email {
                    a href={"mailto:" (email)} { "Help: " (email) }
                }
            }
        },
    )
}

/// The per-worker api client of the pages.
pub type Api = web::Data<ApiClient>;

/// A store for the templates' tests: Acme, in euros, with an accent colour and a support email.
#[cfg(test)]
#[must_use]
pub fn fixture() -> Shop {
    Shop {
        store: Arc::new(StorefrontView {
            name: "Acme <Outfitters>".into(),
            currency: "EUR".parse().expect("a currency"),
            accent_color: Some("#aa3300".into()),
            support_email: Some("help@acme.test".into()),
        }),
        credentials: Credentials::default(),
        origin: "http://acme.test".into(),
    }
}
