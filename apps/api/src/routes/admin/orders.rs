//! Orders, as the merchant manages them: list, look at, record a payment, fulfil, cancel, refund.

use actix_web::{HttpRequest, HttpResponse, web};
use api_http::Json;
use api_types::ErrorBody;
use api_types::commerce::IdempotencyKeyHeader;
use api_types::commerce::{Order, OrderQuery, RecordPaymentRequest, Refund, RefundRequest};
use api_types::operations;
use api_types::store::Page;
use commerce::orders;
use domain::OrderId;
use identity::AuditAction;
use identity::permissions::Permission;
use resolve_caller::ApiCaller;
use serde_json::json;
use uuid::Uuid;

use crate::authorize;
use crate::errors::AppError;
use crate::extract::ClientInfo;
use crate::idempotent;
use crate::state::AppState;
use crate::wire::ToWire as _;

/// Orders, newest first; filter by `status`, `customerId`, `from`, `to`. Scope `admin`.
#[utoipa::path(
    get, path = "/v1/admin/orders", operation_id = operations::ADMIN_LIST_ORDERS, tag = "orders",
    params(OrderQuery),
    responses(
        (status = 200, description = "A page of orders", body = Page<Order>),
        (status = 400, description = "Bad filter, limit or cursor", body = ErrorBody),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
    ),
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: ApiCaller,
    query: web::Query<OrderQuery>,
) -> Result<web::Json<Page<Order>>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_LIST_ORDERS,
        Permission::OrderRead,
    )
    .await?;
    let (data, next_cursor) = orders::list(&state.db.conn, caller.org_id(), &query).await?;
    Ok(web::Json(Page {
        data: data.wire(),
        next_cursor,
    }))
}

/// One order. Scope `admin`.
#[utoipa::path(
    get, path = "/v1/admin/orders/{id}", operation_id = operations::ADMIN_GET_ORDER, tag = "orders",
    params(("id" = Uuid, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
        (status = 404, description = "No such order in this store", body = ErrorBody),
    ),
)]
pub async fn get(
    state: web::Data<AppState>,
    caller: ApiCaller,
    id: web::Path<Uuid>,
) -> Result<web::Json<Order>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_GET_ORDER,
        Permission::OrderRead,
    )
    .await?;
    let order = orders::get(&state.db.conn, caller.org_id(), OrderId::from_uuid(*id)).await?;
    Ok(web::Json(order.wire()))
}

/// `paid → fulfilled`. Scope `admin`.
#[utoipa::path(
    post, path = "/v1/admin/orders/{id}/fulfil", operation_id = operations::ADMIN_FULFIL_ORDER, tag = "orders",
    params(("id" = Uuid, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
        (status = 404, description = "No such order in this store", body = ErrorBody),
        (status = 409, description = "ILLEGAL_TRANSITION", body = ErrorBody),
    ),
)]
pub async fn fulfil(
    state: web::Data<AppState>,
    caller: ApiCaller,
    id: web::Path<Uuid>,
) -> Result<web::Json<Order>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_FULFIL_ORDER,
        Permission::OrderFulfil,
    )
    .await?;
    let order = orders::fulfil(
        &state.db.conn,
        caller.org_id(),
        OrderId::from_uuid(*id),
        state.now(),
    )
    .await?;
    Ok(web::Json(order.wire()))
}

/// `pending_payment → cancelled`, giving its stock back. Scope `admin`.
#[utoipa::path(
    post, path = "/v1/admin/orders/{id}/cancel", operation_id = operations::ADMIN_CANCEL_ORDER, tag = "orders",
    params(("id" = Uuid, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
        (status = 404, description = "No such order in this store", body = ErrorBody),
        (status = 409, description = "ILLEGAL_TRANSITION", body = ErrorBody),
    ),
)]
pub async fn cancel(
    state: web::Data<AppState>,
    caller: ApiCaller,
    id: web::Path<Uuid>,
) -> Result<web::Json<Order>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_CANCEL_ORDER,
        Permission::OrderCancel,
    )
    .await?;
    let order = orders::cancel(
        &state.db.conn,
        caller.org_id(),
        OrderId::from_uuid(*id),
        state.now(),
    )
    .await?;
    Ok(web::Json(order.wire()))
}

