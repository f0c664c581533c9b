//! Stock levels and adjustments.

use actix_web::{HttpRequest, HttpResponse, web};
use api_http::Json;
use api_types::ErrorBody;
use api_types::commerce::IdempotencyKeyHeader;
use api_types::commerce::{AdjustInventoryRequest, InventoryLevel};
use api_types::operations;
use api_types::store::{Page, PageQuery};
use commerce::PageRequest;
use commerce::inventory::{self, Adjuster};
use domain::VariantId;
use identity::permissions::Permission;
use resolve_caller::ApiCaller;
use uuid::Uuid;

use crate::authorize;
use crate::errors::AppError;
use crate::idempotent;
use crate::state::AppState;
use crate::wire;

/// Every variant's stock, newest first. Scope `admin`.
#[utoipa::path(
    get, path = "/v1/admin/inventory", operation_id = operations::ADMIN_LIST_INVENTORY, tag = "catalog",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of stock levels", body = Page<InventoryLevel>),
        (status = 400, description = "Bad limit or cursor", body = ErrorBody),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
    ),
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: ApiCaller,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<InventoryLevel>>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_LIST_INVENTORY,
        Permission::InventoryRead,
    )
    .await?;
    let page = PageRequest::parse(query.limit, query.cursor.as_deref())?;
    let (data, next_cursor) = inventory::list(&state.db.conn, caller.org_id(), page).await?;
    Ok(web::Json(Page {
        data: data.into_iter().map(wire::inventory_level).collect(),
        next_cursor,
    }))
}

/// Add or remove stock of a variant, with a reason (kept). Stock never goes below zero. An
/// `Idempotency-Key` makes retries safe: a replay answers the first level and never applies twice.
/// Scope `admin`.
#[utoipa::path(
    post, path = "/v1/admin/inventory/{variantId}/adjustments", operation_id = operations::ADMIN_ADJUST_INVENTORY, tag = "catalog",
    params(
        ("variantId" = Uuid, Path, description = "Variant id"),
        IdempotencyKeyHeader,
    ),
    request_body = AdjustInventoryRequest,
    responses(
        (status = 200, description = "The new level", body = InventoryLevel),
        (status = 400, description = "Bad delta, reason or idempotency key", body = ErrorBody),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
        (status = 404, description = "No such variant in this store", body = ErrorBody),
        (status = 409, description = "INSUFFICIENT_STOCK or IDEMPOTENCY_IN_PROGRESS", body = ErrorBody),
        (status = 422, description = "IDEMPOTENCY_KEY_REUSED", body = ErrorBody),
    ),
)]
pub async fn adjust(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: ApiCaller,
    variant: web::Path<Uuid>,
    body: Json<AdjustInventoryRequest>,
) -> Result<HttpResponse, AppError> {
    authorize::admin_with(
        &state,
        &caller,
        operations::ADMIN_ADJUST_INVENTORY,
        Permission::InventoryAdjust,
        &*body,
    )
    .await?;
    let request = body.into_inner();
    let variant = VariantId::from_uuid(*variant);
    let key = idempotent::key(
        &req,
        &caller,
        operations::ADMIN_ADJUST_INVENTORY,
        &(variant, &request),
    )?;
    let adjuster = Adjuster {
        kind: caller.kind().as_str().to_owned(),
        principal_id: Some(caller.principal().to_string()),
    };
    let (org, now) = (caller.org_id(), state.now());
    idempotent::changed(&state, key, move |txn| {
        Box::pin(async move {
            inventory::adjust(
                txn,
                org,
                variant,
                request.delta,
                &request.reason,
                &adjuster,
                now,
            )
            .await
            .map(wire::inventory_level)
        })
    })
    .await
}
