//! Browsing: each store on its own host, never another's; an unknown host is a 404 page; a
//! shopper's account sees only its own orders of this store; what search engines read.

use actix_web::http::Method;
use serde_json::json;
use test_support::TestResponse;

use crate::Storefront;

#[actix_web::test]
async fn each_host_is_its_own_store_and_an_unknown_host_is_a_404_page() {
    let shop = Storefront::start("shop-hosts").await;
    let browser = &shop.browser;
    let shirt = shop.product(&shop.acme, "SHIRT", 2500, 4).await;
    shop.product(&shop.globex, "ROCKET", 99_900, 1).await;
    let styled = TestResponse::send_json(
        shop.acme.admin(&shop.api, Method::PATCH, "/v1/admin/store"),
        json!({"name": "Acme Outfitters", "accentColor": "#AA3300"}),
    )
    .await;
    assert_eq!(styled.status, 200, "{}", styled.json());

    shop.visit(&shop.acme, "/", "acme-catalog").await;
    browser.wait_for_text("Acme Outfitters").await;
    let page = browser.text().await;
    assert!(
        page.contains("Product SHIRT") && page.contains("€25.00"),
        "{page}"
    );
    assert!(!page.contains("ROCKET"), "another store's product: {page}");
    browser.screenshot_at(375, "acme-catalog-phone").await;
    browser.screenshot_at(1280, "acme-catalog").await;
    let theme = TestResponse::send(
        shop.request(Method::GET, &shop.acme.host, "/theme.css"),
        None,
    )
    .await;
    assert!(
        String::from_utf8(theme.body)
            .unwrap()
            .contains("--accent: #aa3300")
    );

    shop.visit(&shop.globex, "/", "globex-catalog").await;
    browser.wait_for_text("ROCKET").await;
    assert!(!browser.text().await.contains("SHIRT"));

    // Store A's product under store B's host is a 404 page, by handle or through the api's id.
    let handle = shirt["handle"].as_str().unwrap();
    shop.visit(
        &shop.globex,
        &format!("/products/{handle}"),
        "globex-acme-product",
    )
    .await;
    browser.wait_for_text("Page not found").await;
    let by_id = TestResponse::send(
        shop.request(
            Method::GET,
            &shop.globex.host,
            &format!("/v1/products/{}", shirt["id"].as_str().unwrap()),
        ),
        None,
    )
    .await;
    assert_eq!(by_id.status, 404);

    let unknown = format!("http://nobody.shop.test:{}/", shop.port);
    browser.visit(&unknown, "unknown-host").await;
    browser.wait_for_text("Page not found").await;
    let unknown =
        TestResponse::send(shop.request(Method::GET, "nobody.shop.test", "/"), None).await;
    assert_eq!(unknown.status, 404);
    shop.close().await;
}

#[actix_web::test]
async fn search_pages_and_a_product_by_its_handle() {
    let shop = Storefront::start("shop-browse").await;
    let browser = &shop.browser;
    for n in 0..30 {
        shop.product(&shop.acme, &format!("MUG-{n:02}"), 900 + n, 3)
            .await;
    }
    shop.product(&shop.acme, "TEAPOT", 3500, 0).await;

    shop.visit(&shop.acme, "/", "browse-catalog").await;
    browser.wait_for_text("Next page").await;
    browser.click("a[href^='/?cursor=']").await;
    browser.wait_for_text("First page").await;
    browser.fill("#shop-search", "teapot").await;
    browser.click("form.search button[type=submit]").await;
    browser.wait_for_text("Results for “teapot”").await;
    assert!(browser.text().await.contains("sold out"));
    browser.click("a[href='/products/product-teapot']").await;
    browser.wait_for_text("Sold out.").await;
    assert!(
        !browser.has("button.primary[type=submit]").await,
        "nothing to add"
    );
    let canonical = browser
        .find("link[rel=canonical]")
        .await
        .attr("href")
        .await
        .unwrap();
    assert_eq!(
        canonical.as_deref(),
        Some(shop.url(&shop.acme, "/products/product-teapot").as_str())
    );
    browser.screenshot("product-sold-out").await;

    let robots = TestResponse::send(
        shop.request(Method::GET, &shop.acme.host, "/robots.txt"),
        None,
    )
    .await;
    let robots = String::from_utf8(robots.body).unwrap();
    assert!(
        robots.contains("Disallow: /checkout")
            && robots.contains(&format!(
                "Sitemap: {}",
                shop.url(&shop.acme, "/sitemap.xml")
            )),
        "{robots}"
    );
    let sitemap = TestResponse::send(
        shop.request(Method::GET, &shop.acme.host, "/sitemap.xml"),
        None,
    )
    .await;
    let sitemap = String::from_utf8(sitemap.body).unwrap();
    assert_eq!(
        sitemap.matches("<url>").count(),
        32,
        "home and 31 products: {sitemap}"
    );
    assert!(sitemap.contains(&shop.url(&shop.acme, "/products/product-mug-07")));
    let theirs = TestResponse::send(
        shop.request(Method::GET, &shop.globex.host, "/sitemap.xml"),
        None,
    )
    .await;
    assert!(!String::from_utf8(theirs.body).unwrap().contains("mug"));
    shop.close().await;
}

