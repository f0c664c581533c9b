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
        checkout_page(&shop, &cart, &form, &FormErrors::default()),
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
                        checkout_page(&shop, &cart, &form, &errors),
                    )),
                    None => Ok(see_other("/cart")),
                };
            }
        }
    }
    match current_cart(&req, &api, &shop).await? {
        Some(cart) => Ok(html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            checkout_page(&shop, &cart, &form, &errors),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::cart::fixtures::cart;
    use crate::shop::fixture as shop;

    fn typed(pairs: &[(&str, &str)]) -> Submitted {
        Submitted(
            pairs
                .iter()
                .map(|&(name, value)| (name.to_owned(), value.to_owned()))
                .collect(),
        )
    }

    const PLACE_ORDER: &str = r#"<button class="primary" type="submit">Place order</button>"#;
    const PLACE_ORDER_DISABLED: &str =
        r#"<button class="primary" type="submit" disabled>Place order</button>"#;

    #[test]
    fn an_order_in_stock_can_be_placed_with_its_token() {
        let form = typed(&[("formToken", "tok-1")]);
        let html = checkout_page(
            &shop(),
            &cart(&[("Tee <b>", 2, 5)]),
            &form,
            &FormErrors::default(),
        )
        .into_string();
        assert!(
            html.contains(PLACE_ORDER) && !html.contains(PLACE_ORDER_DISABLED),
            "{html}"
        );
        assert!(
            html.contains(r#"<input type="hidden" name="formToken" value="tok-1">"#),
            "{html}"
        );
        assert!(
            html.contains("2 × Tee &lt;b&gt;") && html.contains("Total <strong>€25.00</strong>"),
            "{html}"
        );
        assert!(
            html.contains(r#"<label for="field-shippingAddress-city">City</label>"#)
                && html.contains(
                    r#"id="field-shippingAddress-city" type="text" name="shippingAddress.city""#
                ),
            "{html}"
        );
        assert!(
            !html.contains("aria-invalid") && !html.contains("only "),
            "{html}"
        );
    }

    #[test]
    fn a_short_line_keeps_the_order_from_being_placed() {
        let form = typed(&[("formToken", "tok-1")]);
        for (lines, short) in [
            (&[("Tee", 3, 2)][..], "only 2 left"),
            (&[("Tee", 1, 5), ("Cap", 1, 0)][..], "sold out"),
        ] {
            let html =
                checkout_page(&shop(), &cart(lines), &form, &FormErrors::default()).into_string();
            assert!(
                html.contains(PLACE_ORDER_DISABLED) && !html.contains(PLACE_ORDER),
                "{html}"
            );
            assert!(
                html.contains(short) && html.contains("Change them in your cart first"),
                "{html}"
            );
        }
    }

    #[test]
    fn a_refused_checkout_keeps_what_was_typed_and_marks_the_field() {
        let form = typed(&[
            ("formToken", "tok-1"),
            ("email", "ada@example.com"),
            ("shippingAddress.city", "Berlin <b>"),
            ("shippingAddress.postalCode", "123456789012345678901"),
        ]);
        let errors = FormErrors::field(
            "shippingAddress.postalCode",
            "must be at most 20 characters",
        );
        let html = checkout_page(&shop(), &cart(&[("Tee", 1, 5)]), &form, &errors).into_string();
        assert!(
            html.contains("Please correct the fields marked below."),
            "{html}"
        );
        assert!(
            html.contains(r#"name="email" value="ada@example.com""#),
            "{html}"
        );
        assert!(
            html.contains(r#"name="shippingAddress.city" value="Berlin &lt;b&gt;""#),
            "{html}"
        );
        assert!(
            html.contains(
                r#"name="shippingAddress.postalCode" value="123456789012345678901" required autocomplete="postal-code" aria-invalid="true" aria-describedby="field-shippingAddress-postalCode-error">"#
            ),
            "{html}"
        );
        assert!(
            html.contains(r#"<p class="field-error" id="field-shippingAddress-postalCode-error">must be at most 20 characters</p>"#),
            "{html}"
        );
        assert_eq!(html.matches(r#"aria-invalid="true""#).count(), 1, "{html}");
        assert!(html.contains(r#"name="formToken" value="tok-1""#), "{html}");
    }
}
