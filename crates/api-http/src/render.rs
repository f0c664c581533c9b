//! The layers that finish an error's answer where the request is known: the deployment's sign-in
//! links on every 401, and Agent Auth's envelope on its endpoints. Both work from the typed
//! [`ApiError`] the response carries, never from its body.

use actix_web::Error;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::error::ErrorShape;
use crate::{ApiError, AuthLinks};

/// Middleware: a 401 made without the sign-in links (a domain error turned into the envelope by
/// `From`, far from the request) is answered with the app's links.
pub async fn sign_in_links(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    answer_again(req, next, ErrorShape::Ours).await
}

/// Middleware for Agent Auth's endpoints: every error is answered in the protocol's shape, where
/// `error` is its snake_case word ([`ApiError::protocol_word`]) and `message` the human text, beside
/// our own `code`, `status` and `details`; a 401 also gets the sign-in links.
pub async fn agent_protocol_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    answer_again(req, next, ErrorShape::AgentProtocol).await
}

async fn answer_again(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    shape: ErrorShape,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let response = next.call(req).await?;
    let answer = response
        .response()
        .error()
        .and_then(|error| error.as_error::<ApiError>())
        .filter(|error| shape == ErrorShape::AgentProtocol || error.lacks_sign_in_links())
        .map(|error| error.answer(shape, &AuthLinks::of(response.request())));
    Ok(match answer {
        Some(answer) => response.into_response(answer).map_into_right_body(),
        None => response.map_into_left_body(),
    })
}
