//! The storefront: the store's public face, catalog reads, carts, placing orders and a shopper's
//! own orders. Scope
//! `storefront` (a `Host`, a shopper's session, a storefront key or an agent with these grants).

use actix_web::{HttpRequest, HttpResponse, web};
use api_http::{ApiError, Json, OptionalJson};
use api_types::ErrorBody;
use api_types::commerce::IdempotencyKeyHeader;
use api_types::commerce::{
    AddCartItemRequest, Cart, CreateCartRequest, Order, PlaceOrderRequest, Product, ProductQuery,
    StorefrontView, UpdateCartItemRequest,
};
use api_types::operations;
use api_types::store::{Page, PageQuery};
use commerce::carts::{self, Shopper};
use commerce::catalog::{self, Audience};
use commerce::{PageRequest, orders, store};
use domain::{CartId, CartItemId, ProductId, VariantId};
use resolve_caller::ApiCaller;
use uuid::Uuid;

use crate::authorize;
use crate::errors::AppError;
use crate::idempotent;
use crate::order_mail;
use crate::state::AppState;
use crate::wire::{self, ToWire as _};

fn shopper(caller: &ApiCaller) -> Shopper {
    Shopper(caller.user_id())
}

/// The store's public face: its name, currency, accent colour and support address. Scope
/// `storefront`.
#[utoipa::path(
    get, path = "/v1/store", operation_id = operations::GET_STOREFRONT, tag = "storefront",
    responses(
        (status = 200, description = "The store, as its storefront shows it", body = StorefrontView),
        (status = 403, description = "Not a storefront caller", body = ErrorBody),
    ),
    security((), ("apiKey" = []), ("sessionCookie" = []), ("agentJwt" = [])),
)]
pub async fn get_storefront(
    state: web::Data<AppState>,
    caller: ApiCaller,
) -> Result<web::Json<StorefrontView>, AppError> {
    authorize::storefront(&caller, operations::GET_STOREFRONT)?;
    let settings = store::settings(&state.db.conn, caller.org_id()).await?;
    Ok(web::Json(wire::storefront_view(settings)))
}

/// Published products, newest first, with cursor pagination and a title search. Scope `storefront`.
#[utoipa::path(
    get, path = "/v1/products", operation_id = operations::LIST_PRODUCTS, tag = "storefront",
    params(ProductQuery),
    responses(
        (status = 200, description = "A page of products", body = Page<Product>),
        (status = 400, description = "Bad limit, cursor or query", body = ErrorBody),
        (status = 403, description = "Not a storefront caller", body = ErrorBody),
    ),
    security((), ("apiKey" = []), ("sessionCookie" = []), ("agentJwt" = [])),
)]
pub async fn list_products(
    state: web::Data<AppState>,
    caller: ApiCaller,
    query: web::Query<ProductQuery>,
) -> Result<web::Json<Page<Product>>, AppError> {
    authorize::storefront(&caller, operations::LIST_PRODUCTS)?;
    let (data, next_cursor) = catalog::list_products(
        &state.db.conn,
        caller.org_id(),
        &query,
        Audience::Storefront,
    )
    .await?;
    Ok(web::Json(Page {
        data: data.wire(),
        next_cursor,
    }))
}

/// One published product. Scope `storefront`.
#[utoipa::path(
    get, path = "/v1/products/{id}", operation_id = operations::GET_PRODUCT, tag = "storefront",
    params(("id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = Product),
        (status = 403, description = "Not a storefront caller", body = ErrorBody),
        (status = 404, description = "No such published product in this store", body = ErrorBody),
    ),
    security((), ("apiKey" = []), ("sessionCookie" = []), ("agentJwt" = [])),
)]
pub async fn get_product(
    state: web::Data<AppState>,
    caller: ApiCaller,
    id: web::Path<Uuid>,
) -> Result<web::Json<Product>, AppError> {
    authorize::storefront(&caller, operations::GET_PRODUCT)?;
    let product = catalog::get_product(
        &state.db.conn,
        caller.org_id(),
        ProductId::from_uuid(*id),
        Audience::Storefront,
    )
    .await?;
    Ok(web::Json(product.wire()))
}

