//! Payment events: what the checkout app forwarded, and a way to retry what failed.

use actix_web::web;
use api_types::ErrorBody;
use api_types::commerce::PaymentEvent;
use api_types::operations;
use api_types::store::Page;
use commerce::{PageRequest, payments};
use domain::{PaymentEventId, PaymentEventStatus};
use identity::permissions::Permission;
use resolve_caller::ApiCaller;
use serde::Deserialize;
use uuid::Uuid;

use crate::authorize;
use crate::errors::AppError;
use crate::state::AppState;
use crate::wire::ToWire as _;

/// `GET /v1/admin/payment-events`
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentEventQuery {
    /// 1 to 100 (default 20).
    #[serde(default)]
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    #[serde(default)]
    #[param(schema_with = api_types::shapes::cursor)]
    cursor: Option<String>,
    #[serde(default)]
    status: Option<PaymentEventStatus>,
}

/// Payment events, newest first, optionally of one status. Scope `admin`; owners and admins.
#[utoipa::path(
    get, path = "/v1/admin/payment-events", operation_id = operations::ADMIN_LIST_PAYMENT_EVENTS, tag = "orders",
    params(PaymentEventQuery),
    responses(
        (status = 200, description = "A page of events", body = Page<PaymentEvent>),
        (status = 400, description = "Bad limit, cursor or status", body = ErrorBody),
        (status = 403, description = "Not an admin caller, or a member", body = ErrorBody),
    ),
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: ApiCaller,
    query: web::Query<PaymentEventQuery>,
) -> Result<web::Json<Page<PaymentEvent>>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_LIST_PAYMENT_EVENTS,
        Permission::PaymentEventRead,
    )
    .await?;
    let page = PageRequest::parse(query.limit, query.cursor.as_deref())?;
    let (data, next_cursor) =
        payments::list(&state.db.conn, caller.org_id(), query.status, page).await?;
    Ok(web::Json(Page {
        data: data.wire(),
        next_cursor,
    }))
}

/// Process a failed payment event again (once the order it names exists, say). Scope `admin`;
/// owners and admins.
#[utoipa::path(
    post, path = "/v1/admin/payment-events/{id}/retry", operation_id = operations::ADMIN_RETRY_PAYMENT_EVENT, tag = "orders",
    params(("id" = Uuid, Path, description = "Payment event id")),
    responses(
        (status = 200, description = "The event after the retry (processed, or failed again)", body = PaymentEvent),
        (status = 403, description = "Not an admin caller, or a member", body = ErrorBody),
        (status = 404, description = "No such event in this store", body = ErrorBody),
        (status = 409, description = "NOT_RETRYABLE", body = ErrorBody),
    ),
)]
pub async fn retry(
    state: web::Data<AppState>,
    caller: ApiCaller,
    id: web::Path<Uuid>,
) -> Result<web::Json<PaymentEvent>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_RETRY_PAYMENT_EVENT,
        Permission::PaymentEventRetry,
    )
    .await?;
    let event = payments::retry(
        &state.db.conn,
        caller.org_id(),
        PaymentEventId::from_uuid(*id),
        state.now(),
    )
    .await?;
    Ok(web::Json(event.wire()))
}
