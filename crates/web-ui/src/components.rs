//! The pieces every page is built from: the document, a form field with its message, notices,
//! empty states, pagers, badges and dates. Semantic HTML, a label on every input.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue};
use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::assets;
use crate::format;
use crate::forms::FormErrors;

/// What a document says about itself.
#[derive(Clone, Copy, Debug)]
pub struct Head<'a> {
    pub title: &'a str,
    /// The site's name after the title (`Products · Commerce`).
    pub site: &'a str,
    pub description: Option<&'a str>,
    /// The page's canonical URL, for search engines.
    pub canonical: Option<&'a str>,
    /// A stylesheet of the site's own after the app's: a storefront's colours (a file, because the
    /// CSP allows no inline style).
    pub stylesheet: Option<&'a str>,
}

impl<'a> Head<'a> {
    #[must_use]
    pub const fn new(title: &'a str, site: &'a str) -> Self {
        Self {
            title,
            site,
            description: None,
            canonical: None,
            stylesheet: None,
        }
    }
}

/// A whole HTML document: the stylesheet, htmx (configured for a strict CSP) and the app script,
/// all embedded and hashed.
#[must_use]
pub fn document(head: &Head<'_>, body_class: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (head.title) " · " (head.site) }
                @if let Some(description) = head.description {
                    meta name="description" content=(description);
                }
                @if let Some(canonical) = head.canonical {
                    link rel="canonical" href=(canonical);
                }
                // htmx must neither inject a style element nor evaluate code: the CSP allows neither.
                meta name="htmx-config" content=r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}"#;
                link rel="icon" href=(assets::url("favicon.svg")) type="image/svg+xml";
                link rel="stylesheet" href=(assets::url("app.css"));
                @if let Some(stylesheet) = head.stylesheet {
                    link rel="stylesheet" href=(stylesheet);
                }
                script src=(assets::url("htmx.min.js")) defer {}
                script src=(assets::url("app.js")) defer {}
            }
            body class=(body_class) {
                a.skip href="#main" { "Skip to content" }
                (body)
            }
        }
    }
}

/// A page of its own in the middle of the screen: sign-in, sign-up, device approval, errors.
#[must_use]
pub fn centered(head: &Head<'_>, heading: &str, body: Markup) -> Markup {
    centered_at(Width::Narrow, head, heading, body)
}

/// How wide a [`centered_at`] page is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// A form of a few fields: sign-in, errors.
    Narrow,
    /// A decision to read: an agent's approval.
    Wide,
    /// A table: platform administration.
    Full,
}

/// [`centered`] at `width`.
#[must_use]
pub fn centered_at(width: Width, head: &Head<'_>, heading: &str, body: Markup) -> Markup {
    let class = match width {
        Width::Narrow => "card-page",
        Width::Wide => "card-page wide",
        Width::Full => "card-page full",
    };
    centered_in(class, head, heading, body)
}

fn centered_in(class: &str, head: &Head<'_>, heading: &str, body: Markup) -> Markup {
    document(
        head,
        "centered",
        html! {
            main #main class=(class) {
                a.brand href="/" { span.brand-mark aria-hidden="true" {} (head.site) }
                section.card {
                    h1 { (heading) }
                    (body)
                }
            }
        },
    )
}

/// An HTML answer.
#[must_use]
pub fn html_response(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ))
        .body(markup.into_string())
}

/// An input with its label, hint and the api's message for it.
#[derive(Clone, Copy, Debug)]
pub struct Field<'a> {
    pub label: &'a str,
    pub name: &'a str,
    pub value: &'a str,
    pub kind: &'a str,
    pub hint: Option<&'a str>,
    pub required: bool,
    pub autocomplete: Option<&'a str>,
}

impl<'a> Field<'a> {
    #[must_use]
    pub const fn text(label: &'a str, name: &'a str, value: &'a str) -> Self {
        Self {
            label,
            name,
            value,
            kind: "text",
            hint: None,
            required: false,
            autocomplete: None,
        }
    }

    #[must_use]
    pub const fn kind(mut self, kind: &'a str) -> Self {
        self.kind = kind;
        self
    }

