//! The store's customers.

use actix_web::{HttpRequest, HttpResponse, web};
use api_http::Json;
use api_types::ErrorBody;
use api_types::commerce::IdempotencyKeyHeader;
use api_types::commerce::{CreateCustomerRequest, Customer, UpdateCustomerRequest};
use api_types::operations;
use api_types::store::{Page, PageQuery};
use commerce::{PageRequest, customers};
use domain::CustomerId;
use identity::permissions::Permission;
use resolve_caller::ApiCaller;
use uuid::Uuid;

use crate::authorize;
use crate::errors::AppError;
use crate::idempotent;
use crate::state::AppState;
use crate::wire::ToWire;

/// Customers, newest first. Scope `admin`.
#[utoipa::path(
    get, path = "/v1/admin/customers", operation_id = operations::ADMIN_LIST_CUSTOMERS, tag = "customers",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of customers", body = Page<Customer>),
        (status = 400, description = "Bad limit or cursor", body = ErrorBody),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
    ),
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: ApiCaller,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<Customer>>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_LIST_CUSTOMERS,
        Permission::CustomerRead,
    )
    .await?;
    let page = PageRequest::parse(query.limit, query.cursor.as_deref())?;
    let (data, next_cursor) = customers::list(&state.db.conn, caller.org_id(), page).await?;
    Ok(web::Json(Page {
        data: data.wire(),
        next_cursor,
    }))
}

/// Create a customer (one per email in the store). An `Idempotency-Key` makes retries safe.
/// Scope `admin`.
#[utoipa::path(
    post, path = "/v1/admin/customers", operation_id = operations::ADMIN_CREATE_CUSTOMER, tag = "customers",
    params(IdempotencyKeyHeader),
    request_body = CreateCustomerRequest,
    responses(
        (status = 201, description = "Created", body = Customer),
        (status = 400, description = "Bad email or name", body = ErrorBody),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
        (status = 409, description = "CUSTOMER_EXISTS", body = ErrorBody),
        (status = 422, description = "IDEMPOTENCY_KEY_REUSED", body = ErrorBody),
    ),
)]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: ApiCaller,
    body: Json<CreateCustomerRequest>,
) -> Result<HttpResponse, AppError> {
    authorize::admin_with(
        &state,
        &caller,
        operations::ADMIN_CREATE_CUSTOMER,
        Permission::CustomerCreate,
        &*body,
    )
    .await?;
    let request = body.into_inner();
    let key = idempotent::key(&req, &caller, operations::ADMIN_CREATE_CUSTOMER, &request)?;
    let (org, now) = (caller.org_id(), state.now());
    idempotent::created(&state, key, move |txn| {
        Box::pin(async move {
            customers::create(txn, org, request, now)
                .await
                .map(ToWire::wire)
        })
    })
    .await
}

/// One customer. Scope `admin`.
#[utoipa::path(
    get, path = "/v1/admin/customers/{id}", operation_id = operations::ADMIN_GET_CUSTOMER, tag = "customers",
    params(("id" = Uuid, Path, description = "Customer id")),
    responses(
        (status = 200, description = "The customer", body = Customer),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
        (status = 404, description = "No such customer in this store", body = ErrorBody),
    ),
)]
pub async fn get(
    state: web::Data<AppState>,
    caller: ApiCaller,
    id: web::Path<Uuid>,
) -> Result<web::Json<Customer>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_GET_CUSTOMER,
        Permission::CustomerRead,
    )
    .await?;
    let customer =
        customers::get(&state.db.conn, caller.org_id(), CustomerId::from_uuid(*id)).await?;
    Ok(web::Json(customer.wire()))
}

/// Change a customer's email or name. Scope `admin`.
#[utoipa::path(
    patch, path = "/v1/admin/customers/{id}", operation_id = operations::ADMIN_UPDATE_CUSTOMER, tag = "customers",
    params(("id" = Uuid, Path, description = "Customer id")),
    request_body = UpdateCustomerRequest,
    responses(
        (status = 200, description = "The customer", body = Customer),
        (status = 400, description = "Bad email or name", body = ErrorBody),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
        (status = 404, description = "No such customer in this store", body = ErrorBody),
        (status = 409, description = "CUSTOMER_EXISTS", body = ErrorBody),
    ),
)]
pub async fn update(
    state: web::Data<AppState>,
    caller: ApiCaller,
    id: web::Path<Uuid>,
    body: Json<UpdateCustomerRequest>,
) -> Result<web::Json<Customer>, AppError> {
    authorize::admin_with(
        &state,
        &caller,
        operations::ADMIN_UPDATE_CUSTOMER,
        Permission::CustomerUpdate,
        &*body,
    )
    .await?;
    let customer = customers::update(
        &state.db.conn,
        caller.org_id(),
        CustomerId::from_uuid(*id),
        body.into_inner(),
        state.now(),
    )
    .await?;
    Ok(web::Json(customer.wire()))
}
