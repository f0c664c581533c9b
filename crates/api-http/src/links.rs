//! Where a 401 sends people: every 401 carries these in `details`.

/// The dashboard's sign-in and sign-up pages, built from configuration (never from the request's
/// `Host`, which a client controls).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthLinks {
    pub sign_in_url: String,
    pub sign_up_url: String,
}

impl AuthLinks {
    /// The pages under the dashboard's origin.
    #[must_use]
    pub fn under(frontend_url: &str) -> Self {
        let base = frontend_url.trim_end_matches('/');
        Self {
            sign_in_url: format!("{base}/sign-in"),
            sign_up_url: format!("{base}/sign-up"),
        }
    }

    /// The links the app registered (`web::Data<AuthLinks>`), or links under `/` when it did not.
    #[must_use]
    pub fn of(req: &actix_web::HttpRequest) -> Self {
        req.app_data::<actix_web::web::Data<Self>>()
            .map_or_else(|| Self::under(""), |links| links.get_ref().clone())
    }
}