    #[must_use]
    pub const fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }

    #[must_use]
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    #[must_use]
    pub const fn autocomplete(mut self, value: &'a str) -> Self {
        self.autocomplete = Some(value);
        self
    }

    /// The field, with `errors`' message for it.
    #[must_use]
    pub fn render(&self, errors: &FormErrors) -> Markup {
        let id = format!("field-{}", self.name.replace(['[', ']', '.'], "-"));
        let message = errors.of(self.name);
        let described = match (self.hint, message) {
            (_, Some(_)) => Some(format!("{id}-error")),
            (Some(_), None) => Some(format!("{id}-hint")),
            (None, None) => None,
        };
        html! {
            div.field.invalid[message.is_some()] {
                label for=(id) { (self.label) }
                @if self.kind == "textarea" {
                    textarea #(id) name=(self.name) rows="4" required[self.required]
                        aria-invalid=[message.map(|_| "true")] aria-describedby=[described.as_deref()] { (self.value) }
                } @else {
                    input #(id) type=(self.kind) name=(self.name) value=(self.value)
                        required[self.required] autocomplete=[self.autocomplete]
                        inputmode=[(self.kind == "text" && self.name.ends_with("price")).then_some("decimal")]
                        aria-invalid=[message.map(|_| "true")] aria-describedby=[described.as_deref()];
                }
                @if let Some(message) = message {
                    p.field-error #{(id) "-error"} { (message) }
                } @else if let Some(hint) = self.hint {
                    p.hint #{(id) "-hint"} { (hint) }
                }
            }
        }
    }
}

/// The message for a whole form, announced to screen readers.
#[must_use]
pub fn form_errors(errors: &FormErrors) -> Markup {
    html! {
        @if let Some(message) = &errors.form {
            div.notice.error role="alert" { (message) }
        } @else if !errors.fields.is_empty() {
            div.notice.error role="alert" { "Please correct the fields marked below." }
        }
    }
}

/// The hidden one-time token of a form that creates something.
#[must_use]
pub fn form_token_input(token: &str) -> Markup {
    html! { input type="hidden" name="formToken" value=(token); }
}

/// A notice: `info`, `success`, `warning` or `error`.
#[must_use]
pub fn notice(kind: &str, message: &str) -> Markup {
    html! { div class={"notice " (kind)} role=[(kind == "error").then_some("alert")] { (message) } }
}

/// What an empty list says, and the next step.
#[must_use]
pub fn empty_state(title: &str, text: &str, action: Option<(&str, &str)>) -> Markup {
    html! {
        div.empty {
            h2 { (title) }
            p { (text) }
            @if let Some((href, label)) = action {
                a.button.primary href=(href) { (label) }
            }
        }
    }
}

/// "Next page" when there is one; "First page" when not on it.
#[must_use]
pub fn pager(first_url: Option<&str>, next_url: Option<&str>) -> Markup {
    html! {
        @if first_url.is_some() || next_url.is_some() {
            nav.pager aria-label="Pages" {
                @if let Some(first) = first_url { a.button href=(first) { "← First page" } }
                @if let Some(next) = next_url { a.button href=(next) { "Next page →" } }
            }
        }
    }
}

/// A status as a coloured badge (`pending_payment` reads "pending payment").
#[must_use]
pub fn badge(status: &str) -> Markup {
    html! { span class={"badge " (status)} { (status.replace('_', " ")) } }
}

/// A date as "5 minutes ago", with the exact time on hover and for machines.
#[must_use]
pub fn datetime(at: DateTime<Utc>, now: DateTime<Utc>) -> Markup {
    html! {
        time datetime=(at.to_rfc3339()) title=(format::exact(at)) { (format::relative(at, now)) }
    }
}

/// A postal address as it is written on a parcel.
#[must_use]
pub fn postal_address(address: &api_types::commerce::Address) -> Markup {
    html! {
        address {
            (address.name) br;
            (address.line1) br;
            @if let Some(line2) = &address.line2 { (line2) br; }
            (address.postal_code) " " (address.city) br;
            @if let Some(region) = &address.region { (region) br; }
            (address.country)
            @if let Some(phone) = &address.phone { br; (phone) }
        }
    }
}

/// An inline SVG icon path, drawn with the current colour.
#[must_use]
pub fn icon(path: &'static str) -> Markup {
    html! {
        svg.icon viewBox="0 0 20 20" aria-hidden="true" focusable="false" {
            // Our own constant path data: nothing in it needs escaping, and escaping it on every
            // page was a fifth of the products page's drawing time.
            path d=(PreEscaped(path)) {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_shows_its_message_and_keeps_its_value() {
        let errors = FormErrors::field("title", "must not be empty");
        let html = Field::text("Title", "title", "<b>kept</b>")
            .required()
            .render(&errors)
            .into_string();
        assert!(html.contains(r#"aria-invalid="true""#), "{html}");
        assert!(html.contains("must not be empty"));
        assert!(
            html.contains("&lt;b&gt;kept&lt;/b&gt;"),
            "values are escaped: {html}"
        );
        assert!(html.contains(r#"<label for="field-title">Title</label>"#));
    }

    #[test]
    fn the_document_loads_only_hashed_assets_and_no_inline_script() {
        let html =
            document(&Head::new("Products", "Commerce"), "", html! { p { "hi" } }).into_string();
        assert!(html.contains("<title>Products · Commerce</title>"));
        assert!(html.contains(&assets::url("app.css")));
        assert!(!html.contains("<script>"), "no inline script: {html}");
    }
}
