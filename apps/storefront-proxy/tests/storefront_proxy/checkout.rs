//! Buying: add, change, check out, pay; once per click, never more than the stock.

use actix_web::http::Method;
use serde_json::{Value, json};
use test_support::{Browser, TestResponse, TestStore};

use crate::{CHECKOUT_SECRET, Storefront};

/// Fills the checkout form (the browser is on it) for `email`.
pub async fn fill_checkout(browser: &Browser, email: &str) {
    browser.wait_for_text("Shipping address").await;
    browser.fill("#field-email", email).await;
    for (field, value) in [
        ("name", "Grace Hopper"),
        ("line1", "1 Harbour Street"),
        ("city", "Arlington"),
        ("postalCode", "22201"),
        ("country", "us"),
    ] {
        browser
            .fill(&format!("#field-shippingAddress-{field}"), value)
            .await;
    }
}

async fn available(shop: &Storefront, store: &TestStore, product: &Value) -> i64 {
    let path = format!("/v1/admin/products/{}", product["id"].as_str().unwrap());
    let product = TestResponse::send(store.admin(&shop.api, Method::GET, &path), None).await;
    product.json()["variants"][0]["inventory"]["available"]
        .as_i64()
        .unwrap()
}

async fn orders_of(shop: &Storefront, store: &TestStore) -> Vec<Value> {
    let orders = TestResponse::send(
        store.admin(&shop.api, Method::GET, "/v1/admin/orders"),
        None,
    )
    .await;
    orders.json()["data"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn browse_add_change_check_out_and_see_it_paid() {
    let shop = Storefront::start("checkout").await;
    let browser = &shop.browser;
    let shirt = shop.product(&shop.acme, "SHIRT", 2500, 10).await;

    shop.visit(&shop.acme, "/", "checkout-catalog").await;
    browser.click("a[href='/products/product-shirt']").await;
    browser.wait_for_text("Add to cart").await;
    browser.screenshot("product").await;
    browser.screenshot_at(375, "product-phone").await;
    browser.screenshot_at(1280, "product").await;
    browser.fill("#field-quantity", "2").await;
    browser.click("button.primary[type=submit]").await;
    browser.wait_for_text("Your cart").await;
    assert!(browser.text().await.contains("€50.00"));
    let line = browser.find("input[name=quantity]").await;
    let id = line.attr("id").await.unwrap().unwrap();
    browser.fill(&format!("#{id}"), "3").await;
    browser
        .click(&format!("form:has(#{id}) button[type=submit]"))
        .await;
    browser.wait_for_text("€75.00").await;
    browser.screenshot("cart").await;

    browser.click("a.button.primary[href='/checkout']").await;
    fill_checkout(browser, "grace@example.com").await;
    // A country that is not a code is refused on its field, the rest kept.
    browser
        .fill("#field-shippingAddress-country", "Atlantis")
        .await;
    browser
        .click("form[action='/checkout'] button.primary")
        .await;
    browser.wait_for_text("Please correct").await;
    assert_eq!(
        browser.value("#field-shippingAddress-city").await,
        "Arlington"
    );
    assert!(orders_of(&shop, &shop.acme).await.is_empty());
    browser.screenshot("checkout-refused").await;
    browser.fill("#field-shippingAddress-country", "US").await;
    browser.screenshot("checkout").await;
    browser
        .click("form[action='/checkout'] button.primary")
        .await;
    browser.wait_for_text("Thank you!").await;
    assert!(browser.text().await.contains("waiting for its payment"));
    browser.screenshot("order-pending").await;
    assert_eq!(
        available(&shop, &shop.acme, &shirt).await,
        7,
        "three units are held"
    );

    // The payment arrives by webhook; the same page now says paid.
    let orders = orders_of(&shop, &shop.acme).await;
    assert_eq!(orders.len(), 1);
    let order = &orders[0];
    assert_eq!(order["shippingAddress"]["country"], "US");
    let paid = TestResponse::send_json(
        shop.api
            .post(&format!("/v1/webhooks/payments/generic?org={}", shop.acme.org))
            .insert_header(("x-checkout-secret", CHECKOUT_SECRET)),
        json!({"id": "evt_1", "type": "payment.succeeded", "orderId": order["id"], "amount": 7500, "currency": "EUR"}),
    )
    .await;
    assert_eq!(paid.status, 200, "{}", paid.json());
    browser.refresh().await;
    browser.wait_for_text("Paid — thank you").await;
    browser.screenshot("order-paid").await;

    // The confirmation's link opens nothing on another store's host, nor without its key.
    let url = browser.url_now().await;
    let path = &url[url.find("/orders/").unwrap()..];
    let elsewhere =
        TestResponse::send(shop.request(Method::GET, &shop.globex.host, path), None).await;
    assert_eq!(elsewhere.status, 404);
    let keyless = path.split('?').next().unwrap();
    let keyless =
        TestResponse::send(shop.request(Method::GET, &shop.acme.host, keyless), None).await;
    assert_eq!(keyless.status, 404);

    // The shopper's email confirms the order and links to this very page.
    let mail = shop.api.mail.last_for("grace@example.com").await;
    assert!(mail.subject.starts_with("Your order #"), "{mail:?}");
    assert!(mail.text.contains("3 × "), "{}", mail.text);
    assert_eq!(
        mail.link(),
        url,
        "the email links to the page the shopper saw"
    );
    shop.visit(&shop.acme, path, "order-from-email").await;
    browser.wait_for_text("Paid — thank you").await;
    shop.close().await;
}

#[actix_web::test]
async fn a_double_submitted_order_and_a_reloaded_confirmation_make_one_order() {
    let shop = Storefront::start("checkout-double").await;
    let browser = &shop.browser;
    let mug = shop.product(&shop.acme, "MUG", 900, 10).await;
    shop.visit(&shop.acme, "/products/product-mug", "double-product")
        .await;
    browser.click("button.primary[type=submit]").await;
    browser.wait_for_text("Your cart").await;
    browser.click("a.button.primary[href='/checkout']").await;
    fill_checkout(browser, "grace@example.com").await;

    // The form as the browser would send it, twice at once.
    let token = browser
        .value("form[action='/checkout'] input[name=formToken]")
        .await;
    let cart = browser.client.get_named_cookie("cart_id").await.unwrap();
    let body = format!(
        "formToken={token}&email=grace%40example.com&shippingAddress.name=Grace&shippingAddress.line1=1+Harbour+St\
         &shippingAddress.city=Arlington&shippingAddress.postalCode=22201&shippingAddress.country=US"
    );
    let submit = || {
        let post = shop
            .form_post(&shop.acme, "/checkout")
            .insert_header(("cookie", format!("cart_id={}", cart.value())));
        let body = body.clone();
        async move { TestResponse::send(post, Some(&body)).await }
    };
    let (first, second) = futures_util::future::join(submit(), submit()).await;
    assert_eq!((first.status.as_u16(), second.status.as_u16()), (303, 303));
    assert_eq!(
        first.header("location"),
        second.header("location"),
        "both see the one order"
    );
    let confirmation = first.header("location").unwrap().to_owned();
    assert_eq!(orders_of(&shop, &shop.acme).await.len(), 1);

    // Reloading the confirmation changes nothing; the browser's own click replays too.
    shop.visit(&shop.acme, &confirmation, "double-confirmation")
        .await;
    browser.refresh().await;
    browser.wait_for_text("Thank you!").await;
    assert_eq!(orders_of(&shop, &shop.acme).await.len(), 1);
    assert_eq!(available(&shop, &shop.acme, &mug).await, 9);
    shop.close().await;
}

#[actix_web::test]
async fn the_last_unit_in_two_browsers_is_one_order_and_a_clear_message() {
    let shop = Storefront::start("checkout-last-unit").await;
    let browser = &shop.browser;
    let lamp = shop.product(&shop.acme, "LAMP", 4900, 1).await;
    let variant = lamp["variants"][0]["id"].as_str().unwrap().to_owned();

    // Another shopper holds a cart with the last lamp too, and orders first.
    let their_cart = shop.api.cart_with(&shop.acme, &variant, 1).await;
    shop.visit(&shop.acme, "/products/product-lamp", "last-unit-product")
        .await;
    browser.click("button.primary[type=submit]").await;
    browser.wait_for_text("Your cart").await;
    browser.click("a.button.primary[href='/checkout']").await;
    fill_checkout(browser, "grace@example.com").await;
    let theirs = TestResponse::send_json(
        shop.acme
            .shop(&shop.api, Method::POST, "/v1/orders")
            .insert_header(("idempotency-key", "their-order")),
        json!({"cartId": their_cart, "email": "quick@example.com"}),
    )
    .await;
    assert_eq!(theirs.status, 201, "{}", theirs.json());
    browser
        .click("form[action='/checkout'] button.primary")
        .await;
    browser
        .wait_for_text("sold out while you were checking out")
        .await;
    assert!(browser.text().await.contains("sold out"));
    browser.screenshot("checkout-sold-out").await;
    assert_eq!(orders_of(&shop, &shop.acme).await.len(), 1);
    assert_eq!(available(&shop, &shop.acme, &lamp).await, 0);
    shop.close().await;
}

#[actix_web::test]
async fn an_unpaid_order_past_the_timeout_is_cancelled_and_its_page_says_so() {
    let shop = Storefront::start("checkout-expired").await;
    let browser = &shop.browser;
    let kettle = shop.product(&shop.acme, "KETTLE", 3900, 2).await;
    shop.visit(&shop.acme, "/products/product-kettle", "expired-product")
        .await;
    browser.click("button.primary[type=submit]").await;
    browser.wait_for_text("Your cart").await;
    browser.click("a.button.primary[href='/checkout']").await;
    fill_checkout(browser, "grace@example.com").await;
    browser
        .click("form[action='/checkout'] button.primary")
        .await;
    browser.wait_for_text("waiting for its payment").await;
    assert_eq!(available(&shop, &shop.acme, &kettle).await, 1, "one held");

    // Within the timeout nothing happens; past it the sweep cancels the order and frees the stock.
    shop.api.clock.advance(chrono::Duration::minutes(59));
    assert_eq!(
        api::sweep_expired_orders(&shop.api.state)
            .await
            .unwrap()
            .expired,
        0
    );
    shop.api.clock.advance(chrono::Duration::minutes(2));
    // The api's own sweeper may get there first; either way it is expired once.
    let swept = api::sweep_expired_orders(&shop.api.state).await.unwrap();
    assert!(swept.expired <= 1 && swept.failed == 0, "{swept:?}");
    browser.refresh().await;
    browser.wait_for_text("Cancelled").await;
    browser.screenshot("order-expired").await;
    assert_eq!(
        available(&shop, &shop.acme, &kettle).await,
        2,
        "the stock is back"
    );
    shop.close().await;
}
