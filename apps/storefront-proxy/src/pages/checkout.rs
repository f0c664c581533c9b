//! Checkout: the cart's lines (what is short of stock said first), an email and a shipping address,
//! and one order, whatever is clicked — the form's one-time token is `placeOrder`'s
//! `Idempotency-Key`, so a double click or a resubmit replays the first order.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use api_types::commerce::{Address, Cart, Order, PlaceOrderRequest};
use maud::{Markup, html};
use web_ui::api::{Change, escaped};
use web_ui::components::{Field, form_errors, form_token_input, html_response, notice};
use web_ui::errors::see_other;
use web_ui::forms::{FormErrors, Submitted, same_names};
use web_ui::safety::form_token;
use web_ui::{PageResult, format};

use super::cart::{cart_cookie, cart_id, open_cart, short_lines};
use crate::shop::{Api, PageInfo, Shop, shop_page};

/// The address inputs, named as the api names them (`shippingAddress.city`), with their labels.
const ADDRESS: [(&str, &str, bool, &str); 8] = [
    ("name", "Full name", true, "name"),
    ("line1", "Address", true, "address-line1"),
    (
        "line2",
        "Apartment, suite (optional)",
        false,
        "address-line2",
    ),
    ("city", "City", true, "address-level2"),
    ("postalCode", "Postal code", true, "postal-code"),
    ("region", "Region (optional)", false, "address-level1"),
    ("country", "Country code", true, "country"),
    ("phone", "Phone (optional)", false, "tel"),
];

fn address_input(field: &str) -> String {
    format!("shippingAddress.{field}")
}

pub async fn page(req: HttpRequest, shop: Shop, api: Api) -> PageResult {
    let Some(cart) = current_cart(&req, &api, &shop).await? else {
        return Ok(see_other("/cart"));
    };
    let form = Submitted(vec![("formToken".to_owned(), form_token())]);
    Ok(html_response(
        StatusCode::OK,
        &checkout_page(&shop, &cart, &form, &FormErrors::default()),
    ))
}

/// The shopper's open cart with something in it.
async fn current_cart(
    req: &HttpRequest,
    api: &Api,
    shop: &Shop,
) -> Result<Option<Cart>, web_ui::PageError> {
    let Some(id) = cart_id(req) else {
        return Ok(None);
    };
    Ok(open_cart(api, shop, id)
        .await?
        .filter(|cart| !cart.items.is_empty()))
}

/// The address as typed; `None` when nothing of it was typed (the api then says what is missing).
fn address_of(form: &Submitted) -> Option<Address> {
    let field = |name: &str| form.get(&address_input(name)).trim().to_owned();
    let optional = |name: &str| Some(field(name)).filter(|value| !value.is_empty());
    if ADDRESS.iter().all(|(name, ..)| field(name).is_empty()) {
        return None;
    }
    Some(Address {
        name: field("name"),
        line1: field("line1"),
        line2: optional("line2"),
        city: field("city"),
        postal_code: field("postalCode"),
        region: optional("region"),
        country: field("country").to_uppercase(),
        phone: optional("phone"),
    })
}

pub async fn place(
    req: HttpRequest,
    shop: Shop,
    api: Api,
    form: web::Form<Vec<(String, String)>>,
) -> PageResult {
    let form = Submitted(form.into_inner());
    let cart_id = cart_id(&req);
    let mut errors = FormErrors::default();
    let shipping_address = address_of(&form);
    if shipping_address.is_none() {
        errors.add(&address_input("line1"), "Where should we send it?");
    }
    if let (Some(cart_id), true) = (cart_id, errors.is_empty()) {
        let body = PlaceOrderRequest {
            cart_id,
            email: form.get("email").trim().to_owned(),
            shipping_address,
        };
        let sent = api
            .send::<_, Order>(
                &shop.credentials,
                Change::post("/v1/orders", &body).once(form.get("formToken")),
            )
            .await;
        match sent {
            Ok(answer) => {
                let order = answer.value;
                let key = order
                    .status_key
                    .as_deref()
                    .map(|key| format!("?key={}", escaped(key)))
                    .unwrap_or_default();
                let mut response = see_other(&format!("/orders/{}{key}", order.id));
                // The cart became the order: the next visit begins a new one.
                let _ = response.add_cookie(&cart_cookie(&shop, None));
                return Ok(response);
            }
            Err(failure) => {
                let status = failure.status_code();
                errors = match failure.refusal(&[409]) {
                    Some(body) if body.code == "INSUFFICIENT_STOCK" => FormErrors::form(
                        "Some of your cart sold out while you were checking out. Nothing was ordered: see what is left below, change your cart and try again.",
                    ),
                    Some(body)
                        if body.code == "CART_NOT_OPEN" || body.code == "ILLEGAL_TRANSITION" =>
                    {
                        FormErrors::form(
                            "This cart was already ordered. Look for the confirmation in your email, or start a new cart.",
                        )
                    }
                    _ => FormErrors::from_failure(failure, same_names)?,
                };
                let cart = current_cart(&req, &api, &shop).await?;
                return match cart {
                    Some(cart) => Ok(html_response(
                        status,
                        &checkout_page(&shop, &cart, &form, &errors),
                    )),
                    None => Ok(see_other("/cart")),
                };
            }
        }
    }
    match current_cart(&req, &api, &shop).await? {
        Some(cart) => Ok(html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            &checkout_page(&shop, &cart, &form, &errors),
        )),
        None => Ok(see_other("/cart")),
    }
}

pub fn checkout_page(shop: &Shop, cart: &Cart, form: &Submitted, errors: &FormErrors) -> Markup {
    let short = short_lines(cart);
    shop_page(
        shop,
        PageInfo::titled("Checkout"),
        html! {
            h1 { "Checkout" }
            div.columns {
                section.card {
                    (form_errors(errors))
                    @if short > 0 {
                        (notice("warning", "Some lines ask for more than is in stock: the order would be refused. Change them in your cart first."))
                    }
                    form.stack method="post" action="/checkout" {
                        (form_token_input(form.get("formToken")))
                        (Field::text("Email", "email", form.get("email")).kind("email").required().autocomplete("email")
                            .hint("For the confirmation and the order's status.").render(errors))
                        fieldset {
                            legend { "Shipping address" }
                            div.stack {
                                @for (name, label, required, autocomplete) in ADDRESS {
                                    @let input = address_input(name);
                                    @let field = Field::text(label, &input, form.get(&input)).autocomplete(autocomplete);
                                    @let field = if name == "country" { field.hint("Two letters, like DE, FR or US.") } else { field };
                                    (if required { field.required() } else { field }.render(errors))
                                }
                            }
                        }
                        div.actions {
                            a.button href="/cart" { "Back to cart" }
                            button.primary type="submit" disabled[short > 0] { "Place order" }
                        }
                    }
                }
                section.card {
                    h2 { "Your order" }
                    ul.summary {
                        @for line in &cart.items {
                            li {
                                span { (line.quantity) " × " (line.title) }
                                span { (format::money(line.total)) }
                                @if line.quantity > line.available {
                                    span.field-error { @if line.available <= 0 { "sold out" } @else { "only " (line.available) " left" } }
                                }
                            }
                        }
                    }
                    p.cart-subtotal { "Total " strong { (format::money(cart.subtotal)) } }
                    p.hint { "You pay once the order is placed; we hold your items for you meanwhile." }
                }
            }
        },
    )
}
