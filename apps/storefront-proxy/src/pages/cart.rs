//! The cart: its id in a host-only cookie (each store's own), lines with their quantities, what is
//! short of stock, and the way to checkout. A cart of another store, or one that became an order,
//! is forgotten and a new one begun.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use api_types::commerce::{AddCartItemRequest, Cart, CreateCartRequest, UpdateCartItemRequest};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;
use web_ui::api::Change;
use web_ui::components::{empty_state, form_errors, html_response, notice};
use web_ui::errors::see_other;
use web_ui::forms::FormErrors;
use web_ui::{ApiFailure, PageError, PageResult, format};

use super::catalog;
use crate::shop::{Api, PageInfo, Shop, shop_page};

/// The cookie that remembers the shopper's cart on this host.
pub const CART_COOKIE: &str = "cart_id";
/// How long a cart is remembered without a visit.
const CART_DAYS: i64 = 30;

/// The cart id the browser holds, if it is one.
pub fn cart_id(req: &HttpRequest) -> Option<Uuid> {
    req.cookie(CART_COOKIE)?.value().parse().ok()
}

/// The open cart `id` of this store, if it still is one.
pub async fn open_cart(api: &Api, shop: &Shop, id: Uuid) -> Result<Option<Cart>, PageError> {
    match api
        .get::<Cart>(&shop.credentials, &format!("/v1/carts/{id}"))
        .await
    {
        Ok(cart) if cart.status == domain::CartStatus::Open => Ok(Some(cart)),
        Ok(_) => Ok(None),
        Err(failure) if failure.refusal(&[403, 404]).is_some() => Ok(None),
        Err(failure) => Err(failure.into()),
    }
}

/// The host-only cookie for `id` (`Secure` on https): no `Domain`, so no other store sees it.
pub fn cart_cookie(shop: &Shop, id: Option<Uuid>) -> Cookie<'static> {
    let mut cookie = Cookie::build(CART_COOKIE, id.map(|id| id.to_string()).unwrap_or_default())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(shop.origin.starts_with("https://"))
        .finish();
    match id {
        Some(_) => cookie.set_max_age(time::Duration::days(CART_DAYS)),
        None => cookie.make_removal(),
    }
    cookie
}

pub async fn page(req: HttpRequest, shop: Shop, api: Api) -> PageResult {
    let cart = match cart_id(&req) {
        Some(id) => open_cart(&api, &shop, id).await?,
        None => None,
    };
    Ok(html_response(
        StatusCode::OK,
        cart_page(&shop, cart.as_ref(), &FormErrors::default()),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    handle: String,
    #[serde(default)]
    variant: String,
    #[serde(default)]
    quantity: String,
}

/// Adds to the cart (beginning one when there is none), then shows it.
pub async fn add(req: HttpRequest, shop: Shop, api: Api, form: web::Form<AddForm>) -> PageResult {
    let product = catalog::load(&api, &shop, &form.handle).await?;
    let quantity = form
        .quantity
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|q| (1..=1000).contains(q));
    let variant = form
        .variant
        .parse::<Uuid>()
        .ok()
        .filter(|id| product.variants.iter().any(|v| v.id == *id));
    let refused = |errors: FormErrors| {
        Ok(html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            catalog::product_page(&shop, &product, &form.quantity, &errors),
        ))
    };
    let (Some(quantity), Some(variant_id)) = (quantity, variant) else {
        let errors = match quantity {
            None => FormErrors::field("quantity", "Choose between 1 and 1000."),
            Some(_) => FormErrors::form("Choose one of the options."),
        };
        return refused(errors);
    };
    let existing = match cart_id(&req) {
        Some(id) => open_cart(&api, &shop, id).await?.map(|cart| cart.id),
        None => None,
    };
    let cart = match existing {
        Some(id) => id,
        None => {
            let created = api
                .send::<_, Cart>(
                    &shop.credentials,
                    Change::post("/v1/carts", &CreateCartRequest::default()),
                )
                .await?;
            created.value.id
        }
    };
    let path = format!("/v1/carts/{cart}/items");
    let body = AddCartItemRequest {
        variant_id,
        quantity,
    };
    match api
        .send::<_, Cart>(&shop.credentials, Change::post(&path, &body))
        .await
    {
        Ok(_) => Ok(back_to_cart(&shop, cart)),
        Err(failure) => match failure.refusal(&[400, 409, 422]) {
            Some(body) => {
                let errors = FormErrors::from_envelope(body, |field| {
                    (field == "quantity").then(|| field.to_owned())
                });
                refused(errors)
            }
            None => Err(failure.into()),
        },
    }
}

