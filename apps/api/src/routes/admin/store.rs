//! Store settings and the numbers of a period.

use actix_web::web;
use api_http::Json;
use api_types::ErrorBody;
use api_types::commerce::{Stats, StatsQuery, StoreSettings, UpdateStoreRequest};
use api_types::operations;
use commerce::{stats, store};
use identity::permissions::Permission;
use resolve_caller::ApiCaller;

use crate::authorize;
use crate::errors::AppError;
use crate::state::AppState;
use crate::wire::ToWire as _;

/// The store's settings. Scope `admin`.
#[utoipa::path(
    get, path = "/v1/admin/store", operation_id = operations::ADMIN_GET_STORE, tag = "store",
    responses(
        (status = 200, description = "The settings", body = StoreSettings),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
    ),
)]
pub async fn get(
    state: web::Data<AppState>,
    caller: ApiCaller,
) -> Result<web::Json<StoreSettings>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_GET_STORE,
        Permission::StoreRead,
    )
    .await?;
    let settings = store::settings(&state.db.conn, caller.org_id()).await?;
    Ok(web::Json(settings.wire()))
}

/// Change the store's name, currency (while it has no products), support email, accent colour
/// (`#rrggbb`; `""` clears it) or Stripe webhook secret. Scope `admin`; owners and admins.
#[utoipa::path(
    patch, path = "/v1/admin/store", operation_id = operations::ADMIN_UPDATE_STORE, tag = "store",
    request_body = UpdateStoreRequest,
    responses(
        (status = 200, description = "The settings", body = StoreSettings),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 403, description = "Not an admin caller, or a member", body = ErrorBody),
        (status = 409, description = "CURRENCY_LOCKED", body = ErrorBody),
    ),
)]
pub async fn update(
    state: web::Data<AppState>,
    caller: ApiCaller,
    body: Json<UpdateStoreRequest>,
) -> Result<web::Json<StoreSettings>, AppError> {
    authorize::admin_with(
        &state,
        &caller,
        operations::ADMIN_UPDATE_STORE,
        Permission::StoreUpdate,
        &*body,
    )
    .await?;
    let settings = store::update(
        &state.db.conn,
        caller.org_id(),
        body.into_inner(),
        state.now(),
    )
    .await?;
    Ok(web::Json(settings.wire()))
}

/// Revenue (paid minus refunded), in all and per UTC day, orders by status, average order value
/// and top products of a period of at most 366 days (default: the last 30 days). Scope `admin`.
#[utoipa::path(
    get, path = "/v1/admin/stats", operation_id = operations::ADMIN_GET_STATS, tag = "store",
    params(StatsQuery),
    responses(
        (status = 200, description = "The numbers", body = Stats),
        (status = 400, description = "VALIDATION_ERROR on `from`: not before `to`, or more than 366 days before it", body = ErrorBody),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
    ),
)]
pub async fn stats(
    state: web::Data<AppState>,
    caller: ApiCaller,
    query: web::Query<StatsQuery>,
) -> Result<web::Json<Stats>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_GET_STATS,
        Permission::StatsRead,
    )
    .await?;
    let numbers = stats::period(
        &state.db.conn,
        caller.org_id(),
        query.from,
        query.to,
        state.now(),
    )
    .await?;
    Ok(web::Json(numbers.wire()))
}
