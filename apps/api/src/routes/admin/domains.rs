//! Storefront domains: the hostnames whose `Host` resolves to this organization, once proven.

use actix_web::{HttpResponse, web};
use api_http::{ApiError, FieldError, Json};
use api_types::ErrorBody;
use api_types::operations;
use api_types::store::{
    AddStoreDomainRequest, HostnamePath, List, StoreDomainView, VerificationRecord,
};
use db::repo::store_domains::{self, StoreDomain};
use domain::DomainProof;
use identity::permissions::Permission;
use identity::store_domains::verification_record;
use resolve_caller::{ApiCaller, Hostname};

use crate::authorize;
use crate::errors::AppError;
use crate::extract::ClientInfo;
use crate::state::AppState;

fn view(domain: StoreDomain) -> StoreDomainView {
    let verification = (domain.proof == DomainProof::Dns && !domain.verification_token.is_empty())
        .then(|| {
            let (name, value) = verification_record(&domain.hostname, &domain.verification_token);
            VerificationRecord {
                record_type: "TXT".to_owned(),
                name,
                value,
            }
        });
    StoreDomainView {
        hostname: domain.hostname,
        status: domain.status,
        proof: domain.proof,
        verification,
        verified_at: domain.verified_at,
        checked_at: domain.checked_at,
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

/// Claim a storefront hostname (normalised: lower case, no port, no trailing dot). It serves the
/// storefront once proven: a name under the platform's store domain at once; any other after its
/// DNS TXT record (in `verification`) is published and checked (`adminVerifyStoreDomain`, or the
/// periodic check). IP addresses, single labels, `localhost` and the platform's own hosts are
/// refused; a hostname another store proved is taken. Scope `admin`.
#[utoipa::path(
    post, path = "/v1/admin/store/domains", operation_id = operations::ADMIN_ADD_STORE_DOMAIN, tag = "store",
    request_body = AddStoreDomainRequest,
    responses(
        (status = 201, description = "Registered", body = StoreDomainView),
        (status = 400, description = "Not a hostname, or one no store may claim", body = ErrorBody),
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

/// Look up a pending hostname's TXT record now and verify it when the record holds its token;
/// a verified hostname is answered as it is. Scope `admin`.
#[utoipa::path(
    post, path = "/v1/admin/store/domains/{hostname}/verify", operation_id = operations::ADMIN_VERIFY_STORE_DOMAIN, tag = "store",
    params(HostnamePath),
    responses(
        (status = 200, description = "Verified", body = StoreDomainView),
        (status = 400, description = "Not a hostname", body = ErrorBody),
        (status = 403, description = "Not an admin caller", body = ErrorBody),
        (status = 404, description = "Not a hostname of this organization", body = ErrorBody),
        (status = 409, description = "DNS_RECORD_NOT_FOUND, or HOSTNAME_TAKEN when another store proved it first", body = ErrorBody),
    ),
)]
pub async fn verify(
    state: web::Data<AppState>,
    caller: ApiCaller,
    client: ClientInfo,
    path: web::Path<String>,
) -> Result<web::Json<StoreDomainView>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_VERIFY_STORE_DOMAIN,
        Permission::StoreDomainVerify,
    )
    .await?;
    let host = Hostname::parse(&path).map_err(invalid("path.hostname"))?;
    let actor = client.actor_for(&caller);
    let domain = state
        .identity
        .verify_store_domain(caller.org_id(), &actor, &host, state.dns.as_ref())
        .await?;
    Ok(web::Json(view(domain)))
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
