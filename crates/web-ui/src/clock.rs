//! The time a page is made at, by the edge's clock (relative times: "3 minutes ago", "expires in
//! an hour"): the system's, unless the app registered another (`web::Data<EdgeClock>`).

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::{DateTime, Utc};
use domain::{Clock, SystemClock};

/// The clock an edge's pages read "now" from.
#[derive(Clone, Debug)]
pub struct EdgeClock(pub Arc<dyn Clock>);

/// "Now", by the edge's clock, for a handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Now(pub DateTime<Utc>);

impl FromRequest for Now {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let now = req
            .app_data::<web::Data<EdgeClock>>()
            .map_or_else(|| SystemClock.now(), |clock| clock.0.now());
        ready(Ok(Self(now)))
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;
    use domain::FixedClock;

    use super::*;

    #[actix_web::test]
    async fn pages_read_the_clock_the_app_registered() {
        let at = DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let req = TestRequest::default()
            .app_data(web::Data::new(EdgeClock(Arc::new(FixedClock::at(at)))))
            .to_http_request();
        assert_eq!(Now::extract(&req).await.unwrap(), Now(at));
    }
}
