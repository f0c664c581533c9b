//! The catalog, as the merchant manages it.

use actix_web::{HttpRequest, HttpResponse, web};
use api_http::Json;
use api_types::ErrorBody;
use api_types::commerce::IdempotencyKeyHeader;
use api_types::commerce::{CreateProductRequest, Product, ProductQuery, UpdateProductRequest};
use api_types::operations;
use api_types::store::Page;
use commerce::catalog::{self, Audience};
use domain::ProductId;
use identity::permissions::Permission;
use resolve_caller::ApiCaller;
use uuid::Uuid;

use crate::authorize;
use crate::errors::AppError;
use crate::idempotent;
use crate::state::AppState;
use crate::wire::ToWire;

/// Products of any status, newest first; filter by `status`, search by `q`. Scope `admin`.
#[utoipa::path(
    get, path = "/v1/admin/products", operation_id = operations::ADMIN_LIST_PRODUCTS, tag = "catalog",
    params(ProductQuery),
    responses(
        (status = 200, description = "A page of products", body = Page<Product>),
        (status = 400, description = "Bad limit, cursor or query", body = ErrorBody),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
    ),
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: ApiCaller,
    query: web::Query<ProductQuery>,
) -> Result<web::Json<Page<Product>>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_LIST_PRODUCTS,
        Permission::ProductRead,
    )
    .await?;
    let (data, next_cursor) =
        catalog::list_products(&state.db.conn, caller.org_id(), &query, Audience::Admin).await?;
    Ok(web::Json(Page {
        data: data.wire(),
        next_cursor,
    }))
}

/// Create a product with its variants, prices (in the store's currency) and starting stock. An
/// `Idempotency-Key` makes retries safe. Scope `admin`.
#[utoipa::path(
    post, path = "/v1/admin/products", operation_id = operations::ADMIN_CREATE_PRODUCT, tag = "catalog",
    params(IdempotencyKeyHeader),
    request_body = CreateProductRequest,
    responses(
        (status = 201, description = "Created", body = Product),
        (status = 400, description = "Invalid fields, named in details", body = ErrorBody),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
        (status = 409, description = "HANDLE_TAKEN or SKU_TAKEN", body = ErrorBody),
        (status = 422, description = "IDEMPOTENCY_KEY_REUSED", body = ErrorBody),
    ),
)]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: ApiCaller,
    body: Json<CreateProductRequest>,
) -> Result<HttpResponse, AppError> {
    authorize::admin_with(
        &state,
        &caller,
        operations::ADMIN_CREATE_PRODUCT,
        Permission::ProductCreate,
        &*body,
    )
    .await?;
    let request = body.into_inner();
    let key = idempotent::key(&req, &caller, operations::ADMIN_CREATE_PRODUCT, &request)?;
    let (org, now) = (caller.org_id(), state.now());
    let currency = commerce::store::currency(&state.db.conn, org).await?;
    idempotent::created(&state, key, move |txn| {
        Box::pin(async move {
            catalog::create_product(txn, org, currency, request, now)
                .await
                .map(ToWire::wire)
        })
    })
    .await
}

/// One product, whatever its status. Scope `admin`.
#[utoipa::path(
    get, path = "/v1/admin/products/{id}", operation_id = operations::ADMIN_GET_PRODUCT, tag = "catalog",
    params(("id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = Product),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
        (status = 404, description = "No such product in this store", body = ErrorBody),
    ),
)]
pub async fn get(
    state: web::Data<AppState>,
    caller: ApiCaller,
    id: web::Path<Uuid>,
) -> Result<web::Json<Product>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_GET_PRODUCT,
        Permission::ProductRead,
    )
    .await?;
    let product = catalog::get_product(
        &state.db.conn,
        caller.org_id(),
        ProductId::from_uuid(*id),
        Audience::Admin,
    )
    .await?;
    Ok(web::Json(product.wire()))
}

/// Change a product (title, handle, description, status) and its variants' titles and prices.
/// Scope `admin`.
#[utoipa::path(
    patch, path = "/v1/admin/products/{id}", operation_id = operations::ADMIN_UPDATE_PRODUCT, tag = "catalog",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = UpdateProductRequest,
    responses(
        (status = 200, description = "The product", body = Product),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
        (status = 404, description = "No such product or variant in this store", body = ErrorBody),
        (status = 409, description = "HANDLE_TAKEN", body = ErrorBody),
    ),
)]
pub async fn update(
    state: web::Data<AppState>,
    caller: ApiCaller,
    id: web::Path<Uuid>,
    body: Json<UpdateProductRequest>,
) -> Result<web::Json<Product>, AppError> {
    authorize::admin_with(
        &state,
        &caller,
        operations::ADMIN_UPDATE_PRODUCT,
        Permission::ProductUpdate,
        &*body,
    )
    .await?;
    let product = catalog::update_product(
        &state.db.conn,
        caller.org_id(),
        ProductId::from_uuid(*id),
        body.into_inner(),
        state.now(),
    )
    .await?;
    Ok(web::Json(product.wire()))
}

/// Archive a product: storefronts stop seeing it; orders keep their lines. Scope `admin`.
#[utoipa::path(
    delete, path = "/v1/admin/products/{id}", operation_id = operations::ADMIN_ARCHIVE_PRODUCT, tag = "catalog",
    params(("id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "The archived product", body = Product),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
        (status = 404, description = "No such product in this store", body = ErrorBody),
    ),
)]
pub async fn archive(
    state: web::Data<AppState>,
    caller: ApiCaller,
    id: web::Path<Uuid>,
) -> Result<web::Json<Product>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_ARCHIVE_PRODUCT,
        Permission::ProductArchive,
    )
    .await?;
    let product = catalog::archive_product(
        &state.db.conn,
        caller.org_id(),
        ProductId::from_uuid(*id),
        state.now(),
    )
    .await?;
    Ok(web::Json(product.wire()))
}