#[actix_web::test]
async fn a_shopper_signs_up_on_a_store_and_sees_only_their_orders_there() {
    let shop = Storefront::start("shop-account").await;
    let browser = &shop.browser;
    let mug = shop.product(&shop.acme, "MUG", 900, 10).await;
    let variant = mug["variants"][0]["id"].as_str().unwrap().to_owned();
    // Someone else's order in the same store, and the shopper's own order in another store.
    let cart = shop.api.cart_with(&shop.acme, &variant, 1).await;
    let other = TestResponse::send_json(
        shop.acme.shop(&shop.api, Method::POST, "/v1/orders"),
        json!({"cartId": cart, "email": "other@example.com"}),
    )
    .await;
    assert_eq!(other.status, 201);

    shop.visit(&shop.acme, "/account", "account-signed-out")
        .await;
    browser.fill("#sign-up #field-name", "Grace").await;
    browser
        .fill("#sign-up #field-email", "grace@example.com")
        .await;
    browser.fill("#sign-up #field-password", "short").await;
    browser.click("#sign-up button[type=submit]").await;
    browser.wait_for_text("Please correct").await;
    assert_eq!(
        browser.value("#sign-up #field-name").await,
        "Grace",
        "the form is kept"
    );
    browser
        .fill("#sign-up #field-password", "correct horse battery")
        .await;
    browser.click("#sign-up button[type=submit]").await;
    browser.wait_for_text("Hello, Grace").await;
    browser.wait_for_text("No orders yet").await;

    // Signed in, the shopper buys; the order is theirs.
    let handle = mug["handle"].as_str().unwrap();
    shop.visit(
        &shop.acme,
        &format!("/products/{handle}"),
        "account-product",
    )
    .await;
    browser.click("button.primary[type=submit]").await;
    browser.wait_for_text("Your cart").await;
    browser.click("a.button.primary[href='/checkout']").await;
    crate::checkout::fill_checkout(browser, "grace@example.com").await;
    browser
        .click("form[action='/checkout'] button.primary")
        .await;
    browser.wait_for_text("Thank you!").await;
    shop.visit(&shop.acme, "/account", "account-orders").await;
    browser.wait_for_text("Your orders").await;
    let page = browser.text().await;
    assert_eq!(
        page.matches("pending payment").count(),
        1,
        "one order, theirs: {page}"
    );
    browser.screenshot("account-orders").await;

    // On another store's host the same person has no orders there.
    shop.visit(&shop.globex, "/account", "account-other-store")
        .await;
    let page = browser.text().await;
    assert!(!page.contains("pending payment"), "{page}");

    // The store's sign-up sent the link that verifies the address; a forgotten password gets
    // another, with the same page whatever the address.
    let subjects: Vec<String> = shop
        .api
        .mail
        .received_by("grace@example.com")
        .into_iter()
        .map(|mail| mail.subject)
        .collect();
    assert_eq!(subjects[0], "Verify your email address", "{subjects:?}");
    assert!(subjects[1].starts_with("Your order #"), "{subjects:?}");
    shop.visit(&shop.acme, "/account", "account-orders").await;
    browser
        .click("form[action='/account/sign-out'] button[type=submit]")
        .await;
    // Signed out, the shop's home: wait for it before going on.
    for _ in 0..50 {
        if !browser.url_now().await.contains("/account") {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    shop.visit(&shop.acme, "/account", "account-signed-out")
        .await;
    browser.wait_for_text("New here?").await;
    browser.click("a[href='/account/forgot-password']").await;
    browser.wait_for_text("Forgot your password?").await;
    browser.fill("#field-email", "nobody@example.com").await;
    browser.click("main form button[type=submit]").await;
    browser
        .wait_for_text("If an account uses nobody@example.com")
        .await;
    shop.visit(&shop.acme, "/account/forgot-password", "forgot-password")
        .await;
    browser.fill("#field-email", "grace@example.com").await;
    browser.click("main form button[type=submit]").await;
    browser
        .wait_for_text("If an account uses grace@example.com")
        .await;
    browser.screenshot("forgot-password-sent").await;
    shop.api
        .mail
        .wait_for_matching("grace@example.com", 1, |mail| {
            mail.subject == "Reset your password"
        })
        .await;
    assert!(shop.api.mail.received_by("nobody@example.com").is_empty());
    shop.close().await;
}

#[actix_web::test]
async fn the_cart_cookie_is_the_hosts_own_and_a_foreign_cart_is_forgotten() {
    let shop = Storefront::start("shop-cart").await;
    let mug = shop.product(&shop.acme, "MUG", 900, 10).await;
    let acme_cart = shop
        .api
        .cart_with(&shop.acme, mug["variants"][0]["id"].as_str().unwrap(), 2)
        .await;
    // A cart id of store A sent to store B's host is no cart there.
    let foreign = shop
        .request(Method::GET, &shop.globex.host, "/cart")
        .insert_header(("cookie", format!("cart_id={acme_cart}")));
    let foreign = TestResponse::send(foreign, None).await;
    assert_eq!(foreign.status, 200);
    assert!(
        String::from_utf8(foreign.body)
            .unwrap()
            .contains("Your cart is empty")
    );

    // Adding sets a host-only cookie: no Domain, so no other store ever receives it.
    let handle = mug["handle"].as_str().unwrap();
    let add = shop.form_post(&shop.acme, "/cart/items");
    let variant = mug["variants"][0]["id"].as_str().unwrap();
    let added = TestResponse::send(
        add,
        Some(&format!("handle={handle}&variant={variant}&quantity=1")),
    )
    .await;
    assert_eq!(added.status, 303);
    let cookie = added.header("set-cookie").unwrap().to_owned();
    assert!(
        cookie.starts_with("cart_id=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.to_ascii_lowercase().contains("domain"), "{cookie}");

    // The line is removed from the cart it is in; removing it again is a 404 page.
    let cart = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("cart_id=")
        .to_owned();
    let lines = TestResponse::send(
        shop.acme
            .shop(&shop.api, Method::GET, &format!("/v1/carts/{cart}")),
        None,
    )
    .await
    .json();
    let item = lines["items"][0]["id"].as_str().unwrap().to_owned();
    let remove = || {
        shop.form_post(&shop.acme, &format!("/cart/items/{item}/remove"))
            .insert_header(("cookie", format!("cart_id={cart}")))
    };
    assert_eq!(TestResponse::send(remove(), None).await.status, 303);
    let emptied = TestResponse::send(
        shop.acme
            .shop(&shop.api, Method::GET, &format!("/v1/carts/{cart}")),
        None,
    )
    .await
    .json();
    assert_eq!(emptied["items"], json!([]));
    assert_eq!(TestResponse::send(remove(), None).await.status, 404);

    // A cross-site post is refused.
    let forged = shop
        .request(Method::POST, &shop.acme.host, "/cart/items")
        .insert_header(("origin", "http://evil.test"))
        .insert_header(("content-type", "application/x-www-form-urlencoded"));
    let forged = TestResponse::send(
        forged,
        Some(&format!("handle={handle}&variant={variant}&quantity=1")),
    )
    .await;
    assert_eq!(forged.status, 403);
    shop.close().await;
}