/// One published product by its handle (lower case, as stored). Scope `storefront`.
#[utoipa::path(
    get, path = "/v1/products/by-handle/{handle}", operation_id = operations::GET_PRODUCT_BY_HANDLE, tag = "storefront",
    params(("handle" = String, Path, description = "Product handle, e.g. `black-tee-2024`")),
    responses(
        (status = 200, description = "The product", body = Product),
        (status = 403, description = "Not a storefront caller", body = ErrorBody),
        (status = 404, description = "No such published product in this store", body = ErrorBody),
    ),
    security((), ("apiKey" = []), ("sessionCookie" = []), ("agentJwt" = [])),
)]
pub async fn get_product_by_handle(
    state: web::Data<AppState>,
    caller: ApiCaller,
    handle: web::Path<String>,
) -> Result<web::Json<Product>, AppError> {
    authorize::storefront(&caller, operations::GET_PRODUCT_BY_HANDLE)?;
    let product = catalog::get_product_by_handle(
        &state.db.conn,
        caller.org_id(),
        &handle,
        Audience::Storefront,
    )
    .await?;
    Ok(web::Json(product.wire()))
}

/// A new, empty cart in the store's currency (a signed-in shopper's own). Scope `storefront`.
#[utoipa::path(
    post, path = "/v1/carts", operation_id = operations::CREATE_CART, tag = "storefront",
    request_body = Option<CreateCartRequest>,
    responses(
        (status = 201, description = "The cart", body = Cart),
        (status = 400, description = "Not the store's currency", body = ErrorBody),
        (status = 403, description = "Not a storefront caller", body = ErrorBody),
    ),
    security((), ("apiKey" = []), ("sessionCookie" = []), ("agentJwt" = [])),
)]
pub async fn create_cart(
    state: web::Data<AppState>,
    caller: ApiCaller,
    OptionalJson(body): OptionalJson<CreateCartRequest>,
) -> Result<HttpResponse, AppError> {
    authorize::storefront(&caller, operations::CREATE_CART)?;
    let currency = body.and_then(|body| body.currency);
    let cart = carts::create(
        &state.db.conn,
        caller.org_id(),
        currency,
        shopper(&caller),
        state.now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(cart.wire()))
}

/// A cart with its lines, priced from the catalog now. Scope `storefront`.
#[utoipa::path(
    get, path = "/v1/carts/{id}", operation_id = operations::GET_CART, tag = "storefront",
    params(("id" = Uuid, Path, description = "Cart id")),
    responses(
        (status = 200, description = "The cart", body = Cart),
        (status = 403, description = "Not a storefront caller", body = ErrorBody),
        (status = 404, description = "No such cart for this caller", body = ErrorBody),
    ),
    security((), ("apiKey" = []), ("sessionCookie" = []), ("agentJwt" = [])),
)]
pub async fn get_cart(
    state: web::Data<AppState>,
    caller: ApiCaller,
    id: web::Path<Uuid>,
) -> Result<web::Json<Cart>, AppError> {
    authorize::storefront(&caller, operations::GET_CART)?;
    let cart = carts::get(
        &state.db.conn,
        caller.org_id(),
        CartId::from_uuid(*id),
        shopper(&caller),
    )
    .await?;
    Ok(web::Json(cart.wire()))
}

/// Add a published variant to a cart (1 to 1000 units per line). Scope `storefront`.
#[utoipa::path(
    post, path = "/v1/carts/{id}/items", operation_id = operations::ADD_CART_ITEM, tag = "storefront",
    params(("id" = Uuid, Path, description = "Cart id")),
    request_body = AddCartItemRequest,
    responses(
        (status = 200, description = "The cart", body = Cart),
        (status = 400, description = "Bad quantity", body = ErrorBody),
        (status = 403, description = "Not a storefront caller", body = ErrorBody),
        (status = 404, description = "No such cart or variant in this store", body = ErrorBody),
        (status = 409, description = "CART_NOT_OPEN", body = ErrorBody),
    ),
    security((), ("apiKey" = []), ("sessionCookie" = []), ("agentJwt" = [])),
)]
pub async fn add_cart_item(
    state: web::Data<AppState>,
    caller: ApiCaller,
    id: web::Path<Uuid>,
    body: Json<AddCartItemRequest>,
) -> Result<web::Json<Cart>, AppError> {
    authorize::storefront_with(&caller, operations::ADD_CART_ITEM, &*body)?;
    let cart = carts::add_item(
        &state.db.conn,
        caller.org_id(),
        CartId::from_uuid(*id),
        shopper(&caller),
        VariantId::from_uuid(body.variant_id),
        body.quantity,
        state.now(),
    )
    .await?;
    Ok(web::Json(cart.wire()))
}

