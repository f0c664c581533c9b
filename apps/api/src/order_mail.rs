//! The email that confirms a placed order, queued in the transaction that placed it. Its link
//! back to the order's status page is built only from what the api trusts: the store's own host
//! (the one the order was placed on) as the shopper's browser named it in `Origin`; an order placed
//! otherwise (an integration's key, an agent) is confirmed without a link.

use actix_web::HttpRequest;
use actix_web::http::header::ORIGIN;
use api_types::commerce::Order;
use email::{Mail, OrderedLine};
use resolve_caller::Hostname;
use resolve_caller::actix::raw_credentials;

use crate::Environment;

/// What a query value escapes: all but RFC 3986's unreserved characters.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The origin of the store's site the request came from: its `Origin`, when that names the very
/// host the store was found by, over `https` (or `http` outside production).
#[must_use]
pub fn storefront_origin(req: &HttpRequest, environment: Environment) -> Option<String> {
    let origin = req.headers().get(ORIGIN)?.to_str().ok()?;
    let uri: actix_web::http::Uri = origin.parse().ok()?;
    let scheme = uri.scheme_str()?;
    let scheme_allowed = match scheme {
        "https" => true,
        "http" => environment == Environment::Development,
        _ => false,
    };
    let origin_host = Hostname::parse(uri.host()?).ok()?;
    let request_host = Hostname::parse(raw_credentials(req).host.as_deref()?).ok()?;
    let port = uri
        .port_u16()
        .map(|port| format!(":{port}"))
        .unwrap_or_default();
    (scheme_allowed && origin_host == request_host)
        .then(|| format!("{scheme}://{}{port}", origin_host.as_str()))
}

/// The confirmation of `order`, placed at the store named `store`.
#[must_use]
pub fn confirmation(store: String, order: &Order, origin: Option<&str>) -> Mail {
    let link = origin
        .zip(order.status_key.as_deref())
        .map(|(origin, key)| {
            let key = percent_encoding::utf8_percent_encode(key, QUERY_VALUE);
            format!("{origin}/orders/{}?key={key}", order.id)
        });
    Mail::OrderConfirmation {
        store,
        reference: domain::OrderId::from_uuid(order.id).reference(),
        lines: order
            .items
            .iter()
            .map(|line| OrderedLine {
                quantity: line.quantity,
                title: line.title.clone(),
                total: line.total.to_string(),
            })
            .collect(),
        total: order.total.to_string(),
        link,
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn request(host: &str, origin: Option<&str>) -> HttpRequest {
        let mut request = TestRequest::default().insert_header(("host", host));
        if let Some(origin) = origin {
            request = request.insert_header(("origin", origin));
        }
        request.to_http_request()
    }

    #[test]
    fn only_the_stores_own_host_is_linked_back_to() {
        let dev = Environment::Development;
        let cases = [
            (
                "shop.acme.test",
                Some("https://shop.acme.test"),
                dev,
                Some("https://shop.acme.test"),
            ),
            (
                "shop.acme.test:3001",
                Some("http://Shop.Acme.test:3001"),
                dev,
                Some("http://shop.acme.test:3001"),
            ),
            ("shop.acme.test", Some("https://evil.test"), dev, None),
            (
                "shop.acme.test",
                Some("https://shop.acme.test.evil.test"),
                dev,
                None,
            ),
            (
                "shop.acme.test",
                Some("javascript://shop.acme.test"),
                dev,
                None,
            ),
            ("shop.acme.test", Some("null"), dev, None),
            ("shop.acme.test", None, dev, None),
            (
                "shop.acme.test",
                Some("http://shop.acme.test"),
                Environment::Production,
                None,
            ),
            (
                "shop.acme.test",
                Some("https://shop.acme.test"),
                Environment::Production,
                Some("https://shop.acme.test"),
            ),
        ];
        for (host, origin, environment, expected) in cases {
            assert_eq!(
                storefront_origin(&request(host, origin), environment).as_deref(),
                expected,
                "{host} {origin:?} {environment:?}"
            );
        }
    }
}
