//! The organization's audit log.

use actix_web::web;
use api_types::ErrorBody;
use api_types::operations;
use api_types::store::{AuditEventView, Page, PageQuery};
use commerce::PageRequest;
use identity::permissions::Permission;
use resolve_caller::ApiCaller;

use crate::authorize;
use crate::errors::AppError;
use crate::state::AppState;

const DEFAULT_LIMIT: u32 = 50;

/// Security-relevant events of the organization, newest first. Scope `admin`; owners and admins.
#[utoipa::path(
    get, path = "/v1/admin/audit-events", operation_id = operations::ADMIN_LIST_AUDIT_EVENTS, tag = "store",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of events", body = Page<AuditEventView>),
        (status = 400, description = "Bad limit or cursor", body = ErrorBody),
        (status = 403, description = "Not an admin caller, or a member without the right", body = ErrorBody),
    ),
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: ApiCaller,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<AuditEventView>>, AppError> {
    authorize::admin(
        &state,
        &caller,
        operations::ADMIN_LIST_AUDIT_EVENTS,
        Permission::AuditLogRead,
    )
    .await?;
    // The log reads best a longer page at a time; the bounds and cursors are every list's.
    let page = PageRequest::parse(query.limit.or(Some(DEFAULT_LIMIT)), query.cursor.as_deref())?;
    let mut events = state
        .identity
        .audit_events_of(caller.org_id(), page.before, page.fetch())
        .await?;
    let next_cursor = page.finish(&mut events, |event| event.id);
    let data: Vec<AuditEventView> = events
        .into_iter()
        .map(|event| AuditEventView {
            id: event.id,
            action: event.action,
            actor_kind: event.actor_kind,
            actor_user_id: event.actor_user_id.map(|user| user.as_uuid()),
            principal_id: event.principal_id,
            subject: event.subject,
            details: serde_json::from_str(&event.details).unwrap_or(serde_json::Value::Null),
            ip_address: event.ip_address,
            created_at: event.created_at,
        })
        .collect();
    Ok(web::Json(Page { data, next_cursor }))
}