/// Set a cart line's quantity. Scope `storefront`.
#[utoipa::path(
    patch, path = "/v1/carts/{id}/items/{itemId}", operation_id = operations::UPDATE_CART_ITEM, tag = "storefront",
    params(("id" = Uuid, Path, description = "Cart id"), ("itemId" = Uuid, Path, description = "Line id")),
    request_body = UpdateCartItemRequest,
    responses(
        (status = 200, description = "The cart", body = Cart),
        (status = 400, description = "Bad quantity", body = ErrorBody),
        (status = 403, description = "Not a storefront caller", body = ErrorBody),
        (status = 404, description = "No such cart or line", body = ErrorBody),
        (status = 409, description = "CART_NOT_OPEN", body = ErrorBody),
    ),
    security((), ("apiKey" = []), ("sessionCookie" = []), ("agentJwt" = [])),
)]
pub async fn update_cart_item(
    state: web::Data<AppState>,
    caller: ApiCaller,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<UpdateCartItemRequest>,
) -> Result<web::Json<Cart>, AppError> {
    authorize::storefront_with(&caller, operations::UPDATE_CART_ITEM, &*body)?;
    let (cart, item) = path.into_inner();
    let cart = carts::update_item(
        &state.db.conn,
        caller.org_id(),
        CartId::from_uuid(cart),
        shopper(&caller),
        CartItemId::from_uuid(item),
        body.quantity,
        state.now(),
    )
    .await?;
    Ok(web::Json(cart.wire()))
}

/// Remove a cart line. Scope `storefront`.
#[utoipa::path(
    delete, path = "/v1/carts/{id}/items/{itemId}", operation_id = operations::REMOVE_CART_ITEM, tag = "storefront",
    params(("id" = Uuid, Path, description = "Cart id"), ("itemId" = Uuid, Path, description = "Line id")),
    responses(
        (status = 200, description = "The cart", body = Cart),
        (status = 403, description = "Not a storefront caller", body = ErrorBody),
        (status = 404, description = "No such cart or line", body = ErrorBody),
        (status = 409, description = "CART_NOT_OPEN", body = ErrorBody),
    ),
    security((), ("apiKey" = []), ("sessionCookie" = []), ("agentJwt" = [])),
)]
pub async fn remove_cart_item(
    state: web::Data<AppState>,
    caller: ApiCaller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<web::Json<Cart>, AppError> {
    authorize::storefront(&caller, operations::REMOVE_CART_ITEM)?;
    let (cart, item) = path.into_inner();
    let cart = carts::remove_item(
        &state.db.conn,
        caller.org_id(),
        CartId::from_uuid(cart),
        shopper(&caller),
        CartItemId::from_uuid(item),
        state.now(),
    )
    .await?;
    Ok(web::Json(cart.wire()))
}

/// Place an order from a cart, reserving its stock, optionally with a shipping address. Send an
/// `Idempotency-Key`: a retry gets the first answer; the same key with another body (another
/// address too) is 422; while the first runs, 409. The answer's `statusKey` opens the order's
/// status page (`getOrder`). Scope `storefront`.
#[utoipa::path(
    post, path = "/v1/orders", operation_id = operations::PLACE_ORDER, tag = "storefront",
    params(IdempotencyKeyHeader),
    request_body = PlaceOrderRequest,
    responses(
        (status = 201, description = "The order, awaiting payment", body = Order),
        (status = 400, description = "Bad email, shipping address (`shippingAddress.city`…), empty cart or bad key", body = ErrorBody),
        (status = 403, description = "Not a storefront caller", body = ErrorBody),
        (status = 404, description = "No such cart for this caller", body = ErrorBody),
        (status = 409, description = "INSUFFICIENT_STOCK, CART_NOT_OPEN, VARIANT_UNAVAILABLE or IDEMPOTENCY_IN_PROGRESS", body = ErrorBody),
        (status = 422, description = "IDEMPOTENCY_KEY_REUSED", body = ErrorBody),
    ),
    security((), ("apiKey" = []), ("sessionCookie" = []), ("agentJwt" = [])),
)]
pub async fn place_order(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: ApiCaller,
    body: Json<PlaceOrderRequest>,
) -> Result<HttpResponse, AppError> {
    authorize::storefront_with(&caller, operations::PLACE_ORDER, &*body)?;
    let request = body.into_inner();
    let key = idempotent::key(&req, &caller, operations::PLACE_ORDER, &request)?;
    let (org, shopper, now) = (caller.org_id(), shopper(&caller), state.now());
    let cart = CartId::from_uuid(request.cart_id);
    let keys = state.order_keys.clone();
    let origin = order_mail::storefront_origin(&req, state.settings.environment);
    let placed = idempotent::created(&state, key, move |txn| {
        Box::pin(async move {
            let address = request.shipping_address.as_ref();
            let order =
                orders::place(txn, org, cart, shopper, &request.email, address, now).await?;
            let order = wire::keyed_order(&keys, org, order);
            let store = store::settings(txn, org).await?.name;
            let confirmation = order_mail::confirmation(store, &order, origin.as_deref());
            email::queue(txn, &order.email, &confirmation, now).await?;
            Ok(order)
        })
    })
    .await;
    state.outbox.ring();
    placed
}

