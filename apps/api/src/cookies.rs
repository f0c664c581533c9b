//! The session cookie: `HttpOnly`, `Path=/`, no `Domain`, `SameSite=Lax` (or `None; Secure` for a
//! cross-site dashboard), `Secure` except on local plain http, 30 days. Where it is `Secure` it is
//! named `__Host-commerce_session`, so that no sibling subdomain can plant one.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use resolve_caller::{SECURE_SESSION_COOKIE_NAME, SESSION_COOKIE_NAME};

use crate::Settings;

/// The cookie carrying a signed session token.
#[must_use]
pub fn session(settings: &Settings, value: String, max_age_seconds: i64) -> Cookie<'static> {
    // No `Domain`: the cookie stays with the host that set it.
    let secure = settings.cookie_secure();
    let name = if secure {
        SECURE_SESSION_COOKIE_NAME
    } else {
        SESSION_COOKIE_NAME
    };
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(if settings.cookie_cross_site {
            SameSite::None
        } else {
            SameSite::Lax
        })
        .max_age(CookieDuration::seconds(max_age_seconds))
        .finish()
}

/// A cookie that makes the browser forget the session.
#[must_use]
pub fn cleared(settings: &Settings) -> Cookie<'static> {
    let mut cookie = session(settings, String::new(), 0);
    cookie.make_removal();
    cookie
}