/// `303 /cart`, remembering `cart` on this host.
fn back_to_cart(shop: &Shop, cart: Uuid) -> HttpResponse {
    let mut response = see_other("/cart");
    // A cookie built here is always valid to add.
    let _ = response.add_cookie(&cart_cookie(shop, Some(cart)));
    response
}

#[derive(Debug, Default, Deserialize)]
pub struct QuantityForm {
    #[serde(default)]
    quantity: String,
}

pub async fn update(
    req: HttpRequest,
    shop: Shop,
    api: Api,
    item: web::Path<String>,
    form: web::Form<QuantityForm>,
) -> PageResult {
    let (cart, item) = line_of(&req, &api, &shop, &item).await?;
    let Some(quantity) = form.quantity.trim().parse::<i64>().ok() else {
        let errors = FormErrors::form("Enter a number of units.");
        return Ok(html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            cart_page(&shop, Some(&cart), &errors),
        ));
    };
    let path = format!("/v1/carts/{}/items/{item}", cart.id);
    let sent = if quantity == 0 {
        api.send::<(), Cart>(&shop.credentials, Change::bare(Method::DELETE, &path))
            .await
    } else {
        api.send::<_, Cart>(
            &shop.credentials,
            Change::patch(&path, &UpdateCartItemRequest { quantity }),
        )
        .await
    };
    changed(&shop, &cart, sent)
}

pub async fn remove(req: HttpRequest, shop: Shop, api: Api, item: web::Path<String>) -> PageResult {
    let (cart, item) = line_of(&req, &api, &shop, &item).await?;
    let path = format!("/v1/carts/{}/items/{item}", cart.id);
    let sent = api
        .send::<(), Cart>(&shop.credentials, Change::bare(Method::DELETE, &path))
        .await;
    changed(&shop, &cart, sent)
}

/// The shopper's open cart and one of its lines; anything else is a 404 page.
async fn line_of(
    req: &HttpRequest,
    api: &Api,
    shop: &Shop,
    item: &str,
) -> Result<(Cart, Uuid), PageError> {
    let id = cart_id(req).ok_or(PageError::NotFound)?;
    let cart = open_cart(api, shop, id).await?.ok_or(PageError::NotFound)?;
    let item: Uuid = item.parse().map_err(|_| PageError::NotFound)?;
    if !cart.items.iter().any(|line| line.id == item) {
        return Err(PageError::NotFound);
    }
    Ok((cart, item))
}

fn changed(
    shop: &Shop,
    cart: &Cart,
    sent: Result<web_ui::api::Answer<Cart>, ApiFailure>,
) -> PageResult {
    match sent {
        Ok(_) => Ok(back_to_cart(shop, cart.id)),
        Err(failure) => match failure.refusal(&[400, 409, 422]) {
            Some(body) => {
                let errors = FormErrors::from_envelope(body, |_| None);
                Ok(html_response(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    cart_page(shop, Some(cart), &errors),
                ))
            }
            None => Err(failure.into()),
        },
    }
}

/// Lines asking for more than is in stock.
pub fn short_lines(cart: &Cart) -> usize {
    cart.items
        .iter()
        .filter(|line| line.quantity > line.available)
        .count()
}

