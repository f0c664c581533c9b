//! Payment webhooks forwarded by the checkout app. Not caller-resolved: authenticated by the shared
//! `x-checkout-secret` (compared in constant time), and for Stripe also by its signature.

use actix_web::{HttpRequest, web};
use api_http::{ApiError, FieldError};
use api_types::ErrorBody;
use api_types::commerce::{GenericPaymentWebhook, WebhookReceipt};
use api_types::operations;
use commerce::payments::{self, Delivery, Provider};
use domain::OrgId;
use serde::Deserialize;
use subtle::ConstantTimeEq as _;
use uuid::Uuid;

use crate::errors::AppError;
use crate::state::AppState;
use crate::wire::ToWire as _;

/// The header the checkout app authenticates with.
pub const CHECKOUT_SECRET_HEADER: &str = "x-checkout-secret";
/// The largest webhook body accepted.
pub const WEBHOOK_BODY_LIMIT: usize = 256 * 1024;

/// `?org={orgId}`
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookQuery {
    /// The organization the event belongs to.
    org: Option<Uuid>,
}

/// Receive a payment provider's event: `generic` (the documented JSON) or `stripe`
/// (`Stripe-Signature` verified over the raw body with the store's secret, 5-minute tolerance).
/// Stored before it is processed; processed once per event id (a replay answers `duplicate`); an
/// event that fails is kept, failed, for an admin to retry.
#[utoipa::path(
    post, path = "/v1/webhooks/payments/{provider}", operation_id = operations::RECEIVE_PAYMENT_WEBHOOK, tag = "webhooks",
    params(
        ("provider" = String, Path, description = "`generic` or `stripe`"),
        WebhookQuery,
        ("x-checkout-secret" = String, Header, description = "CHECKOUT_API_SECRET"),
        ("Stripe-Signature" = Option<String>, Header, description = "For `stripe`"),
    ),
    request_body(content = GenericPaymentWebhook, description = "The generic provider's body; Stripe's own event JSON for `stripe`"),
    responses(
        (status = 200, description = "Stored (and processed, or failed and kept)", body = WebhookReceipt),
        (status = 400, description = "Not an event of this provider, or no org", body = ErrorBody),
        (status = 401, description = "Wrong x-checkout-secret or provider signature", body = ErrorBody),
        (status = 404, description = "Unknown provider or organization", body = ErrorBody),
    ),
    security(()),
)]
pub async fn receive(
    req: HttpRequest,
    state: web::Data<AppState>,
    provider: web::Path<String>,
    query: web::Query<WebhookQuery>,
    body: web::Bytes,
) -> Result<web::Json<WebhookReceipt>, AppError> {
    let presented = req
        .headers()
        .get(CHECKOUT_SECRET_HEADER)
        .map(|value| value.as_bytes());
    let authentic = match (&state.settings.checkout_api_secret, presented) {
        (Some(secret), Some(presented)) => bool::from(secret.expose().as_bytes().ct_eq(presented)),
        _ => false,
    };
    if !authentic {
        return Err(ApiError::unauthorized(
            "INVALID_CHECKOUT_SECRET",
            "the x-checkout-secret header is missing or wrong",
            &state.links,
        )
        .into());
    }
    let provider: Provider = provider.parse()?;
    let org = query.org.map(OrgId::from_uuid).ok_or_else(|| {
        ApiError::validation(vec![FieldError::new(
            "org",
            "the organization id is required",
        )])
    })?;
    let delivery = Delivery {
        body: &body,
        stripe_signature: req
            .headers()
            .get("stripe-signature")
            .and_then(|value| value.to_str().ok()),
    };
    let (event, duplicate) =
        payments::receive(&state.db.conn, org, provider, delivery, state.now()).await?;
    Ok(web::Json(WebhookReceipt {
        event: event.wire(),
        duplicate,
    }))
}
