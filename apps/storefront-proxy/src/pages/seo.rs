//! What search engines read: `robots.txt` (the shop's pages, not its carts and accounts) and
//! `sitemap.xml` (every published product by its canonical URL), each for the store of the host.

use actix_web::HttpResponse;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use api_types::commerce::{Product, ProductQuery};
use api_types::store::Page;
use maud::html;
use web_ui::PageResult;
use web_ui::api::escaped;

use crate::shop::{Api, Shop};

/// A sitemap holds at most 50 000 URLs (sitemaps.org); the catalog's first ones are listed.
const MOST_URLS: usize = 50_000;
const SITEMAP_PAGE: u32 = 100;

pub async fn robots(shop: Shop) -> HttpResponse {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /cart\nDisallow: /checkout\nDisallow: /account\nDisallow: /orders/\n\nSitemap: {}/sitemap.xml\n",
        shop.origin
    );
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/plain; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

pub async fn sitemap(shop: Shop, api: Api) -> PageResult {
    let mut handles = Vec::new();
    let mut cursor = None;
    loop {
        let page: Page<Product> = api
            .get_with(
                &shop.credentials,
                "/v1/products",
                &ProductQuery {
                    limit: Some(SITEMAP_PAGE),
                    cursor: cursor.take(),
                    q: None,
                    status: None,
                },
            )
            .await?;
        handles.extend(page.data.into_iter().map(|product| product.handle));
        match page.next_cursor {
            Some(next) if handles.len() < MOST_URLS => cursor = Some(next),
            _ => break,
        }
    }
    handles.truncate(MOST_URLS);
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/xml; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(sitemap_xml(&shop.origin, &handles)))
}

fn sitemap_xml(origin: &str, handles: &[String]) -> String {
    let urls = html! {
        url { loc { (origin) "/" } }
        @for handle in handles {
            url { loc { (origin) "/products/" (escaped(handle)) } }
        }
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{}</urlset>\n",
        urls.into_string()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sitemap_lists_the_home_and_each_product_escaped() {
        let xml = sitemap_xml(
            "https://shop.acme.test",
            &["linen-shirt".into(), "a&b".into()],
        );
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset"));
        assert!(
            xml.contains("<url><loc>https://shop.acme.test/</loc></url>"),
            "{xml}"
        );
        assert!(xml.contains("<loc>https://shop.acme.test/products/linen-shirt</loc>"));
        assert!(xml.contains("/products/a%26b</loc>"), "{xml}");
    }
}
