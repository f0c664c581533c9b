//! Storefront domains: the hostnames whose `Host` resolves to this organization.

use actix_web::{HttpResponse, web};
use api_http::{ApiError, FieldError, Json};
use api_types::ErrorBody;
use api_types::operations;
use api_types::store::{AddStoreDomainRequest, HostnamePath, List, StoreDomainView};
use db::repo::store_domains::{self, StoreDomain};
use identity::permissions::Permission;
use resolve_caller::{ApiCaller, Hostname};

use crate::authorize;
use crate::errors::AppError;
use crate::extract::ClientInfo;
use crate::state::AppState;

fn view(domain: StoreDomain) -> StoreDomainView {
    StoreDomainView {
        hostname: domain.hostname,
        created_at: domain.created_at,
    }
}

fn invalid(field: &str) -> impl FnOnce(resolve_caller::InvalidHostname) -> ApiError + '_ {
    move |e| ApiError::validation(vec![FieldError::new(field, e.to_string())])
}

/// The organization's storefront hostnames. Scope `admin`.
#[utoipa::path(
    get, path = "/v1/admin/store/domains", operation_id = operations::ADMIN_LIST_STORE_DOMAINS, tag = "store",
    responses(
        (status = 200, description = "Hostnames, oldest first", body = List<StoreDomainView>),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
    ),
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: ApiCaller,
) -> Result<web::Json<List<StoreDomainView>>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_LIST_STORE_DOMAINS,
        Permission::StoreDomainList,
    )
    .await?;
    let domains = store_domains::list(&state.db.conn, caller.org_id()).await?;
    Ok(web::Json(List {
        data: domains.into_iter().map(view).collect(),
    }))
}

/// Register a storefront hostname (normalised: lower case, no port, no trailing dot). A hostname
/// belongs to at most one organization. Scope `admin`.
#[utoipa::path(
    post, path = "/v1/admin/store/domains", operation_id = operations::ADMIN_ADD_STORE_DOMAIN, tag = "store",
    request_body = AddStoreDomainRequest,
    responses(
        (status = 201, description = "Registered", body = StoreDomainView),
        (status = 400, description = "Not a hostname", body = ErrorBody),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
        (status = 409, description = "HOSTNAME_TAKEN", body = ErrorBody),
    ),
)]
pub async fn add(
    state: web::Data<AppState>,
    caller: ApiCaller,
    client: ClientInfo,
    body: Json<AddStoreDomainRequest>,
) -> Result<HttpResponse, AppError> {
    authorize::admin_with(
        &state,
        &caller,
        operations::ADMIN_ADD_STORE_DOMAIN,
        Permission::StoreDomainCreate,
        &*body,
    )
    .await?;
    let host = Hostname::parse_name(&body.hostname).map_err(invalid("hostname"))?;
    let actor = client.actor_for(&caller);
    let domain = state
        .identity
        .add_store_domain(caller.org_id(), &actor, &host)
        .await?;
    Ok(HttpResponse::Created().json(view(domain)))
}

/// Remove one of the organization's hostnames; it stops resolving at once on this instance.
/// Scope `admin`.
#[utoipa::path(
    delete, path = "/v1/admin/store/domains/{hostname}", operation_id = operations::ADMIN_REMOVE_STORE_DOMAIN, tag = "store",
    params(HostnamePath),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
        (status = 404, description = "Not a hostname of this organization", body = ErrorBody),
    ),
)]
pub async fn remove(
    state: web::Data<AppState>,
    caller: ApiCaller,
    client: ClientInfo,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_REMOVE_STORE_DOMAIN,
        Permission::StoreDomainDelete,
    )
    .await?;
    // Parsed as a `Host` is, so that a hostname registered before names were checked stays removable.
    let host = Hostname::parse(&path).map_err(invalid("path.hostname"))?;
    let actor = client.actor_for(&caller);
    state
        .identity
        .remove_store_domain(caller.org_id(), &actor, &host)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