/// One order, for its status page: answered to whoever sends its `key` (the order's `statusKey`)
/// on its store, and to the signed-in shopper who placed it; anyone else gets 404, as for an order
/// that does not exist. Scope `storefront`.
#[utoipa::path(
    get, path = "/v1/orders/{id}", operation_id = operations::GET_ORDER, tag = "storefront",
    params(("id" = Uuid, Path, description = "Order id"), api_types::commerce::OrderStatusQuery),
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 403, description = "Not a storefront caller", body = ErrorBody),
        (status = 404, description = "No such order for this key or shopper in this store", body = ErrorBody),
    ),
    security((), ("apiKey" = []), ("sessionCookie" = []), ("agentJwt" = [])),
)]
pub async fn get_order(
    state: web::Data<AppState>,
    caller: ApiCaller,
    id: web::Path<Uuid>,
    query: web::Query<api_types::commerce::OrderStatusQuery>,
) -> Result<web::Json<Order>, AppError> {
    authorize::storefront(&caller, operations::GET_ORDER)?;
    let reader = orders::StatusReader {
        key: query.key.as_deref(),
        shopper: caller.user_id(),
    };
    let (org, id) = (caller.org_id(), domain::OrderId::from_uuid(*id));
    let order =
        orders::get_on_storefront(&state.db.conn, &state.order_keys, org, id, reader).await?;
    Ok(web::Json(state.with_status_key(org, order)))
}

/// The signed-in shopper's own orders in this store, newest first. Scope `storefront`, with a
/// shopper's session.
#[utoipa::path(
    get, path = "/v1/customer/orders", operation_id = operations::LIST_CUSTOMER_ORDERS, tag = "storefront",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of your orders", body = Page<Order>),
        (status = 401, description = "No valid caller, or not signed in", body = ErrorBody),
        (status = 403, description = "Not a storefront caller", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = []), ("agentJwt" = [])),
)]
pub async fn list_customer_orders(
    state: web::Data<AppState>,
    caller: ApiCaller,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<Order>>, AppError> {
    authorize::storefront(&caller, operations::LIST_CUSTOMER_ORDERS)?;
    let Some(user) = caller.user_id() else {
        return Err(ApiError::unauthorized(
            "UNAUTHORIZED",
            "sign in to see your orders",
            &state.links,
        )
        .into());
    };
    let page = PageRequest::parse(query.limit, query.cursor.as_deref())?;
    let (data, next_cursor) =
        orders::list_for_shopper(&state.db.conn, caller.org_id(), user, page).await?;
    let data = data
        .into_iter()
        .map(|order| state.with_status_key(caller.org_id(), order))
        .collect();
    Ok(web::Json(Page { data, next_cursor }))
}