/// Refund part or all of a paid order, never more than remains paid; audited. An
/// `Idempotency-Key` makes retries safe. Scope `admin`; owners and admins.
#[utoipa::path(
    post, path = "/v1/admin/orders/{id}/refunds", operation_id = operations::ADMIN_REFUND_ORDER, tag = "orders",
    params(
        ("id" = Uuid, Path, description = "Order id"),
        IdempotencyKeyHeader,
    ),
    request_body = RefundRequest,
    responses(
        (status = 201, description = "The refund", body = Refund),
        (status = 400, description = "Bad amount or reason", body = ErrorBody),
        (status = 403, description = "Not an admin caller, or a member", body = ErrorBody),
        (status = 404, description = "No such order in this store", body = ErrorBody),
        (status = 409, description = "REFUND_EXCEEDS_PAID or ILLEGAL_TRANSITION", body = ErrorBody),
        (status = 422, description = "IDEMPOTENCY_KEY_REUSED", body = ErrorBody),
    ),
)]
pub async fn refund(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: ApiCaller,
    client: ClientInfo,
    id: web::Path<Uuid>,
    body: Json<RefundRequest>,
) -> Result<HttpResponse, AppError> {
    authorize::admin_with(
        &state,
        &caller,
        operations::ADMIN_REFUND_ORDER,
        Permission::OrderRefund,
        &*body,
    )
    .await?;
    let request = body.into_inner();
    let order = OrderId::from_uuid(*id);
    let key = idempotent::key(
        &req,
        &caller,
        operations::ADMIN_REFUND_ORDER,
        &(order, &request),
    )?;
    let (org, now, actor) = (caller.org_id(), state.now(), client.actor_for(&caller));
    let identity = state.identity.clone();
    idempotent::created(&state, key, move |txn| {
        Box::pin(async move {
            let refund =
                orders::refund(txn, org, order, request.amount, request.reason, now).await?;
            let details = json!({
                "orderId": order,
                "amount": refund.amount,
                "reason": refund.reason,
            });
            identity
                .audit_in(
                    txn,
                    org,
                    &actor,
                    AuditAction::OrderRefunded,
                    Some(order.to_string()),
                    &details,
                )
                .await?;
            Ok(refund.wire())
        })
    })
    .await
}

/// Record money received outside the checkout (a bank transfer, cash) for the whole total of an
/// order awaiting payment: `pending_payment → paid`, audited. An `Idempotency-Key` makes retries
/// safe. Scope `admin`; owners and admins.
#[utoipa::path(
    post, path = "/v1/admin/orders/{id}/payments", operation_id = operations::ADMIN_RECORD_PAYMENT, tag = "orders",
    params(
        ("id" = Uuid, Path, description = "Order id"),
        IdempotencyKeyHeader,
    ),
    request_body = RecordPaymentRequest,
    responses(
        (status = 200, description = "The order, paid", body = Order),
        (status = 400, description = "An amount other than the order's total, a bad method or reference", body = ErrorBody),
        (status = 403, description = "Not an admin caller, or a member", body = ErrorBody),
        (status = 404, description = "No such order in this store", body = ErrorBody),
        (status = 409, description = "ILLEGAL_TRANSITION (not awaiting payment) or IDEMPOTENCY_IN_PROGRESS", body = ErrorBody),
        (status = 422, description = "IDEMPOTENCY_KEY_REUSED", body = ErrorBody),
    ),
)]
pub async fn record_payment(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: ApiCaller,
    client: ClientInfo,
    id: web::Path<Uuid>,
    body: Json<RecordPaymentRequest>,
) -> Result<HttpResponse, AppError> {
    authorize::admin_with(
        &state,
        &caller,
        operations::ADMIN_RECORD_PAYMENT,
        Permission::OrderRecordPayment,
        &*body,
    )
    .await?;
    let request = body.into_inner();
    let order = OrderId::from_uuid(*id);
    let key = idempotent::key(
        &req,
        &caller,
        operations::ADMIN_RECORD_PAYMENT,
        &(order, &request),
    )?;
    let (org, now, actor) = (caller.org_id(), state.now(), client.actor_for(&caller));
    let identity = state.identity.clone();
    idempotent::changed(&state, key, move |txn| {
        Box::pin(async move {
            let paid = orders::record_manual_payment(txn, org, order, &request, now).await?;
            let details = json!({
                "orderId": order,
                "amount": paid.paid,
                "method": request.method,
                "reference": request.reference.trim(),
            });
            identity
                .audit_in(
                    txn,
                    org,
                    &actor,
                    AuditAction::OrderPaymentRecorded,
                    Some(order.to_string()),
                    &details,
                )
                .await?;
            Ok(paid.wire())
        })
    })
    .await
}