pub fn cart_page(shop: &Shop, cart: Option<&Cart>, errors: &FormErrors) -> Markup {
    shop_page(
        shop,
        PageInfo::titled("Cart"),
        html! {
            h1 { "Your cart" }
            (form_errors(errors))
            @match cart.filter(|cart| !cart.items.is_empty()) {
                None => { (empty_state("Your cart is empty", "Find something you like in the store.", Some(("/", "Continue shopping")))) }
                Some(cart) => {
                    @if short_lines(cart) > 0 {
                        (notice("warning", "Some lines ask for more than is in stock: lower them before you check out."))
                    }
                    div.table-wrap {
                        table {
                            thead { tr { th { "Item" } th.num { "Price" } th { "Quantity" } th.num { "Total" } th { span.visually-hidden { "Remove" } } } }
                            tbody {
                                @for line in &cart.items {
                                    tr {
                                        td {
                                            (line.title) br; span.muted.mono { (line.sku) }
                                            @if line.quantity > line.available {
                                                br; span.field-error { @if line.available <= 0 { "Sold out" } @else { "Only " (line.available) " left" } }
                                            }
                                        }
                                        td.num { (format::money(line.unit_price)) }
                                        td {
                                            form.inline method="post" action={"/cart/items/" (line.id)} {
                                                label.visually-hidden for={"qty-" (line.id)} { "Quantity of " (line.title) }
                                                input #{"qty-" (line.id)} type="number" name="quantity" value=(line.quantity) min="0" max="1000";
                                                button type="submit" { "Update" }
                                            }
                                        }
                                        td.num { (format::money(line.total)) }
                                        td {
                                            form method="post" action={"/cart/items/" (line.id) "/remove"} {
                                                button.link type="submit" aria-label={"Remove " (line.title)} { "Remove" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    p.cart-subtotal { "Subtotal " strong { (format::money(cart.subtotal)) } }
                    div.actions {
                        a.button href="/" { "Continue shopping" }
                        a.button.primary href="/checkout" { "Check out" }
                    }
                }
            }
        },
    )
}

/// Carts for the templates' tests.
#[cfg(test)]
pub mod fixtures {
    use api_types::commerce::{Cart, CartItem};
    use domain::{Currency, Money};
    use uuid::Uuid;

    /// A cart of `(title, quantity, available)` lines at €12.50 a unit.
    #[must_use]
    pub fn cart(lines: &[(&str, i64, i64)]) -> Cart {
        let eur: Currency = "EUR".parse().expect("a currency");
        let items: Vec<_> = lines
            .iter()
            .enumerate()
            .map(|(i, &(title, quantity, available))| CartItem {
                id: Uuid::from_u128(i as u128 + 1),
                variant_id: Uuid::from_u128(100 + i as u128),
                product_id: Uuid::from_u128(200),
                sku: format!("TEE-{i}"),
                title: title.into(),
                quantity,
                unit_price: Money::new(1250, eur),
                total: Money::new(1250 * quantity, eur),
                available,
            })
            .collect();
        Cart {
            id: Uuid::nil(),
            status: domain::CartStatus::Open,
            currency: eur,
            subtotal: Money::new(items.iter().map(|line| line.total.amount).sum(), eur),
            items,
            created_at: domain::Clock::now(&domain::SystemClock),
            updated_at: domain::Clock::now(&domain::SystemClock),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::cart;
    use super::*;
    use crate::shop::fixture as shop;

    #[test]
    fn an_empty_cart_says_so_and_leads_back_to_the_shop() {
        for cart in [None, Some(&cart(&[]))] {
            let html = cart_page(&shop(), cart, &FormErrors::default()).into_string();
            assert!(html.contains("Your cart is empty"), "{html}");
            assert!(
                html.contains(r#"<a class="button primary" href="/">Continue shopping</a>"#),
                "{html}"
            );
            assert!(!html.contains(r#"href="/checkout""#), "{html}");
        }
    }

    #[test]
    fn cart_lines_are_escaped_priced_in_euros_and_flag_what_is_short() {
        let cart = cart(&[("Tee <b>", 2, 5), ("Cap", 3, 2), ("Scarf", 1, 0)]);
        let html = cart_page(&shop(), Some(&cart), &FormErrors::default()).into_string();
        assert!(
            html.contains("Tee &lt;b&gt;") && !html.contains("Tee <b>"),
            "{html}"
        );
        assert!(html.contains("€12.50") && html.contains("€25.00"), "{html}");
        assert!(html.contains("Subtotal <strong>€75.00</strong>"), "{html}");
        assert!(
            html.contains("Only 2 left") && html.contains("Sold out"),
            "{html}"
        );
        assert!(html.contains("lower them before you check out"), "{html}");
        let line = Uuid::from_u128(1);
        assert!(
            html.contains(&format!(r#"for="qty-{line}""#))
                && html.contains(&format!(
                    r#"id="qty-{line}" type="number" name="quantity" value="2""#
                )),
            "{html}"
        );
        assert!(html.contains(r#"href="/checkout""#), "{html}");
    }

    #[test]
    fn a_cart_in_stock_flags_nothing() {
        let cart = cart(&[("Tee", 2, 2)]);
        let html = cart_page(&shop(), Some(&cart), &FormErrors::default()).into_string();
        assert!(html.contains("Tee") && html.contains(r#"href="/checkout""#));
        assert!(
            !html.contains("Only ")
                && !html.contains("Sold out")
                && !html.contains("lower them before you check out"),
            "{html}"
        );
    }
}
